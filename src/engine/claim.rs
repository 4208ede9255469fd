//! Claiming another client's key package at the DS (RFC 9420 §16.8).

use std::time::Instant;

use openmls::prelude::{KeyPackageRef, OpenMlsProvider as _};

use super::client::{Claim, ClaimedKeyPackage};
use super::wire::{self, ref_hex, KeyPackageFormat};
use super::{Engine, EngineError, EventKind};

impl Engine {
    /// Claims one of `owner`'s key packages; the claimer validates it (RFC 9420
    /// §10.1) and keeps it until it adds the owner to a group.
    pub async fn claim(
        &mut self,
        name: &str,
        owner: &str,
        suite: u16,
    ) -> Result<KeyPackageRef, EngineError> {
        let started = Instant::now();
        self.client(name)?;
        let claimed = match self.ds.claim(owner, suite).await {
            Ok(claimed) => claimed,
            Err(error) => {
                let kind = EventKind::ClaimFailed {
                    owner: owner.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(name, kind, started);
                return Err(error);
            }
        };
        let client = self.client_mut(name)?;
        let (key_package, kp_ref) = wire::accept_key_package(
            client.provider().crypto(),
            &claimed.entry.bytes,
            KeyPackageFormat::KeyPackage,
        )?;
        client.wallet_push(ClaimedKeyPackage {
            owner: owner.to_string(),
            kp_ref: kp_ref.clone(),
            key_package,
        });
        if let Some(entry) = self
            .clients
            .get_mut(owner)
            .and_then(|c| c.entry_mut(&kp_ref))
        {
            entry.claims.push(Claim {
                by: name.to_string(),
                group: None,
            });
        }
        let kind = EventKind::KeyPackageClaimed {
            kp_ref: ref_hex(&kp_ref),
            owner: owner.to_string(),
            last_resort: claimed.entry.last_resort,
            last_resort_reuse: claimed.last_resort_reuse,
            handouts: claimed.entry.handouts,
            bytes: claimed.entry.bytes.len(),
        };
        self.ok(name, kind, started);
        Ok(kp_ref)
    }
}
