//! One test per rule of the engine, through the public API and real OpenMLS.

mod support;
use support::{fails, lab};

use mls_lab::command::Execute as _;
use mls_lab::domain::Suite;
use mls_lab::engine::{Engine, Event, EventKind, Lifecycle, Outcome};
use openmls::prelude::{KeyPackageBundle, KeyPackageRef};
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::OpenMlsProvider as _;

fn kinds(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.name()).collect()
}

fn last_of<'a>(engine: &'a Engine, kind: &str) -> &'a Event {
    engine
        .events()
        .iter()
        .rev()
        .find(|e| e.kind.name() == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {:?}", kinds(engine.events())))
}

fn count(engine: &Engine, kind: &str) -> usize {
    engine
        .events()
        .iter()
        .filter(|e| e.kind.name() == kind)
        .count()
}

fn nth_ref(engine: &Engine, client: &str, n: usize) -> KeyPackageRef {
    engine.client(client).unwrap().inventory()[n].kp_ref.clone()
}

// Rule 1: clients own their storage, signer and credential; inventory fields; the
// private bundle's presence is read from storage.
#[tokio::test]
async fn clients_own_storage_and_inventory_reads_storage() {
    let engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob generate --last-resort",
    ])
    .await;
    let bob = engine.client("bob").unwrap();
    let alice = engine.client("alice").unwrap();
    assert_eq!(bob.inventory().len(), 3);
    for entry in bob.inventory() {
        assert_eq!(entry.kp_ref.as_slice().len(), 32);
        assert_eq!(entry.ciphersuite(), 1);
        assert!(entry.bytes > 200, "size {}", entry.bytes);
        let (nb, na) = entry.lifetime();
        assert!(na > nb);
        assert_eq!(
            entry.state(std::time::SystemTime::now()),
            Lifecycle::Generated
        );
        assert!(bob.has_private_bundle(&entry.kp_ref));
        // Separate providers: alice's storage does not hold bob's bundles.
        assert!(!alice.has_private_bundle(&entry.kp_ref));
    }
    assert!(!bob.inventory()[0].last_resort());
    assert!(bob.inventory()[2].last_resort());
    // Delete a bundle behind the engine's back: the inventory notices, so no flag
    // is kept beside the storage.
    let kp_ref = nth_ref(&engine, "bob", 0);
    bob.provider()
        .storage()
        .delete_key_package::<KeyPackageRef>(&kp_ref)
        .unwrap();
    assert!(!bob.has_private_bundle(&kp_ref));
    assert_eq!(bob.private_bundles(), 2);
    let stored: Option<KeyPackageBundle> = bob.provider().storage().key_package(&kp_ref).unwrap();
    assert!(stored.is_none());
}

// Rule 2: generation options.
#[tokio::test]
async fn generation_options() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate 5",
        "bob generate --last-resort",
        "bob generate --suite 2",
        "bob generate --suite 3",
        "bob generate --lifetime 7200s",
        "bob generate --expired",
        "bob generate --not-yet-valid",
        "bob generate --last-resort --no-last-resort-capability",
    ])
    .await;
    let bob = engine.client("bob").unwrap();
    let inv = bob.inventory();
    assert_eq!(inv.len(), 12);
    assert!(inv[5].last_resort());
    assert!(inv[5].last_resort_capability);
    assert_eq!(inv[6].ciphersuite(), 2);
    assert_eq!(inv[7].ciphersuite(), 3);
    let (nb, na) = inv[8].lifetime();
    assert_eq!(na - nb, 7200 + 3600, "Lifetime::new starts an hour ago");
    let now = std::time::SystemTime::now();
    assert_eq!(inv[9].state(now), Lifecycle::Expired);
    assert_eq!(inv[10].state(now), Lifecycle::NotYetValid);
    assert!(inv[11].last_resort() && !inv[11].last_resort_capability);
    // With the capability it validates at the DS; the seed page's code does not.
    engine.execute_line("bob publish @6").await.unwrap();
    let e = fails(&mut engine, "bob publish @12").await;
    assert_eq!(e.code(), "UnsupportedExtension");
    // Suites 2 and 3 publish fine (suite 2 needed a P-256 key, registered on the fly).
    engine.execute_line("bob publish @7 @8").await.unwrap();
    // Bad counts and suites are usage errors and change nothing.
    let before = engine.client("bob").unwrap().inventory().len();
    assert_eq!(fails(&mut engine, "bob generate 0").await.code(), "Usage");
    assert_eq!(
        fails(&mut engine, "bob generate --suite 7").await.code(),
        "Usage"
    );
    assert_eq!(engine.client("bob").unwrap().inventory().len(), before);
}

