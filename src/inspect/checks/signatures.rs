//! The two signatures of a key package (RFC 9420 §5.1.2 `SignWithLabel`,
//! §10.1), verified on the spans the reader found with the provider's own
//! crypto, and the key package's reference (§5.2).

use openmls::prelude::Ciphersuite;
use openmls_traits::crypto::OpenMlsCrypto;
use tls_codec::{Serialize as _, VLBytes};

use super::super::names;
use super::super::structure::KeyPackageParts;
use crate::domain::KeyPackageRef;

/// The suite, when it is registered and this provider implements it: the one
/// rule for the DS, the claimer and `inspect` (openmls_rust_crypto: 1, 2 and 3).
/// A lab client could not add a package of another suite to any of its groups.
pub fn usable_suite(suite: u16, crypto: &impl OpenMlsCrypto) -> Result<Ciphersuite, String> {
    let ciphersuite = Ciphersuite::try_from(suite).map_err(|_| {
        format!(
            "{} is not a cipher suite OpenMLS knows",
            names::suite(suite)
        )
    })?;
    crypto.supports(ciphersuite).map_err(|_| {
        format!(
            "{} is not supported by this provider (openmls_rust_crypto: suites 1, 2 and 3)",
            names::suite(suite)
        )
    })?;
    Ok(ciphersuite)
}

/// `SignWithLabel` input (RFC 9420 §5.1.2): `"MLS 1.0 " + label` and the content,
/// each as `opaque<V>`.
pub fn sign_content(label: &str, content: &[u8]) -> Option<Vec<u8>> {
    let label = VLBytes::new(format!("MLS 1.0 {label}").into_bytes());
    let content = VLBytes::new(content.to_vec());
    let mut out = label.tls_serialize_detached().ok()?;
    out.extend(content.tls_serialize_detached().ok()?);
    Some(out)
}

/// Whether `signature` over `SignWithLabel(label, tbs)` verifies with the
/// leaf's signature key: `Ok(true|false)`, or why it cannot be checked here.
pub(super) fn verifies(
    label: &str,
    tbs: &[u8],
    signature: &[u8],
    parts: &KeyPackageParts,
    suite: &Result<Ciphersuite, String>,
    crypto: &impl OpenMlsCrypto,
) -> Result<bool, String> {
    let ciphersuite = suite.as_ref().map_err(Clone::clone)?;
    let data = sign_content(label, tbs)
        .ok_or_else(|| "the signed content cannot be encoded".to_string())?;
    Ok(crypto
        .verify_signature(
            ciphersuite.signature_algorithm(),
            &data,
            &parts.signature_key,
            signature,
        )
        .is_ok())
}

/// The key package's reference: `RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)`
/// (RFC 9420 §5.2), computed by OpenMLS over the encoded bytes. Needs only the suite's
/// hash, so it works for suites this provider cannot otherwise use.
pub fn reference(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
) -> Result<KeyPackageRef, String> {
    let ciphersuite = Ciphersuite::try_from(parts.suite)
        .map_err(|_| format!("{} has no hash OpenMLS knows", names::suite(parts.suite)))?;
    openmls::prelude::hash_ref::make_key_package_ref(&parts.encoded, ciphersuite, crypto)
        .map(KeyPackageRef::from)
        .map_err(|e| format!("the reference cannot be computed: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_content_carries_the_mls_label_prefix() {
        let data = sign_content("LeafNodeTBS", &[1, 2]).unwrap_or_default();
        // opaque<V> of "MLS 1.0 LeafNodeTBS" (19 bytes), then opaque<V> of the content.
        assert_eq!(data[0], 19);
        assert_eq!(&data[1..20], b"MLS 1.0 LeafNodeTBS");
        assert_eq!(&data[20..], &[2, 1, 2]);
    }
}
