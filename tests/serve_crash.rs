//! A server killed with SIGKILL in the middle of a load run loses no request it
//! acknowledged: clients publish, claim each other's key packages and send
//! each other mail from many threads; the server is killed; after a restart on
//! the same file, every client's directory and mailbox hold what was
//! acknowledged (and at most what was in flight besides).

mod rules_common;
mod serve_common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mls_lab::domain::ClientId;
use mls_lab::serve::wire::*;
use openmls::prelude::*;
use rules_common::{ref_of, Identity, SUITE_1};
use serve_common::{request, Server};
use tls_codec::{Deserialize as _, Serialize as _};

const CLIENTS: usize = 8;
const SPARE_PACKAGES: usize = 40;

fn path(index: usize) -> String {
    ClientId::from_name(&name(index)).unwrap().to_path()
}

fn name(index: usize) -> String {
    format!("c{index}")
}

fn entry(key_package: &KeyPackage) -> KeyPackageEntry {
    KeyPackageEntry::new(
        ref_of(key_package).as_slice().to_vec(),
        KeyPackageIn::from(key_package.clone()),
    )
}

/// What one client saw acknowledged, and what it had in flight when the
/// server went away.
#[derive(Default)]
struct Ledger {
    published: BTreeSet<Vec<u8>>,
    published_in_flight: BTreeSet<Vec<u8>>,
    /// References this client claimed of its neighbour, acknowledged.
    claimed: BTreeSet<Vec<u8>>,
    claims_in_flight: usize,
    sent: usize,
    sent_in_flight: usize,
}

