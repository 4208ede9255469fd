//! The DS's claim limit and a client's pool, through the engine's API with real
//! OpenMLS: what each policy changes when one claimer drains another's packages,
//! and that bad numbers are typed errors that change nothing.

mod support;
use support::{fails, lab, run};

use mls_lab::command::Execute as _;
use mls_lab::engine::ds::ClaimLimit;
use mls_lab::engine::{Engine, EventKind};

async fn available(engine: &Engine, owner: &str) -> u64 {
    engine.ds().counts(owner).await.unwrap().available
}

/// Claims by `claimer` until one fails; returns how many went through and the error.
async fn drain(engine: &mut Engine, claimer: &str, owner: &str, most: usize) -> (usize, String) {
    for n in 0..most {
        if let Err(e) = engine
            .execute_line(&format!("{claimer} claim {owner}"))
            .await
        {
            return (n, e.code().to_string());
        }
    }
    (most, String::new())
}

#[tokio::test]
async fn without_a_limit_one_claimer_drains_everything_with_one_it_stops() {
    let setup = [
        "clients mallory alice bob",
        "bob generate 6",
        "bob publish --all",
    ];
    let mut open = lab(&setup).await;
    assert_eq!(
        drain(&mut open, "mallory", "bob", 10).await,
        (6, "NoKeyPackageAvailable".into())
    );
    let mut limited = lab(&setup).await;
    run(&mut limited, "ds policy claim-limit 2 --per 1h").await;
    let (taken, error) = drain(&mut limited, "mallory", "bob", 10).await;
    assert_eq!((taken, error.as_str()), (2, "ClaimRateLimited"));
    assert_eq!(available(&limited, "bob").await, 4);
    let refused = limited.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::ClaimFailed { error, message, .. } => Some((error.clone(), message.clone())),
        _ => None,
    });
    let (code, message) = refused.expect("a claim_failed event");
    assert_eq!(code, "ClaimRateLimited");
    assert!(message.contains("1h"), "{message}");
    // Another claimer has its own count; the window moves with the lab clock.
    run(&mut limited, "alice claim bob").await;
    run(&mut limited, "clock +59m").await;
    assert_eq!(
        fails(&mut limited, "mallory claim bob").await.code(),
        "ClaimRateLimited"
    );
    run(&mut limited, "clock +1m").await;
    run(&mut limited, "mallory claim bob").await;
    // Off: no limit any more.
    run(&mut limited, "ds policy claim-limit off").await;
    assert_eq!(limited.ds_snapshot().await.unwrap().claim_limit, None);
    assert_eq!(drain(&mut limited, "mallory", "bob", 10).await.0, 2);
}

#[tokio::test]
async fn an_add_of_several_counts_each_and_is_all_or_none() {
    let mut engine = lab(&[
        "clients mallory bob carol",
        "bob generate 3",
        "bob publish --all",
        "carol generate 3",
        "carol publish --all",
        "mallory create-group team",
        "mallory create-group club",
        "ds policy claim-limit 1 --per 1d",
        "mallory add bob --to team",
    ])
    .await;
    let (bob, carol) = (
        engine.ds().counts("bob").await.unwrap(),
        engine.ds().counts("carol").await.unwrap(),
    );
    // carol's package would be mallory's first claim of hers, bob's his second:
    // the add is refused before anything is handed out.
    let error = fails(&mut engine, "mallory add carol bob --to club").await;
    assert_eq!(error.code(), "ClaimRateLimited");
    assert!(error.to_string().contains("bob"), "{error}");
    assert_eq!(engine.ds().counts("bob").await.unwrap(), bob);
    assert_eq!(
        engine.ds().counts("carol").await.unwrap(),
        carol,
        "nothing handed out"
    );
    run(&mut engine, "mallory add carol --to club").await;
}

#[tokio::test]
async fn a_pool_keeps_its_target_at_the_ds_and_tops_up_when_reading_mail() {
    let mut engine = lab(&[
        "clients mallory bob",
        "bob pool --target 5 --refill-below 3",
    ])
    .await;
    assert_eq!(available(&engine, "bob").await, 5, "filled at once");
    for _ in 0..2 {
        run(&mut engine, "mallory claim bob").await;
    }
    run(&mut engine, "bob sync").await;
    assert_eq!(available(&engine, "bob").await, 3, "at the mark: no top-up");
    run(&mut engine, "mallory claim bob").await;
    let before = engine.events().len();
    run(&mut engine, "deliver").await;
    assert_eq!(available(&engine, "bob").await, 5);
    let refilled: Vec<(u64, u32)> = engine.events()[before..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::PoolRefilled {
                available,
                generated,
                ..
            } => Some((*available, *generated)),
            _ => None,
        })
        .collect();
    assert_eq!(refilled, [(2, 3)]);
    // Off: reading mail publishes nothing.
    run(&mut engine, "bob pool --off").await;
    run(&mut engine, "mallory claim bob").await;
    run(&mut engine, "mallory claim bob").await;
    run(&mut engine, "mallory claim bob").await;
    run(&mut engine, "bob sync").await;
    assert_eq!(available(&engine, "bob").await, 2);
    assert!(engine.pool("bob").is_none());
}