// Rule 3: the DS validates, checks the owner, rejects with typed reasons.
#[tokio::test]
async fn ds_publish_validates_and_rejects_with_reasons() {
    let mut engine = lab(&["clients alice bob", "bob generate 3", "alice generate"]).await;
    engine.execute_line("bob publish @1").await.unwrap();
    engine
        .execute_line("bob publish @2 --mls-message")
        .await
        .unwrap();
    let published = last_of(&engine, "key_package_published");
    assert!(
        matches!(&published.kind, EventKind::KeyPackagePublished { format, .. } if *format == mls_lab::engine::KeyPackageFormat::MlsMessage)
    );
    let cases = [
        ("bob publish --raw 00010203", "Malformed"),
        ("bob publish --raw zz", "Malformed"),
        ("bob publish @3 --tamper", "BadSignature"),
        ("bob publish @1", "Duplicate"),
        ("alice publish --stolen-from bob", "WrongOwner"),
    ];
    for (line, code) in cases {
        let error = fails(&mut engine, line).await;
        assert_eq!(error.code(), code, "{line}: {error}");
    }
    assert_eq!(
        count(&engine, "key_package_rejected"),
        4,
        "{:?}",
        kinds(engine.events())
    );
    let snapshot = engine.ds_snapshot().await.unwrap();
    assert_eq!(snapshot.clients["bob"].normal.len(), 2);
    assert_eq!(snapshot.clients["alice"].normal.len(), 0);
    // The tampered package is marked rejected in bob's inventory; @3 unpublished.
    let bob = engine.client("bob").unwrap();
    assert_eq!(
        bob.inventory()[2].state(std::time::SystemTime::now()),
        Lifecycle::Rejected {
            error: "BadSignature".into()
        }
    );
    // Both framings are handed out as the bare KeyPackage, which alice validates.
    let second = nth_ref(&engine, "bob", 1);
    engine.claim("alice", "bob", Suite::new(1)).await.unwrap();
    assert_eq!(
        engine.claim("alice", "bob", Suite::new(1)).await.unwrap(),
        second
    );
    assert_eq!(engine.client("alice").unwrap().wallet().len(), 2);
}

#[tokio::test]
async fn ds_rejects_expired_and_not_yet_valid() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate --expired",
        "bob generate --not-yet-valid",
    ])
    .await;
    assert_eq!(fails(&mut engine, "bob publish @1").await.code(), "Expired");
    assert_eq!(
        fails(&mut engine, "bob publish @2").await.code(),
        "NotYetValid"
    );
    assert_eq!(
        engine.ds_snapshot().await.unwrap().clients["bob"]
            .normal
            .len(),
        0
    );
}