#[test]
fn a_server_killed_under_load_keeps_every_acknowledged_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ds.sqlite");
    let server = Server::start(&db, &[]);
    let identities: Vec<Identity> = (0..CLIENTS).map(|i| Identity::new(&name(i))).collect();
    let crypto = openmls_rust_crypto::OpenMlsRustCrypto::default();
    // One application message, sent again and again (the DS does not read it).
    let mut group = identities[0].create_group(SUITE_1, "load");
    let message = group
        .create_message(&identities[0].provider, &identities[0].signer, b"hi")
        .unwrap();
    let message =
        MlsMessageIn::tls_deserialize_exact(message.tls_serialize_detached().unwrap()).unwrap();

    let mut initial = Vec::new();
    let mut tokens = Vec::new();
    let mut spares = Vec::new();
    for identity in &identities {
        let first: Vec<KeyPackage> = (0..3)
            .map(|_| identity.key_package(SUITE_1, false))
            .collect();
        let body = encode(&RegisterClientRequest {
            key_packages: ClientKeyPackages::new(first.iter().map(entry).collect()),
        })
        .unwrap();
        let (status, answer) = server.request("POST", "/clients/register", &body);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
        tokens.push(
            decode::<RegisterClientSuccessResponse>(&answer)
                .unwrap()
                .auth_token,
        );
        initial.push(
            first
                .iter()
                .map(|k| ref_of(k).as_slice().to_vec())
                .collect::<BTreeSet<_>>(),
        );
        spares.push(
            (0..SPARE_PACKAGES)
                .map(|_| identity.key_package(SUITE_1, false))
                .collect::<Vec<_>>(),
        );
    }

    let stop = Arc::new(AtomicBool::new(false));
    let ledgers: Vec<Arc<Mutex<Ledger>>> = (0..CLIENTS).map(|_| Arc::default()).collect();
    let address = server.address;
    let mut workers = Vec::new();
    for (me, packages) in spares.into_iter().enumerate() {
        let (stop, ledger) = (Arc::clone(&stop), Arc::clone(&ledgers[me]));
        let token = tokens[me].clone();
        let message = message.clone();
        workers.push(std::thread::spawn(move || {
            let crypto = openmls_rust_crypto::OpenMlsRustCrypto::default();
            let (neighbour, friend) = ((me + 1) % CLIENTS, (me + 2) % CLIENTS);
            for package in packages {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let kp_ref = ref_of(&package).as_slice().to_vec();
                let body = encode(&PublishKeyPackagesRequest {
                    key_packages: ClientKeyPackages::new(vec![entry(&package)]),
                    auth_token: token.clone(),
                })
                .unwrap();
                match request(
                    address,
                    "POST",
                    &format!("/clients/key_packages/{}", path(me)),
                    &body,
                )
                .0
                {
                    200 => ledger.lock().unwrap().published.insert(kp_ref),
                    0 => {
                        ledger.lock().unwrap().published_in_flight.insert(kp_ref);
                        return;
                    }
                    other => panic!("publish answered {other}"),
                };
                let (status, answer) = request(
                    address,
                    "GET",
                    &format!("/clients/key_package/{}", path(neighbour)),
                    &[],
                );
                match status {
                    200 => {
                        let key_package =
                            decode::<ConsumedKeyPackage>(&answer).unwrap().key_package;
                        let key_package = key_package
                            .validate(crypto.crypto(), ProtocolVersion::Mls10)
                            .unwrap();
                        ledger
                            .lock()
                            .unwrap()
                            .claimed
                            .insert(ref_of(&key_package).as_slice().to_vec());
                    }
                    404 => {}
                    0 => return ledger.lock().unwrap().claims_in_flight += 1,
                    other => panic!("consume answered {other}"),
                }
                let friend_id = name(friend);
                let body =
                    encode(&GroupMessage::new(message.clone(), &[friend_id.as_bytes()])).unwrap();
                match request(address, "POST", "/send/message", &body).0 {
                    200 => ledger.lock().unwrap().sent += 1,
                    0 => return ledger.lock().unwrap().sent_in_flight += 1,
                    other => panic!("send answered {other}"),
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(1500));
    server.kill();
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().expect("a worker");
    }
    let acknowledged: usize = ledgers
        .iter()
        .map(|l| l.lock().unwrap().published.len())
        .sum();
    assert!(
        acknowledged > 0,
        "the run acknowledged nothing before the kill"
    );

    let server = Server::start(&db, &[]);
    for owner in 0..CLIENTS {
        let ledger = ledgers[owner].lock().unwrap();
        let claimer = ledgers[(owner + CLIENTS - 1) % CLIENTS].lock().unwrap();
        let (status, body) = server.request(
            "GET",
            &format!("/clients/key_packages/{}", path(owner)),
            &[],
        );
        assert_eq!(status, 200);
        let listed: BTreeSet<Vec<u8>> = decode::<ClientKeyPackages>(&body)
            .unwrap()
            .entries
            .iter()
            .map(|e| e.hash.as_slice().to_vec())
            .collect();
        assert!(
            listed.is_disjoint(&claimer.claimed),
            "{owner}: a claimed package is back"
        );
        let could_be: BTreeSet<_> = initial[owner]
            .iter()
            .chain(&ledger.published)
            .chain(&ledger.published_in_flight)
            .cloned()
            .collect();
        assert!(
            listed.is_subset(&could_be),
            "{owner}: a package no one published"
        );
        let must_be: BTreeSet<_> = initial[owner]
            .iter()
            .chain(&ledger.published)
            .filter(|r| !claimer.claimed.contains(*r))
            .cloned()
            .collect();
        let missing = must_be.difference(&listed).count();
        assert!(
            missing <= claimer.claims_in_flight,
            "{owner}: {missing} acknowledged packages lost"
        );

        // The mail: everything acknowledged, at most what was in flight besides.
        let sender = ledgers[(owner + CLIENTS - 2) % CLIENTS].lock().unwrap();
        let mut received = 0;
        loop {
            let body = encode(&RecvMessageRequest {
                auth_token: tokens[owner].clone(),
            })
            .unwrap();
            let (status, mail) = server.request("GET", &format!("/recv/{}", path(owner)), &body);
            assert_eq!(status, 200);
            let mail = TlsVecU16::<MlsMessageIn>::tls_deserialize_exact(&mail).unwrap();
            if mail.is_empty() {
                break;
            }
            received += mail.len();
        }
        assert!(
            sender.sent <= received && received <= sender.sent + sender.sent_in_flight,
            "{owner}: {received} messages, {} acknowledged",
            sender.sent
        );
    }
    drop(crypto);
}
