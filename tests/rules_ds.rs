//! The Delivery Service's rules that a deliberate bug once slipped past (the mutation
//! audit in docs/testing.md): each test here fails when its rule is broken.
//!
//! Key packages the test must sign itself are built with raw OpenMLS under
//! identities the test controls (`rules_common`); their keys are registered at the
//! DS through `engine.ds().register(..)`, as the engine registers its own clients.

mod rules_common;
mod support;
use support::{fails, lab, run};

use mls_lab::command::CommandError;
use mls_lab::domain::KeyPackageRef;
use mls_lab::engine::{Engine, EngineError, EventKind, KeyPackageFormat};
use rules_common::{encode, ref_of, Identity, KeyPackageFields, SUITE_1, SUITE_2};

/// The reference of `client`'s `n`-th generated key package (0-based).
fn nth_ref(engine: &Engine, client: &str, n: usize) -> KeyPackageRef {
    ref_of(&engine.client(client).unwrap().inventory()[n].key_package)
}

/// The reference of the last key package `claimer` claimed.
fn last_claimed(engine: &Engine, claimer: &str) -> KeyPackageRef {
    engine
        .events()
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            EventKind::KeyPackageClaimed { kp_ref, .. } if e.actor == claimer => {
                Some(kp_ref.clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("{claimer} claimed nothing"))
}

fn raw(bytes: &[u8]) -> String {
    format!("'{}'", hex::encode(bytes))
}

// RFC 9420 §12.1.1 / §16.8: a claim asks for a ciphersuite; the DS hands out a
// normal package of that suite only, even when an older one of another suite waits.
#[tokio::test]
async fn a_normal_hand_out_respects_the_requested_suite() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob generate --suite 2",
        "bob generate",
        "bob publish --all",
    ])
    .await;
    let (suite1_old, suite2, suite1_new) = (
        nth_ref(&engine, "bob", 0),
        nth_ref(&engine, "bob", 1),
        nth_ref(&engine, "bob", 2),
    );
    run(&mut engine, "alice claim bob --suite 2").await;
    assert_eq!(
        last_claimed(&engine, "alice"),
        suite2,
        "not the suite 2 one"
    );
    let claimed = engine.client("alice").unwrap().wallet()[0]
        .key_package
        .ciphersuite();
    assert_eq!(claimed, SUITE_2);
    // The two suite 1 packages wait; no other suite 2 one is left.
    let error = fails(&mut engine, "alice claim bob --suite 2").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable", "{error}");
    let error = fails(&mut engine, "alice claim bob --suite 3").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable", "{error}");
    let left: Vec<KeyPackageRef> = engine.ds_snapshot().await.unwrap().clients["bob"]
        .normal
        .iter()
        .map(|e| e.kp_ref.clone())
        .collect();
    assert_eq!(left, [suite1_old.clone(), suite1_new.clone()]);
    // Suite 1 claims get them oldest first.
    run(&mut engine, "alice claim bob --suite 1").await;
    assert_eq!(last_claimed(&engine, "alice"), suite1_old);
    run(&mut engine, "alice claim bob").await;
    assert_eq!(last_claimed(&engine, "alice"), suite1_new);
}

// RFC 9750 §5.1, first half: the credential must name the uploader. Here the
// signature key IS registered to bob, so only this half refuses the upload.
#[tokio::test]
async fn a_package_whose_credential_names_someone_else_is_refused() {
    let mut engine = lab(&["clients bob"]).await;
    let mallory = Identity::new("mallory");
    engine
        .ds()
        .register("bob", mallory.public_key())
        .await
        .unwrap();
    let before = engine.ds_snapshot().await.unwrap();
    let package = mallory.key_package(SUITE_1, false);
    let line = format!("bob publish --raw {}", raw(&encode(&package)));
    let error = fails(&mut engine, &line).await;
    assert_eq!(
        error,
        EngineError::WrongOwner {
            publisher: "bob".into(),
            credential: "mallory".into()
        }
    );
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
}

