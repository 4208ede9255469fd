//! A state machine over random command sequences (issue "exploratory testing", §5):
//! three real OpenMLS clients and the real DS take random lines of the command
//! vocabulary (generate, publish, claim, create-group, add, join, sync, deliver,
//! rotate, delete-bundle, self-update, clock, the DS's replay and forward, every
//! DS fault on and off, `ds release`, the claim limit and pools), and after every
//! line these hold:
//!
//! 1. no normal key package reference is used to join twice (RFC 9420 §16.8),
//!    whatever the DS does, faults included;
//! 2. a private bundle is in storage exactly when its package is unused, a
//!    last-resort one, or rotated out, and was not deleted on purpose;
//! 3. the DS's directory agrees with the owners' views: the normal packages it
//!    offers are exactly the owner's published, unclaimed, valid ones (unless a
//!    fault that changes the directory is on), it lists no
//!    rotated-out last-resort package, and its hand-out counter equals the claims
//!    in the log;
//! 4. every failure is a typed error with a known code, and the DS task is alive.
//!
//! Shrinking is `proptest-state-machine`'s: a failure comes back as the shortest
//! sequence of lines that still breaks a rule.

use std::collections::{BTreeMap, BTreeSet};

use mls_lab::engine::{Engine, EngineError, EventKind, Lifecycle};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};

const CLIENTS: [&str; 3] = ["alice", "bob", "carol"];
const GROUPS: [&str; 2] = ["g0", "g1"];
const FAULTS: [&str; 9] = [
    "double-handout",
    "tamper-handout",
    "serve-expired",
    "drop-welcome",
    "duplicate-welcome",
    "hold-welcome",
    "reorder-commits",
    "bare-framing",
    "forget-last-resort",
];
/// Faults that change what the DS's directory offers while they are on: then
/// the offered packages may differ from the owners' views, by design.
const DIRECTORY_FAULTS: [&str; 3] = ["double-handout", "serve-expired", "forget-last-resort"];

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// One random line, as the user would type it.
#[derive(Debug, Clone)]
struct Line(String);

/// The reference side steers the lines towards joins (uniform lines almost never
/// generate, publish, create, add and join in that order); the rules themselves
/// are checked against the engine's own views, since a model of every rule would
/// repeat the engine.
struct Lines;

/// What the generator believes, roughly: it only guides which lines are likely.
#[derive(Debug, Clone, Default)]
struct Guess {
    /// A start: per client, normal packages published first, and a last-resort one.
    start: [(u32, bool); 3],
    /// A fault the start switches on (half the sessions), so that faults meet
    /// the claims and Welcomes they act on.
    start_fault: Option<&'static str>,
    /// Group index to its members (creator first).
    groups: BTreeMap<usize, Vec<usize>>,
    /// Clients that may have a Welcome waiting.
    invited: BTreeSet<usize>,
    /// Clients a Welcome was ever sent to (a replay goes to them again).
    ever_invited: BTreeSet<usize>,
}

fn client() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&CLIENTS[..])
}

fn group() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&GROUPS[..])
}

