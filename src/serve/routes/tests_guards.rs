//! The guards around the routes: body limit, unknown routes and methods, the
//! request timeout, the room token, the registration limit, reset.

use std::num::NonZeroU32;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use futures_util::stream;
use tower::ServiceExt;

use super::tests::{app, call, get, post, refusal};
use super::*;

#[tokio::test]
async fn a_body_over_the_limit_is_413_whether_declared_or_streamed() {
    let app = app(ServeConfig {
        max_body_bytes: 100,
        ..ServeConfig::default()
    });
    let (status, body) = call(&app, post("/clients/register", vec![0u8; 101])).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
    // No Content-Length: the limit applies while reading.
    let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(vec![0u8; 10]));
    let streamed = Body::from_stream(stream::iter(chunks));
    let (status, body) = call(&app, post("/clients/register", streamed)).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_typed() {
    let app = app(ServeConfig::default());
    let (status, body) = call(&app, get("/clients/everything")).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::NOT_FOUND, "unknown_route")
    );
    let (status, body) = call(&app, post("/clients/list", Vec::new())).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
    );
}

#[tokio::test]
async fn a_client_that_sends_its_body_too_slowly_gets_408() {
    let app = app(ServeConfig {
        request_timeout: Duration::from_millis(100),
        ..ServeConfig::default()
    });
    // One byte, then nothing: the body never ends.
    let first = stream::iter([Ok::<_, std::io::Error>(vec![0u8])]);
    let stalled = Body::from_stream(futures_util::StreamExt::chain(first, stream::pending()));
    let (status, body) = call(&app, post("/clients/register", stalled)).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::REQUEST_TIMEOUT, "timeout")
    );
}

#[tokio::test]
async fn with_a_room_token_only_those_who_send_it_are_served() {
    let app = app(ServeConfig {
        room_token: RoomToken::new("blue-whale".into()),
        ..ServeConfig::default()
    });
    let response = app.clone().oneshot(get("/clients/list")).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().contains_key(header::WWW_AUTHENTICATE));
    let (_, body) = call(&app, get("/clients/list")).await;
    assert_eq!(refusal(&body).error, "room_token_required");

    let wrong = Request::get("/clients/list")
        .header(header::AUTHORIZATION, "Bearer red-whale")
        .body(Body::empty())
        .unwrap();
    let (status, body) = call(&app, wrong).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::FORBIDDEN, "room_token_wrong")
    );

    let right = Request::get("/clients/list")
        .header(header::AUTHORIZATION, "Bearer blue-whale")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, right).await.0, StatusCode::OK);
    assert_eq!(
        call(&app, get("/clients/list?room=blue-whale")).await.0,
        StatusCode::OK
    );
    // Checked before routing: an outsider cannot even probe which routes exist.
    let (status, _) = call(&app, get("/nowhere")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_flood_of_registrations_from_one_address_waits_before_its_body_is_read() {
    let app = app(ServeConfig {
        registrations: RegistrationQuota {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        },
        ..ServeConfig::default()
    });
    // Garbage bodies: the first two are decoded (and refused as such) ...
    for _ in 0..2 {
        let (status, body) = call(&app, post("/clients/register", vec![0xff; 3])).await;
        assert_eq!(
            (status, refusal(&body).error.as_str()),
            (StatusCode::BAD_REQUEST, "truncated")
        );
    }
    // ... the third is not even read.
    let response = app
        .clone()
        .oneshot(post("/clients/register", vec![0xff; 3]))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // Other routes are not limited.
    assert_eq!(call(&app, get("/clients/list")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn reset_needs_the_key_the_server_was_started_with() {
    let (status, body) = call(&app(ServeConfig::default()), get("/reset")).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::FORBIDDEN, "reset_disabled")
    );

    let app = app(ServeConfig {
        reset_key: Some("teacher".into()),
        ..ServeConfig::default()
    });
    let (status, body) = call(&app, get("/reset")).await;
    assert_eq!(
        (status, refusal(&body).error.as_str()),
        (StatusCode::UNAUTHORIZED, "reset_key_wrong")
    );
    let with_key = Request::get("/reset")
        .header("reset-key", "teacher")
        .body(Body::empty())
        .unwrap();
    assert_eq!(call(&app, with_key).await.0, StatusCode::OK);
}
