//! The routes driven as OpenMLS's cli drives them (same paths, methods and
//! bodies), over the test double, with real OpenMLS clients on both ends.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use openmls::prelude::*;
use tls_codec::Deserialize as _;
use tower::ServiceExt;

use super::*;
use crate::serve::service::test_double::TestDoubleDs;
use crate::serve::service::ClientId;
use crate::serve::wire::fixtures::*;
use crate::serve::wire::*;

pub(super) fn app(config: ServeConfig) -> Router {
    router(Arc::new(TestDoubleDs::default()), config)
}

pub(super) async fn call(app: &Router, request: Request<Body>) -> (StatusCode, Bytes) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes();
    (status, body)
}

pub(super) fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("a request")
}

pub(super) fn post(path: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path).body(body.into()).expect("a request")
}

/// The typed refusal in a body, checked to be one.
pub(super) fn refusal(body: &[u8]) -> ErrorBody {
    serde_json::from_slice(body).expect("a typed JSON error body")
}

fn path_of(identity: &str) -> String {
    ClientId::new(identity.as_bytes().to_vec())
        .expect("an identity")
        .to_path()
}

fn entry(member: &TestClient) -> (KeyPackageEntry, KeyPackage) {
    let (hash, key_package) = member.key_package();
    (
        KeyPackageEntry::new(hash, key_package_in(&key_package)),
        key_package,
    )
}

async fn register(app: &Router, member: &TestClient, packages: usize) -> AuthToken {
    let entries = (0..packages).map(|_| entry(member).0).collect();
    let body = encode(&RegisterClientRequest {
        key_packages: ClientKeyPackages::new(entries),
    })
    .unwrap();
    let (status, answer) = call(app, post("/clients/register", body)).await;
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    decode::<RegisterClientSuccessResponse>(&answer)
        .expect("a registration answer")
        .auth_token
}

async fn receive(app: &Router, identity: &str, token: &AuthToken) -> (StatusCode, Bytes) {
    let body = encode(&RecvMessageRequest {
        auth_token: token.clone(),
    })
    .unwrap();
    let request = Request::get(format!("/recv/{}", path_of(identity)))
        .body(Body::from(body))
        .unwrap();
    call(app, request).await
}

