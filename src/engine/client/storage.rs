//! Reading a client's storage back: whether a private key package bundle is there,
//! and how many there are. The storage is the truth (OpenMLS deletes a consumed
//! bundle itself), so neither is a counter of the lab's own. Both read the
//! storage's keys, never its values: every view asks for every package.

use openmls::prelude::KeyPackageRef;
use openmls_memory_storage::MemoryStorage;
use openmls_traits::storage::CURRENT_VERSION;
#[cfg(test)]
use openmls_traits::storage::{traits as storage_traits, Entity};

/// A stored key package bundle, read only for its presence: the lookup through
/// OpenMLS's storage API that [`holds_key_package`] is checked against.
#[cfg(test)]
pub(super) struct StoredBundle;

#[cfg(test)]
impl serde::Serialize for StoredBundle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

#[cfg(test)]
impl<'de> serde::Deserialize<'de> for StoredBundle {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| StoredBundle)
    }
}

#[cfg(test)]
impl Entity<CURRENT_VERSION> for StoredBundle {}
#[cfg(test)]
impl storage_traits::KeyPackage<CURRENT_VERSION> for StoredBundle {}

/// The label OpenMLS's memory storage files key package bundles under.
const KEY_PACKAGE_LABEL: &[u8] = b"KeyPackage";

/// Whether `key` is the storage key of a key package bundle. In
/// openmls_memory_storage 0.6 (`write_key_package`, `build_key_from_vec`) that key
/// is `b"KeyPackage"`, the reference as JSON (`{"value":…}`), then the storage
/// version as a big-endian u16. No other label starts with `KeyPackage` (the
/// draft-only `RetainedKeyPackage…` labels start with `Retained`); the `{` after
/// the label rules out any later label that extends it.
fn is_key_package_key(key: &[u8]) -> bool {
    key.strip_prefix(KEY_PACKAGE_LABEL)
        .and_then(|rest| rest.strip_suffix(&CURRENT_VERSION.to_be_bytes()))
        .is_some_and(|reference| reference.first() == Some(&b'{'))
}

/// Whether `storage` holds the bundle of `kp_ref`: the key `write_key_package`
/// files it under is in the storage's map (the bundle is not deserialised, so a
/// view of thousands of packages does not parse thousands of private keys).
pub(super) fn holds_key_package(storage: &MemoryStorage, kp_ref: &KeyPackageRef) -> bool {
    let Ok(reference) = serde_json::to_vec(kp_ref) else {
        return false;
    };
    let key = [
        KEY_PACKAGE_LABEL,
        &reference,
        &CURRENT_VERSION.to_be_bytes(),
    ]
    .concat();
    // A poisoned lock means a writer panicked; the map is still the storage's.
    let values = storage
        .values
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    values.contains_key(&key)
}

/// How many key package bundles `storage` holds, read from its keys without
/// deserialising any value: one pass over the storage's keys, however large the
/// client's history. A test checks it against a lookup per reference.
pub(super) fn stored_key_packages(storage: &MemoryStorage) -> usize {
    // A poisoned lock means a writer panicked; the map is still the storage's.
    let values = storage
        .values
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    values.keys().filter(|key| is_key_package_key(key)).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use openmls_traits::storage::StorageProvider as _;

    #[test]
    fn a_bundle_is_held_exactly_when_openmls_reads_it_back() {
        let storage = MemoryStorage::default();
        let reference = |seed: u8| {
            KeyPackageRef::new(
                &[seed; 8],
                openmls::prelude::Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
                &openmls_rust_crypto::RustCrypto::default(),
                b"MLS 1.0 KeyPackage Reference",
            )
            .unwrap_or_else(|e| panic!("{e:?}"))
        };
        let (stored, other) = (reference(7), reference(8));
        let reads = |kp_ref: &KeyPackageRef| {
            matches!(
                storage.key_package::<KeyPackageRef, StoredBundle>(kp_ref),
                Ok(Some(_))
            )
        };
        assert!(!holds_key_package(&storage, &stored) && !reads(&stored));
        storage
            .write_key_package(&stored, &StoredBundle)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(holds_key_package(&storage, &stored) && reads(&stored));
        assert!(!holds_key_package(&storage, &other) && !reads(&other));
        storage
            .delete_key_package(&stored)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!holds_key_package(&storage, &stored) && !reads(&stored));
    }

    #[test]
    fn only_key_package_keys_count() {
        let version = CURRENT_VERSION.to_be_bytes();
        let key = |label: &[u8], body: &[u8], version: &[u8]| -> Vec<u8> {
            [label, body, version].concat()
        };
        let reference = br#"{"value":{"vec":[1,2,3]}}"#;
        assert!(is_key_package_key(&key(b"KeyPackage", reference, &version)));
        assert!(!is_key_package_key(&key(b"KeyPackage", reference, &[0, 0])));
        assert!(!is_key_package_key(&key(
            b"RetainedKeyPackageMaterial",
            reference,
            &version
        )));
        assert!(!is_key_package_key(&key(
            b"KeyPackageX",
            reference,
            &version
        )));
        assert!(!is_key_package_key(&key(
            b"EncryptionKeyPair",
            reference,
            &version
        )));
        assert!(!is_key_package_key(b"KeyPackage"));
    }
}
