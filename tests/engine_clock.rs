//! The lab clock: `clock +30d` moves the lab's time; the DS, the claimer and the
//! joiner check lifetimes against it; the DS purges expired packages with an
//! event each and never hands one out. Real OpenMLS throughout.

mod support;
use support::{fails, lab, run_all};

use mls_lab::engine::{Engine, Event, EventKind, Lifecycle};

fn expired_events(engine: &Engine) -> Vec<(&Event, String, bool)> {
    engine
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KeyPackageExpired {
                owner, last_resort, ..
            } => Some((e, owner.clone(), *last_resort)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn moving_the_clock_purges_expired_packages_with_one_event_each() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2 --lifetime 1d",
        "bob generate --lifetime 10d",
        "bob generate --last-resort --lifetime 3d",
        "bob publish --all",
        "expect ds bob available 3",
    ])
    .await;
    let before = engine.now();
    run_all(&mut engine, &["clock +36h"]).await;
    assert!(engine.now() >= before + 36 * 3600);
    let expired = expired_events(&engine);
    assert_eq!(expired.len(), 2);
    for (event, owner, last_resort) in &expired {
        assert_eq!(event.actor, "ds");
        assert_eq!(owner, "bob");
        assert!(!last_resort);
    }
    run_all(
        &mut engine,
        &[
            "expect ds bob available 1",
            "expect ds bob last-resort present",
        ],
    )
    .await;
    run_all(&mut engine, &["clock +2d"]).await;
    let expired = expired_events(&engine);
    assert_eq!(expired.len(), 3);
    assert!(expired[2].2, "the last-resort package is purged too");
    run_all(&mut engine, &["expect ds bob last-resort absent"]).await;
    // The one left is handed out, then nothing.
    run_all(&mut engine, &["alice claim bob"]).await;
    assert_eq!(
        fails(&mut engine, "alice claim bob").await.code(),
        "NoKeyPackageAvailable"
    );
    // The owner's view follows the lab clock.
    let now = engine.clock().now();
    let bob = engine.client("bob").unwrap();
    assert_eq!(bob.inventory()[0].state(now), Lifecycle::Expired);
}

#[tokio::test]
async fn a_claim_never_hands_out_an_expired_package() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --lifetime 2s",
        "bob publish --all",
    ])
    .await;
    // Expired by the system's time passing alone: no clock move purged it.
    tokio::time::sleep(std::time::Duration::from_millis(3_100)).await;
    run_all(&mut engine, &["expect ds bob available 0"]).await;
    assert_eq!(
        fails(&mut engine, "alice claim bob").await.code(),
        "NoKeyPackageAvailable"
    );
    assert_eq!(
        expired_events(&engine).len(),
        1,
        "purged before the claim, reported"
    );
    run_all(&mut engine, &["expect ds bob claims 0"]).await;
}

#[tokio::test]
async fn the_ds_refuses_lifetimes_beyond_its_maximum() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate --lifetime 92d",
        "bob generate --lifetime 90d",
    ])
    .await;
    assert_eq!(
        fails(&mut engine, "bob publish @1").await.code(),
        "LifetimeTooLong"
    );
    run_all(
        &mut engine,
        &["bob publish @2", "expect ds bob available 1"],
    )
    .await;
}

#[tokio::test]
async fn every_check_uses_the_lab_clock() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate --not-yet-valid",
        "carol generate --lifetime 1d",
        "carol publish --all",
        "alice claim carol",
    ])
    .await;
    // Not valid yet by the lab's time (and the system's).
    assert_eq!(
        fails(&mut engine, "bob publish @1").await.code(),
        "NotYetValid"
    );
    run_all(&mut engine, &["clock +30h"]).await;
    // Valid by the lab's time now, though not by the system's: the DS accepts it.
    run_all(
        &mut engine,
        &["bob publish @1", "expect ds bob available 1"],
    )
    .await;
    // The joiner checks its own key package at the lab's time: carol's expired
    // while alice held it, so the join fails and the bundle is consumed.
    run_all(
        &mut engine,
        &["alice create-group team", "alice add carol --to team"],
    )
    .await;
    let error = fails(&mut engine, "carol join").await;
    assert_eq!(error.code(), "Expired");
    assert!(
        error.to_string().contains("ago"),
        "relative, not raw: {error}"
    );
    run_all(&mut engine, &["expect carol bundle @1 deleted"]).await;
    // Packages generated after the move work end to end.
    run_all(
        &mut engine,
        &[
            "carol generate",
            "carol publish --all",
            "alice create-group later",
            "alice add carol --to later",
            "carol join",
            "expect in-sync later",
        ],
    )
    .await;
}

#[tokio::test]
async fn clock_overflow_and_lifetime_overflow_are_refused_and_change_nothing() {
    let mut engine = lab(&["clients bob"]).await;
    let before = engine.now();
    let huge = format!("clock +{}s", u64::MAX / 2);
    run_all(&mut engine, &[huge.as_str()]).await;
    assert_eq!(fails(&mut engine, &huge).await.code(), "ClockOverflow");
    assert!(engine.now() >= before);
    let error = fails(&mut engine, "bob generate --lifetime 200000000000000d").await;
    assert!(
        matches!(error.code().as_str(), "ClockOverflow" | "Usage"),
        "{error}"
    );
    assert!(engine.client("bob").unwrap().inventory().is_empty());
}