#[tokio::test]
async fn bob_joins_alices_group_through_the_routes_as_the_cli_drives_them() {
    let app = app(ServeConfig::default());
    let (alice, bob) = (TestClient::new("alice"), TestClient::new("bob"));
    register(&app, &alice, 1).await;
    let bob_token = register(&app, &bob, 2).await;

    let (status, body) = call(&app, get("/clients/list")).await;
    assert_eq!(status, StatusCode::OK);
    let list = decode::<ClientList>(&body).unwrap();
    let names: Vec<&[u8]> = list.identities.iter().map(Vec::as_slice).collect();
    assert_eq!(names, [&b"alice"[..], b"bob"]);

    let (status, body) = call(
        &app,
        get(&format!("/clients/key_packages/{}", path_of("bob"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode::<ClientKeyPackages>(&body).unwrap().entries.len(), 2);

    // alice claims one of bob's packages and adds him.
    let (status, body) = call(
        &app,
        get(&format!("/clients/key_package/{}", path_of("bob"))),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let claimed = decode::<ConsumedKeyPackage>(&body).unwrap().key_package;
    let claimed = claimed
        .validate(alice.provider.crypto(), ProtocolVersion::Mls10)
        .expect("a valid key package");
    let mut group = MlsGroup::new(
        &alice.provider,
        &alice.signer,
        &create_config(),
        alice.credential.clone(),
    )
    .unwrap();
    let (commit, welcome, _) = group
        .add_members(&alice.provider, &alice.signer, &[claimed])
        .unwrap();
    group.merge_pending_commit(&alice.provider).unwrap();
    // The cli sends the Commit to the other members: none yet.
    let to_nobody = GroupMessage::new(commit.into(), &[]);
    let (status, _) = call(&app, post("/send/message", encode(&to_nobody).unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    let welcome = SendWelcomeRequest {
        welcome: welcome.into(),
    };
    let (status, _) = call(&app, post("/send/welcome", encode(&welcome).unwrap())).await;
    assert_eq!(status, StatusCode::OK);
    let hello = group
        .create_message(&alice.provider, &alice.signer, b"hello bob")
        .unwrap();
    let to_bob = GroupMessage::new(hello.into(), &[b"bob"]);
    let (status, _) = call(&app, post("/send/message", encode(&to_bob).unwrap())).await;
    assert_eq!(status, StatusCode::OK);

    // bob's mailbox: the Welcome first, then alice's message; he joins and reads it.
    let (status, body) = receive(&app, "bob", &bob_token).await;
    assert_eq!(status, StatusCode::OK);
    let mailbox = TlsVecU16::<MlsMessageIn>::tls_deserialize_exact(&body).unwrap();
    let [welcome, hello] = <[MlsMessageIn; 2]>::try_from(mailbox.into_vec()).unwrap();
    let MlsMessageBodyIn::Welcome(welcome) = welcome.extract() else {
        panic!("the Welcome comes first");
    };
    let join_config = MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build();
    let mut bobs_group =
        StagedWelcome::new_from_welcome(&bob.provider, &join_config, welcome, None)
            .expect("bob's package matches")
            .into_group(&bob.provider)
            .expect("bob joins");
    assert_eq!(
        bobs_group.epoch_authenticator().as_slice(),
        group.epoch_authenticator().as_slice()
    );
    let MlsMessageBodyIn::PrivateMessage(hello) = hello.extract() else {
        panic!("an application message");
    };
    let processed = bobs_group.process_message(&bob.provider, hello).unwrap();
    let ProcessedMessageContent::ApplicationMessage(text) = processed.into_content() else {
        panic!("an application message");
    };
    assert_eq!(text.into_bytes(), b"hello bob");

    // Taken mail is gone.
    let (_, body) = receive(&app, "bob", &bob_token).await;
    assert_eq!(body.as_ref(), [0, 0]);
}

#[tokio::test]
async fn without_its_token_no_one_publishes_for_or_reads_the_mail_of_a_client() {
    let app = app(ServeConfig::default());
    let (alice, bob) = (TestClient::new("alice"), TestClient::new("bob"));
    let alice_token = register(&app, &alice, 1).await;
    let bob_token = register(&app, &bob, 1).await;

    // alice's token on bob's mailbox, and a made-up token.
    for token in [alice_token.clone(), AuthToken::from_bytes(vec![0; 32])] {
        let (status, body) = receive(&app, "bob", &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(refusal(&body).error, "unauthorized");
    }
    // Publishing for bob with alice's token.
    let publish = |entries: Vec<KeyPackageEntry>, token: &AuthToken| {
        encode(&PublishKeyPackagesRequest {
            key_packages: ClientKeyPackages::new(entries),
            auth_token: token.clone(),
        })
        .unwrap()
    };
    let bob_path = format!("/clients/key_packages/{}", path_of("bob"));
    let body = publish(vec![entry(&bob).0], &alice_token);
    let (status, body) = call(&app, post(&bob_path, body)).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    // bob's own token, alice's key package: not the owner.
    let body = publish(vec![entry(&alice).0], &bob_token);
    let (status, body) = call(&app, post(&bob_path, body)).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::FORBIDDEN, "wrong_owner")
    );
    // bob's own: accepted, and listed.
    let (status, _) = call(
        &app,
        post(&bob_path, publish(vec![entry(&bob).0], &bob_token)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = call(&app, get(&bob_path)).await;
    assert_eq!(decode::<ClientKeyPackages>(&body).unwrap().entries.len(), 2);
    // Unknown clients.
    let (status, body) = receive(&app, "carol", &bob_token).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::NOT_FOUND, "unknown_client")
    );
}

#[tokio::test]
async fn every_refusal_is_typed_with_a_fitting_status() {
    let app = app(ServeConfig::default());
    let alice = TestClient::new("alice");
    let alice_token = register(&app, &alice, 1).await;
    let registration = encode(&RegisterClientRequest {
        key_packages: ClientKeyPackages::new(vec![entry(&alice).0]),
    })
    .unwrap();
    let traffic = group_traffic();
    let commit = encode(&SendWelcomeRequest {
        welcome: traffic.commit.clone(),
    })
    .unwrap();
    let welcome = encode(&SendWelcomeRequest {
        welcome: traffic.welcome.clone(),
    })
    .unwrap();
    let to_carol = encode(&GroupMessage::new(
        traffic.application.clone(),
        &[b"alice", b"carol"],
    ))
    .unwrap();
    let trailing = [registration.as_slice(), &[0]].concat();
    let empty = encode(&RegisterClientRequest {
        key_packages: ClientKeyPackages::new(Vec::new()),
    })
    .unwrap();
    let cases = [
        (
            post("/clients/register", registration.clone()),
            StatusCode::CONFLICT,
            "client_exists",
        ),
        (
            post("/clients/register", empty),
            StatusCode::BAD_REQUEST,
            "no_key_packages",
        ),
        (
            post("/clients/register", registration[..40].to_vec()),
            StatusCode::BAD_REQUEST,
            "truncated",
        ),
        (
            post("/clients/register", trailing),
            StatusCode::BAD_REQUEST,
            "trailing_bytes",
        ),
        (
            get("/clients/key_package/not*base64"),
            StatusCode::BAD_REQUEST,
            "bad_client_id",
        ),
        (
            get(&format!("/clients/key_package/{}", path_of("carol"))),
            StatusCode::NOT_FOUND,
            "unknown_client",
        ),
        (
            post("/send/welcome", commit),
            StatusCode::BAD_REQUEST,
            "not_a_welcome",
        ),
        (
            post("/send/welcome", welcome),
            StatusCode::NOT_FOUND,
            "no_joiner_found",
        ),
        (
            post("/send/message", to_carol),
            StatusCode::NOT_FOUND,
            "unknown_recipient",
        ),
    ];
    for (request, status, code) in cases {
        let what = format!("{} {}", request.method(), request.uri());
        let (got, body) = call(&app, request).await;
        assert_eq!(
            (got, refusal(&body).error.as_str()),
            (status, code),
            "{what}"
        );
    }
    // alice's one package goes once; then there is none.
    let consume = format!("/clients/key_package/{}", path_of("alice"));
    assert_eq!(call(&app, get(&consume)).await.0, StatusCode::OK);
    let (status, body) = call(&app, get(&consume)).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::NOT_FOUND, "no_key_package_available")
    );
    // The message with an unknown recipient reached no one, alice included.
    let (_, body) = receive(&app, "alice", &alice_token).await;
    assert_eq!(body.as_ref(), [0, 0]);
}
