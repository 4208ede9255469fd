//! The lines the state machine test types: a random start (packages per client,
//! perhaps a fault on) and lines steered towards joins by a rough guess of the
//! lab's state. Lines starting with `@` stand for bytes from outside the lab,
//! which the test makes with raw OpenMLS before it types the real line
//! ([`FOREIGN_GROUP_IDS`]).

use std::collections::{BTreeMap, BTreeSet};

use mls_lab::domain::Fault;
use proptest::prelude::*;
use proptest_state_machine::ReferenceStateMachine;

pub const CLIENTS: [&str; 3] = ["alice", "bob", "carol"];
pub const GROUPS: [&str; 2] = ["g0", "g1"];
/// Faults that change what the DS's directory offers while they are on: then
/// the offered packages may differ from the owners' views, by design.
pub const DIRECTORY_FAULTS: [Fault; 3] = [
    Fault::DoubleHandout,
    Fault::ServeExpired,
    Fault::ForgetLastResort,
];

/// The `GroupId`s of groups made outside the lab (`@foreign-welcome CLIENT ID`):
/// one that is a valid free name, a lab group's name, ones that break the name
/// rule (`#x`, the empty one, 300 bytes), and the real `GroupId` of alice's `g0`
/// (a forged Welcome reusing it).
pub const FOREIGN_GROUP_IDS: [&str; 6] = ["side", "g0", "#x", "empty", "long", "real-g0"];

/// Any of the lab's faults, by the name `ds fault` takes.
fn fault() -> impl Strategy<Value = &'static str> {
    prop::sample::select(Fault::ALL.map(Fault::name).to_vec())
}

/// One random line, as the user would type it.
#[derive(Debug, Clone)]
pub struct Line(pub String);

/// The reference side steers the lines towards joins (uniform lines almost never
/// generate, publish, create, add and join in that order); the rules themselves
/// are checked against the engine's own views, since a model of every rule would
/// repeat the engine.
pub struct Lines;

/// What the generator believes, roughly: it only guides which lines are likely.
#[derive(Debug, Clone, Default)]
pub struct Guess {
    /// A start: per client, normal packages published first, and a last-resort one.
    pub start: [(u32, bool); 3],
    /// A fault the start switches on (half the sessions), so that faults meet
    /// the claims and Welcomes they act on.
    pub start_fault: Option<&'static str>,
    /// Group index to its members (creator first).
    pub groups: BTreeMap<usize, Vec<usize>>,
    /// Clients that may have a Welcome waiting.
    pub invited: BTreeSet<usize>,
    /// Clients a Welcome was ever sent to (a replay goes to them again).
    pub ever_invited: BTreeSet<usize>,
    /// Clients that may have joined `side`, a group from outside.
    pub outside: BTreeSet<usize>,
}

fn client() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&CLIENTS[..])
}

fn group() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&GROUPS[..])
}

fn any_line() -> BoxedStrategy<String> {
    prop_oneof![
        // A newcomer (once: the second time is `ClientExists`), or one that exists.
        1 => prop::sample::select(&["dave", "alice"][..]).prop_map(|n| format!("clients {n}")),
        3 => (client(), 1u32..=3).prop_map(|(c, n)| format!("{c} generate {n}")),
        2 => client().prop_map(|c| format!("{c} generate --last-resort")),
        1 => client().prop_map(|c| format!("{c} generate --lifetime 2h")),
        3 => client().prop_map(|c| format!("{c} publish --all")),
        2 => (client(), client()).prop_map(|(c, o)| format!("{c} claim {o}")),
        2 => (client(), group()).prop_map(|(c, g)| format!("{c} create-group {g}")),
        2 => (client(), client(), group()).prop_map(|(c, m, g)| format!("{c} add {m} --to {g}")),
        1 => client().prop_map(|c| format!("{c} join")),
        1 => client().prop_map(|c| format!("{c} sync")),
        2 => Just("deliver".to_string()),
        1 => client().prop_map(|c| format!("{c} rotate-last-resort")),
        1 => (client(), prop::sample::select(&["@last", "@1"][..]))
            .prop_map(|(c, s)| format!("{c} delete-bundle {s}")),
        1 => client().prop_map(|c| format!("{c} self-update")),
        1 => prop::sample::select(&["+1h", "+1d", "+14d"][..]).prop_map(|d| format!("clock {d}")),
        1 => Just("ds replay-welcome".to_string()),
        1 => client().prop_map(|c| format!("ds forward-welcome {c}")),
        2 => (fault(), any::<bool>())
            .prop_map(|(f, on)| format!("ds fault {f} {}", if on { "on" } else { "off" })),
        1 => Just("ds release".to_string()),
        1 => prop::sample::select(&["ds policy claim-limit 2 --per 1h", "ds policy claim-limit off"][..])
            .prop_map(str::to_string),
        1 => (client(), 1u32..=3).prop_map(|(c, target)| format!("{c} pool --target {target} --refill-below {target}")),
        // Bytes from outside: a Welcome to a group another stack made, a key
        // package of an external client, and Commits in such groups.
        3 => (client(), prop::sample::select(&FOREIGN_GROUP_IDS[..]))
            .prop_map(|(c, id)| format!("@foreign-welcome {c} {id}")),
        2 => Just("@import zed".to_string()),
        1 => (client(), group()).prop_map(|(c, g)| format!("{c} add zed --to {g}")),
        1 => client().prop_map(|c| format!("{c} self-update side")),
        1 => (client(), client()).prop_map(|(c, m)| format!("{c} add {m} --to side")),
    ]
    .boxed()
}

