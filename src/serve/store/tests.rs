//! The store: what is committed reads back the same after a reopen, a request's
//! changes are all or none, group commit batches and acknowledges in order.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::*;
use crate::serve::service::ClientId;
use crate::serve::wire::AuthToken;

fn id(name: &str) -> ClientId {
    ClientId::new(name.as_bytes().to_vec()).unwrap()
}

fn package(n: u8, owner: &str, last_resort: bool) -> StoredKeyPackage {
    StoredKeyPackage {
        kp_ref: vec![n; 32],
        owner: id(owner),
        ciphersuite: 1,
        last_resort,
        not_before: 1_000,
        not_after: 2_000 + u64::from(n),
        handouts: 0,
        bytes: vec![n; 300],
    }
}

fn delivery(id_: u64, to: &str, held_by: Option<&str>) -> StoredDelivery {
    StoredDelivery {
        id: id_,
        recipient: id(to),
        sender: Some(id("alice")),
        kind: DeliveryKind::Welcome,
        group_id: b"team".to_vec(),
        bytes: vec![id_ as u8; 40],
        misbehaving: held_by.is_some(),
        held_by: held_by.map(str::to_string),
    }
}

fn digest(byte: u8) -> TokenDigest {
    TokenDigest::of(&[byte; 32])
}

fn client(name: &str, byte: u8) -> Change {
    Change::AddClient {
        client: id(name),
        token_digest: digest(byte),
    }
}

/// A session's worth of changes, as the DS's core would make them.
fn session() -> Vec<Vec<Change>> {
    vec![
        vec![
            client("alice", 1),
            Change::AddSignatureKey {
                client: id("alice"),
                key: vec![0xa1; 32],
            },
        ],
        vec![
            client("bob", 2),
            Change::AddSignatureKey {
                client: id("bob"),
                key: vec![0xb0; 32],
            },
            Change::AddKeyPackage(package(1, "bob", false)),
            Change::AddKeyPackage(package(2, "bob", false)),
            Change::AddKeyPackage(package(3, "bob", true)),
        ],
        // alice claims one of bob's, then the last-resort one twice.
        vec![
            Change::RemoveKeyPackage {
                kp_ref: vec![1; 32],
            },
            Change::SetCounters {
                client: id("bob"),
                claims: 1,
                last_resort_reuses: 0,
            },
            Change::RecordClaim(StoredClaim {
                claimer: "192.0.2.1".into(),
                owner: id("bob"),
                at: 1_500,
            }),
        ],
        vec![
            Change::SetHandouts {
                kp_ref: vec![3; 32],
                handouts: 2,
            },
            Change::SetCounters {
                client: id("bob"),
                claims: 3,
                last_resort_reuses: 1,
            },
        ],
        vec![
            Change::AddGroup {
                group_id: b"team".to_vec(),
                label: "team".into(),
            },
            Change::AddGroupMember {
                group_id: b"team".to_vec(),
                member: id("alice"),
            },
            Change::AddGroupMember {
                group_id: b"team".to_vec(),
                member: id("bob"),
            },
            Change::SetGroupEpoch {
                group_id: b"team".to_vec(),
                epoch: 1,
            },
            Change::Deliver(delivery(7, "bob", None)),
            Change::Deliver(delivery(8, "bob", Some("hold-welcome"))),
            Change::Deliver(delivery(9, "alice", None)),
        ],
        vec![
            Change::RemoveDelivery { id: 9 },
            Change::SetPolicy {
                name: "claim-limit".into(),
                value: Some("2/1h".into()),
            },
            Change::SetFault {
                name: "hold-welcome".into(),
                fault: StoredFault {
                    active: true,
                    hits: 1,
                },
            },
        ],
    ]
}

/// What [`session`] leaves.
fn after_session() -> StoredState {
    let mut lr = package(3, "bob", true);
    lr.handouts = 2;
    StoredState {
        clients: vec![
            StoredClient {
                client: id("alice"),
                token_digest: digest(1),
                signature_keys: vec![vec![0xa1; 32]],
                claims: 0,
                last_resort_reuses: 0,
            },
            StoredClient {
                client: id("bob"),
                token_digest: digest(2),
                signature_keys: vec![vec![0xb0; 32]],
                claims: 3,
                last_resort_reuses: 1,
            },
        ],
        references: (1..=3).map(|n| (vec![n; 32], id("bob"))).collect(),
        directory: vec![package(2, "bob", false), lr],
        mail: vec![
            delivery(7, "bob", None),
            delivery(8, "bob", Some("hold-welcome")),
        ],
        groups: [(
            b"team".to_vec(),
            StoredGroup {
                label: "team".into(),
                epoch: Some(1),
                members: BTreeSet::from([id("alice"), id("bob")]),
            },
        )]
        .into(),
        policies: [("claim-limit".to_string(), "2/1h".to_string())].into(),
        faults: [(
            "hold-welcome".to_string(),
            StoredFault {
                active: true,
                hits: 1,
            },
        )]
        .into(),
        claims: vec![StoredClaim {
            claimer: "192.0.2.1".into(),
            owner: id("bob"),
            at: 1_500,
        }],
    }
}

fn commit_all(store: &mut SqliteStore, sets: &[Vec<Change>]) -> Vec<Result<(), StoreError>> {
    let sets: Vec<&[Change]> = sets.iter().map(Vec::as_slice).collect();
    store.commit_group(&sets).expect("the transaction commits")
}