// RFC 9750 §5.1, second half: the signature key must be one the uploader
// registered. Here the credential says "bob", so only this half refuses it.
#[tokio::test]
async fn a_package_signed_with_a_key_not_registered_to_the_uploader_is_refused() {
    let mut engine = lab(&["clients alice bob"]).await;
    let fake_bob = Identity::new("bob");
    let package = fake_bob.key_package(SUITE_1, false);
    let line = format!("bob publish --raw {}", raw(&encode(&package)));
    let before = engine.ds_snapshot().await.unwrap();
    // Registered to nobody.
    let error = fails(&mut engine, &line).await;
    assert_eq!(error.code(), "WrongOwner", "{error}");
    // Registered to someone else.
    engine
        .ds()
        .register("alice", fake_bob.public_key())
        .await
        .unwrap();
    let error = fails(&mut engine, &line).await;
    assert_eq!(error.code(), "WrongOwner", "{error}");
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
    // The same bytes, once the key is bob's: accepted. So the package itself is
    // sound and only the owner check refused it above.
    engine
        .ds()
        .register("bob", fake_bob.public_key())
        .await
        .unwrap();
    run(&mut engine, &line).await;
    let normal = &engine.ds_snapshot().await.unwrap().clients["bob"].normal;
    assert_eq!(normal.len(), 1);
    assert_eq!(normal[0].kp_ref, ref_of(&package));
}

// RFC 9420 §16.8: a normal package is handed out once. A package that was claimed
// (or used, or replaced) is no longer listed, yet uploading it again is Duplicate:
// otherwise it would be handed out a second time.
#[tokio::test]
async fn a_claimed_package_uploaded_again_is_a_duplicate() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob publish --all",
        "alice claim bob",
    ])
    .await;
    let claimed = nth_ref(&engine, "bob", 0);
    assert_eq!(last_claimed(&engine, "alice"), claimed);
    let before = engine.ds_snapshot().await.unwrap();
    for line in ["bob publish @1", "bob publish @1 --mls-message"] {
        let error = fails(&mut engine, line).await;
        assert_eq!(
            error,
            EngineError::Duplicate {
                kp_ref: claimed.clone()
            },
            "{line}"
        );
        assert_eq!(engine.ds_snapshot().await.unwrap(), before, "{line}");
    }
    // Still listed: Duplicate as well.
    let error = fails(&mut engine, "bob publish @2").await;
    assert_eq!(error.code(), "Duplicate");
    // Never handed out twice: the second claim gets the other one, the third nothing.
    run(&mut engine, "alice claim bob").await;
    assert_eq!(last_claimed(&engine, "alice"), nth_ref(&engine, "bob", 1));
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    run(&mut engine, "expect ds bob claims 2").await;
}

#[tokio::test]
async fn a_used_package_uploaded_again_is_a_duplicate() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
    ])
    .await;
    let error = fails(&mut engine, "bob publish @1").await;
    assert_eq!(error.code(), "Duplicate", "{error}");
    run(&mut engine, "expect ds bob available 0").await;
}

// A replaced last-resort package uploaded again would displace its successor.
#[tokio::test]
async fn a_replaced_last_resort_package_uploaded_again_is_a_duplicate() {
    let mut engine = lab(&[
        "clients bob",
        "bob generate --last-resort",
        "bob publish --all",
        "bob generate --last-resort",
        "bob publish @2",
    ])
    .await;
    let (old, new) = (nth_ref(&engine, "bob", 0), nth_ref(&engine, "bob", 1));
    let before = engine.ds_snapshot().await.unwrap();
    let error = fails(&mut engine, "bob publish @1").await;
    assert_eq!(error, EngineError::Duplicate { kp_ref: old });
    let error = fails(&mut engine, "bob publish @2").await;
    assert_eq!(error, EngineError::Duplicate { kp_ref: new });
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
}

// RFC 9750 §5.1: only registered clients upload. Refused before the bytes are
// even looked at, and no account appears.
#[tokio::test]
async fn an_upload_by_an_unregistered_client_is_refused() {
    let engine = lab(&["clients bob"]).await;
    let before = engine.ds_snapshot().await.unwrap();
    let mallory = Identity::new("mallory");
    let package = encode(&mallory.key_package(SUITE_1, false));
    for bytes in [package, vec![0xff; 7]] {
        let error = engine
            .ds()
            .publish("mallory", bytes, KeyPackageFormat::KeyPackage)
            .await
            .unwrap_err();
        assert_eq!(error, EngineError::NotRegistered("mallory".into()));
        assert_eq!(engine.ds_snapshot().await.unwrap(), before);
    }
}