impl ReferenceStateMachine for Lines {
    type State = Guess;
    type Transition = Line;

    fn init_state() -> BoxedStrategy<Self::State> {
        let start = [
            (0u32..=2, any::<bool>()),
            (0u32..=2, any::<bool>()),
            (0u32..=2, any::<bool>()),
        ];
        (start, prop::option::of(fault()))
            .prop_map(|(start, start_fault)| Guess {
                start,
                start_fault,
                // The start ends with `alice create-group g0`.
                groups: BTreeMap::from([(0, vec![0])]),
                ..Guess::default()
            })
            .boxed()
    }

    fn transitions(guess: &Self::State) -> BoxedStrategy<Self::Transition> {
        let groups: Vec<(usize, Vec<usize>)> =
            guess.groups.iter().map(|(g, m)| (*g, m.clone())).collect();
        let invited: Vec<usize> = guess.invited.iter().copied().collect();
        let add = if groups.is_empty() {
            (client(), group())
                .prop_map(|(c, g)| format!("{c} create-group {g}"))
                .boxed()
        } else {
            (prop::sample::select(groups), 0usize..3)
                .prop_map(|((g, members), m)| {
                    // Mostly someone not yet in the group.
                    let outsider = (0..3).find(|c| !members.contains(c)).unwrap_or(m);
                    let member = if m == 0 { m } else { outsider };
                    format!(
                        "{} add {} --to {}",
                        CLIENTS[members[0]], CLIENTS[member], GROUPS[g]
                    )
                })
                .boxed()
        };
        let join = if invited.is_empty() {
            prop_oneof![
                Just("ds replay-welcome".to_string()),
                client().prop_map(|c| format!("ds forward-welcome {c}")),
            ]
            .boxed()
        } else {
            prop::sample::select(invited)
                .prop_map(|c| format!("{} join", CLIENTS[c]))
                .boxed()
        };
        // A replay or a forward after a join is what makes joins fail.
        let join_weight = match (guess.invited.is_empty(), guess.ever_invited.is_empty()) {
            (false, _) => 4,
            (true, false) => 2,
            (true, true) => 1,
        };
        // Commits in a group from outside, by a client that may be in it.
        let outside: Vec<usize> = guess.outside.iter().copied().collect();
        let (outside_weight, commit_outside) = if outside.is_empty() {
            (0, Just("deliver".to_string()).boxed())
        } else {
            let commit = (prop::sample::select(outside), client(), any::<bool>())
                .prop_map(|(c, m, update)| match update {
                    true => format!("{} self-update side", CLIENTS[c]),
                    false => format!("{} add {m} --to side", CLIENTS[c]),
                })
                .boxed();
            (2, commit)
        };
        prop_oneof![
            4 => any_line(),
            3 => add,
            join_weight => join,
            outside_weight => commit_outside,
        ]
        .prop_map(Line)
        .boxed()
    }

    fn apply(mut guess: Self::State, Line(line): &Self::Transition) -> Self::State {
        let words: Vec<&str> = line.split(' ').collect();
        let index = |name: &str| CLIENTS.iter().position(|c| *c == name);
        let group_index = |name: &str| GROUPS.iter().position(|g| *g == name);
        match words.as_slice() {
            [who, "create-group", g] => {
                if let (Some(c), Some(g)) = (index(who), group_index(g)) {
                    guess.groups.entry(g).or_insert_with(|| vec![c]);
                }
            }
            [_, "add", member, "--to", g] => {
                if let (Some(m), Some(g)) = (index(member), group_index(g)) {
                    guess.invited.insert(m);
                    guess.ever_invited.insert(m);
                    if let Some(members) = guess.groups.get_mut(&g) {
                        if !members.contains(&m) {
                            members.push(m);
                        }
                    }
                }
            }
            ["ds", "replay-welcome"] => guess.invited.extend(guess.ever_invited.iter().copied()),
            ["ds", "forward-welcome", to] => guess.invited.extend(index(to)),
            ["@foreign-welcome", who, "side"] => guess.outside.extend(index(who)),
            [who, "join"] => {
                if let Some(c) = index(who) {
                    guess.invited.remove(&c);
                }
            }
            _ => {}
        }
        guess
    }
}
