//! A client's key package and bundle rules that no test produced before the mutation
//! audit (docs/testing.md): each test here fails when its rule is broken.

mod rules_common;
mod support;

use std::time::{Duration, SystemTime};

use mls_lab::command::{CommandError, Execute as _};
use mls_lab::domain::Suite;
use mls_lab::engine::{Engine, EngineError, Event, EventKind, Lifecycle};
use openmls::prelude::{KeyPackageIn, ProtocolVersion};
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider as _;
use rules_common::{ref_of, Identity, SUITE_1};
use support::{lab, run};
use tls_codec::Deserialize as _;

/// zed, a client the test plays with raw OpenMLS, claims one of bob's packages at
/// the DS, adds bob to a group of its own and sends the Welcome through the DS;
/// `tamper` flips the Welcome's last byte, which lies in `encrypted_group_info`
/// (RFC 9420 §12.4.3.1), so the join fails only after the bundle was found.
async fn welcome_from_zed(engine: &Engine, zed: &Identity, group: &str, tamper: bool) {
    let claimed = engine
        .ds()
        .claim("bob", Suite::new(1))
        .await
        .expect("zed claims bob's package");
    let crypto = OpenMlsRustCrypto::default();
    let key_package = KeyPackageIn::tls_deserialize_exact(&claimed.entry.bytes)
        .expect("the DS hands out a key package")
        .validate(crypto.crypto(), ProtocolVersion::Mls10)
        .expect("a valid key package");
    let mut mls_group = zed.create_group(SUITE_1, group);
    let mut welcome = zed.add(&mut mls_group, &[key_package]);
    if tamper {
        *welcome.last_mut().unwrap() ^= 0x01;
    }
    let routing = engine
        .ds()
        .send_welcome(group, "zed", welcome)
        .await
        .expect("the DS routes the Welcome");
    assert_eq!(routing.recipients, ["bob"]);
}

/// bob's events since `from`, by name.
fn bob_events(engine: &Engine, from: usize) -> Vec<&Event> {
    engine.events()[from..]
        .iter()
        .filter(|e| e.actor == "bob")
        .collect()
}

// RFC 9420 §12.4.3.1 as OpenMLS implements it: the private bundle of a normal key
// package is deleted as soon as a Welcome names it, even when the join then fails.
// The lab must show that: the bundle is gone, and the log says so after the failure.
#[tokio::test]
async fn the_normal_bundle_is_deleted_even_when_the_join_fails() {
    let mut engine = lab(&["clients bob", "bob generate", "bob publish --all"]).await;
    let bob_ref = ref_of(&engine.client("bob").unwrap().inventory()[0].key_package);
    run(&mut engine, "expect bob bundle @1 present").await;
    welcome_from_zed(&engine, &Identity::new("zed"), "broken", true).await;

    let from = engine.events().len();
    let error = engine.execute_line("bob join").await.unwrap_err();
    assert!(
        matches!(error, CommandError::Engine(EngineError::Join { .. })),
        "a failure after the bundle was found, got {} ({error})",
        error.code()
    );
    let returned = error.code();
    let events = bob_events(&engine, from);
    let names: Vec<&str> = events.iter().map(|e| e.kind.name()).collect();
    assert_eq!(
        names,
        ["welcome_delivered", "join_failed", "private_bundle_deleted"]
    );
    match &events[1].kind {
        EventKind::JoinFailed { kp_ref, error, .. } => {
            assert_eq!(kp_ref.as_ref(), Some(&bob_ref));
            assert_eq!(*error, returned);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        &events[2].kind,
        EventKind::PrivateBundleDeleted { kp_ref } if *kp_ref == bob_ref
    ));
    // Read back from storage, not from the log.
    run(&mut engine, "expect bob bundle @1 deleted").await;
    run(&mut engine, "expect bob key-packages 0").await;
    run(&mut engine, "expect bob not-member-of broken").await;
    let bob = engine.client("bob").unwrap();
    assert!(!bob.has_private_bundle(&bob.inventory()[0].kp_ref));
}

