//! A simulated client: its own provider (so its own storage), its signature keys,
//! its basic credential, the key packages it generated, the ones it claimed from
//! others, and its groups. Everything here is real OpenMLS; the Delivery Service is
//! reached only by the [`super::Engine`].

mod craft;
mod external;
mod groups;
mod inventory;
mod join;
mod storage;

pub use craft::apply as apply_craft;
pub use external::External;
use groups::view_of;
pub use groups::{GroupRecord, GroupView};
pub use inventory::{
    lifetime_left, Claim, GenerateOptions, KeyPackageEntry, Lifecycle, LifetimeChoice,
};
pub use join::{OpenedWelcome, StagedGroup, WelcomePeek};

use std::collections::BTreeMap;

use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_traits::OpenMlsProvider;

use super::error::EngineError;
use super::provider::{LabProvider, Randomness};
use crate::domain;

/// A key package of someone else, claimed at the DS and validated, not yet used.
#[derive(Debug, Clone)]
pub struct ClaimedKeyPackage {
    pub owner: String,
    pub kp_ref: KeyPackageRef,
    pub key_package: KeyPackage,
}

pub struct Client {
    name: String,
    provider: LabProvider,
    signers: BTreeMap<u16, SignatureKeyPair>,
    inventory: Vec<KeyPackageEntry>,
    /// Position of each reference in `inventory` (entries are never removed),
    /// ordered by the reference's bytes, so that a hex prefix is found without a
    /// scan.
    index: BTreeMap<domain::KeyPackageRef, usize>,
    wallet: Vec<ClaimedKeyPackage>,
    groups: BTreeMap<String, GroupRecord>,
    /// Set for a client made from a foreign key package (`import-key-package`).
    external: Option<External>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.name)
            .field("inventory", &self.inventory.len())
            .field("groups", &self.groups.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Client {
    /// A new client with an Ed25519 signature key (suites 1 and 3), its
    /// randomness from the operating system.
    pub fn new(name: &str) -> Result<Self, EngineError> {
        Self::with_randomness(name, Randomness::System)
    }

    /// A new client whose keys come from `randomness` (see [`LabProvider`]).
    pub fn with_randomness(name: &str, randomness: Randomness) -> Result<Self, EngineError> {
        let mut client = Self {
            name: name.to_string(),
            provider: LabProvider::new(name, randomness),
            signers: BTreeMap::new(),
            inventory: Vec::new(),
            index: BTreeMap::new(),
            wallet: Vec::new(),
            groups: BTreeMap::new(),
            external: None,
        };
        client.ensure_signer(SignatureScheme::ED25519)?;
        Ok(client)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn provider(&self) -> &LabProvider {
        &self.provider
    }

    /// Signature public keys by scheme name, for registration and display.
    pub fn signature_keys(&self) -> Vec<(SignatureScheme, Vec<u8>)> {
        self.signers
            .values()
            .map(|s| (s.signature_scheme(), s.to_public_vec()))
            .collect()
    }

    /// Creates the signer for `scheme` if missing; returns its public key if new.
    pub fn ensure_signer(
        &mut self,
        scheme: SignatureScheme,
    ) -> Result<Option<Vec<u8>>, EngineError> {
        if self.signers.contains_key(&(scheme as u16)) {
            return Ok(None);
        }
        let signer = self.provider.signature_key_pair(scheme)?;
        signer
            .store(self.provider.storage())
            .map_err(|e| EngineError::mls("store signature key", e))?;
        let public = signer.to_public_vec();
        self.signers.insert(scheme as u16, signer);
        Ok(Some(public))
    }

    pub(super) fn signer(
        &self,
        ciphersuite: Ciphersuite,
    ) -> Result<&SignatureKeyPair, EngineError> {
        signer_for(&self.signers, &self.name, ciphersuite)
    }

    pub(super) fn credential_with_key(
        &self,
        ciphersuite: Ciphersuite,
    ) -> Result<CredentialWithKey, EngineError> {
        let signer = self.signer(ciphersuite)?;
        Ok(CredentialWithKey {
            credential: BasicCredential::new(self.name.as_bytes().to_vec()).into(),
            signature_key: signer.public().into(),
        })
    }

    /// Builds one key package; `KeyPackage::builder().build()` writes the bundle
    /// Key packages of others this client claimed and has not used yet.
    pub fn wallet(&self) -> &[ClaimedKeyPackage] {
        &self.wallet
    }

    pub(crate) fn wallet_push(&mut self, claimed: ClaimedKeyPackage) {
        self.wallet.push(claimed);
    }

    /// Takes the oldest claimed package of `owner` out of the wallet.
    pub(crate) fn wallet_take(&mut self, owner: &str) -> Option<ClaimedKeyPackage> {
        let index = self.wallet.iter().position(|c| c.owner == owner)?;
        Some(self.wallet.remove(index))
    }

    pub(crate) fn wallet_return(&mut self, claimed: Vec<ClaimedKeyPackage>) {
        for (i, c) in claimed.into_iter().enumerate() {
            self.wallet.insert(i.min(self.wallet.len()), c);
        }
    }

    /// The oldest held (claimed, unused) package of `owner`, left in the wallet.
    pub(crate) fn wallet_holds(&self, owner: &str) -> Option<&ClaimedKeyPackage> {
        self.wallet.iter().find(|c| c.owner == owner)
    }
}

pub(super) fn signer_for<'a>(
    signers: &'a BTreeMap<u16, SignatureKeyPair>,
    name: &str,
    ciphersuite: Ciphersuite,
) -> Result<&'a SignatureKeyPair, EngineError> {
    let scheme = ciphersuite.signature_algorithm();
    signers
        .get(&(scheme as u16))
        .ok_or_else(|| EngineError::Mls {
            op: "sign".into(),
            code: super::error::ErrorCode::named("MissingSigner"),
            detail: format!("{name} has no {scheme:?} key"),
        })
}