fn any_line() -> BoxedStrategy<String> {
    prop_oneof![
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
        2 => (prop::sample::select(&FAULTS[..]), any::<bool>())
            .prop_map(|(f, on)| format!("ds fault {f} {}", if on { "on" } else { "off" })),
        1 => Just("ds release".to_string()),
        1 => prop::sample::select(&["ds policy claim-limit 2 --per 1h", "ds policy claim-limit off"][..])
            .prop_map(str::to_string),
        1 => (client(), 1u32..=3).prop_map(|(c, target)| format!("{c} pool --target {target} --refill-below {target}")),
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
        (start, prop::option::of(prop::sample::select(&FAULTS[..])))
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
        prop_oneof![4 => any_line(), 3 => add, join_weight => join]
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

struct Lab {
    engine: Engine,
    /// Faults switched on by a line that succeeded, and not off since.
    faults_on: BTreeSet<String>,
}

impl StateMachineTest for Lab {
    type SystemUnderTest = Lab;
    type Reference = Lines;

    fn init_test(guess: &Guess) -> Lab {
        runtime().block_on(async {
            let mut engine = Engine::new();
            let mut start = vec!["clients alice bob carol".to_string()];
            for (name, (normal, last_resort)) in CLIENTS.iter().zip(guess.start) {
                if normal > 0 {
                    start.push(format!("{name} generate {normal}"));
                }
                if last_resort {
                    start.push(format!("{name} generate --last-resort"));
                }
                start.push(format!("{name} publish --all"));
            }
            start.push("alice create-group g0".to_string());
            let mut faults_on = BTreeSet::new();
            if let Some(fault) = guess.start_fault {
                start.push(format!("ds fault {fault} on"));
                faults_on.insert(fault.to_string());
            }
            for line in start {
                if let Err(error) = engine.execute_line(&line).await {
                    typed(&line, &error);
                }
            }
            Lab { engine, faults_on }
        })
    }

    fn apply(mut lab: Lab, _: &Guess, Line(line): Line) -> Lab {
        let result = runtime().block_on(lab.engine.execute_line(&line));
        match result {
            Ok(()) => {
                if let ["ds", "fault", fault, on] = line.split(' ').collect::<Vec<_>>()[..] {
                    if on == "on" {
                        lab.faults_on.insert(fault.to_string());
                    } else {
                        lab.faults_on.remove(fault);
                    }
                }
            }
            Err(error) => typed(&line, &error),
        }
        lab
    }

    fn check_invariants(lab: &Lab, _: &Guess) {
        let directory_faulty = DIRECTORY_FAULTS.iter().any(|f| lab.faults_on.contains(*f));
        runtime().block_on(check(&lab.engine, directory_faulty));
    }

    fn teardown(lab: Lab, _: Guess) {
        record_reach(&lab.engine);
    }
}

/// Rule 4: a failure names a code the lab documents (or an OpenMLS error passed
/// through by name), with a message, and never means the DS task died.
fn typed(line: &str, error: &EngineError) {
    let code = error.code();
    assert_ne!(code, "DsUnavailable", "'{line}' lost the DS: {error}");
    assert!(
        !code.is_empty() && !error.to_string().is_empty(),
        "'{line}'"
    );
    assert!(
        EngineError::CODES.contains(&code.as_str()) || matches!(error, EngineError::Mls { .. }),
        "'{line}' failed with an undocumented code {code}: {error}"
    );
}

/// References used by a Welcome at their owner: joined through, or named by a
/// Welcome the owner processed (OpenMLS deletes a normal bundle then even if the
/// join fails).
fn used_references(engine: &Engine) -> BTreeMap<String, BTreeSet<String>> {
    let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for event in engine.events() {
        let kp_ref = match &event.kind {
            EventKind::GroupJoined { kp_ref, .. } => Some(kp_ref),
            EventKind::JoinFailed { kp_ref, .. } => kp_ref.as_ref(),
            _ => None,
        };
        if let Some(kp_ref) = kp_ref {
            used.entry(event.actor.clone())
                .or_default()
                .insert(kp_ref.clone());
        }
    }
    used
}

/// What the event log says about each reference: its lifetime, whether it was
/// published and claimed; and each owner's hand-outs.
#[derive(Default)]
struct Log {
    lifetimes: BTreeMap<String, (u64, u64)>,
    published: BTreeSet<String>,
    claimed: BTreeSet<String>,
    claims: BTreeMap<String, u64>,
}

impl Log {
    fn read(engine: &Engine) -> Self {
        let mut log = Log::default();
        for event in engine.events() {
            match &event.kind {
                EventKind::KeyPackageGenerated {
                    kp_ref,
                    not_before,
                    not_after,
                    ..
                } => {
                    log.lifetimes
                        .insert(kp_ref.clone(), (*not_before, *not_after));
                }
                EventKind::KeyPackagePublished { kp_ref, .. } => {
                    log.published.insert(kp_ref.clone());
                }
                EventKind::KeyPackageClaimed { kp_ref, owner, .. } => {
                    log.claimed.insert(kp_ref.clone());
                    *log.claims.entry(owner.clone()).or_default() += 1;
                }
                _ => {}
            }
        }
        log
    }

    /// Whether the DS should still offer this normal package at `now`.
    fn offered(&self, kp_ref: &str, now: u64) -> bool {
        let valid = self
            .lifetimes
            .get(kp_ref)
            .is_some_and(|(not_before, not_after)| *not_before <= now && now < *not_after);
        valid && self.published.contains(kp_ref) && !self.claimed.contains(kp_ref)
    }
}

/// `directory_faulty`: a fault that changes what the DS offers is on, so the
/// offered packages are not compared with the owners' views (everything else is).
async fn check(engine: &Engine, directory_faulty: bool) {
    // Rule 1.
    let mut joined_normal = BTreeSet::new();
    for event in engine.events() {
        if let EventKind::GroupJoined {
            kp_ref,
            last_resort: false,
            group,
            ..
        } = &event.kind
        {
            assert!(
                joined_normal.insert(kp_ref.clone()),
                "{} joined {group} through normal package {kp_ref} a second time",
                event.actor
            );
        }
    }

    let view = engine.view().await.expect("the DS answers");
    let used = used_references(engine);
    let log = Log::read(engine);
    let no_refs = BTreeSet::new();
    for client in &view.clients {
        let used_here = used.get(&client.name).unwrap_or(&no_refs);
        // Rule 2.
        for row in &client.key_packages {
            let expected = match &row.state {
                Lifecycle::BundleDeleted => false,
                Lifecycle::Generated
                | Lifecycle::Published
                | Lifecycle::Claimed { .. }
                | Lifecycle::UsedToJoin { .. }
                | Lifecycle::RetainedLastResort { .. }
                | Lifecycle::Expired
                | Lifecycle::NotYetValid
                | Lifecycle::Rejected { .. }
                | Lifecycle::RotatedOut => row.last_resort || !used_here.contains(&row.kp_ref),
            };
            assert_eq!(
                row.bundle_present, expected,
                "{}'s package {} ({}, last resort: {}): bundle present {}",
                client.name, row.kp_ref, row.state, row.last_resort, row.bundle_present
            );
        }
        // Rule 3.
        let directory = view.ds.clients.get(&client.name);
        let offered: BTreeSet<String> = directory
            .map(|d| {
                d.normal
                    .iter()
                    .filter(|e| e.valid_at(view.now))
                    .map(|e| mls_lab::engine::wire::ref_hex(&e.kp_ref))
                    .collect()
            })
            .unwrap_or_default();
        // A bundle deleted on purpose hides the package's DS state from its owner
        // (the lab does not tell the DS): the log says whether it is still offered.
        let published: BTreeSet<String> = client
            .key_packages
            .iter()
            .filter(|r| {
                !r.last_resort
                    && match &r.state {
                        Lifecycle::Published => true,
                        Lifecycle::BundleDeleted => log.offered(&r.kp_ref, view.now),
                        _ => false,
                    }
            })
            .map(|r| r.kp_ref.clone())
            .collect();
        if !directory_faulty {
            assert_eq!(
                offered, published,
                "{}'s normal packages at the DS",
                client.name
            );
        }
        for entry in directory.map(|d| d.last_resort.as_slice()).unwrap_or(&[]) {
            let listed = mls_lab::engine::wire::ref_hex(&entry.kp_ref);
            let row = client.key_packages.iter().find(|r| r.kp_ref == listed);
            assert!(
                row.is_some_and(|r| r.last_resort && r.state != Lifecycle::RotatedOut),
                "the DS lists {listed} as {}'s last-resort package",
                client.name
            );
        }
        let claimed_in_log = log.claims.get(&client.name).copied().unwrap_or(0);
        assert_eq!(
            directory.map_or(0, |d| d.claims),
            claimed_in_log,
            "{}'s hand-outs at the DS against the log",
            client.name
        );
    }
}

/// A point a session can reach, the share of sessions (percent) that must reach
/// it, and how to tell from the event log. The shares are about half of what a
/// run of 256 cases reaches (or less for the rare ones), so that only a
/// generator that stopped reaching a point fails, not an unlucky seed.
struct Reach {
    name: &'static str,
    percent: usize,
    reached: fn(&EventKind) -> bool,
}

const REACHES: [Reach; 6] = [
    Reach {
        name: "a join",
        percent: 20,
        reached: |k| matches!(k, EventKind::GroupJoined { .. }),
    },
    Reach {
        name: "a failed join",
        percent: 4,
        reached: |k| matches!(k, EventKind::JoinFailed { .. }),
    },
    Reach {
        name: "a last-resort join",
        percent: 5,
        reached: |k| {
            matches!(
                k,
                EventKind::GroupJoined {
                    last_resort: true,
                    ..
                }
            )
        },
    },
    Reach {
        name: "a claim that failed",
        percent: 10,
        reached: |k| matches!(k, EventKind::ClaimFailed { .. }),
    },
    Reach {
        name: "a fault that acted",
        percent: 8,
        reached: |k| matches!(k, EventKind::DsFaultActed { .. }),
    },
    Reach {
        name: "a pool refill",
        percent: 3,
        reached: |k| matches!(k, EventKind::PoolRefilled { .. }),
    },
];

/// Sessions run, then sessions that reached each of [`REACHES`]; recorded at each
/// session's end.
static SESSIONS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static REACHED: [std::sync::atomic::AtomicUsize; REACHES.len()] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; REACHES.len()];

fn record_reach(engine: &Engine) {
    use std::sync::atomic::Ordering::Relaxed;
    SESSIONS.fetch_add(1, Relaxed);
    for (reach, counter) in REACHES.iter().zip(&REACHED) {
        let hit = engine.events().iter().any(|e| (reach.reached)(&e.kind));
        counter.fetch_add(usize::from(hit), Relaxed);
    }
}

/// 256 random sessions of 1 to 12 lines each; then each interesting point must
/// have been reached by its share of them ([`REACHES`]).
#[test]
fn random_command_sequences_keep_the_rules() {
    // At least 256; `PROPTEST_CASES` asks for a longer run.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .map_or(256, |n: u32| n.max(256));
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    let mut runner = proptest::test_runner::TestRunner::new(config.clone());
    runner
        .run(
            &Lines::sequential_strategy(1..12),
            |(state, lines, seen)| {
                Lab::test_sequential(config.clone(), state, lines, seen);
                Ok(())
            },
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
    use std::sync::atomic::Ordering::Relaxed;
    let sessions = SESSIONS.load(Relaxed);
    let counts: Vec<usize> = REACHED.iter().map(|c| c.load(Relaxed)).collect();
    let summary: Vec<String> = REACHES
        .iter()
        .zip(&counts)
        .map(|(reach, n)| format!("{} {n}", reach.name))
        .collect();
    eprintln!("of {sessions} sessions: {}", summary.join(", "));
    for (reach, n) in REACHES.iter().zip(counts) {
        assert!(
            n * 100 >= sessions * reach.percent,
            "only {n} of {sessions} sessions reached {} (at least {} % must)",
            reach.name,
            reach.percent
        );
    }
}
