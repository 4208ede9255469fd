//! The receiver's checks of a key package (RFC 9420 §10.1, with the leaf node
//! rules of §7.3), one line each with its verdict and reason, and the key
//! package's reference (§5.2).
//!
//! OpenMLS's `KeyPackageIn::validate` stops at the first failure and does not say
//! which bytes failed; here every check runs on the spans the reader found, with
//! the provider's own crypto, so a tester sees all of them at once. A test keeps
//! the two in agreement.

use openmls::prelude::Ciphersuite;
use openmls_traits::crypto::OpenMlsCrypto;
use serde::Serialize;
use tls_codec::{Serialize as _, VLBytes};

use super::names;
use super::structure::KeyPackageParts;
use crate::domain::{approximate, KeyPackageRef};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// The check needs something this provider lacks (a suite's signature scheme).
    NotChecked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub verdict: Verdict,
    pub reason: String,
}

fn check(name: &'static str, verdict: Verdict, reason: impl Into<String>) -> Check {
    Check {
        name,
        verdict,
        reason: reason.into(),
    }
}

fn pass_if(
    name: &'static str,
    ok: bool,
    pass: impl Into<String>,
    fail: impl Into<String>,
) -> Check {
    if ok {
        check(name, Verdict::Pass, pass)
    } else {
        check(name, Verdict::Fail, fail)
    }
}