// RFC 9420 §10.1: a receiver checks the protocol version. The package is otherwise
// sound and signed again after the change, so only the version check refuses it.
#[tokio::test]
async fn a_package_with_another_protocol_version_is_invalid() {
    let mut engine = lab(&["clients bob"]).await;
    let fake_bob = Identity::new("bob");
    engine
        .ds()
        .register("bob", fake_bob.public_key())
        .await
        .unwrap();
    let original = encode(&fake_bob.key_package(SUITE_1, false));
    for version in [0u16, 2, 0xffff] {
        let mut fields = KeyPackageFields::parse(&original);
        fields.version = version;
        fields.resign(&fake_bob.signer);
        let error = fails(
            &mut engine,
            &format!("bob publish --raw {}", raw(&fields.encode())),
        )
        .await;
        assert_eq!(
            error.code(),
            "InvalidKeyPackage",
            "version {version}: {error}"
        );
        assert!(error.to_string().contains("version"), "{error}");
    }
    // Control: parsed, signed again and encoded without a change, it is accepted.
    let mut fields = KeyPackageFields::parse(&original);
    fields.resign(&fake_bob.signer);
    run(
        &mut engine,
        &format!("bob publish --raw {}", raw(&fields.encode())),
    )
    .await;
    run(&mut engine, "expect ds bob available 1").await;
}

// RFC 9420 §10.1: init_key and leaf_node.encryption_key must differ.
#[tokio::test]
async fn a_package_whose_init_key_is_its_encryption_key_is_invalid() {
    let mut engine = lab(&["clients bob"]).await;
    let fake_bob = Identity::new("bob");
    engine
        .ds()
        .register("bob", fake_bob.public_key())
        .await
        .unwrap();
    let mut fields = KeyPackageFields::parse(&encode(&fake_bob.key_package(SUITE_1, false)));
    assert_ne!(fields.init_key, fields.leaf.encryption_key);
    fields.init_key = fields.leaf.encryption_key.clone();
    fields.resign_outer(&fake_bob.signer);
    let before = engine.ds_snapshot().await.unwrap();
    let error = fails(
        &mut engine,
        &format!("bob publish --raw {}", raw(&fields.encode())),
    )
    .await;
    assert_eq!(error.code(), "InvalidKeyPackage", "{error}");
    assert!(error.to_string().contains("init key"), "{error}");
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
}

// RFC 9420 §12.4.3.1: the DS routes a Welcome by each `new_member`; a reference it
// never accepted is reported as unroutable, and the others are still delivered.
#[tokio::test]
async fn a_welcome_naming_an_unknown_reference_reports_it_unroutable() {
    let engine = lab(&["clients bob", "bob generate", "bob publish --all"]).await;
    let bob_package = engine.client("bob").unwrap().inventory()[0]
        .key_package
        .clone();
    let stranger = Identity::new("stranger").key_package(SUITE_1, false);
    let zed = Identity::new("zed");
    let mut group = zed.create_group(SUITE_1, "side");
    let welcome = zed.add(&mut group, &[bob_package.clone(), stranger.clone()]);

    let routing = engine
        .ds()
        .send_welcome("side", "zed", welcome)
        .await
        .unwrap();
    let hexes = |refs: &[KeyPackageRef]| -> Vec<KeyPackageRef> { refs.to_vec() };
    assert_eq!(
        hexes(&routing.new_members),
        [ref_of(&bob_package), ref_of(&stranger)]
    );
    assert_eq!(routing.recipients, ["bob"]);
    assert_eq!(hexes(&routing.unroutable), [ref_of(&stranger)]);
    assert_eq!(engine.ds_snapshot().await.unwrap().clients["bob"].inbox, 1);

    // A Welcome for nobody the DS knows: every reference unroutable, nobody gets it.
    let other = Identity::new("other").key_package(SUITE_1, false);
    let mut group = zed.create_group(SUITE_1, "lonely");
    let welcome = zed.add(&mut group, std::slice::from_ref(&other));
    let routing = engine
        .ds()
        .send_welcome("lonely", "zed", welcome)
        .await
        .unwrap();
    assert!(routing.recipients.is_empty());
    assert_eq!(hexes(&routing.unroutable), [ref_of(&other)]);
    assert_eq!(engine.ds_snapshot().await.unwrap().clients["bob"].inbox, 1);
}

