//! Property tests of the key package rules (RFC 9420 §16.8, RFC 9750 §5.1) with real
//! OpenMLS clients and the real Delivery Service task.
//!
//! - A: concurrent claimers never get the same normal key package twice; once the
//!   normal ones are gone, every claim gets the last-resort package (if there is
//!   one) or `NoKeyPackageAvailable`, and the DS's counters agree.
//! - B: driven only through the command vocabulary, no normal key package is ever
//!   used to join twice, replayed Welcomes fail, and the client ends up in exactly
//!   the groups the rules allow.
//!
//! Each case does real crypto, so the case count is small.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use mls_lab::engine::ds::Claimed;
use mls_lab::engine::wire::ref_hex;
use mls_lab::engine::{Engine, EngineError, EventKind, Outcome};
use proptest::prelude::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

async fn run(engine: &mut Engine, line: &str) {
    if let Err(e) = engine.execute_line(line).await {
        panic!("'{line}' failed: {} ({e})", e.code());
    }
}

/// References of `owner`'s published key packages, in publish order: (normal, last resort).
fn published(engine: &Engine, owner: &str) -> (Vec<String>, Option<String>) {
    let mut normal = Vec::new();
    let mut last_resort = None;
    for event in engine.events() {
        if let EventKind::KeyPackagePublished {
            kp_ref,
            last_resort: lr,
            ..
        } = &event.kind
        {
            if event.actor != owner {
                continue;
            }
            if *lr {
                last_resort = Some(kp_ref.clone());
            } else {
                normal.push(kp_ref.clone());
            }
        }
    }
    (normal, last_resort)
}

/// Bob generates `n` normal key packages (and a last-resort one) and publishes all.
async fn bob_publishes(engine: &mut Engine, n: usize, last_resort: bool) {
    run(engine, &format!("bob generate {n}")).await;
    if last_resort {
        run(engine, "bob generate --last-resort").await;
    }
    run(engine, "bob publish --all").await;
}

/// What one claim gave, as the test classifies it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Got {
    Normal(String),
    LastResort { reuse: bool, handouts: u64 },
    Nothing,
}

fn classify(result: Result<Claimed, EngineError>, lr_ref: Option<&str>) -> Got {
    match result {
        Ok(claimed) => {
            let kp_ref = ref_hex(&claimed.entry.kp_ref);
            if claimed.entry.last_resort {
                assert_eq!(
                    Some(kp_ref.as_str()),
                    lr_ref,
                    "a last-resort hand-out that is not the published one"
                );
                Got::LastResort {
                    reuse: claimed.last_resort_reuse,
                    handouts: claimed.entry.handouts,
                }
            } else {
                assert!(
                    !claimed.last_resort_reuse,
                    "a normal package marked as reuse"
                );
                assert_eq!(
                    claimed.entry.handouts, 1,
                    "a normal package handed out twice"
                );
                Got::Normal(kp_ref)
            }
        }
        Err(EngineError::NoKeyPackageAvailable { owner, suite }) => {
            assert_eq!((owner.as_str(), suite), ("bob", 1));
            Got::Nothing
        }
        Err(other) => panic!("unexpected claim error {} ({other})", other.code()),
    }
}

