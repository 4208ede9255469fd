//! Every refusal the server answers, with the HTTP status that fits it and a typed
//! JSON body: `{"error": CODE, "message": TEXT}` (and `retry_after_secs` with a
//! `Retry-After` header when waiting helps).

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

use crate::serve::service::{BadClientId, DsError, RefusalNote};
use crate::serve::wire::WireError;

/// A request the server does not carry out.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Ds(#[from] DsError),
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("the body is over the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    #[error("the body could not be read: {0}")]
    BodyUnreadable(String),
    /// A message no mailbox answer could carry (its length prefix is 16 bits).
    #[error("a message of {size} bytes is over the {max} a mailbox answer can carry")]
    MessageTooLarge { size: usize, max: usize },
    #[error("the request took longer than {}s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("no route {method} {path}")]
    UnknownRoute { method: String, path: String },
    #[error("{path} does not take {method}")]
    MethodNotAllowed { method: String, path: String },
    #[error("this DS admits only the room: send the room token")]
    RoomTokenRequired,
    #[error("the room token is wrong")]
    RoomTokenWrong,
    #[error("too many registrations from this address; retry in {}s", .retry_in.as_secs())]
    RegistrationRateLimited { retry_in: Duration },
    #[error("resetting is not enabled on this DS")]
    ResetDisabled,
    #[error("the reset key is missing or wrong")]
    ResetKeyWrong,
    #[error("the server failed: {0}")]
    Internal(String),
}

impl Refusal {
    /// A stable snake_case code, for the body and the event log.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Ds(error) => error.code(),
            Refusal::Wire(error) => error.code(),
            Refusal::BodyTooLarge { .. } => "body_too_large",
            Refusal::BodyUnreadable(_) => "body_unreadable",
            Refusal::MessageTooLarge { .. } => "message_too_large",
            Refusal::Timeout(_) => "timeout",
            Refusal::UnknownRoute { .. } => "unknown_route",
            Refusal::MethodNotAllowed { .. } => "method_not_allowed",
            Refusal::RoomTokenRequired => "room_token_required",
            Refusal::RoomTokenWrong => "room_token_wrong",
            Refusal::RegistrationRateLimited { .. } => "registration_rate_limited",
            Refusal::ResetDisabled => "reset_disabled",
            Refusal::ResetKeyWrong => "reset_key_wrong",
            Refusal::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::Ds(error) => ds_status(error),
            Refusal::Wire(WireError::Unencodable { .. }) => StatusCode::INTERNAL_SERVER_ERROR,
            Refusal::Wire(
                WireError::Truncated { .. }
                | WireError::Trailing { .. }
                | WireError::Malformed { .. },
            ) => StatusCode::BAD_REQUEST,
            Refusal::BodyTooLarge { .. } | Refusal::MessageTooLarge { .. } => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            Refusal::BodyUnreadable(_) => StatusCode::BAD_REQUEST,
            Refusal::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            Refusal::UnknownRoute { .. } => StatusCode::NOT_FOUND,
            Refusal::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::RoomTokenRequired | Refusal::ResetKeyWrong => StatusCode::UNAUTHORIZED,
            Refusal::RoomTokenWrong | Refusal::ResetDisabled => StatusCode::FORBIDDEN,
            Refusal::RegistrationRateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Refusal::RegistrationRateLimited { retry_in }
            | Refusal::Ds(DsError::ClaimRateLimited { retry_in, .. }) => Some(*retry_in),
            _ => None,
        }
    }
}

/// The status for each refusal of the Delivery Service.
fn ds_status(error: &DsError) -> StatusCode {
    match error {
        DsError::BadClientId(_)
        | DsError::NoKeyPackages
        | DsError::NotAWelcome
        | DsError::NotAGroupMessage => StatusCode::BAD_REQUEST,
        DsError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        DsError::WrongOwner { .. } => StatusCode::FORBIDDEN,
        DsError::UnknownClient(_)
        | DsError::UnknownRecipient(_)
        | DsError::NoKeyPackageAvailable { .. }
        | DsError::NoJoinerFound => StatusCode::NOT_FOUND,
        DsError::ClientExists(_)
        | DsError::DuplicateKeyPackage { .. }
        | DsError::StaleEpoch { .. } => StatusCode::CONFLICT,
        DsError::InvalidKeyPackage { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        DsError::ClaimRateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        DsError::Storage(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The JSON body of every refusal.
#[derive(Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub retry_after_secs: Option<u64>,
    /// The lab's error code for the rule that refused a key package
    /// (`LifetimeTooLong`, `Expired`, …), when one did.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub rule: Option<String>,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        // Round up: "retry in 0 s" would invite an immediate retry that fails.
        let retry_after_secs = self
            .retry_after()
            .map(|d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        let rule = match &self {
            Refusal::Ds(DsError::InvalidKeyPackage {
                rule: Some(rule), ..
            }) => Some(rule.to_string()),
            _ => None,
        };
        let body = ErrorBody {
            error: self.code().to_string(),
            message: self.to_string(),
            retry_after_secs,
            rule,
        };
        let note = RefusalNote {
            code: body.error.clone(),
            message: body.message.clone(),
        };
        let mut response = (self.status(), Json(body)).into_response();
        response.extensions_mut().insert(note);
        if let Some(secs) = retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self == Refusal::RoomTokenRequired {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"mls-lab room\""),
            );
        }
        response
    }
}

impl From<BadClientId> for Refusal {
    fn from(error: BadClientId) -> Self {
        Refusal::Ds(DsError::from(error))
    }
}
