//! `mls-lab serve`, the real binary in its own process, driven as OpenMLS's cli
//! drives it: the lab's rules hold over the network (validation, the owner,
//! tokens, one-time hand-out, last-resort reuse, Welcome routing), and a server
//! killed with SIGKILL restarts with everything it acknowledged.

mod rules_common;
mod serve_common;

use std::collections::BTreeSet;

use mls_lab::domain::ClientId;
use mls_lab::serve::routes::ErrorBody;
use mls_lab::serve::wire::*;
use openmls::prelude::*;
use rules_common::{ref_of, Identity, SUITE_1};
use serve_common::Server;
use tls_codec::{Deserialize as _, Serialize as _};

fn path(name: &str) -> String {
    ClientId::from_name(name).unwrap().to_path()
}

fn entry(key_package: &KeyPackage) -> KeyPackageEntry {
    let hash = ref_of(key_package).as_slice().to_vec();
    KeyPackageEntry::new(hash, KeyPackageIn::from(key_package.clone()))
}

fn register(server: &Server, packages: &[KeyPackage]) -> (u16, Vec<u8>) {
    let body = encode(&RegisterClientRequest {
        key_packages: ClientKeyPackages::new(packages.iter().map(entry).collect()),
    })
    .unwrap();
    server.request("POST", "/clients/register", &body)
}

fn token(answer: &[u8]) -> AuthToken {
    decode::<RegisterClientSuccessResponse>(answer)
        .expect("a token")
        .auth_token
}

fn code(body: &[u8]) -> String {
    serde_json::from_slice::<ErrorBody>(body)
        .expect("a typed error body")
        .error
}

fn publish(
    server: &Server,
    name: &str,
    token: &AuthToken,
    packages: &[KeyPackage],
) -> (u16, Vec<u8>) {
    let body = encode(&PublishKeyPackagesRequest {
        key_packages: ClientKeyPackages::new(packages.iter().map(entry).collect()),
        auth_token: token.clone(),
    })
    .unwrap();
    server.request(
        "POST",
        &format!("/clients/key_packages/{}", path(name)),
        &body,
    )
}

fn consume(server: &Server, name: &str) -> (u16, Vec<u8>) {
    server.request("GET", &format!("/clients/key_package/{}", path(name)), &[])
}

fn directory(server: &Server, name: &str) -> BTreeSet<Vec<u8>> {
    let (status, body) =
        server.request("GET", &format!("/clients/key_packages/{}", path(name)), &[]);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let packages = decode::<ClientKeyPackages>(&body).unwrap();
    packages
        .entries
        .iter()
        .map(|e| e.hash.as_slice().to_vec())
        .collect()
}

fn receive(server: &Server, name: &str, token: &AuthToken) -> (u16, Vec<u8>) {
    let body = encode(&RecvMessageRequest {
        auth_token: token.clone(),
    })
    .unwrap();
    server.request("GET", &format!("/recv/{}", path(name)), &body)
}

