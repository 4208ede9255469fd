//! A state machine over random command sequences (issue "exploratory testing", §5):
//! three real OpenMLS clients and the real DS take random lines of the command
//! vocabulary (clients, generate, publish, claim, create-group, add, join, sync, deliver,
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
//! 4. every failure is a typed error with a known code, and the DS task is alive;
//! 5. a failed command changes nothing: epochs, members, key packages and
//!    their bundles, wallets, the DS's directory, rosters and mailboxes are as
//!    they were (a failed join may consume the joiner's bundle, as the protocol
//!    says; reading the mailbox is not one step: `explore::unchanged`).
//!
//! Besides the lab's own lines, the sessions take bytes from outside: Welcomes
//! to groups made by raw OpenMLS (GroupIds that are no valid name, a lab
//! group's name, a lab group's real GroupId) and key packages of an external
//! client, and Commits in groups joined that way.
//!
//! Shrinking is `proptest-state-machine`'s: a failure comes back as the shortest
//! sequence of lines that still breaks a rule.

mod explore;
mod rules_common;

use std::collections::BTreeSet;

use explore::lines::{Guess, Line, Lines, CLIENTS, DIRECTORY_FAULTS};
use explore::rules::{check, typed};
use explore::unchanged::{allowed, Allowed, State};
use mls_lab::command::Execute as _;
use mls_lab::domain::Fault;
use mls_lab::engine::{Engine, EventKind};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};
use rules_common::{encode, Identity, SUITE_1};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

struct Lab {
    engine: Engine,
    /// Faults switched on by a line that succeeded, and not off since.
    faults_on: BTreeSet<Fault>,
    /// Another MLS stack: it makes groups, Welcomes and key packages.
    zed: Identity,
    /// Where the bytes from outside are written.
    dir: tempfile::TempDir,
    /// Files written so far (for their names).
    files: usize,
    /// The state the last check saw: where the next line starts from.
    checked: std::cell::RefCell<Option<State>>,
}

impl Lab {
    /// The line to type for `line`: itself, or for an `@` line the real line
    /// after the bytes from outside it stands for were written to a file.
    fn real_line(&mut self, line: &str) -> String {
        let words: Vec<&str> = line.split(' ').collect();
        match words[..] {
            ["@foreign-welcome", joiner, id] => self.foreign_welcome(joiner, id),
            ["@import", name] => {
                let key_package = self.zed.key_package(SUITE_1, false);
                let file = self.write(&encode(&key_package));
                format!("import-key-package {file} --as {name}")
            }
            _ => line.to_string(),
        }
    }

    /// Another stack makes a group with the `GroupId` `id` stands for and adds `joiner`'s
    /// newest key package; the line joins from the Welcome's file.
    fn foreign_welcome(&mut self, joiner: &str, id: &str) -> String {
        let group_id = match id {
            "empty" => Vec::new(),
            "long" => vec![b'a'; 300],
            "real-g0" => self
                .engine
                .client("alice")
                .ok()
                .and_then(|a| a.group_id("g0"))
                .unwrap_or_else(|| b"g0".to_vec()),
            other => other.as_bytes().to_vec(),
        };
        let key_package = self
            .engine
            .client(joiner)
            .ok()
            .and_then(|c| c.inventory().last())
            .map(|entry| entry.key_package.clone());
        let Some(key_package) = key_package else {
            // Nothing to be welcomed with: a file that is no Welcome.
            let file = self.write(b"not a Welcome");
            return format!("{joiner} join --welcome {file}");
        };
        // A stack of its own for each group: one storage holds a GroupId once.
        let stack = Identity::new("yan");
        let mut group = stack.create_group_with_id(SUITE_1, &group_id);
        let welcome = stack.add(&mut group, &[key_package]);
        let file = self.write(&welcome);
        format!("{joiner} join --welcome {file}")
    }

