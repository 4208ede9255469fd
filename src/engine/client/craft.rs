//! A client's key package as the starting point of `craft`: built by OpenMLS
//! with the client's own signer and credential, but in a provider of its own,
//! so the client's storage, inventory and DS state stay as they were; and the
//! crafted package signed again with the same signer.

use openmls::prelude::*;
use openmls_rust_crypto::OpenMlsRustCrypto;
use tls_codec::Serialize as _;

use super::*;
use crate::inspect::craft::{self, CraftError};
use crate::inspect::model;

fn crafting(error: CraftError) -> EngineError {
    EngineError::Usage(error.to_string())
}

impl Client {
    /// A valid key package of this client in `ciphersuite` with this lifetime,
    /// as the lab's own TLS types; no private bundle is kept anywhere.
    pub fn craft_base(
        &self,
        ciphersuite: Ciphersuite,
        (not_before, not_after): (u64, u64),
    ) -> Result<model::KeyPackage, EngineError> {
        let signer = self.signer(ciphersuite)?;
        let credential = self.credential_with_key(ciphersuite)?;
        let scratch = OpenMlsRustCrypto::default();
        let bundle = KeyPackage::builder()
            .key_package_lifetime(Lifetime::init(not_before, not_after))
            .build(ciphersuite, &scratch, signer, credential)
            .map_err(|e| EngineError::mls("KeyPackage::build", e))?;
        let bytes = bundle
            .key_package()
            .tls_serialize_detached()
            .map_err(|e| EngineError::mls("tls_serialize_detached", e))?;
        <model::KeyPackage as tls_codec::Deserialize>::tls_deserialize_exact(&bytes).map_err(|e| {
            EngineError::Malformed {
                what: "key package".into(),
                detail: e.to_string(),
            }
        })
    }

    /// Signs `package` again with this client's key for `ciphersuite`: the
    /// leaf, then the package (RFC 9420 §5.1.2).
    pub fn sign_crafted(
        &self,
        ciphersuite: Ciphersuite,
        package: &mut model::KeyPackage,
    ) -> Result<(), EngineError> {
        craft::sign(package, self.signer(ciphersuite)?).map_err(crafting)
    }
}

/// The change `kind` on `package`, or a usage error saying why it cannot be made.
pub fn apply(package: &mut model::KeyPackage, kind: craft::Kind) -> Result<(), EngineError> {
    craft::apply(package, kind).map_err(crafting)
}
