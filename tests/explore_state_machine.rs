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
//! 4. every failure is a typed error with a known code, and the DS task is alive.
//!
//! Shrinking is `proptest-state-machine`'s: a failure comes back as the shortest
//! sequence of lines that still breaks a rule.

mod explore;

use std::collections::BTreeSet;

use explore::lines::{Guess, Line, Lines, CLIENTS, DIRECTORY_FAULTS};
use explore::rules::{check, typed};
use mls_lab::command::Execute as _;
use mls_lab::domain::Fault;
use mls_lab::engine::{Engine, EventKind};
use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest};

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
            Lab { engine, faults_on }
        })
    }

    fn apply(mut lab: Lab, _: &Guess, Line(line): Line) -> Lab {
        let result = runtime().block_on(lab.engine.execute_line(&line));
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
        runtime().block_on(check(&lab.engine, directory_faulty));
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

const REACHES: [Reach; 6] = [
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
