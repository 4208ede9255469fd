//! The Delivery Service model (one test per rule): group names and GroupId routing,
//! a mailbox that loses nothing, one last-resort slot per suite, checks before
//! anything is consumed, state from the latest fact, rotation and deliberate
//! bundle deletion. Real OpenMLS throughout.

mod support;
use support::{fails, lab, run_all};

use mls_lab::domain::Suite;
use mls_lab::engine::{Engine, EventKind, Lifecycle};

fn count(engine: &Engine, kind: &str) -> usize {
    engine
        .events()
        .iter()
        .filter(|e| e.kind.name() == kind)
        .count()
}

async fn inbox(engine: &Engine, client: &str) -> usize {
    engine.ds_snapshot().await.unwrap().clients[client].inbox
}

#[tokio::test]
async fn a_taken_group_name_is_refused_and_changes_nothing() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
    ])
    .await;
    let before = engine.ds_snapshot().await.unwrap();
    let error = fails(&mut engine, "bob create-group team").await;
    assert_eq!(error.code(), "GroupNameTaken");
    assert!(error.to_string().contains("alice"), "{error}");
    assert!(engine.client("bob").unwrap().group_view("team").is_none());
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
    run_all(
        &mut engine,
        &[
            "alice add carol --to team",
            "deliver",
            "expect in-sync team",
        ],
    )
    .await;
    assert_eq!(count(&engine, "commit_failed"), 0);
}

#[tokio::test]
async fn commits_are_routed_by_group_id_and_never_cross_groups() {
    let mut engine = lab(&[
        "clients alice bob carol dave",
        "carol generate 2",
        "carol publish --all",
        "dave generate 2",
        "dave publish --all",
        "alice create-group red",
        "bob create-group blue",
        "alice add carol --to red",
        "bob add dave --to blue",
        "deliver",
        "alice self-update red",
        "bob self-update blue",
    ])
    .await;
    // Each self-update reaches only its own group's other member.
    assert_eq!(inbox(&engine, "carol").await, 1);
    assert_eq!(inbox(&engine, "dave").await, 1);
    assert_eq!(inbox(&engine, "alice").await, 0);
    assert_eq!(inbox(&engine, "bob").await, 0);
    run_all(
        &mut engine,
        &["deliver", "expect in-sync red", "expect in-sync blue"],
    )
    .await;
    assert_eq!(count(&engine, "commit_failed"), 0);
    // Distinct random GroupIds, though both creators used default settings.
    let red = engine.client("alice").unwrap().group_id("red").unwrap();
    let blue = engine.client("bob").unwrap().group_id("blue").unwrap();
    assert_ne!(red, blue);
    assert_ne!(red, b"red".to_vec());
}

#[tokio::test]
async fn a_welcome_for_a_group_already_joined_fails_typed_and_says_what_became_of_the_bundle() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --last-resort",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "ds replay-welcome",
    ])
    .await;
    let error = fails(&mut engine, "bob join").await;
    assert_eq!(error.code(), "AlreadyMember");
    assert!(error.to_string().contains("kept"), "{error}");
    // Bob's group is untouched and the bundle stays.
    let bob = engine.client("bob").unwrap();
    assert_eq!(bob.group_view("team").unwrap().epoch, 1);
    assert!(bob.has_private_bundle(&bob.inventory()[0].kp_ref));
    assert_eq!(inbox(&engine, "bob").await, 0);
}

#[tokio::test]
async fn nothing_delivered_is_lost_a_commit_waits_until_its_group_is_joined() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "alice add carol --to team",
    ])
    .await;
    assert_eq!(inbox(&engine, "bob").await, 2);
    run_all(&mut engine, &["bob sync"]).await;
    // The Commit is for a group bob has not joined: it stays, as does the Welcome.
    assert_eq!(inbox(&engine, "bob").await, 2);
    run_all(&mut engine, &["bob peek"]).await;
    assert_eq!(inbox(&engine, "bob").await, 2);
    run_all(&mut engine, &["bob join"]).await;
    assert_eq!(inbox(&engine, "bob").await, 1);
    run_all(&mut engine, &["deliver", "expect in-sync team"]).await;
    assert_eq!(inbox(&engine, "bob").await, 0);
    assert_eq!(
        engine
            .client("bob")
            .unwrap()
            .group_view("team")
            .unwrap()
            .epoch,
        2
    );
    // One welcome_delivered per Welcome, however often the mailbox was read.
    assert_eq!(count(&engine, "welcome_delivered"), 2);
}

#[tokio::test]
async fn one_last_resort_slot_per_client_and_ciphersuite() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --last-resort --suite 2",
        "bob publish --all",
        "bob generate --last-resort",
        "bob publish --all",
    ])
    .await;
    let snapshot = engine.ds_snapshot().await.unwrap();
    let bob = &snapshot.clients["bob"];
    assert_eq!(bob.last_resort.len(), 2);
    assert!(
        bob.last_resort_for(Suite::new(1)).is_some()
            && bob.last_resort_for(Suite::new(2)).is_some()
    );
    let suite2 = engine.client("bob").unwrap().inventory()[0].kp_ref.clone();
    assert_eq!(
        engine.claim("alice", "bob", Suite::new(2)).await.unwrap(),
        suite2
    );
    // A new suite-1 one replaces only the suite-1 one.
    run_all(&mut engine, &["bob rotate-last-resort"]).await;
    let snapshot = engine.ds_snapshot().await.unwrap();
    assert_eq!(
        snapshot.clients["bob"]
            .last_resort_for(Suite::new(2))
            .unwrap()
            .kp_ref,
        suite2
    );
    // Rotating the suite-2 one replaces it and leaves the suite-1 one.
    let suite1 = snapshot.clients["bob"]
        .last_resort_for(Suite::new(1))
        .unwrap()
        .kp_ref
        .clone();
    run_all(&mut engine, &["bob rotate-last-resort --suite 2"]).await;
    let bob = &engine.ds_snapshot().await.unwrap().clients["bob"];
    assert_eq!(bob.last_resort.len(), 2);
    assert_eq!(bob.last_resort_for(Suite::new(1)).unwrap().kp_ref, suite1);
    assert_ne!(bob.last_resort_for(Suite::new(2)).unwrap().kp_ref, suite2);
}

