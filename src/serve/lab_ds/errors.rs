//! The engine's refusals as the network's: each [`EngineError`] the DS's core
//! answers becomes the [`DsError`] with the status that fits it.

use std::time::Duration;

use crate::domain::ClientId;
use crate::engine::ds::AddressError;
use crate::engine::EngineError;
use crate::serve::service::DsError;

/// `client` is who the request was about, for the refusals that name one.
pub(super) fn refusal(error: EngineError, client: &ClientId, window: Option<u64>) -> DsError {
    match error {
        EngineError::NotRegistered(_) | EngineError::UnknownClient(_) => {
            DsError::UnknownClient(client.clone())
        }
        EngineError::ClientExists(_) => DsError::ClientExists(client.clone()),
        EngineError::WrongOwner { credential, .. } => DsError::WrongOwner {
            publisher: client.clone(),
            credential,
        },
        EngineError::Duplicate { kp_ref } => DsError::DuplicateKeyPackage {
            kp_ref: kp_ref.to_string(),
        },
        EngineError::NoKeyPackageAvailable { .. } => DsError::NoKeyPackageAvailable {
            owner: client.clone(),
        },
        EngineError::ClaimRateLimited { claimer, .. } => DsError::ClaimRateLimited {
            claimer,
            owner: client.clone(),
            // The window is the longest the claimer waits.
            retry_in: Duration::from_secs(window.unwrap_or(60)),
        },
        other => DsError::refused_by(&other),
    }
}

pub(super) fn address_refusal(error: AddressError) -> DsError {
    match error {
        AddressError::UnknownRecipient(client) => DsError::UnknownRecipient(client),
        AddressError::StaleEpoch { epoch, current } => DsError::StaleEpoch { epoch, current },
    }
}
