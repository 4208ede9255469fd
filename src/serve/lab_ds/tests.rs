//! The event log names every refusal, the HTTP layer's too, with its route.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use super::*;
use crate::serve::routes::{router, ServeConfig};

#[tokio::test]
async fn every_refusal_reaches_the_event_log_with_its_code_and_route() {
    let ds = LabDs::open(&StorePath::InMemory, Durability::ProcessCrash).unwrap();
    let mut events = ds.subscribe();
    let config = ServeConfig {
        max_body_bytes: 64,
        ..ServeConfig::default()
    };
    let app = router(Arc::clone(&ds), config);
    let requests = [
        Request::post("/clients/register").body(Body::from(vec![0u8; 65])),
        Request::get("/clients/key_package/Ym9i").body(Body::empty()),
        Request::get("/nowhere?room=secret").body(Body::empty()),
    ];
    let mut statuses = Vec::new();
    for request in requests {
        let response = app.clone().oneshot(request.unwrap()).await.unwrap();
        statuses.push(response.status());
    }
    assert_eq!(
        statuses,
        [
            StatusCode::PAYLOAD_TOO_LARGE,
            StatusCode::NOT_FOUND,
            StatusCode::NOT_FOUND
        ]
    );
    let mut refused = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let ServerEventKind::Refused { route, code, .. } = event.kind {
            refused.push(format!("{route} {code}"));
        }
    }
    assert_eq!(
        refused,
        [
            "POST /clients/register body_too_large",
            "GET /clients/key_package/Ym9i unknown_client",
            "GET /nowhere unknown_route",
        ]
    );
}

/// The DS's key package policy holds over the network as in the lab: a package
/// that outlives the DS's maximum lifetime (13 weeks) is valid by RFC 9420 and
/// OpenMLS, and refused at registration by the policy, with its code.
#[tokio::test]
async fn the_key_package_policy_holds_over_the_network() {
    use crate::serve::routes::ErrorBody;
    use crate::serve::wire::fixtures::{key_package_in, TestClient, SUITE};
    use crate::serve::wire::{encode, ClientKeyPackages, KeyPackageEntry, RegisterClientRequest};
    use http_body_util::BodyExt;
    use openmls::prelude::{KeyPackage, Lifetime, OpenMlsProvider};

    let ds = LabDs::open(&StorePath::InMemory, Durability::ProcessCrash).unwrap();
    let app = router(Arc::clone(&ds), ServeConfig::default());
    let alice = TestClient::new("alice");
    let register = |lifetime_secs: u64| {
        let bundle = KeyPackage::builder()
            .key_package_lifetime(Lifetime::new(lifetime_secs))
            .build(
                SUITE,
                &alice.provider,
                &alice.signer,
                alice.credential.clone(),
            )
            .unwrap();
        let key_package = bundle.key_package();
        let hash = key_package.hash_ref(alice.provider.crypto()).unwrap();
        let body = encode(&RegisterClientRequest {
            key_packages: ClientKeyPackages::new(vec![KeyPackageEntry::new(
                hash.as_slice().to_vec(),
                key_package_in(key_package),
            )]),
        })
        .unwrap();
        Request::post("/clients/register")
            .body(Body::from(body))
            .unwrap()
    };
    let response = app.clone().oneshot(register(365 * 86_400)).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let refusal: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal.error, "invalid_key_package");
    assert!(
        refusal.message.contains("LifetimeTooLong"),
        "{}",
        refusal.message
    );
    // Within the policy, the same client registers.
    let response = app.oneshot(register(28 * 86_400)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// A token is the registration's, not the name's: after a reset, a client of
/// the same name registers anew, and the old token, replayed, reads nothing.
#[tokio::test]
async fn a_token_replayed_after_a_reset_is_refused() {
    use crate::domain::ClientId;
    use crate::serve::routes::ErrorBody;
    use crate::serve::wire::fixtures::{key_package_in, TestClient};
    use crate::serve::wire::{
        decode, encode, AuthToken, ClientKeyPackages, KeyPackageEntry, RecvMessageRequest,
        RegisterClientRequest, RegisterClientSuccessResponse,
    };
    use http_body_util::BodyExt;

    let ds = LabDs::open(&StorePath::InMemory, Durability::ProcessCrash).unwrap();
    let config = ServeConfig {
        reset_key: Some("teacher".into()),
        ..ServeConfig::default()
    };
    let app = router(Arc::clone(&ds), config);
    let answer = |request: Request<Body>| {
        let app = app.clone();
        async move {
            let response = app.oneshot(request).await.unwrap();
            let status = response.status();
            (
                status,
                response.into_body().collect().await.unwrap().to_bytes(),
            )
        }
    };
    let register = || {
        let alice = TestClient::new("alice");
        let (hash, key_package) = alice.key_package();
        let body = encode(&RegisterClientRequest {
            key_packages: ClientKeyPackages::new(vec![KeyPackageEntry::new(
                hash,
                key_package_in(&key_package),
            )]),
        })
        .unwrap();
        Request::post("/clients/register")
            .body(Body::from(body))
            .unwrap()
    };
    let token = |body: &[u8]| {
        decode::<RegisterClientSuccessResponse>(body)
            .unwrap()
            .auth_token
    };
    let receive = |token: AuthToken| {
        let body = encode(&RecvMessageRequest { auth_token: token }).unwrap();
        let path = format!("/recv/{}", ClientId::from_name("alice").unwrap().to_path());
        Request::get(path).body(Body::from(body)).unwrap()
    };

    let (status, body) = answer(register()).await;
    assert_eq!(status, StatusCode::OK);
    let old = token(&body);
    assert_eq!(answer(receive(old.clone())).await.0, StatusCode::OK);
    let reset = Request::get("/reset")
        .header("reset-key", "teacher")
        .body(Body::empty())
        .unwrap();
    assert_eq!(answer(reset).await.0, StatusCode::OK);
    // Before alice registers again there is no alice; after, not this token.
    let (status, body) = answer(receive(old.clone())).await;
    let refusal: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, refusal.error.as_str()),
        (StatusCode::NOT_FOUND, "unknown_client")
    );
    let (status, body) = answer(register()).await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(token(&body).as_bytes(), old.as_bytes());
    let (status, body) = answer(receive(old)).await;
    let refusal: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (status, refusal.error.as_str()),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
}