// The other side: a last-resort bundle is kept when the join fails, and a good
// Welcome for the same package afterwards still joins.
#[tokio::test]
async fn the_last_resort_bundle_is_kept_when_the_join_fails() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate --last-resort",
        "bob publish --all",
    ])
    .await;
    let bob_ref = ref_of(&engine.client("bob").unwrap().inventory()[0].key_package);
    let zed = Identity::new("zed");
    welcome_from_zed(&engine, &zed, "broken", true).await;
    let from = engine.events().len();
    let error = engine.execute_line("bob join").await.unwrap_err();
    assert!(
        matches!(error, CommandError::Engine(EngineError::Join { .. })),
        "{error}"
    );
    let names: Vec<&str> = bob_events(&engine, from)
        .iter()
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(
        names,
        [
            "welcome_delivered",
            "join_failed",
            "private_bundle_retained"
        ]
    );
    run(&mut engine, "expect bob bundle @1 present").await;

    welcome_from_zed(&engine, &zed, "fine", false).await;
    run(&mut engine, "bob join").await;
    run(&mut engine, "expect bob member-of fine").await;
    let joined = engine.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::GroupJoined {
            kp_ref,
            last_resort,
            ..
        } => Some((kp_ref.clone(), *last_resort)),
        _ => None,
    });
    assert_eq!(joined, Some((bob_ref, true)));
    run(&mut engine, "expect bob bundle @1 present").await;
}

// RFC 9420 §10.1: a key package past its not_after is expired, whatever happened to
// it before. A published one must not be shown as "published" once it expired.
#[tokio::test]
async fn a_published_package_that_has_expired_is_reported_expired() {
    let engine = lab(&[
        "clients bob",
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish @1 @3",
    ])
    .await;
    let inventory = engine.client("bob").unwrap().inventory();
    let now = SystemTime::now();
    let (_, not_after) = inventory[0].lifetime();
    let later = SystemTime::UNIX_EPOCH + Duration::from_secs(not_after + 1);
    assert_eq!(inventory[0].state(now), Lifecycle::Published);
    assert_eq!(inventory[0].state(later), Lifecycle::Expired);
    assert_eq!(inventory[1].state(now), Lifecycle::Generated);
    assert_eq!(inventory[1].state(later), Lifecycle::Expired);
    assert_eq!(inventory[2].state(now), Lifecycle::Published);
    assert_eq!(inventory[2].state(later), Lifecycle::Expired);
    // And in words, as the state section and the inventory show it.
    let words: Vec<String> = [now, later]
        .iter()
        .flat_map(|t| inventory.iter().map(|e| e.state(*t).to_string()))
        .collect();
    assert_eq!(
        words,
        [
            "published",
            "generated",
            "published",
            "expired",
            "expired",
            "expired"
        ]
    );
}

// The same through the lab clock and the view every panel reads.
#[tokio::test]
async fn the_view_shows_a_published_package_expired_once_the_clock_passes_it() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate --lifetime 1d",
        "bob publish --all",
    ])
    .await;
    let state = |view: &mls_lab::engine::LabView| {
        assert_eq!(view.clients[0].name, "bob");
        view.clients[0].key_packages[0].state.clone()
    };
    let view = engine.view().await.unwrap();
    assert_eq!(state(&view), Lifecycle::Published);
    // A day's lifetime, minus what has passed: shown as time left.
    let left = view.clients[0].key_packages[0].lifetime_left;
    assert!(
        left > Duration::from_secs(23 * 3600) && left <= Duration::from_secs(24 * 3600),
        "{left:?}"
    );
    run(&mut engine, "clock +2d").await;
    assert_eq!(state(&engine.view().await.unwrap()), Lifecycle::Expired);
}

