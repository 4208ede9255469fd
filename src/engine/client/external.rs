//! External clients: a name in the lab for a key package made by another MLS
//! stack (`import-key-package`). The lab holds the package, not its private keys:
//! such a client has no signer and no private bundle, can be claimed and added
//! like any other, and its Welcome stays in its DS mailbox for `export-welcome`.

use openmls::prelude::*;

use super::*;
use crate::engine::provider::Randomness;

/// What the lab knows of an external client beyond its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct External {
    /// The identity in the package's credential: the foreign stack's own, which
    /// may differ from the lab's name for the client.
    pub identity: String,
}

impl Client {
    /// An external client whose only key package is `key_package` (validated and
    /// published at the DS already), with its reference and encoded size.
    pub fn external(
        name: &str,
        key_package: KeyPackage,
        kp_ref: KeyPackageRef,
        bytes: usize,
    ) -> Self {
        let identity =
            crate::engine::wire::credential_identity(key_package.leaf_node().credential())
                .unwrap_or_else(|| "?".into());
        let mut client = Self {
            name: name.to_string(),
            // Never used for keys: an external client signs and decrypts elsewhere.
            provider: LabProvider::new(name, Randomness::System),
            signers: BTreeMap::new(),
            inventory: Vec::new(),
            index: BTreeMap::new(),
            wallet: Vec::new(),
            groups: BTreeMap::new(),
            external: Some(External { identity }),
        };
        client.add_external(key_package, kp_ref, bytes);
        client
    }

    /// Another key package of this external client, validated and published at
    /// the DS already (which checked it is signed by the same key).
    pub fn add_external(&mut self, key_package: KeyPackage, kp_ref: KeyPackageRef, bytes: usize) {
        // Whether the capabilities list LastResort, whatever the package is.
        let last_resort_capability = key_package
            .leaf_node()
            .capabilities()
            .extensions()
            .contains(&ExtensionType::LastResort);
        let entry = KeyPackageEntry {
            kp_ref: kp_ref.clone(),
            key_package,
            last_resort_capability,
            bytes,
            published: true,
            rejected: None,
            claims: Vec::new(),
            joined: Vec::new(),
            replaced: false,
            discarded: false,
        };
        self.index
            .insert(domain::KeyPackageRef::from(&kp_ref), self.inventory.len());
        self.inventory.push(entry);
    }

    /// What the lab knows of this client if it is external.
    pub fn external_info(&self) -> Option<&External> {
        self.external.as_ref()
    }

    pub fn is_external(&self) -> bool {
        self.external.is_some()
    }
}