fn concurrent_claims(n: usize, last_resort: bool, claimers: usize, rounds: usize) {
    let rt = runtime();
    rt.block_on(async move {
        let mut engine = Engine::new();
        run(&mut engine, "clients bob").await;
        bob_publishes(&mut engine, n, last_resort).await;
        let (normal, lr_ref) = published(&engine, "bob");
        assert_eq!(normal.len(), n);
        assert_eq!(lr_ref.is_some(), last_resort);

        let mut tasks = Vec::new();
        for _ in 0..claimers {
            let ds = engine.ds().clone();
            let lr_ref = lr_ref.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = Vec::new();
                for _ in 0..rounds {
                    let result = ds.claim("bob", 1).await;
                    got.push(classify(result, lr_ref.as_deref()));
                    tokio::task::yield_now().await;
                }
                got
            }));
        }
        let mut per_task = Vec::new();
        for task in tasks {
            per_task.push(task.await.expect("a claimer task panicked"));
        }

        let all: Vec<&Got> = per_task.iter().flatten().collect();
        let total = claimers * rounds;
        assert_eq!(all.len(), total);

        // No normal reference twice, and only published ones.
        let normal_out: Vec<&String> = all
            .iter()
            .filter_map(|g| match g {
                Got::Normal(r) => Some(r),
                _ => None,
            })
            .collect();
        let unique: HashSet<&String> = normal_out.iter().copied().collect();
        assert_eq!(
            unique.len(),
            normal_out.len(),
            "a normal package was handed out twice"
        );
        let expected_normal = n.min(total);
        assert_eq!(normal_out.len(), expected_normal);
        // Oldest first: what went out is exactly the first ones published.
        let oldest: HashSet<&String> = normal[..expected_normal].iter().collect();
        assert_eq!(
            unique, oldest,
            "the DS did not hand out the oldest packages first"
        );

        // Everything else: the last-resort package, or nothing at all.
        let rest = total - expected_normal;
        let lr_out: Vec<(bool, u64)> = all
            .iter()
            .filter_map(|g| match g {
                Got::LastResort { reuse, handouts } => Some((*reuse, *handouts)),
                _ => None,
            })
            .collect();
        let nothing = all.iter().filter(|g| matches!(g, Got::Nothing)).count();
        if last_resort {
            assert_eq!((lr_out.len(), nothing), (rest, 0));
        } else {
            assert_eq!((lr_out.len(), nothing), (0, rest));
        }
        // The first last-resort hand-out is not a reuse; every later one is, and the
        // hand-out counts seen are 1, 2, …, L.
        let mut counts: Vec<u64> = lr_out.iter().map(|(_, h)| *h).collect();
        counts.sort_unstable();
        assert_eq!(counts, (1..=lr_out.len() as u64).collect::<Vec<_>>());
        for (reuse, handouts) in &lr_out {
            assert_eq!(*reuse, *handouts > 1);
        }

        // The DS is one task: normal packages run out before the last-resort one is
        // touched, so within each claimer no normal hand-out follows another kind.
        for got in &per_task {
            let first_other = got.iter().position(|g| !matches!(g, Got::Normal(_)));
            if let Some(i) = first_other {
                assert!(
                    got[i..].iter().all(|g| !matches!(g, Got::Normal(_))),
                    "a normal package after the last-resort one or after nothing was left: {got:?}"
                );
            }
        }

        // The DS's own counters agree.
        let snapshot = engine.ds_snapshot().await.expect("a DS snapshot");
        let dir = &snapshot.clients["bob"];
        let handouts = (expected_normal + lr_out.len()) as u64;
        assert_eq!(dir.claims, handouts, "claims counter");
        let reuses = (lr_out.len() as u64).saturating_sub(1);
        assert_eq!(dir.last_resort_reuses, reuses, "last_resort_reuses counter");
        assert_eq!(
            dir.normal.len(),
            n - expected_normal,
            "normal packages left"
        );
        let left: Vec<String> = dir.normal.iter().map(|e| ref_hex(&e.kp_ref)).collect();
        assert_eq!(left, normal[expected_normal..].to_vec());
        match (dir.last_resort_for(1), &lr_ref) {
            (Some(entry), Some(r)) => {
                assert_eq!(&ref_hex(&entry.kp_ref), r);
                assert_eq!(entry.handouts, lr_out.len() as u64);
            }
            (None, None) => {}
            (dir_lr, lr) => panic!("last-resort entry at the DS {dir_lr:?}, published {lr:?}"),
        }
    });
}

/// One step after each `alice add bob --to gI`.
#[derive(Debug, Clone)]
struct Step {
    /// `ds replay-welcome` this many times.
    replays: usize,
    /// Then `bob join` right away (otherwise the Welcomes wait in the mailbox).
    join_now: bool,
}

fn step() -> impl Strategy<Value = Step> {
    (0usize..3, any::<bool>()).prop_map(|(replays, join_now)| Step { replays, join_now })
}