fn open(path: &std::path::Path) -> SqliteStore {
    SqliteStore::open(&StorePath::File(path.to_path_buf()), Durability::PowerLoss).expect("opens")
}

#[test]
fn what_was_committed_reads_back_the_same_after_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ds.sqlite");
    {
        let mut store = open(&file);
        // One request per transaction, and all of them in one: the same state.
        for set in session() {
            assert_eq!(commit_all(&mut store, &[set]), [Ok(())]);
        }
        let journal: String = store
            .connection()
            .query_row("PRAGMA journal_mode", [], |row| row.get(0))
            .unwrap();
        assert_eq!(journal, "wal");
    }
    assert_eq!(open(&file).load().unwrap(), after_session());

    let other = dir.path().join("batched.sqlite");
    let results = commit_all(&mut open(&other), &session());
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(open(&other).load().unwrap(), after_session());
}

#[test]
fn a_request_is_all_or_nothing_and_does_not_take_its_batch_down() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ds.sqlite");
    let mut store = open(&file);
    let failing = vec![
        client("carol", 3),
        Change::AddKeyPackage(package(5, "carol", false)),
        // A reference already taken: the whole request goes, carol included.
        Change::AddKeyPackage(package(5, "carol", false)),
    ];
    let stale = vec![Change::RemoveKeyPackage {
        kp_ref: vec![42; 32],
    }];
    let results = commit_all(
        &mut store,
        &[
            vec![client("alice", 1)],
            failing,
            stale,
            vec![client("bob", 2)],
        ],
    );
    assert!(results[0].is_ok() && results[3].is_ok(), "{results:?}");
    assert!(
        matches!(results[1], Err(StoreError::Sqlite(_))),
        "{results:?}"
    );
    assert!(
        matches!(results[2], Err(StoreError::NothingToChange(_))),
        "{results:?}"
    );
    drop(store);
    let state = open(&file).load().unwrap();
    let names: Vec<String> = state.clients.iter().map(|c| c.client.to_string()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(state.directory.is_empty() && state.references.is_empty());
}

#[test]
fn reset_empties_everything_and_in_memory_works_the_same() {
    let mut store =
        SqliteStore::open(&StorePath::parse(":memory:"), Durability::PowerLoss).unwrap();
    let results = commit_all(&mut store, &session());
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(store.load().unwrap(), after_session());
    assert_eq!(commit_all(&mut store, &[vec![Change::Reset]]), [Ok(())]);
    assert_eq!(store.load().unwrap(), StoredState::default());
}

#[test]
fn a_database_of_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ds.sqlite");
    open(&file)
        .connection()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        SqliteStore::open(&StorePath::File(file), Durability::PowerLoss),
        Err(StoreError::SchemaVersion {
            found: 99,
            expected: 1
        })
    ));
}

#[test]
fn a_token_digest_matches_only_its_token() {
    let token = AuthToken::from_bytes(vec![4; 32]);
    assert!(TokenDigest::of(token.as_bytes()).matches(token.as_bytes()));
    assert!(!TokenDigest::of(token.as_bytes()).matches(&[5; 32]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_share_transactions_and_each_is_acknowledged_durable() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ds.sqlite");
    let (commit, writer) = GroupCommit::start(open(&file), GroupCommitConfig::default()).unwrap();
    let commit = Arc::new(commit);
    let requests: Vec<_> = (0..200u32)
        .map(|n| {
            let commit = Arc::clone(&commit);
            tokio::spawn(async move {
                let name = format!("client-{n}");
                let set = vec![Change::AddClient {
                    client: id(&name),
                    token_digest: digest(n as u8),
                }];
                commit.submit(set).await
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), Ok(()));
    }
    // A refused request is answered with its own error; the writer goes on.
    let again = commit.submit(vec![client("client-0", 0)]).await;
    assert!(matches!(again, Err(StoreError::Sqlite(_))), "{again:?}");
    commit.barrier().await.unwrap();
    let stats = commit.stats();
    let (transactions, sets) = (
        stats.transactions.load(Ordering::Relaxed),
        stats.change_sets.load(Ordering::Relaxed),
    );
    assert_eq!(sets, 201);
    assert!(
        transactions < sets,
        "{transactions} transactions for {sets} requests"
    );
    drop(commit);
    writer.join().unwrap();
    assert_eq!(open(&file).load().unwrap().clients.len(), 200);
}

/// A store whose transactions fail, to check the writer stops acknowledging.
struct BrokenStore;

impl DsStore for BrokenStore {
    fn load(&mut self) -> Result<StoredState, StoreError> {
        Ok(StoredState::default())
    }

    fn commit_group(&mut self, _: &[&[Change]]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        Err(StoreError::Sqlite("disk I/O error".into()))
    }
}

#[tokio::test]
async fn after_a_failed_transaction_nothing_is_acknowledged() {
    let (commit, _writer) = GroupCommit::start(BrokenStore, GroupCommitConfig::default()).unwrap();
    let first = commit.submit(vec![Change::Reset]).await;
    assert_eq!(first, Err(StoreError::Sqlite("disk I/O error".into())));
    assert_eq!(commit.submit(Vec::new()).await, Err(StoreError::Poisoned));
    assert_eq!(commit.barrier().await, Err(StoreError::Poisoned));
}
