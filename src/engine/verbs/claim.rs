//! Claiming other clients' key packages at the DS (RFC 9420 §16.8); the claimer
//! validates each one (§10.1) and keeps it until it adds the owner to a group.

use std::time::Instant;

use openmls::prelude::{KeyPackageRef, OpenMlsProvider as _};

use crate::domain::Suite;
use crate::engine::client::{Claim, ClaimedKeyPackage};
use crate::engine::ds::Claimed;
use crate::engine::wire::{self, KeyPackageFormat};
use crate::engine::{Engine, EngineError, EventKind};

impl Engine {
    /// Claims one of `owner`'s key packages in ciphersuite `suite`.
    pub async fn claim(
        &mut self,
        name: &str,
        owner: &str,
        suite: Suite,
    ) -> Result<KeyPackageRef, EngineError> {
        self.claim_framed(name, owner, suite, KeyPackageFormat::KeyPackage)
            .await
    }

    /// [`Self::claim`], asking the DS for the package in this framing (the bare
    /// `KeyPackage` or an `MLSMessage`); the claimer decodes it as it asked.
    pub async fn claim_framed(
        &mut self,
        name: &str,
        owner: &str,
        suite: Suite,
        format: KeyPackageFormat,
    ) -> Result<KeyPackageRef, EngineError> {
        let owners = [owner.to_string()];
        let mut refs = self.claim_all(name, &owners, suite, format).await?;
        refs.pop().ok_or(EngineError::DsUnavailable)
    }

    /// Claims one package of each owner, all or none (the DS checks every owner
    /// before handing anything out). Each one the DS handed out is recorded on its
    /// owner's entry even if the claimer then finds it invalid: it is gone from
    /// the DS either way.
    pub(in crate::engine) async fn claim_all(
        &mut self,
        name: &str,
        owners: &[String],
        suite: Suite,
        format: KeyPackageFormat,
    ) -> Result<Vec<KeyPackageRef>, EngineError> {
        let started = Instant::now();
        self.client(name)?;
        for owner in owners {
            self.check_peer(owner)?;
            if owner == name {
                return Err(EngineError::ClaimOwnKeyPackage(name.to_string()));
            }
        }
        let claimed = self.ds.claim_all_by(name, owners, suite, format).await;
        // The DS purged what had expired before it handed anything out; a fault
        // may have changed what it handed out.
        self.report_expired().await?;
        self.report_faults().await?;
        let claimed = match claimed {
            Ok(claimed) => claimed,
            Err(error) => {
                let owner = match &error {
                    EngineError::NoKeyPackageAvailable { owner, .. } => owner.clone(),
                    _ => owners.join(", "),
                };
                let kind = EventKind::ClaimFailed {
                    owner,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(name, kind, started);
                return Err(error);
            }
        };
        let mut refs = Vec::new();
        let mut first_error = None;
        for (owner, claimed) in owners.iter().zip(claimed) {
            match self.take_claimed(name, owner, claimed, format, started) {
                Ok(kp_ref) => refs.push(kp_ref),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(refs), Err)
    }

    /// Records one hand-out and validates the package at the claimer.
    fn take_claimed(
        &mut self,
        name: &str,
        owner: &str,
        claimed: Claimed,
        format: KeyPackageFormat,
        started: Instant,
    ) -> Result<KeyPackageRef, EngineError> {
        let kp_ref = claimed.entry.kp_ref.clone();
        if let Some(entry) = self
            .roster
            .get_mut(owner)
            .ok()
            .and_then(|c| c.entry_mut(&kp_ref))
        {
            entry.claims.push(Claim {
                by: name.to_string(),
                group: None,
            });
        }
        let kind = EventKind::KeyPackageClaimed {
            kp_ref: kp_ref.clone(),
            owner: owner.to_string(),
            last_resort: claimed.entry.last_resort,
            last_resort_reuse: claimed.last_resort_reuse,
            handouts: claimed.entry.handouts,
            bytes: claimed.entry.bytes.len(),
        };
        self.log.ok(name, kind, started);
        let now = self.clock.now();
        let client = self.roster.get_mut(name)?;
        // The claimer validates at the lab's time too (RFC 9420 §10.1): where a
        // misbehaving DS is caught.
        let accepted = wire::accept_key_package_at(
            client.provider().crypto(),
            &claimed.entry.bytes,
            format,
            now,
        );
        let (key_package, kp_ref) = match accepted {
            Ok(accepted) => accepted,
            Err(error) => {
                let kind = EventKind::KeyPackageRefused {
                    kp_ref: kp_ref.clone(),
                    owner: owner.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(name, kind, started);
                return Err(error);
            }
        };
        let client = self.roster.get_mut(name)?;
        client.wallet_push(ClaimedKeyPackage {
            owner: owner.to_string(),
            kp_ref: kp_ref.clone(),
            key_package,
        });
        Ok(kp_ref)
    }
}