// §12.4.3.1: every new member gets the Welcome, and each client once, even when
// the Welcome names two of its packages (here: one built by the lab, one by a second
// signature key bob registered).
#[tokio::test]
async fn a_welcome_naming_two_packages_of_one_client_reaches_it_once() {
    let mut engine = lab(&["clients bob", "bob generate", "bob publish --all"]).await;
    let second_key = Identity::new("bob");
    engine
        .ds()
        .register("bob", second_key.public_key())
        .await
        .unwrap();
    let second = second_key.key_package(SUITE_1, false);
    run(
        &mut engine,
        &format!("bob publish --raw {}", raw(&encode(&second))),
    )
    .await;
    let first = engine.client("bob").unwrap().inventory()[0]
        .key_package
        .clone();
    let zed = Identity::new("zed");
    let mut group = zed.create_group(SUITE_1, "twice");
    let welcome = zed.add(&mut group, &[first, second]);
    let inbox = engine.ds_snapshot().await.unwrap().clients["bob"].inbox;
    let routing = engine
        .ds()
        .send_welcome("twice", "zed", welcome)
        .await
        .unwrap();
    assert_eq!(routing.new_members.len(), 2);
    assert_eq!(routing.recipients, ["bob"]);
    assert!(routing.unroutable.is_empty());
    assert_eq!(
        engine.ds_snapshot().await.unwrap().clients["bob"].inbox,
        inbox + 1
    );
}

// README: one last-resort package per client AND ciphersuite. A suite 1 upload
// replaces only the suite 1 one; a suite 2 claim still finds its own.
#[tokio::test]
async fn one_last_resort_package_per_suite() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --last-resort --suite 2",
        "bob generate --last-resort",
        "bob publish --all",
    ])
    .await;
    let (suite2, suite1) = (nth_ref(&engine, "bob", 0), nth_ref(&engine, "bob", 1));
    run(&mut engine, "alice claim bob --suite 2").await;
    assert_eq!(last_claimed(&engine, "alice"), suite2);
    run(&mut engine, "alice claim bob --suite 1").await;
    assert_eq!(last_claimed(&engine, "alice"), suite1);
    // A new suite 1 last-resort package replaces the suite 1 one only.
    run(&mut engine, "bob generate --last-resort").await;
    run(&mut engine, "bob publish @3").await;
    let replaced = engine.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::KeyPackagePublished { replaced, .. } => Some(replaced.clone()),
        _ => None,
    });
    assert_eq!(replaced, Some(Some(suite1)));
    run(&mut engine, "alice claim bob --suite 2").await;
    assert_eq!(last_claimed(&engine, "alice"), suite2);
    run(&mut engine, "alice claim bob --suite 1").await;
    assert_eq!(last_claimed(&engine, "alice"), nth_ref(&engine, "bob", 2));
}

// RFC 9420 §10.1 (a claimer must refuse an expired package) and issue 7's lab
// clock: the DS never hands one out, normal or last-resort, even the oldest.
#[tokio::test]
async fn an_expired_package_is_never_handed_out() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --lifetime 2d",
        "bob generate",
        "bob publish --all",
        "clock +3d",
    ])
    .await;
    run(&mut engine, "expect ds bob available 1").await;
    run(&mut engine, "alice claim bob").await;
    assert_eq!(last_claimed(&engine, "alice"), nth_ref(&engine, "bob", 1));
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable", "{error}");
    // An expired last-resort package is not handed out either.
    run(&mut engine, "bob generate --last-resort --lifetime 1d").await;
    run(&mut engine, "bob publish @3").await;
    run(&mut engine, "clock +2d").await;
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable", "{error}");
}

/// A seeded lab's clock starts at the beginning of the current UTC week, in the
/// system's past. The DS must check lifetimes on that clock from its very first
/// request, not only after the first `clock +…` (a mutant that started the DS on the
/// system clock slipped past every test): a package that ends one second after the
/// lab's start is valid at lab time and long expired at system time.
#[tokio::test]
async fn a_seeded_labs_ds_checks_lifetimes_on_the_lab_clock_from_its_first_request() {
    use mls_lab::engine::Randomness;
    let mut engine = Engine::with_randomness(Randomness::Seeded(7));
    for line in ["clients alice bob", "bob generate --lifetime 1s"] {
        run(&mut engine, line).await;
    }
    // Only in the first second of a week are lab and system time equal here.
    let lab_now = engine.view().await.expect("view").now;
    assert!(lab_now < mls_lab::domain::LabClock::system_secs());
    run(&mut engine, "bob publish @1").await;
    run(&mut engine, "expect ds bob available 1").await;
    run(&mut engine, "alice claim bob").await;
}

