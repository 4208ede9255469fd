//! A key package's private bundle as the storage holds it, and its reference
//! recomputed: what the OpenMLS page says in words, read from the lab's own
//! storage and crypto. The private keys are never shown: each is named with its
//! kind, its length and a short fingerprint (the first 4 bytes of its SHA-256).
//!
//! OpenMLS's memory storage files a `KeyPackageBundle` under the key
//! `b"KeyPackage"` ‖ the reference as JSON ‖ the storage version: the storage key
//! is the reference's bytes. The reference is `RefHash("MLS 1.0 KeyPackage
//! Reference", KeyPackage)` (RFC 9420 §5.2): the suite's hash of the TLS-encoded
//! `RefHashInput { opaque label<V>; opaque value<V>; }`.

use openmls::prelude::{KeyPackage, OpenMlsProvider as _};
use openmls_traits::crypto::OpenMlsCrypto as _;
use openmls_traits::storage::CURRENT_VERSION;
use openmls_traits::types::HashType;
use tls_codec::{Serialize as _, VLBytes};

use super::{Engine, EngineError};
use crate::domain::KeyPackageRef;

/// RFC 9420 §5.2: the label of a key package's reference.
pub const KEY_PACKAGE_REF_LABEL: &str = "MLS 1.0 KeyPackage Reference";
/// The label OpenMLS's memory storage files key package bundles under.
const STORAGE_LABEL: &[u8] = b"KeyPackage";

/// One private key of a bundle, redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedactedKey {
    /// The bundle's field, as OpenMLS names it (`private_init_key`).
    pub field: String,
    /// What it is: `HPKE private key (DhKemX25519)`.
    pub kind: String,
    pub len: usize,
    /// The first 4 bytes of the key's SHA-256, in hex: enough to tell two keys
    /// apart, nothing of the key itself.
    pub fingerprint: String,
}

/// The bundle as the storage holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBundleView {
    /// The storage key, with the reference's bytes shown as `<ref …>`.
    pub storage_key: String,
    pub storage_key_len: usize,
    /// The reference's bytes read back out of the storage key equal the reference.
    pub key_is_reference: bool,
    /// Length of the stored value (the serialized bundle).
    pub value_len: usize,
    /// `init_private_key()` (OpenMLS's `private_init_key`), then the leaf's
    /// `private_encryption_key`.
    pub private_keys: Vec<RedactedKey>,
}

/// How the reference is computed, and the proof that it is the stored one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefComputation {
    pub label: &'static str,
    /// The suite's hash: `SHA-256`.
    pub hash: String,
    /// Bytes of the TLS-encoded `KeyPackage`.
    pub key_package_len: usize,
    /// Bytes of the whole `RefHashInput` hashed (label and value with their lengths).
    pub input_len: usize,
    /// The recomputed reference.
    pub recomputed: KeyPackageRef,
    /// The reference the lab holds (the storage key's).
    pub stored: KeyPackageRef,
}

impl RefComputation {
    pub fn matches(&self) -> bool {
        self.recomputed == self.stored
    }
}

/// Section 4 of the teaching issue for one key package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleDetails {
    pub owner: String,
    pub kp_ref: KeyPackageRef,
    /// `None` when the storage no longer holds the bundle (consumed or deleted).
    pub bundle: Option<StoredBundleView>,
    pub reference: RefComputation,
    /// The TLS-encoded `KeyPackage` (for the hex view).
    pub encoded: Vec<u8>,
}

impl Engine {
    /// The private bundle of `owner`'s key package `kp_ref` as the storage holds
    /// it (redacted), and its reference recomputed with the owner's crypto.
    pub fn bundle_details(
        &self,
        owner: &str,
        kp_ref: &KeyPackageRef,
    ) -> Result<BundleDetails, EngineError> {
        let client = self.client(owner)?;
        let entry = client.key_package(kp_ref)?;
        let provider = client.provider();
        let reference = recompute(provider.crypto(), &entry.key_package, &entry.kp_ref)?;
        let bundle = stored_bundle(provider, &entry.kp_ref, &entry.key_package)?;
        Ok(BundleDetails {
            owner: owner.to_string(),
            kp_ref: kp_ref.clone(),
            bundle,
            reference,
            encoded: entry
                .key_package
                .tls_serialize_detached()
                .map_err(|e| EngineError::mls("tls_serialize_detached", e))?,
        })
    }
}

/// The TLS encoding of `RefHashInput { label, value }` (RFC 9420 §5.2).
pub fn ref_hash_input(label: &str, value: &[u8]) -> Result<Vec<u8>, EngineError> {
    let mut input = VLBytes::new(label.as_bytes().to_vec())
        .tls_serialize_detached()
        .map_err(|e| EngineError::mls("RefHashInput", e))?;
    input.extend(
        VLBytes::new(value.to_vec())
            .tls_serialize_detached()
            .map_err(|e| EngineError::mls("RefHashInput", e))?,
    );
    Ok(input)
}

