//! Every way the Delivery Service refuses a request, each with a stable code that
//! the error body and the event log carry.

use std::time::Duration;

use super::{BadClientId, ClientId};

/// A refusal by the Delivery Service (the HTTP layer's own are in `routes`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DsError {
    #[error(transparent)]
    BadClientId(#[from] BadClientId),
    #[error("a registration needs at least one key package")]
    NoKeyPackages,
    #[error("a client named {0} is registered already")]
    ClientExists(ClientId),
    #[error("no client named {0} is registered")]
    UnknownClient(ClientId),
    /// The token is missing, wrong, or another client's.
    #[error("the auth token does not prove {0}'s identity")]
    Unauthorized(ClientId),
    /// `rule`: the lab's error code for the rule that refused it, when one did,
    /// so that a lab on this DS gets the code its own DS would give.
    #[error("the DS refused a key package: {reason}")]
    InvalidKeyPackage {
        reason: String,
        rule: Option<crate::engine::ErrorCode>,
    },
    /// RFC 9750 §5.1: key packages only from their owner.
    #[error("{publisher} may not publish a key package of {credential}")]
    WrongOwner {
        publisher: ClientId,
        credential: String,
    },
    #[error("the key package {kp_ref} is in the directory already")]
    DuplicateKeyPackage { kp_ref: String },
    #[error("{owner} has no key package to hand out")]
    NoKeyPackageAvailable { owner: ClientId },
    /// RFC 9750 §5.1: rate-limit key package requests.
    #[error("{claimer} claimed {owner}'s key packages too often; retry in {}s", retry_in.as_secs())]
    ClaimRateLimited {
        claimer: String,
        owner: ClientId,
        retry_in: Duration,
    },
    #[error("the message is not a Welcome")]
    NotAWelcome,
    #[error("no registered client holds any new_member of this Welcome")]
    NoJoinerFound,
    #[error("the message is not a group message (public or private)")]
    NotAGroupMessage,
    #[error("no client named {0} is registered to receive the message")]
    UnknownRecipient(ClientId),
    /// The sample DS's rule: no handshake message older than the group's last.
    #[error("a handshake message for epoch {epoch} when the group is at {current}")]
    StaleEpoch { epoch: u64, current: u64 },
    #[error("the DS's storage failed: {0}")]
    Storage(String),
}

impl DsError {
    /// A key package that could not be read or used, with no rule of the lab's.
    pub fn unreadable(reason: impl Into<String>) -> Self {
        Self::InvalidKeyPackage {
            reason: reason.into(),
            rule: None,
        }
    }

    /// A key package the lab's rules refused, under the rule's own code.
    pub fn refused_by(error: &crate::engine::EngineError) -> Self {
        Self::InvalidKeyPackage {
            reason: format!("{error} ({})", error.code()),
            rule: Some(error.code()),
        }
    }

    /// A stable snake_case code, for error bodies and the event log.
    pub fn code(&self) -> &'static str {
        match self {
            DsError::BadClientId(_) => "bad_client_id",
            DsError::NoKeyPackages => "no_key_packages",
            DsError::ClientExists(_) => "client_exists",
            DsError::UnknownClient(_) => "unknown_client",
            DsError::Unauthorized(_) => "unauthorized",
            DsError::InvalidKeyPackage { .. } => "invalid_key_package",
            DsError::WrongOwner { .. } => "wrong_owner",
            DsError::DuplicateKeyPackage { .. } => "duplicate_key_package",
            DsError::NoKeyPackageAvailable { .. } => "no_key_package_available",
            DsError::ClaimRateLimited { .. } => "claim_rate_limited",
            DsError::NotAWelcome => "not_a_welcome",
            DsError::NoJoinerFound => "no_joiner_found",
            DsError::NotAGroupMessage => "not_a_group_message",
            DsError::UnknownRecipient(_) => "unknown_recipient",
            DsError::StaleEpoch { .. } => "stale_epoch",
            DsError::Storage(_) => "storage_unavailable",
        }
    }
}