/// The DS's maximum lifetime (13 weeks) is inclusive, and the refusal reports the
/// lifetime left exactly. A seeded lab's clock stands still between lines, so the
/// boundary is exact (the mutation audit found `>` → `>=` and `not_after - now`
/// → `+`, `/` slipping past).
#[tokio::test]
async fn the_maximum_lifetime_is_inclusive_and_the_refusal_reports_the_exact_lifetime() {
    use mls_lab::engine::Randomness;
    let mut engine = Engine::with_randomness(Randomness::Seeded(11));
    for line in [
        "clients bob",
        "bob generate --lifetime 91d",
        "bob generate --lifetime 92d",
    ] {
        run(&mut engine, line).await;
    }
    run(&mut engine, "bob publish @1").await;
    match fails(&mut engine, "bob publish @2").await {
        CommandError::Engine(EngineError::LifetimeTooLong { lifetime, max }) => {
            assert_eq!((lifetime, max), (92 * 86_400, 91 * 86_400));
        }
        other => panic!("expected LifetimeTooLong, got {other:?}"),
    }
    run(&mut engine, "expect ds bob available 1").await;
}

/// `DsHandle::ack` removes one delivery and says whether it was there: the first
/// acknowledgement of a message is `true`, a second one or an unknown id is `false`
/// and removes nothing else (the mutation audit found the answer never checked).
#[tokio::test]
async fn acknowledging_a_delivery_removes_it_once_and_says_so() {
    let engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "bob publish --all",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "alice add carol --to team",
    ])
    .await;
    let ds = engine.ds();
    let inbox = ds.peek("bob").await.expect("peek");
    assert_eq!(
        inbox.len(),
        2,
        "bob's Welcome and the Commit that adds carol"
    );
    let (first, second) = (inbox[0].id, inbox[1].id);
    let unknown = first.max(second) + 1_000;
    assert!(!ds.ack("bob", unknown).await.expect("ack"), "an unknown id");
    assert!(ds.ack("bob", first).await.expect("ack"), "the first ack");
    assert!(
        !ds.ack("bob", first).await.expect("ack"),
        "the same ack again"
    );
    let left: Vec<u64> = ds
        .peek("bob")
        .await
        .expect("peek")
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(left, vec![second]);
    assert!(
        !ds.ack("dave", second).await.expect("ack"),
        "a client the DS does not know"
    );
    assert_eq!(ds.peek("bob").await.expect("peek").len(), 1);
}

// RFC 9750 §5.1: the DS fans a Commit out to the members of the group its
// GroupId names, and takes one only from such a member: bob, who is not in
// alice's group, cannot reach its members, and nothing reaches any mailbox.
#[tokio::test]
async fn the_ds_routes_only_members_commits() {
    use openmls::prelude::LeafNodeParameters;
    let engine = lab(&["clients alice bob carol"]).await;
    let zed = Identity::new("zed");
    let mut group = zed.create_group(SUITE_1, "side");
    let commit = group
        .self_update(&zed.provider, &zed.signer, LeafNodeParameters::default())
        .expect("a self-update")
        .into_commit()
        .to_bytes()
        .expect("the Commit encodes");
    let ds = engine.ds();
    ds.create_group(b"side", "side", "alice").await.unwrap();
    let before = engine.ds_snapshot().await.unwrap();
    let error = ds
        .send_commit("bob", commit.clone(), None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "NotGroupMember", "{error}");
    assert_eq!(engine.ds_snapshot().await.unwrap(), before);
    assert_eq!(
        ds.may_commit("bob", b"side").await.unwrap_err().code(),
        "NotGroupMember"
    );
    assert_eq!(
        ds.may_commit("bob", b"else").await.unwrap_err().code(),
        "UnknownGroupId"
    );
    ds.may_commit("alice", b"side").await.unwrap();
    let routed = ds.send_commit("alice", commit, None).await.unwrap();
    assert!(routed.commit_recipients.is_empty(), "alice is alone in it");
}