#[tokio::test]
async fn ds_claim_oldest_first_then_last_resort_counted_then_error() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish --all",
    ])
    .await;
    let first = engine.claim("alice", "bob", Suite::new(1)).await.unwrap();
    assert_eq!(first, nth_ref(&engine, "bob", 0), "oldest first");
    let second = engine.claim("alice", "bob", Suite::new(1)).await.unwrap();
    assert_eq!(second, nth_ref(&engine, "bob", 1));
    let lr = nth_ref(&engine, "bob", 2);
    assert_eq!(
        engine.claim("alice", "bob", Suite::new(1)).await.unwrap(),
        lr
    );
    assert_eq!(
        engine.claim("alice", "bob", Suite::new(1)).await.unwrap(),
        lr
    );
    assert!(matches!(
        &last_of(&engine, "key_package_claimed").kind,
        EventKind::KeyPackageClaimed {
            last_resort: true,
            last_resort_reuse: true,
            handouts: 2,
            ..
        }
    ));
    let stats = &engine.ds_snapshot().await.unwrap().clients["bob"];
    assert_eq!(
        (stats.normal.len(), stats.claims, stats.last_resort_reuses),
        (0, 4, 1)
    );
    assert!(
        !stats.last_resort.is_empty(),
        "the last-resort package is never removed"
    );
    // Wrong suite and nobody left.
    let error = fails(&mut engine, "alice claim bob --suite 2").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    let error = fails(&mut engine, "bob claim alice").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    assert!(error
        .to_string()
        .contains("no key package available for alice"));
    assert_eq!(last_of(&engine, "claim_failed").outcome, Outcome::Error);
}

// Rule 4: groups and Welcome routing to every new member; everyone in sync.
#[tokio::test]
async fn welcome_reaches_every_new_member_and_all_agree() {
    let mut engine = lab(&[
        "clients alice bob carol dave",
        "bob generate",
        "carol generate",
        "dave generate",
        "bob publish --all",
        "carol publish --all",
        "dave publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ])
    .await;
    let EventKind::WelcomeSent {
        new_member_refs,
        recipients,
        unroutable,
        ..
    } = &last_of(&engine, "welcome_sent").kind
    else {
        unreachable!()
    };
    assert_eq!(recipients, &["bob".to_string(), "carol".to_string()]);
    assert_eq!(new_member_refs.len(), 2);
    assert!(unroutable.is_empty());
    // Peek first: nothing consumed.
    engine.execute_line("bob peek").await.unwrap();
    let bob_ref = nth_ref(&engine, "bob", 0);
    assert!(engine.client("bob").unwrap().has_private_bundle(&bob_ref));
    let EventKind::WelcomeDelivered { kp_ref, .. } = &last_of(&engine, "welcome_delivered").kind
    else {
        unreachable!()
    };
    assert_eq!(
        kp_ref.as_ref(),
        Some(&mls_lab::domain::KeyPackageRef::from(&bob_ref))
    );
    engine.execute_line("bob join").await.unwrap();
    engine.execute_line("carol join").await.unwrap();
    // A later add: the existing members get the Commit and process it.
    engine
        .execute_line("alice add dave --to team")
        .await
        .unwrap();
    let EventKind::CommitSent { recipients, .. } = &last_of(&engine, "commit_sent").kind else {
        unreachable!()
    };
    assert_eq!(recipients, &["bob".to_string(), "carol".to_string()]);
    engine.execute_line("deliver").await.unwrap();
    let views: Vec<_> = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|c| engine.client(c).unwrap().group_view("team").unwrap())
        .collect();
    for view in &views {
        assert_eq!(view.epoch, 2);
        assert_eq!(view.members, views[0].members);
        assert_eq!(view.epoch_authenticator, views[0].epoch_authenticator);
    }
    assert_eq!(views[0].members, ["alice", "bob", "carol", "dave"]);
    engine.execute_line("expect in-sync team").await.unwrap();
}

// Rule 5: what the seed page promises, shown as state.
#[tokio::test]
async fn normal_bundle_deleted_last_resort_kept_and_reused() {
    let engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob generate --last-resort",
        "bob publish --all",
        "alice create-group one",
        "alice add bob --to one",
        "bob join",
        "alice create-group two",
        "alice add bob --to two",
        "bob join",
        "alice create-group three",
        "alice add bob --to three",
        "bob join",
    ])
    .await;
    let bob = engine.client("bob").unwrap();
    let (normal, lr) = (nth_ref(&engine, "bob", 0), nth_ref(&engine, "bob", 1));
    assert!(!bob.has_private_bundle(&normal));
    assert!(bob.has_private_bundle(&lr));
    for group in ["one", "two", "three"] {
        assert!(bob.group_view(group).is_some(), "{group}");
    }
    let now = std::time::SystemTime::now();
    assert_eq!(
        bob.inventory()[0].state(now),
        Lifecycle::UsedToJoin {
            group: "one".into()
        }
    );
    assert_eq!(
        bob.inventory()[1].state(now),
        Lifecycle::RetainedLastResort {
            groups: vec!["two".into(), "three".into()]
        }
    );
    assert_eq!(count(&engine, "private_bundle_deleted"), 1);
    assert_eq!(count(&engine, "private_bundle_retained"), 2);
    assert!(bob.group_view("two").unwrap().needs_update);
}

