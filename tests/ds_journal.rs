//! The DS's core records every change it makes (`engine::ds::journal`): applied
//! to the SQLite store after each operation, with none finding nothing to change,
//! and read back, they rebuild a core that answers exactly as the one that made
//! them: directory, counters, mailboxes, held mail, groups, faults, the claim
//! limit and the lab clock; and the groups joined from outside the DS's
//! routing, with who may commit to them.

mod rules_common;

use mls_lab::domain::{ClientId, Fault, LabClock, LabDuration, Suite};
use mls_lab::engine::ds::{ClaimLimit, DsCore, GroupMessageInfo, Join, DEFAULT_MAX_LIFETIME};
use mls_lab::engine::KeyPackageFormat;
use mls_lab::serve::store::{DsStore, Durability, SqliteStore, StorePath};
use openmls::prelude::*;
use rules_common::{encode, Identity, SUITE_1};
use tls_codec::Serialize as _;

fn id(name: &str) -> ClientId {
    ClientId::from_name(name).unwrap()
}

/// Commits what the core changed since the last call; every change must apply.
fn commit(core: &mut DsCore, store: &mut SqliteStore) {
    let changes = core.take_changes();
    let results = store
        .commit_group(&[&changes])
        .expect("the transaction commits");
    for result in results {
        result.unwrap_or_else(|error| panic!("{error} in {changes:#?}"));
    }
}

fn publish(core: &mut DsCore, who: &Identity, last_resort: bool) {
    let bytes = encode(&who.key_package(SUITE_1, last_resort));
    core.publish(&id(&who.name), &bytes, KeyPackageFormat::KeyPackage)
        .expect("published");
}

fn claim(core: &mut DsCore, owner: &str) -> KeyPackage {
    let claimed = core
        .claim_all(
            Some("alice"),
            &[id(owner)],
            Suite::DEFAULT,
            KeyPackageFormat::KeyPackage,
        )
        .expect("claimed")
        .remove(0);
    let key_package = KeyPackageIn::tls_deserialize_exact_bytes(&claimed.entry.bytes).unwrap();
    key_package
        .validate(
            openmls_rust_crypto::OpenMlsRustCrypto::default().crypto(),
            ProtocolVersion::Mls10,
        )
        .unwrap()
}

/// Alice adds `members` to `group`; the core routes the Commit and Welcome.
fn add(core: &mut DsCore, alice: &Identity, group: &mut MlsGroup, members: &[KeyPackage]) {
    let (commit, welcome, _) = group
        .add_members(&alice.provider, &alice.signer, members)
        .unwrap();
    group.merge_pending_commit(&alice.provider).unwrap();
    core.route_commit(
        id("alice"),
        commit.tls_serialize_detached().unwrap(),
        Some(welcome.tls_serialize_detached().unwrap()),
    )
    .expect("routed");
}

#[test]
fn a_core_rebuilt_from_its_recorded_changes_answers_as_the_original() {
    let mut store = SqliteStore::open(&StorePath::InMemory, Durability::ProcessCrash).unwrap();
    let mut core = DsCore::new(LabClock::system(), DEFAULT_MAX_LIFETIME);
    let [alice, bob, carol, dave] = ["alice", "bob", "carol", "dave"].map(Identity::new);
    for who in [&alice, &bob, &carol, &dave] {
        core.register(id(&who.name), who.public_key());
    }
    commit(&mut core, &mut store);
    publish(&mut core, &dave, false);
    for _ in 0..3 {
        publish(&mut core, &bob, false);
    }
    publish(&mut core, &bob, true);
    publish(&mut core, &bob, true); // replaces the first last-resort package
    publish(&mut core, &carol, false);
    publish(&mut core, &carol, false);
    commit(&mut core, &mut store);

    let limit = ClaimLimit::new(50, LabDuration::from_secs(3600)).unwrap();
    core.set_claim_limit(Some(limit));
    let bob_package = claim(&mut core, "bob");
    commit(&mut core, &mut store);
    core.set_fault(Fault::DoubleHandout, true).unwrap();
    claim(&mut core, "bob");
    claim(&mut core, "bob");
    core.set_fault(Fault::DoubleHandout, false).unwrap();
    commit(&mut core, &mut store);
    // Bob's normal packages are gone: the last-resort one, twice.
    claim(&mut core, "bob");
    claim(&mut core, "bob");
    claim(&mut core, "bob");
    commit(&mut core, &mut store);

    let mut group = alice.create_group(SUITE_1, "team");
    core.create_group(
        group.group_id().as_slice().to_vec(),
        "team".into(),
        id("alice"),
    )
    .unwrap();
    add(&mut core, &alice, &mut group, &[bob_package]);
    commit(&mut core, &mut store);
    let bobs_mail = core.peek(&id("bob"));
    assert_eq!(bobs_mail.len(), 1, "the Welcome");
    core.set_fault(Fault::HoldWelcome, true).unwrap();
    // One Welcome to two new members: each held copy gets its own id.
    let carol_package = claim(&mut core, "carol");
    let dave_package = claim(&mut core, "dave");
    add(
        &mut core,
        &alice,
        &mut group,
        &[carol_package, dave_package],
    );
    commit(&mut core, &mut store);
    assert!(core.ack(&id("bob"), bobs_mail[0].id));
    let mut clock = LabClock::system();
    clock.advance(LabDuration::from_secs(100 * 86_400)).unwrap();
    core.set_clock(clock);
    commit(&mut core, &mut store);

    let stored = store.load().unwrap();
    let mut rebuilt =
        DsCore::from_stored(stored, LabClock::system(), DEFAULT_MAX_LIFETIME).unwrap();
    assert_eq!(rebuilt.snapshot(), core.snapshot());
    for who in ["alice", "bob", "carol", "dave"] {
        assert_eq!(rebuilt.peek(&id(who)), core.peek(&id(who)), "{who}'s mail");
        assert_eq!(rebuilt.counts(&id(who)), core.counts(&id(who)), "{who}");
    }
    assert!(
        core.snapshot().held > 0,
        "the Welcome to carol and dave is held"
    );
    // The held Welcome goes out the same way, with the same next id.
    assert_eq!(rebuilt.release().unwrap(), core.release().unwrap());
    assert_eq!(rebuilt.peek(&id("carol")), core.peek(&id("carol")));
    assert_eq!(rebuilt.peek(&id("dave")), core.peek(&id("dave")));
    assert_eq!(core.peek(&id("dave")).len(), 1, "dave's Welcome went out");
    assert_eq!(rebuilt.peek(&id("bob")), core.peek(&id("bob")));
    assert_eq!(rebuilt.take_changes(), core.take_changes());
    // The restored accounts keep their signature keys: bob's next upload
    // verifies against the key he registered before the restart (on today's
    // clock: the lab clock moved 100 days past his package's lifetime).
    rebuilt.set_clock(LabClock::system());
    publish(&mut rebuilt, &bob, false);
}