#[tokio::test]
async fn a_pool_and_a_limit_together_keep_bob_reachable() {
    // Without either, mallory leaves alice nothing.
    let setup = [
        "clients mallory alice bob",
        "bob generate 4",
        "bob publish --all",
    ];
    let mut bare = lab(&setup).await;
    drain(&mut bare, "mallory", "bob", 10).await;
    assert_eq!(
        fails(&mut bare, "alice claim bob").await.code(),
        "NoKeyPackageAvailable"
    );
    // With a pool bob tops up after reading mail.
    let mut pooled = lab(&setup).await;
    run(&mut pooled, "bob pool --target 4 --refill-below 2").await;
    drain(&mut pooled, "mallory", "bob", 10).await;
    run(&mut pooled, "bob sync").await;
    run(&mut pooled, "alice claim bob").await;
}

#[tokio::test]
async fn bad_numbers_are_typed_errors_and_change_nothing() {
    let mut engine = lab(&["clients bob", "ds policy claim-limit 3 --per 1h"]).await;
    let snapshot = engine.ds_snapshot().await.unwrap();
    let limit = ClaimLimit::new(3, "1h".parse().unwrap()).unwrap();
    assert_eq!(snapshot.claim_limit, Some(limit));
    for (line, code) in [
        ("ds policy claim-limit 0 --per 1h", "Usage"),
        ("ds policy claim-limit -1 --per 1h", "Usage"),
        ("ds policy claim-limit 99999999999 --per 1h", "Usage"),
        ("ds policy claim-limit 3 --per 0s", "InvalidPolicy"),
        ("ds policy claim-limit 3 --per 400d", "InvalidPolicy"),
        ("ds policy claim-limit 3 --per 1", "Usage"),
        ("ds policy claim-limit 3", "InvalidPolicy"),
        ("ds policy claim-limit off --per 1h", "InvalidPolicy"),
        ("ds policy claim-limit", "Usage"),
        ("ds policy rate 3", "Usage"),
        ("bob pool --target 5 --refill-below 6", "InvalidPolicy"),
        ("bob pool --target 0 --refill-below 0", "Usage"),
        ("bob pool --target 10001 --refill-below 5", "Usage"),
        ("bob pool --target 99999999999 --refill-below 5", "Usage"),
        ("bob pool --target 5", "Usage"),
        ("bob pool --off --target 5", "Usage"),
        ("bob pool --target -5 --refill-below 1", "Usage"),
        ("zed pool --target 5 --refill-below 1", "UnknownClient"),
    ] {
        assert_eq!(fails(&mut engine, line).await.code(), code, "{line}");
    }
    assert_eq!(engine.ds_snapshot().await.unwrap(), snapshot);
    assert!(engine.pool("bob").is_none());
    assert!(engine.client("bob").unwrap().inventory().is_empty());
}

/// The policy Wire uses: 100 at the DS, topped up below 50.
#[tokio::test]
async fn wires_policy_keeps_at_least_fifty_and_tops_up_to_a_hundred() {
    let mut engine = lab(&[
        "clients mallory bob",
        "bob pool --target 100 --refill-below 50",
    ])
    .await;
    assert_eq!(available(&engine, "bob").await, 100);
    for _ in 0..50 {
        run(&mut engine, "mallory claim bob").await;
    }
    run(&mut engine, "bob sync").await;
    assert_eq!(available(&engine, "bob").await, 50, "50 is not below 50");
    run(&mut engine, "mallory claim bob").await;
    // A join that finds no Welcome still read the mail: bob tops up.
    let error = engine.execute_line("bob join").await.unwrap_err();
    assert_eq!(error.code(), "NoPendingWelcome");
    assert_eq!(available(&engine, "bob").await, 100);
    assert_eq!(engine.client("bob").unwrap().inventory().len(), 151);
}