fn joins_never_reuse_a_normal_package(n: usize, last_resort: bool, steps: Vec<Step>) {
    let groups = steps.len();
    let rt = runtime();
    rt.block_on(async move {
        let mut engine = Engine::new();
        run(&mut engine, "clients alice bob").await;
        bob_publishes(&mut engine, n, last_resort).await;
        let (normal, lr_ref) = published(&engine, "bob");
        let normal_set: BTreeSet<&String> = normal.iter().collect();

        // The model: which Welcome the DS would replay, and what the replays should do.
        let mut last_welcome_normal: Option<bool> = None;
        let (mut normal_replays, mut lr_replays) = (0usize, 0usize);
        let mut added = 0usize;
        for (i, step) in steps.iter().enumerate() {
            let group = format!("g{}", i + 1);
            run(&mut engine, &format!("alice create-group {group}")).await;
            let result = engine
                .execute_line(&format!("alice add bob --to {group}"))
                .await;
            // Normal packages first, then the last-resort one; without it, nothing.
            if added < n || last_resort {
                if let Err(e) = result {
                    panic!("add #{} to {group} failed: {} ({e})", added + 1, e.code());
                }
                last_welcome_normal = Some(added < n);
                added += 1;
            } else {
                match result {
                    Err(EngineError::NoKeyPackageAvailable { .. }) => {}
                    other => panic!("add beyond {n} packages without last resort: {other:?}"),
                }
            }
            for _ in 0..step.replays {
                engine
                    .execute_line("ds replay-welcome")
                    .await
                    .expect("a Welcome has been sent, so it can be replayed");
                match last_welcome_normal {
                    Some(true) => normal_replays += 1,
                    Some(false) => lr_replays += 1,
                    None => unreachable!("the first add always succeeds (n >= 1)"),
                }
            }
            if step.join_now {
                join(&mut engine).await;
            }
        }
        join(&mut engine).await;

        let expected_groups = if last_resort { groups } else { groups.min(n) };
        assert_eq!(added, expected_groups);

        // Read what happened to bob from the event log.
        let mut joined_groups = BTreeSet::new();
        let mut normal_joins: BTreeMap<String, usize> = BTreeMap::new();
        let mut lr_joins = 0usize;
        let mut failures: BTreeMap<String, usize> = BTreeMap::new();
        for event in engine.events().iter().filter(|e| e.actor == "bob") {
            match &event.kind {
                EventKind::GroupJoined {
                    group,
                    kp_ref,
                    last_resort: via_lr,
                    ..
                } => {
                    assert_eq!(event.outcome, Outcome::Ok);
                    assert!(joined_groups.insert(group.clone()), "{group} joined twice");
                    if *via_lr {
                        assert_eq!(
                            Some(kp_ref),
                            lr_ref.as_ref(),
                            "joined via an unknown LR ref"
                        );
                        lr_joins += 1;
                    } else {
                        assert!(normal_set.contains(kp_ref), "joined via an unknown ref");
                        *normal_joins.entry(kp_ref.clone()).or_default() += 1;
                    }
                }
                EventKind::JoinFailed { error, .. } => {
                    *failures.entry(error.clone()).or_default() += 1;
                }
                _ => {}
            }
        }

        // No normal reference is joined twice.
        for (kp_ref, count) in &normal_joins {
            assert_eq!(
                *count, 1,
                "normal key package {kp_ref} joined {count} groups"
            );
        }
        assert_eq!(normal_joins.len(), n.min(groups));
        assert_eq!(lr_joins, expected_groups - n.min(groups));

        // Every replay of a normal Welcome fails with NoMatchingKeyPackage: its private
        // bundle was deleted by the first join. A replayed last-resort Welcome finds
        // the retained bundle, but the group exists already.
        let failed = |code: &str| failures.get(code).copied().unwrap_or(0);
        assert_eq!(
            failed("NoMatchingKeyPackage"),
            normal_replays,
            "{failures:?}"
        );
        assert_eq!(failed("AlreadyMember"), lr_replays, "{failures:?}");
        assert_eq!(
            failures.values().sum::<usize>(),
            normal_replays + lr_replays,
            "unexpected join failures: {failures:?}"
        );

        // Membership: the first min(G, N) groups through normal packages, the rest
        // through the last-resort package if there is one.
        assert_eq!(joined_groups.len(), expected_groups);
        for i in 1..=groups {
            let group = format!("g{i}");
            let check = if i <= expected_groups {
                "member-of"
            } else {
                "not-member-of"
            };
            run(&mut engine, &format!("expect bob {check} {group}")).await;
            if i <= expected_groups {
                run(&mut engine, &format!("expect in-sync {group}")).await;
            }
        }
        // Storage: the used normal bundles are gone, the last-resort one is kept.
        let left = n - n.min(groups) + usize::from(last_resort);
        run(&mut engine, &format!("expect bob key-packages {left}")).await;
        let claims = expected_groups;
        run(&mut engine, &format!("expect ds bob claims {claims}")).await;
        let reuses = lr_joins.saturating_sub(1);
        run(&mut engine, &format!("expect ds bob reuses {reuses}")).await;
    });
}

/// `bob join`; the only acceptable failures are the ones replays cause.
async fn join(engine: &mut Engine) {
    match engine.execute_line("bob join").await {
        Ok(()) => {}
        Err(
            EngineError::NoPendingWelcome(_)
            | EngineError::NoMatchingKeyPackage { .. }
            | EngineError::AlreadyMember { .. }
            | EngineError::Join { .. },
        ) => {}
        Err(other) => panic!("bob join: {} ({other})", other.code()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn concurrent_claims_hand_out_each_normal_package_once(
        n in 1usize..12,
        last_resort in any::<bool>(),
        claimers in 2usize..8,
        rounds in 1usize..6,
    ) {
        concurrent_claims(n, last_resort, claimers, rounds);
    }

    #[test]
    fn no_normal_package_is_joined_twice(
        n in 1usize..12,
        last_resort in any::<bool>(),
        steps in prop::collection::vec(step(), 1..6),
    ) {
        joins_never_reuse_a_normal_package(n, last_resort, steps);
    }
}

/// A fixed case of B that certainly exercises every branch: normal joins, last-resort
/// joins, replays of both kinds, and a join with nothing pending.
#[test]
fn replays_of_both_kinds_and_last_resort_joins() {
    let steps = vec![
        Step {
            replays: 2,
            join_now: true,
        },
        Step {
            replays: 1,
            join_now: false,
        },
        Step {
            replays: 2,
            join_now: true,
        },
        Step {
            replays: 0,
            join_now: true,
        },
    ];
    joins_never_reuse_a_normal_package(2, true, steps.clone());
    joins_never_reuse_a_normal_package(2, false, steps);
}

/// A fixed case of A with more claims than packages, with and without last resort.
#[test]
fn more_claims_than_packages() {
    concurrent_claims(3, true, 4, 3);
    concurrent_claims(3, false, 4, 3);
}