/// The suite, when it is registered and this provider implements it.
fn usable_suite(suite: u16, crypto: &impl OpenMlsCrypto) -> Result<Ciphersuite, String> {
    let ciphersuite = Ciphersuite::try_from(suite)
        .map_err(|_| format!("{suite} is not a cipher suite OpenMLS knows"))?;
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
fn sign_content(label: &str, content: &[u8]) -> Option<Vec<u8>> {
    let label = VLBytes::new(format!("MLS 1.0 {label}").into_bytes());
    let content = VLBytes::new(content.to_vec());
    let mut out = label.tls_serialize_detached().ok()?;
    out.extend(content.tls_serialize_detached().ok()?);
    Some(out)
}

fn signature_check(
    name: &'static str,
    label: &str,
    tbs: &[u8],
    signature: &[u8],
    parts: &KeyPackageParts,
    suite: &Result<Ciphersuite, String>,
    crypto: &impl OpenMlsCrypto,
) -> Check {
    let ciphersuite = match suite {
        Ok(ciphersuite) => ciphersuite,
        Err(why) => return check(name, Verdict::NotChecked, why.clone()),
    };
    let Some(data) = sign_content(label, tbs) else {
        return check(
            name,
            Verdict::NotChecked,
            "the signed content cannot be encoded",
        );
    };
    let verified = crypto.verify_signature(
        ciphersuite.signature_algorithm(),
        &data,
        &parts.signature_key,
        signature,
    );
    pass_if(
        name,
        verified.is_ok(),
        format!("{label} verifies with the leaf's signature_key"),
        format!("{label} does not verify with the leaf's signature_key"),
    )
}

/// Every check, in the order RFC 9420 §10.1 lists them, at Unix time `now`.
pub fn key_package_checks(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
    now: u64,
) -> Vec<Check> {
    let suite = usable_suite(parts.suite, crypto);
    let mut checks = vec![
        pass_if(
            "version",
            parts.version == names::MLS10,
            "mls10",
            format!(
                "{} is not mls10, the version this lab speaks",
                names::version(parts.version)
            ),
        ),
        match &suite {
            Ok(_) => check("cipher suite", Verdict::Pass, names::suite(parts.suite)),
            Err(why) => check("cipher suite", Verdict::Fail, why.clone()),
        },
        pass_if(
            "leaf node source",
            parts.leaf_node_source == names::SOURCE_KEY_PACKAGE,
            "key_package, so the leaf carries a lifetime",
            format!(
                "{}: a key package's leaf must come from key_package",
                names::leaf_source(parts.leaf_node_source)
            ),
        ),
    ];
    checks.push(signature_check(
        "leaf node signature",
        "LeafNodeTBS",
        &parts.leaf_tbs,
        &parts.leaf_signature,
        parts,
        &suite,
        crypto,
    ));
    checks.push(signature_check(
        "signature",
        "KeyPackageTBS",
        &parts.tbs,
        &parts.signature,
        parts,
        &suite,
        crypto,
    ));
    checks.push(pass_if(
        "init key ≠ encryption key",
        parts.init_key != parts.encryption_key,
        "the HPKE init_key differs from the leaf's encryption_key",
        "init_key equals the leaf's encryption_key",
    ));
    checks.push(extensions_check(parts));
    checks.push(credential_check(parts));
    checks.push(lifetime_check(parts.lifetime, now));
    checks
}

/// Every extension that is not a default one is listed in the leaf's capabilities
/// (RFC 9420 §7.2): the check that refuses a last-resort package built without the
/// capability (the trap in OpenMLS's own key package example).
fn extensions_check(parts: &KeyPackageParts) -> Check {
    let missing: Vec<String> = parts
        .extensions
        .iter()
        .chain(&parts.leaf_extensions)
        .filter(|kind| !names::DEFAULT_EXTENSIONS.contains(kind))
        .filter(|kind| !parts.capabilities.extensions.contains(kind))
        .map(|kind| names::extension(*kind))
        .collect();
    pass_if(
        "extensions in capabilities",
        missing.is_empty(),
        "every non-default extension is listed in the leaf's capabilities",
        format!("not in the leaf's capabilities: {}", missing.join(", ")),
    )
}

fn credential_check(parts: &KeyPackageParts) -> Check {
    let kind = names::credential(parts.credential_type);
    let known = matches!(
        parts.credential_type,
        names::CREDENTIAL_BASIC | names::CREDENTIAL_X509
    );
    let listed = parts
        .capabilities
        .credentials
        .contains(&parts.credential_type);
    match (known, listed) {
        (true, true) => check(
            "credential type",
            Verdict::Pass,
            format!("{kind}, listed in the leaf's capabilities"),
        ),
        (true, false) => check(
            "credential type",
            Verdict::Fail,
            format!("{kind} is not listed in the leaf's capabilities"),
        ),
        (false, _) => check(
            "credential type",
            Verdict::Fail,
            format!("{kind} is not a credential type the lab can read"),
        ),
    }
}

fn lifetime_check(lifetime: Option<(u64, u64)>, now: u64) -> Check {
    const NAME: &str = "lifetime";
    match lifetime {
        None => check(NAME, Verdict::Fail, "the leaf has no lifetime"),
        Some((not_before, _)) if now < not_before => check(
            NAME,
            Verdict::Fail,
            format!("not valid yet: starts in {}", approximate(not_before - now)),
        ),
        Some((_, not_after)) if now > not_after => check(
            NAME,
            Verdict::Fail,
            format!("expired {} ago", approximate(now - not_after)),
        ),
        Some((not_before, not_after)) => check(
            NAME,
            Verdict::Pass,
            format!(
                "valid since {} ago, expires in {}",
                approximate(now - not_before),
                approximate(not_after - now)
            ),
        ),
    }
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
    fn the_lifetime_check_reads_both_ends_against_now() {
        let at = |now| lifetime_check(Some((1_000, 2_000)), now).verdict;
        assert_eq!(at(999), Verdict::Fail);
        assert_eq!(at(1_000), Verdict::Pass);
        assert_eq!(at(2_000), Verdict::Pass);
        assert_eq!(at(2_001), Verdict::Fail);
        assert_eq!(lifetime_check(None, 5).verdict, Verdict::Fail);
    }

    #[test]
    fn sign_content_carries_the_mls_label_prefix() {
        let data = sign_content("LeafNodeTBS", &[1, 2]).unwrap_or_default();
        // opaque<V> of "MLS 1.0 LeafNodeTBS" (19 bytes), then opaque<V> of the content.
        assert_eq!(data[0], 19);
        assert_eq!(&data[1..20], b"MLS 1.0 LeafNodeTBS");
        assert_eq!(&data[20..], &[2, 1, 2]);
    }
}