fn recompute(
    crypto: &impl openmls_traits::crypto::OpenMlsCrypto,
    key_package: &KeyPackage,
    stored: &openmls::prelude::KeyPackageRef,
) -> Result<RefComputation, EngineError> {
    let encoded = key_package
        .tls_serialize_detached()
        .map_err(|e| EngineError::mls("tls_serialize_detached", e))?;
    let input = ref_hash_input(KEY_PACKAGE_REF_LABEL, &encoded)?;
    let hash = key_package.ciphersuite().hash_algorithm();
    let digest = crypto
        .hash(hash, &input)
        .map_err(|e| EngineError::mls("hash", e))?;
    Ok(RefComputation {
        label: KEY_PACKAGE_REF_LABEL,
        hash: hash_name(hash).to_string(),
        key_package_len: encoded.len(),
        input_len: input.len(),
        recomputed: KeyPackageRef::from_bytes(digest),
        stored: stored.into(),
    })
}

fn hash_name(hash: HashType) -> &'static str {
    match hash {
        HashType::Sha2_256 => "SHA-256",
        HashType::Sha2_384 => "SHA-384",
        HashType::Sha2_512 => "SHA-512",
    }
}

/// The bundle's entry in the storage, read from the storage's own map.
fn stored_bundle(
    provider: &super::provider::LabProvider,
    kp_ref: &openmls::prelude::KeyPackageRef,
    key_package: &KeyPackage,
) -> Result<Option<StoredBundleView>, EngineError> {
    let reference_json =
        serde_json::to_vec(kp_ref).map_err(|e| EngineError::mls("serde_json", e))?;
    let mut key = STORAGE_LABEL.to_vec();
    key.extend(&reference_json);
    key.extend(CURRENT_VERSION.to_be_bytes());
    let value = {
        let values = provider
            .storage()
            .values
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match values.get(&key) {
            Some(value) => value.clone(),
            None => return Ok(None),
        }
    };
    // The reference's bytes, read back out of the key's JSON.
    let key_is_reference = serde_json::from_slice::<serde_json::Value>(&reference_json)
        .ok()
        .and_then(|json| bytes_in(&json))
        .is_some_and(|bytes| bytes == kp_ref.as_slice());
    let bundle: serde_json::Value =
        serde_json::from_slice(&value).map_err(|e| EngineError::mls("serde_json", e))?;
    let kem = format!("{:?}", key_package.ciphersuite().hpke_kem_algorithm());
    let mut private_keys = Vec::new();
    for (field, kind) in [
        ("private_init_key", format!("HPKE private key ({kem})")),
        (
            "private_encryption_key",
            format!("leaf encryption private key ({kem})"),
        ),
    ] {
        if let Some(secret) = bundle.get(field).and_then(bytes_in) {
            private_keys.push(RedactedKey {
                field: field.to_string(),
                kind,
                len: secret.len(),
                fingerprint: fingerprint(provider, &secret)?,
            });
        }
    }
    Ok(Some(StoredBundleView {
        storage_key: format!(
            "\"KeyPackage\" ‖ JSON of the reference ({} bytes, holding its {} bytes) ‖ version {CURRENT_VERSION}",
            reference_json.len(),
            kp_ref.as_slice().len()
        ),
        storage_key_len: key.len(),
        key_is_reference,
        value_len: value.len(),
        private_keys,
    }))
}

/// The first 4 bytes of SHA-256 of `secret`, in hex.
fn fingerprint(
    provider: &super::provider::LabProvider,
    secret: &[u8],
) -> Result<String, EngineError> {
    let digest = provider
        .crypto()
        .hash(HashType::Sha2_256, secret)
        .map_err(|e| EngineError::mls("hash", e))?;
    Ok(hex::encode(digest.get(..4).unwrap_or_default()))
}

/// The bytes a serde value holds: an array of numbers, or the one array inside
/// wrapper objects (`{"value": {"vec": [...]}}`).
fn bytes_in(value: &serde_json::Value) -> Option<Vec<u8>> {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| item.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect(),
        serde_json::Value::Object(fields) if fields.len() == 1 => {
            fields.values().next().and_then(bytes_in)
        }
        serde_json::Value::Object(_)
        | serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Number(_)
        | serde_json::Value::String(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference matches only when the recomputation gives the stored one.
    #[test]
    fn a_recomputed_reference_matches_only_the_stored_one() {
        let computation = |recomputed: [u8; 2], stored: [u8; 2]| RefComputation {
            label: "MLS 1.0 KeyPackage Reference",
            hash: "SHA-256".into(),
            key_package_len: 0,
            input_len: 0,
            recomputed: KeyPackageRef::from_bytes(recomputed.to_vec()),
            stored: KeyPackageRef::from_bytes(stored.to_vec()),
        };
        assert!(computation([1, 2], [1, 2]).matches());
        assert!(!computation([1, 2], [1, 3]).matches());
    }

    #[test]
    fn ref_hash_input_is_two_vectors_with_their_lengths() {
        let input = ref_hash_input("ab", &[1, 2, 3]).expect("encodes");
        assert_eq!(input, [2, b'a', b'b', 3, 1, 2, 3]);
    }

    #[test]
    fn bytes_are_found_inside_wrappers_and_nothing_else_counts() {
        let json: serde_json::Value =
            serde_json::from_str(r#"{"value":{"vec":[1,2,255]}}"#).expect("json");
        assert_eq!(bytes_in(&json), Some(vec![1, 2, 255]));
        let two: serde_json::Value = serde_json::from_str(r#"{"a":[1],"b":[2]}"#).expect("json");
        assert_eq!(bytes_in(&two), None);
        let big: serde_json::Value = serde_json::from_str("[256]").expect("json");
        assert_eq!(bytes_in(&big), None);
    }
}
