//! Who may come in: the room token (`--room-token`), checked before any body is
//! read, and the per-address limit on registrations.
//!
//! The room token travels as `Authorization: Bearer TOKEN` or, for a client that
//! can only be given a base URL, as the query parameter `room=TOKEN` (a URL such
//! as `http://host:8080/?room=TOKEN` keeps its query when a client sets the
//! path). Without a room token the DS admits everyone; OpenMLS's cli sends
//! neither header nor query, so it can use only a DS without one.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, FromRequestParts, Query, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use subtle::ConstantTimeEq;

use super::{AppState, Refusal};
use crate::serve::service::{ClaimerAddress, DeliveryService};

/// The secret that admits a room's attendees.
#[derive(Clone)]
pub struct RoomToken(String);

impl RoomToken {
    pub fn new(token: String) -> Option<Self> {
        (!token.is_empty()).then_some(Self(token))
    }

    fn admits(&self, offered: &str) -> bool {
        self.0.as_bytes().ct_eq(offered.as_bytes()).into()
    }
}

impl std::fmt::Debug for RoomToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RoomToken(<redacted>)")
    }
}

/// The query parameters the guard reads.
#[derive(serde::Deserialize)]
struct RoomQuery {
    room: Option<String>,
}

/// The room token a request offers, from the header or else the query.
fn offered_room_token(request: &Request) -> Option<String> {
    let from_header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_string);
    from_header.or_else(|| {
        let Query(query) = Query::<RoomQuery>::try_from_uri(request.uri()).ok()?;
        query.room
    })
}

/// Middleware: refuses a request without the room's token, if the DS has one.
pub async fn require_room_token<D: DeliveryService>(
    State(state): State<AppState<D>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(room) = &state.config.room_token {
        match offered_room_token(&request) {
            None => return Refusal::RoomTokenRequired.into_response(),
            Some(offered) if !room.admits(&offered) => {
                return Refusal::RoomTokenWrong.into_response()
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

/// How many registrations one address may make: `burst` at once, then one every
/// `60 / per_minute` seconds.
#[derive(Debug, Clone, Copy)]
pub struct RegistrationQuota {
    pub per_minute: NonZeroU32,
    pub burst: NonZeroU32,
}

/// Addresses the limiter remembers before it forgets those that are idle again.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

/// The per-address registration limit, in bounded memory.
pub struct RegistrationLimiter {
    limiter: DefaultKeyedRateLimiter<ClaimerAddress>,
    clock: DefaultClock,
}

impl RegistrationLimiter {
    pub fn new(quota: RegistrationQuota) -> Self {
        let quota = Quota::per_minute(quota.per_minute).allow_burst(quota.burst);
        let clock = DefaultClock::default();
        Self {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
        }
    }

    /// Counts one registration from `peer`, or says how long it must wait.
    pub fn check(&self, peer: SocketAddr) -> Result<(), Refusal> {
        if self.limiter.len() >= MAX_TRACKED_ADDRESSES {
            // Addresses whose bucket is full again carry no state worth keeping.
            self.limiter.retain_recent();
        }
        let key = ClaimerAddress::of(peer.ip());
        self.limiter.check_key(&key).map_err(|not_until| {
            let retry_in: Duration = not_until.wait_time_from(self.clock.now());
            Refusal::RegistrationRateLimited { retry_in }
        })
    }
}

/// Middleware on `/clients/register`: counts the registration against its
/// peer's limit before the body is read, so a flood costs no decoding.
pub async fn limit_registrations<D: DeliveryService>(
    State(state): State<AppState<D>>,
    Peer(peer): Peer,
    request: Request,
    next: Next,
) -> Response {
    match state.registrations.check(peer) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// The peer's address as the accept loop recorded it (`ConnectInfo`); loopback
/// when a test drives the router directly.
pub struct Peer(pub SocketAddr);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let recorded = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        let loopback = SocketAddr::from((IpAddr::from([127, 0, 0, 1]), 0));
        Ok(Peer(recorded.map_or(loopback, |info| info.0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offered(uri: &str, authorization: Option<&str>) -> Option<String> {
        let mut request = Request::builder().uri(uri);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        offered_room_token(&request.body(axum::body::Body::empty()).unwrap())
    }

    #[test]
    fn the_room_token_comes_from_the_bearer_header_or_the_query() {
        assert_eq!(
            offered("/clients/list?x=1&room=a%20b+c", None).as_deref(),
            Some("a b c")
        );
        assert_eq!(offered("/x?rooms=1", None), None);
        assert_eq!(offered("/x?room=q", Some("Bearer h")).as_deref(), Some("h"));
        assert_eq!(offered("/x", Some("Basic h")), None);
    }

    #[test]
    fn registrations_beyond_the_burst_wait_per_address() {
        let quota = RegistrationQuota {
            per_minute: NonZeroU32::new(1).unwrap(),
            burst: NonZeroU32::new(2).unwrap(),
        };
        let limiter = RegistrationLimiter::new(quota);
        let a: SocketAddr = "192.0.2.1:1000".parse().unwrap();
        let b: SocketAddr = "192.0.2.2:1000".parse().unwrap();
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        match limiter.check(a) {
            Err(Refusal::RegistrationRateLimited { retry_in }) => {
                assert!(retry_in > Duration::from_secs(50), "{retry_in:?}")
            }
            other => panic!("expected a wait, got {other:?}"),
        }
        assert!(limiter.check(b).is_ok(), "another address has its own");
    }
}