    fn write(&mut self, bytes: &[u8]) -> String {
        self.files += 1;
        let path = self.dir.path().join(format!("in-{}", self.files));
        std::fs::write(&path, bytes).expect("a file from outside is written");
        path.to_string_lossy().into_owned()
    }
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
                faults_on.extend(fault.parse::<Fault>());
            }
            for line in start {
                if let Err(error) = engine.execute_line(&line).await {
                    typed(&line, &error);
                }
            }
            Lab {
                engine,
                faults_on,
                zed: Identity::new("zed"),
                dir: tempfile::tempdir().expect("a temp dir"),
                files: 0,
                checked: std::cell::RefCell::new(None),
            }
        })
    }

    fn apply(mut lab: Lab, _: &Guess, Line(line): Line) -> Lab {
        let line = lab.real_line(&line);
        let checked = lab.checked.borrow_mut().take();
        let before = checked.unwrap_or_else(|| runtime().block_on(State::of(&lab.engine)));
        let result = runtime().block_on(lab.engine.execute_line(&line));
        // Rule 5.
        if result.is_err() {
            let after = runtime().block_on(State::of(&lab.engine));
            let refused_handouts = after.handed_out_since(&before);
            let before = before.without_handouts_of(&refused_handouts);
            let after = after.without_handouts_of(&refused_handouts);
            match allowed(&line) {
                Allowed::Nothing => {
                    assert_eq!(after, before, "'{line}' failed and changed the lab")
                }
                Allowed::BundlesOf(joiner) => assert_eq!(
                    after.without_bundles_of(&joiner),
                    before.without_bundles_of(&joiner),
                    "'{line}' failed and changed the lab"
                ),
                Allowed::Anything => {}
            }
        }
        match result {
            Ok(()) => {
                if let ["ds", "fault", fault, on] = line.split(' ').collect::<Vec<_>>()[..] {
                    if let Ok(fault) = fault.parse::<Fault>() {
                        if on == "on" {
                            lab.faults_on.insert(fault);
                        } else {
                            lab.faults_on.remove(&fault);
                        }
                    }
                }
            }
            Err(error) => typed(&line, &error),
        }
        lab
    }

    fn check_invariants(lab: &Lab, _: &Guess) {
        let directory_faulty = DIRECTORY_FAULTS.iter().any(|f| lab.faults_on.contains(f));
        let view = runtime().block_on(check(&lab.engine, directory_faulty));
        *lab.checked.borrow_mut() = Some(State::from_view(view));
    }

    fn teardown(lab: Lab, _: Guess) {
        record_reach(&lab.engine);
    }
}

/// A point a session can reach, the share of sessions (percent) that must reach
/// it, and how to tell from the event log. The shares are an eighth to a quarter
/// of what runs of 256 cases reach (each more than four standard deviations below),
/// so that a generator that stopped reaching a point fails, and an unlucky
/// seed does not.
struct Reach {
    name: &'static str,
    percent: usize,
    reached: fn(&EventKind) -> bool,
}

const REACHES: [Reach; 8] = [
    Reach {
        name: "a join",
        percent: 10,
        reached: |k| matches!(k, EventKind::GroupJoined { .. }),
    },
    Reach {
        name: "a failed join",
        percent: 1,
        reached: |k| matches!(k, EventKind::JoinFailed { .. }),
    },
    Reach {
        name: "a last-resort join",
        percent: 1,
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
        percent: 5,
        reached: |k| matches!(k, EventKind::ClaimFailed { .. }),
    },
    Reach {
        name: "a fault that acted",
        percent: 5,
        reached: |k| matches!(k, EventKind::DsFaultActed { .. }),
    },
    Reach {
        name: "a pool refill",
        percent: 1,
        reached: |k| matches!(k, EventKind::PoolRefilled { .. }),
    },
    Reach {
        name: "a Welcome from outside",
        percent: 5,
        reached: |k| matches!(k, EventKind::WelcomeImported { .. }),
    },
    Reach {
        name: "an imported key package",
        percent: 5,
        reached: |k| matches!(k, EventKind::KeyPackageImported { .. }),
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