// Rule 6: protocol failures are typed and leave other state intact.
#[tokio::test]
async fn replayed_welcome_for_consumed_package_fails() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "ds replay-welcome",
    ])
    .await;
    let epoch = engine
        .client("bob")
        .unwrap()
        .group_view("team")
        .unwrap()
        .epoch;
    let error = fails(&mut engine, "bob join").await;
    assert_eq!(error.code(), "NoMatchingKeyPackage");
    assert!(error.to_string().contains("already used"), "{error}");
    assert_eq!(
        engine
            .client("bob")
            .unwrap()
            .group_view("team")
            .unwrap()
            .epoch,
        epoch
    );
    engine
        .execute_line("expect error NoMatchingKeyPackage")
        .await
        .unwrap();
}

#[tokio::test]
async fn welcome_for_someone_else_fails() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "bob publish --all",
        "carol generate",
        "alice create-group team",
        "alice add bob --to team",
        "ds forward-welcome carol",
    ])
    .await;
    let error = fails(&mut engine, "carol join").await;
    assert_eq!(error.code(), "NoMatchingKeyPackage");
    assert!(error.to_string().contains("someone else"), "{error}");
    // carol's own bundle is untouched; bob can still join.
    assert_eq!(engine.client("carol").unwrap().private_bundles(), 1);
    engine.execute_line("bob join").await.unwrap();
}

#[tokio::test]
async fn ciphersuite_mismatch_is_refused_and_claimed_package_kept() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --suite 2",
        "bob publish --all",
        "alice create-group team",
        "alice claim bob --suite 2",
    ])
    .await;
    let error = fails(&mut engine, "alice add bob --to team").await;
    assert_eq!(error.code(), "CiphersuiteMismatch", "{error}");
    let alice = engine.client("alice").unwrap();
    assert_eq!(
        alice.wallet().len(),
        1,
        "the claimed package stays with alice"
    );
    assert_eq!(alice.group_view("team").unwrap().epoch, 0);
    assert_eq!(alice.group_view("team").unwrap().members, ["alice"]);
    assert_eq!(count(&engine, "welcome_sent"), 0);
}

#[tokio::test]
async fn unknown_clients_groups_and_refs_change_nothing() {
    let mut engine = lab(&["clients alice bob", "bob generate", "bob publish --all"]).await;
    let events = engine.events().len();
    let snapshot = engine.ds_snapshot().await.unwrap();
    let cases = [
        ("zed generate", "UnknownClient"),
        ("alice claim zed", "UnknownClient"),
        ("alice add bob --to nowhere", "UnknownGroup"),
        ("alice add zed --to nowhere", "UnknownGroup"),
        ("bob publish ffff", "UnknownKeyPackage"),
        ("bob join", "NoPendingWelcome"),
        ("clients alice", "ClientExists"),
        ("clients Bad!", "InvalidName"),
        ("alice dance", "Usage"),
    ];
    for (line, code) in cases {
        assert_eq!(fails(&mut engine, line).await.code(), code, "{line}");
    }
    assert_eq!(
        engine.ds_snapshot().await.unwrap(),
        snapshot,
        "DS state intact"
    );
    assert!(engine.client("alice").unwrap().groups().is_empty());
    // Each failure left exactly one failure event (parse errors leave none).
    let failures = engine.events()[events..]
        .iter()
        .filter(|e| e.outcome == Outcome::Error)
        .count();
    assert_eq!(failures, 8, "{:?}", kinds(&engine.events()[events..]));
}