#[tokio::test]
async fn an_add_that_cannot_succeed_is_refused_before_anything_is_claimed() {
    let mut engine = lab(&[
        "clients alice bob carol dave",
        "bob generate 3",
        "bob publish --all",
        "carol generate 3 --suite 2",
        "carol publish --all",
        "dave generate",
        "dave publish --all",
        "alice create-group team",
        "alice add dave --to team",
        "alice create-group other --suite 2",
        "alice claim carol --suite 2",
    ])
    .await;
    let before = engine.ds_snapshot().await.unwrap();
    let cases = [
        ("alice add bob bob --to team", "MemberNamedTwice"),
        ("alice add bob alice --to team", "CannotAddSelf"),
        ("alice add bob dave --to team", "AlreadyInGroup"),
        ("alice add bob --to nowhere", "UnknownGroup"),
        ("alice add bob nobody --to team", "UnknownClient"),
        // alice holds carol's suite-2 package; team uses suite 1.
        ("alice add bob carol --to team", "CiphersuiteMismatch"),
        ("bob claim bob", "ClaimOwnKeyPackage"),
        // bob has no suite-2 package: nothing is claimed.
        ("alice add bob --to other", "NoKeyPackageAvailable"),
    ];
    for (line, code) in cases {
        let error = fails(&mut engine, line).await;
        assert_eq!(error.code(), code, "{line}: {error}");
        assert_eq!(
            engine.ds_snapshot().await.unwrap(),
            before,
            "{line} changed the DS"
        );
    }
    run_all(
        &mut engine,
        &["expect ds bob claims 0", "expect ds bob available 3"],
    )
    .await;
    // Nothing was lost: the same add without the mistakes works.
    run_all(
        &mut engine,
        &["alice add bob --to team", "expect ds bob claims 1"],
    )
    .await;
}

#[tokio::test]
async fn a_multi_member_claim_is_all_or_nothing() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "bob publish --all",
        "alice create-group team",
    ])
    .await;
    let error = fails(&mut engine, "alice add bob carol --to team").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    // The failed claim names the owner who had nothing, not every owner asked.
    let failed_owner = engine.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::ClaimFailed { owner, .. } => Some(owner.clone()),
        _ => None,
    });
    assert_eq!(failed_owner.as_deref(), Some("carol"));
    run_all(
        &mut engine,
        &["expect ds bob available 1", "expect ds bob claims 0"],
    )
    .await;
    assert!(engine.client("alice").unwrap().wallet().is_empty());
}

#[tokio::test]
async fn state_follows_the_latest_fact_and_publish_all_retries_and_reports_skips() {
    let mut engine = lab(&["clients alice bob", "bob generate 3"]).await;
    assert_eq!(
        fails(&mut engine, "bob publish @1 --tamper").await.code(),
        "BadSignature"
    );
    run_all(&mut engine, &["bob delete-bundle @3", "bob publish --all"]).await;
    // The genuine copy of @1 went up with --all; @3 was skipped, with a reason.
    run_all(&mut engine, &["expect ds bob available 2"]).await;
    let skipped: Vec<_> = engine
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KeyPackageSkipped { kp_ref, reason } => Some((kp_ref, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].1.contains("deleted"), "{}", skipped[0].1);
    run_all(&mut engine, &["alice claim bob"]).await;
    let now = std::time::SystemTime::now();
    let bob = engine.client("bob").unwrap();
    assert_eq!(
        bob.inventory()[0].state(now),
        Lifecycle::Claimed {
            by: "alice".into(),
            group: None
        }
    );
    assert_eq!(bob.inventory()[2].state(now), Lifecycle::BundleDeleted);
}

#[tokio::test]
async fn rotation_keeps_the_old_bundle_visibly() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --last-resort",
        "bob publish --all",
        "bob rotate-last-resort",
    ])
    .await;
    let bob = engine.client("bob").unwrap();
    let old = &bob.inventory()[0];
    assert!(bob.has_private_bundle(&old.kp_ref));
    let state = old.state(std::time::SystemTime::now());
    assert_eq!(state, Lifecycle::RotatedOut);
    assert_eq!(state.to_string(), "rotated out, bundle kept");
    let _ = &mut engine;
}

#[tokio::test]
async fn a_deliberately_deleted_bundle_makes_an_orphan_welcome() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob publish --all",
        "alice claim bob",
        "bob delete-bundle @1",
        "alice create-group team",
        "alice add bob --to team",
    ])
    .await;
    assert_eq!(count(&engine, "private_bundle_discarded"), 1);
    let error = fails(&mut engine, "bob join").await;
    assert_eq!(error.code(), "NoMatchingKeyPackage");
    assert!(error.to_string().contains("deleted on purpose"), "{error}");
    // Deleting it again is a typed error that changes nothing.
    assert_eq!(
        fails(&mut engine, "bob delete-bundle @1").await.code(),
        "NoBundle"
    );
}
