//! A TLS-encoded body in and out: read up to the limit (413 beyond it, told by
//! `Content-Length` before a byte is read when the client sends one), decoded
//! exactly, kept as received too; and an answer encoded as the sample sends it.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::response::{IntoResponse, Response};
use http_body_util::LengthLimitError;

use super::{AppState, Refusal};
use crate::serve::service::DeliveryService;
use crate::serve::wire::{decode, encode, WireMessage};

/// A request body decoded as `T`, with the bytes it came as.
pub struct TlsBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<D: DeliveryService, T: WireMessage + Send> FromRequest<AppState<D>> for TlsBody<T> {
    type Rejection = Refusal;

    async fn from_request(request: Request, state: &AppState<D>) -> Result<Self, Refusal> {
        let limit = state.config.max_body_bytes;
        let declared = request
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > limit as u64) {
            return Err(Refusal::BodyTooLarge { limit });
        }
        let raw = axum::body::to_bytes(request.into_body(), limit)
            .await
            .map_err(|error| {
                let error = error.into_inner();
                if error.is::<LengthLimitError>() {
                    Refusal::BodyTooLarge { limit }
                } else {
                    Refusal::BodyUnreadable(error.to_string())
                }
            })?;
        let value = decode::<T>(&raw)?;
        Ok(Self { value, raw })
    }
}

/// A 200 answer with `value` encoded, as `application/octet-stream` (what the
/// sample's `Vec<u8>` answers carry).
pub fn tls_answer<T: WireMessage>(value: &T) -> Result<Response, Refusal> {
    Ok(encode(value)?.into_response())
}