#[test]
fn a_group_joined_from_outside_is_recorded_and_its_members_may_commit_after_a_restore() {
    let mut store = SqliteStore::open(&StorePath::InMemory, Durability::ProcessCrash).unwrap();
    let mut core = DsCore::new(LabClock::system(), DEFAULT_MAX_LIFETIME);
    let [alice, bob, carol] = ["alice", "bob", "carol"].map(Identity::new);
    for who in [&alice, &bob, &carol] {
        core.register(id(&who.name), who.public_key());
    }
    commit(&mut core, &mut store);
    let group_id = b"from-a-file".to_vec();
    // Bob joined from a file; alice's key is in the group's tree, carol's is not.
    let join = Join {
        group_id: group_id.clone(),
        label: "from-a-file".into(),
        joiner: id("bob"),
        tree_keys: vec![alice.public_key(), bob.public_key()],
    };
    core.register_join(join.clone()).unwrap();
    commit(&mut core, &mut store);

    let stored = store.load().unwrap();
    let mut rebuilt =
        DsCore::from_stored(stored, LabClock::system(), DEFAULT_MAX_LIFETIME).unwrap();
    assert_eq!(rebuilt.snapshot(), core.snapshot());
    for who in [&core, &rebuilt] {
        who.may_commit(&id("alice"), &group_id).unwrap();
        who.may_commit(&id("bob"), &group_id).unwrap();
        let refused = who.may_commit(&id("carol"), &group_id).unwrap_err();
        assert_eq!(refused.code(), "NotGroupMember", "{refused}");
    }
    // The joiner again is no change; a stranger naming the group is refused.
    rebuilt.register_join(join.clone()).unwrap();
    let stranger = Join {
        joiner: id("carol"),
        ..join
    };
    let refused = rebuilt.register_join(stranger).unwrap_err();
    assert_eq!(refused.code(), "GroupIdInUse", "{refused}");
    assert_eq!(
        rebuilt.take_changes(),
        Vec::new(),
        "a refusal records nothing"
    );
}

/// A group the DS first meets in a handshake message sent over the network is
/// listed by a label made from its GroupId: printable text as it is, else hex.
#[test]
fn a_group_first_seen_in_a_sent_handshake_is_listed_by_its_group_id() {
    let mut core = DsCore::new(LabClock::system(), DEFAULT_MAX_LIFETIME);
    let [alice, bob] = ["alice", "bob"].map(Identity::new);
    for who in [&alice, &bob] {
        core.register(id(&who.name), who.public_key());
    }
    for (group_id, label) in [(b"room-7".to_vec(), "room-7"), (vec![0xff, 0x00], "ff00")] {
        let info = GroupMessageInfo {
            group_id,
            handshake_epoch: Some(0),
        };
        core.send_addressed(id("alice"), info, vec![1, 2, 3], &[id("bob")])
            .unwrap();
        let groups = core.snapshot().groups;
        assert!(groups.contains_key(label), "{label}: {groups:?}");
    }
}