// RFC 9420 §16.8: the error for a Welcome whose bundle is gone names the package, by
// the first 8 hex digits of its reference, as every message in the lab does.
#[tokio::test]
async fn a_replayed_welcome_names_the_used_package() {
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
    let bob_ref = ref_of(&engine.client("bob").unwrap().inventory()[0].key_package);
    let error = engine.execute_line("bob join").await.unwrap_err();
    assert_eq!(error.code(), "NoMatchingKeyPackage");
    let message = error.to_string();
    let bob_ref = bob_ref.to_string();
    assert!(message.contains(&bob_ref[..8]), "{message}");
    assert!(!message.contains(&bob_ref[..9]), "only 8 digits: {message}");
}

// A client that joined through a Welcome can add others in turn: its own Welcomes
// carry the ratchet tree, as the lab's groups are set up to.
#[tokio::test]
async fn a_member_who_joined_by_welcome_can_add_the_next_one() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "bob add carol --to team",
        "carol join",
        "deliver",
    ])
    .await;
    run(&mut engine, "expect carol member-of team").await;
    run(&mut engine, "expect in-sync team").await;
}

// Selectors: an empty one names nothing; a prefix two references share is ambiguous.
#[tokio::test]
async fn selectors_refuse_empty_and_ambiguous_prefixes() {
    // 17 references: at least two share their first hex digit.
    let engine = lab(&["clients bob", "bob generate 17"]).await;
    let bob = engine.client("bob").unwrap();
    assert_eq!(bob.resolve("").unwrap_err().code(), "UnknownKeyPackage");
    let mut first_digits: Vec<String> = bob
        .inventory()
        .iter()
        .map(|e| ref_of(&e.key_package).to_string()[..1].to_string())
        .collect();
    first_digits.sort();
    let shared = first_digits
        .windows(2)
        .find(|w| w[0] == w[1])
        .map(|w| w[0].clone())
        .expect("pigeonhole");
    assert_eq!(
        bob.resolve(&shared).unwrap_err().code(),
        "AmbiguousKeyPackage"
    );
    let one = ref_of(&bob.inventory()[3].key_package);
    assert_eq!(
        ref_of(&bob.resolve(&one.to_string()).unwrap().key_package),
        one
    );
}

// The claim a package was added with is the one marked with the group: "claimed by
// alice for team" until bob joins, and another claimer's later claim stays unmarked.
#[tokio::test]
async fn the_claim_used_for_an_add_is_the_one_marked_with_the_group() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate --last-resort",
        "bob publish --all",
        "alice claim bob",
        "carol claim bob",
        "alice create-group team",
        "alice add bob --to team",
    ])
    .await;
    let claims = engine.client("bob").unwrap().inventory()[0].claims.clone();
    let marked: Vec<(String, Option<String>)> = claims
        .iter()
        .map(|c| (c.by.clone(), c.group.clone()))
        .collect();
    assert_eq!(
        marked,
        [
            ("alice".to_string(), Some("team".to_string())),
            ("carol".to_string(), None)
        ]
    );
    run(&mut engine, "bob join").await;
}

/// A Welcome from outside the lab whose `GroupId` reads like one of the joiner's own
/// groups (a printable GroupId is its own label) must never replace the group the
/// joiner already has under that label (the mutation audit found `||` → `&&` in
/// `Client::stage`, which let zed's group overwrite it, slipping past), and is not
/// refused as `AlreadyMember` either: it is another group, so it joins under a
/// name of its own that obeys the name rule, `team-2`.
#[tokio::test]
async fn a_foreign_group_named_like_a_joined_one_never_replaces_it() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "expect in-sync team",
    ])
    .await;
    welcome_from_zed(&engine, &Identity::new("zed"), "team", false).await;
    run(&mut engine, "bob join").await;
    run(&mut engine, "expect bob member-of team-2").await;
    run(&mut engine, "expect in-sync team").await;
    run(&mut engine, "alice self-update team").await;
    run(&mut engine, "deliver").await;
    run(&mut engine, "expect in-sync team").await;
}
