//! The HTTP layer: exactly the sample DS's routes and methods (see
//! [`crate::serve::wire`]), each decoding its body with the wire types and
//! calling one [`DeliveryService`] method, with a typed refusal otherwise.
//!
//! Around every route, outermost first: a panic becomes a typed 500; a request
//! (body included) that takes longer than the timeout gets 408; the room token
//! is checked before any body is read. Bodies over the limit get 413; unknown
//! routes 404 and wrong methods 405, typed too.
//!
//! Where this DS answers differently from the sample (the cli treats every
//! status but 200 alike, so none of this changes what it does):
//! - every refusal has a typed JSON body, so none is a bodiless 204: an unknown
//!   client or an empty directory is 404, a Welcome for no known joiner 404;
//! - an undecodable body is 400 (the sample answers 500), a body that is not a
//!   Welcome 400 (the sample panics);
//! - a Welcome goes to every joiner it names (RFC 9420 §12.4.3.1), not the first;
//! - a group message with an unknown recipient reaches no one (the sample
//!   delivers to the recipients before it);
//! - one mail answer carries at most 65,535 bytes (its 16-bit length); the rest
//!   waits for the next `recv`, where the sample fails with 500;
//! - `/reset` needs the key the server was started with.

mod admin;
mod body;
mod clients;
mod guard;
mod mail;
mod refusal;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_guards;

pub use guard::{RegistrationQuota, RoomToken};
pub use refusal::{ErrorBody, Refusal};

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::http::Method;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, BoxError, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;

use super::service::DeliveryService;
use guard::RegistrationLimiter;

/// What the routes enforce.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// The largest request body, in bytes (413 beyond).
    pub max_body_bytes: usize,
    /// The longest a request may take, reading its body included (408 beyond).
    pub request_timeout: Duration,
    pub registrations: RegistrationQuota,
    /// `--room-token`: if set, only requests that carry it are served.
    pub room_token: Option<RoomToken>,
    /// If set, `GET /reset` with header `reset-key: KEY` empties the DS; if not,
    /// resetting over the network is refused.
    pub reset_key: Option<String>,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            // Hundreds of key packages, or a Welcome with a large ratchet tree.
            max_body_bytes: 1 << 20,
            request_timeout: Duration::from_secs(10),
            registrations: RegistrationQuota {
                per_minute: NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN),
                burst: NonZeroU32::new(10).unwrap_or(NonZeroU32::MIN),
            },
            room_token: None,
            reset_key: None,
        }
    }
}

/// What every handler reaches.
pub struct AppState<D> {
    service: Arc<D>,
    config: Arc<ServeConfig>,
    registrations: Arc<RegistrationLimiter>,
}

impl<D> Clone for AppState<D> {
    fn clone(&self) -> Self {
        Self {
            service: Arc::clone(&self.service),
            config: Arc::clone(&self.config),
            registrations: Arc::clone(&self.registrations),
        }
    }
}

/// The sample DS's routes over `service`.
pub fn router<D: DeliveryService>(service: Arc<D>, config: ServeConfig) -> Router {
    let timeout = config.request_timeout;
    let state = AppState {
        service,
        registrations: Arc::new(RegistrationLimiter::new(config.registrations)),
        config: Arc::new(config),
    };
    Router::new()
        .route(
            "/clients/register",
            post(clients::register::<D>).route_layer(middleware::from_fn_with_state(
                state.clone(),
                guard::limit_registrations::<D>,
            )),
        )
        .route("/clients/list", get(clients::list::<D>))
        .route(
            "/clients/key_packages/{id}",
            get(clients::key_packages::<D>).post(clients::publish::<D>),
        )
        .route("/clients/key_package/{id}", get(clients::consume::<D>))
        .route("/send/welcome", post(mail::send_welcome::<D>))
        .route("/send/message", post(mail::send_message::<D>))
        .route("/recv/{id}", get(mail::receive::<D>))
        .route("/reset", get(admin::reset::<D>))
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_room_token::<D>,
        ))
        .layer(
            ServiceBuilder::new()
                .layer(CatchPanicLayer::custom(|_| {
                    Refusal::Internal("a handler panicked".into()).into_response()
                }))
                .layer(HandleErrorLayer::new(move |error: BoxError| async move {
                    if error.is::<tower::timeout::error::Elapsed>() {
                        Refusal::Timeout(timeout)
                    } else {
                        Refusal::Internal(error.to_string())
                    }
                }))
                .timeout(timeout),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            note_refusals::<D>,
        ))
        .with_state(state)
}

/// Outermost: every refusal, the HTTP layer's too (413, 429, the room token,
/// timeouts), goes to the service's event log with its route and peer. The
/// path only: a query may carry the room token.
async fn note_refusals<D: DeliveryService>(
    axum::extract::State(state): axum::extract::State<AppState<D>>,
    guard::Peer(peer): guard::Peer,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let route = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    if let Some(note) = response.extensions().get::<super::service::RefusalNote>() {
        state.service.refused(&route, note, peer);
    }
    response
}

async fn unknown_route(method: Method, uri: Uri) -> Response {
    Refusal::UnknownRoute {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
    .into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    Refusal::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
    .into_response()
}
