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