// Rule 7: rotation replaces the DS's last-resort package and updates the leaf.
#[tokio::test]
async fn rotate_last_resort_replaces_and_self_updates() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --last-resort",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
    ])
    .await;
    let old = nth_ref(&engine, "bob", 0);
    let leaf_before = engine.client("bob").unwrap().group_view("team").unwrap();
    assert!(leaf_before.needs_update);
    engine.execute_line("bob rotate-last-resort").await.unwrap();
    let new = nth_ref(&engine, "bob", 1);
    let snapshot = engine.ds_snapshot().await.unwrap();
    assert_eq!(
        snapshot.clients["bob"]
            .last_resort_for(Suite::new(1))
            .unwrap()
            .kp_ref,
        new
    );
    let EventKind::KeyPackagePublished { replaced, .. } =
        &last_of(&engine, "key_package_published").kind
    else {
        unreachable!()
    };
    assert_eq!(
        replaced.as_ref(),
        Some(&mls_lab::domain::KeyPackageRef::from(&old))
    );
    let bob = engine.client("bob").unwrap();
    assert_eq!(bob.group_view("team").unwrap().epoch, leaf_before.epoch + 1);
    assert!(!bob.group_view("team").unwrap().needs_update);
    engine.execute_line("alice sync").await.unwrap();
    engine.execute_line("expect in-sync team").await.unwrap();
    // A plain self-update in a named group works too.
    engine.execute_line("alice self-update team").await.unwrap();
    engine.execute_line("bob sync").await.unwrap();
    engine.execute_line("expect in-sync team").await.unwrap();
    engine
        .execute_line("expect bob epoch team 3")
        .await
        .unwrap();
}

// Rule 8: the event log.
#[tokio::test]
async fn event_log_is_sequenced_and_typed() {
    let engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
    ])
    .await;
    let events = engine.events();
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.outcome, Outcome::Ok);
    }
    assert_eq!(
        kinds(events),
        [
            "client_registered",
            "client_registered",
            "key_package_generated",
            "key_package_published",
            "group_created",
            "key_package_claimed",
            "commit_sent",
            "welcome_sent",
            "welcome_delivered",
            "group_joined",
            "private_bundle_deleted",
        ]
    );
    let json = mls_lab::runner::event_json(&events[3]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["kind"], "key_package_published");
    assert_eq!(value["actor"], "bob");
    assert_eq!(value["kp_ref"].as_str().unwrap().len(), 64);
    assert!(value["bytes"].as_u64().unwrap() > 200);
    assert!(value["duration_us"].is_u64());
    // The generated event's reference is the one the Welcome names and the join used.
    let generated = serde_json::to_value(&events[2]).unwrap();
    let welcome = serde_json::to_value(&events[7]).unwrap();
    let joined = serde_json::to_value(&events[9]).unwrap();
    assert_eq!(welcome["new_member_refs"][0], generated["kp_ref"]);
    assert_eq!(joined["kp_ref"], generated["kp_ref"]);
    for name in mls_lab::engine::EventKind::ALL {
        assert!(
            include_str!("../docs/scenarios.md").contains(&format!("`{name}`")),
            "docs/scenarios.md documents {name}"
        );
    }
}

// The engine moves to a worker task (the TUI runs it off the UI task).
#[test]
fn engine_is_send() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<Engine>();
    assert_send::<mls_lab::engine::DsHandle>();
}