#[test]
fn the_labs_rules_hold_over_the_network_and_survive_a_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ds.sqlite");
    let server = Server::start(&db, &[]);
    let (alice, bob) = (Identity::new("alice"), Identity::new("bob"));

    // Validation at publish: a package whose signature is broken is refused.
    let mut broken = KeyPackageIn::from(bob.key_package(SUITE_1, false))
        .tls_serialize_detached()
        .unwrap();
    let last = broken.len() - 1;
    broken[last] ^= 1;
    let broken = KeyPackageIn::tls_deserialize_exact(&broken).unwrap();
    let body = encode(&RegisterClientRequest {
        key_packages: ClientKeyPackages::new(vec![KeyPackageEntry::new(vec![0; 32], broken)]),
    })
    .unwrap();
    let (status, answer) = server.request("POST", "/clients/register", &body);
    assert_eq!(
        (status, code(&answer).as_str()),
        (422, "invalid_key_package")
    );

    let (status, answer) = register(&server, &[alice.key_package(SUITE_1, false)]);
    assert_eq!(status, 200);
    let alice_token = token(&answer);
    let bob_normal = bob.key_package(SUITE_1, false);
    let bob_last_resort = bob.key_package(SUITE_1, true);
    let (status, answer) = register(&server, &[bob_normal.clone(), bob_last_resort.clone()]);
    assert_eq!(status, 200);
    let bob_token = token(&answer);

    // The owner check and the token.
    let (status, answer) = publish(
        &server,
        "bob",
        &alice_token,
        &[bob.key_package(SUITE_1, false)],
    );
    assert_eq!((status, code(&answer).as_str()), (401, "unauthorized"));
    let (status, answer) = publish(
        &server,
        "bob",
        &bob_token,
        &[alice.key_package(SUITE_1, false)],
    );
    assert_eq!((status, code(&answer).as_str()), (403, "wrong_owner"));
    let (status, answer) = receive(&server, "bob", &alice_token);
    assert_eq!((status, code(&answer).as_str()), (401, "unauthorized"));

    // One-time hand-out, then the last-resort package, again and again.
    let refs = |packages: &[&KeyPackage]| -> Vec<Vec<u8>> {
        packages
            .iter()
            .map(|k| ref_of(k).as_slice().to_vec())
            .collect()
    };
    let claimed = |answer: &[u8]| {
        let key_package = decode::<ConsumedKeyPackage>(answer).unwrap().key_package;
        let key_package = key_package
            .validate(alice.provider.crypto(), ProtocolVersion::Mls10)
            .unwrap();
        ref_of(&key_package).as_slice().to_vec()
    };
    let (status, first) = consume(&server, "bob");
    assert_eq!(status, 200);
    assert_eq!(vec![claimed(&first)], refs(&[&bob_normal]));
    for _ in 0..2 {
        let (status, again) = consume(&server, "bob");
        assert_eq!(status, 200);
        assert_eq!(vec![claimed(&again)], refs(&[&bob_last_resort]));
    }
    assert_eq!(
        directory(&server, "bob"),
        refs(&[&bob_last_resort]).into_iter().collect()
    );

    // alice adds bob with the package she claimed; the Welcome reaches bob.
    let mut group = alice.create_group(SUITE_1, "team");
    let (commit, welcome, _) = group
        .add_members(
            &alice.provider,
            &alice.signer,
            std::slice::from_ref(&bob_normal),
        )
        .unwrap();
    group.merge_pending_commit(&alice.provider).unwrap();
    let to_nobody = encode(&GroupMessage::new(commit.into(), &[])).unwrap();
    assert_eq!(server.request("POST", "/send/message", &to_nobody).0, 200);
    let welcome = encode(&SendWelcomeRequest {
        welcome: welcome.into(),
    })
    .unwrap();
    assert_eq!(server.request("POST", "/send/welcome", &welcome).0, 200);

    // SIGKILL, then a restart on the same file: nothing acknowledged is lost.
    server.kill();
    let server = Server::start(&db, &[]);
    assert_eq!(
        directory(&server, "bob"),
        refs(&[&bob_last_resort]).into_iter().collect()
    );
    assert_eq!(directory(&server, "alice").len(), 1);
    let (status, mail) = receive(&server, "bob", &bob_token);
    assert_eq!(status, 200);
    let mail = TlsVecU16::<MlsMessageIn>::tls_deserialize_exact(&mail).unwrap();
    let [welcome] = <[MlsMessageIn; 1]>::try_from(mail.into_vec()).expect("the Welcome");
    let MlsMessageBodyIn::Welcome(welcome) = welcome.extract() else {
        panic!("a Welcome");
    };
    let join = MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build();
    let bobs_group = StagedWelcome::new_from_welcome(&bob.provider, &join, welcome, None)
        .unwrap()
        .into_group(&bob.provider)
        .unwrap();
    assert_eq!(
        bobs_group.epoch_authenticator().as_slice(),
        group.epoch_authenticator().as_slice()
    );
    // The token survived too, and the mail is taken.
    let (_, empty) = receive(&server, "bob", &bob_token);
    assert_eq!(empty, [0, 0]);
}

/// `--room-token` and `--reset-key` on the command line reach the server: a
/// request without the token is refused and one with it served; `/reset`
/// with a key configured asks for the key (401) instead of being disabled (403).
#[test]
fn the_room_token_and_the_reset_key_given_on_the_command_line_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(
        &dir.path().join("ds.sqlite"),
        &["--room-token", "sesame", "--reset-key", "teacher"],
    );
    let (status, body) = server.request("GET", "/clients/list", &[]);
    assert_eq!((status, code(&body)), (401, "room_token_required".into()));
    let (status, body) = server.request("GET", "/clients/list?room=nope", &[]);
    assert_eq!((status, code(&body)), (403, "room_token_wrong".into()));
    let (status, _) = server.request("GET", "/clients/list?room=sesame", &[]);
    assert_eq!(status, 200);
    let (status, body) = server.request("GET", "/reset?room=sesame", &[]);
    assert_eq!((status, code(&body)), (401, "reset_key_wrong".into()));

    // Without the flags: no token needed, and resetting is disabled.
    let open = Server::start(&dir.path().join("open.sqlite"), &[]);
    let (status, _) = open.request("GET", "/clients/list", &[]);
    assert_eq!(status, 200);
    let (status, body) = open.request("GET", "/reset", &[]);
    assert_eq!((status, code(&body)), (403, "reset_disabled".into()));
}
