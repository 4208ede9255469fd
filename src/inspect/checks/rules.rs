//! What each rule of the checklist checks. Lists are compared through hashed
//! sets, so a check costs time linear in the lists it reads.

use std::collections::HashSet;

use openmls_traits::crypto::OpenMlsCrypto;

use super::policy::Policy;
use super::policy_rules::{grease, key_encoding, max_lifetime};
use super::signatures::{usable_suite, verifies};
use super::{some, Check, RuleId, Signatures, Verdict};
use crate::domain::approximate;
use crate::inspect::names;
use crate::inspect::structure::KeyPackageParts;

pub(super) fn run(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
    now: u64,
    policy: &Policy,
    signatures: Signatures,
) -> Vec<Check> {
    let suite = usable_suite(parts.suite, crypto);
    let signature = |rule, label: &str, tbs: &[u8], sig: &[u8]| {
        if signatures == Signatures::LeftToOpenMls {
            return Check::new(rule, Verdict::NotChecked, "left to OpenMLS's validate");
        }
        match verifies(label, tbs, sig, parts, &suite, crypto) {
            Ok(ok) => Check::pass_if(
                rule,
                ok,
                || format!("{label} verifies with the leaf's signature_key"),
                || format!("{label} does not verify with the leaf's signature_key"),
            ),
            Err(why) => Check::new(rule, Verdict::NotChecked, why),
        }
    };
    vec![
        Check::pass_if(
            RuleId::Version,
            parts.version == names::MLS10,
            || "mls10",
            || {
                format!(
                    "{} is not mls10, the version this lab speaks",
                    names::version(parts.version)
                )
            },
        ),
        match &suite {
            Ok(_) => Check::new(
                RuleId::CipherSuite,
                Verdict::Pass,
                names::suite(parts.suite),
            ),
            Err(why) => Check::new(RuleId::CipherSuite, Verdict::Fail, why.clone()),
        },
        Check::pass_if(
            RuleId::LeafNodeSource,
            parts.leaf_node_source == names::SOURCE_KEY_PACKAGE,
            || "key_package, so the leaf carries a lifetime",
            || {
                format!(
                    "{}: a key package's leaf must come from key_package",
                    names::leaf_source(parts.leaf_node_source)
                )
            },
        ),
        signature(
            RuleId::LeafNodeSignature,
            "LeafNodeTBS",
            &parts.leaf_tbs,
            &parts.leaf_signature,
        ),
        Check::pass_if(
            RuleId::InitKeyDistinct,
            parts.init_key != parts.encryption_key,
            || "the HPKE init_key differs from the leaf's encryption_key",
            || "init_key equals the leaf's encryption_key",
        ),
        extensions_in_place(parts),
        signature(
            RuleId::Signature,
            "KeyPackageTBS",
            &parts.tbs,
            &parts.signature,
        ),
        extensions_listed(parts),
        unique_extensions(parts),
        grease_extensions(parts),
        credential_listed(parts),
        credential_supported(parts),
        version_and_suite_listed(parts),
        lifetime(parts.lifetime, now),
        key_encoding(parts, policy.key_encoding),
        max_lifetime(parts.lifetime, now, policy.max_lifetime),
        grease(parts, policy.grease),
    ]
}

/// `KeyPackage.extensions` then `leaf_node.extensions`, each type with where it is.
fn all_extensions(parts: &KeyPackageParts) -> impl Iterator<Item = (&'static str, u16)> + '_ {
    let package = parts
        .extensions
        .iter()
        .map(|t| ("KeyPackage.extensions", *t));
    let leaf = parts
        .leaf_extensions
        .iter()
        .map(|t| ("leaf_node.extensions", *t));
    package.chain(leaf)
}

/// RFC 9420 §7.3 and §10.1: every extension that is not a default one (§7.2) is
/// listed in the leaf's capabilities; the check that refuses a last-resort
/// package built without the capability (the trap in OpenMLS's own example).
/// GREASE types count like any other: listed, they pass here.
fn extensions_listed(parts: &KeyPackageParts) -> Check {
    let listed: HashSet<u16> = parts.capabilities.extensions.iter().copied().collect();
    let missing: Vec<String> = all_extensions(parts)
        .filter(|(_, kind)| !names::DEFAULT_EXTENSIONS.contains(kind) && !listed.contains(kind))
        .map(|(place, kind)| format!("{} in {place}", names::extension(kind)))
        .collect();
    Check::pass_if(
        RuleId::ExtensionsListed,
        missing.is_empty(),
        || "every non-default extension is listed in the leaf's capabilities",
        || format!("not in the leaf's capabilities: {}", some(&missing)),
    )
}

/// RFC 9420 §17.3, the registry's "Message(s)" column: which extension types may
/// appear in a key package (last_resort, unknown ones) and in a leaf node
/// (application_id, unknown ones). OpenMLS refuses the others, at
/// `KeyPackageIn::validate` for the package's and at `add_members` for the leaf's.
fn extensions_in_place(parts: &KeyPackageParts) -> Check {
    let misplaced: Vec<String> = all_extensions(parts)
        .filter(|(place, kind)| match *place {
            "KeyPackage.extensions" => (1..=5).contains(kind),
            _ => (2..=5).contains(kind) || *kind == names::EXTENSION_LAST_RESORT,
        })
        .map(|(place, kind)| format!("{} in {place}", names::extension(kind)))
        .collect();
    Check::pass_if(
        RuleId::ExtensionsInPlace,
        misplaced.is_empty(),
        || "each extension type may appear where it is",
        || format!("not allowed there: {}", some(&misplaced)),
    )
}

/// OpenMLS decodes an extension list only if no type appears twice.
fn unique_extensions(parts: &KeyPackageParts) -> Check {
    let twice = |list: &[u16], place: &str| {
        let mut seen = HashSet::new();
        list.iter()
            .filter(|t| !seen.insert(**t))
            .map(|t| format!("{} in {place}", names::extension(*t)))
            .collect::<Vec<_>>()
    };
    let mut repeated = twice(&parts.extensions, "KeyPackage.extensions");
    repeated.extend(twice(&parts.leaf_extensions, "leaf_node.extensions"));
    Check::pass_if(
        RuleId::UniqueExtensions,
        repeated.is_empty(),
        || "no extension type appears twice in a list",
        || {
            format!(
                "twice: {}; OpenMLS does not decode the list (\"Found duplicate extensions\")",
                some(&repeated)
            )
        },
    )
}

/// OpenMLS 0.9 decodes a GREASE extension as `Extension::Unknown`, whose type
/// never equals the `Grease` entry of the capabilities: it refuses the package
/// at `KeyPackageIn::validate` (`UnsupportedExtension`) and the leaf at
/// `add_members` (`UnsupportedExtensions`), listed or not, where RFC 9420 §13.5
/// allows GREASE extensions like any other.
fn grease_extensions(parts: &KeyPackageParts) -> Check {
    let greased: Vec<String> = all_extensions(parts)
        .filter(|(_, kind)| names::is_grease(*kind))
        .map(|(place, kind)| format!("0x{kind:04x} in {place}"))
        .collect();
    Check::pass_if(
        RuleId::GreaseExtensions,
        greased.is_empty(),
        || "no GREASE extension type in an extension list",
        || {
            format!(
            "{}: RFC 9420 §13.5 allows GREASE extensions, OpenMLS refuses them (UnsupportedExtension) even when listed",
            some(&greased)
        )
        },
    )
}

/// OpenMLS refuses at `add_members` a leaf whose own credential type is not in
/// its capabilities (`LeafNode::validate_locally`, UnsupportedCredentials).
fn credential_listed(parts: &KeyPackageParts) -> Check {
    let kind = names::credential(parts.credential_type);
    Check::pass_if(
        RuleId::CredentialListed,
        parts
            .capabilities
            .credentials
            .contains(&parts.credential_type),
        || format!("{kind}, listed in the leaf's capabilities"),
        || format!("{kind} is not listed in the leaf's capabilities"),
    )
}

/// RFC 9420 §7.3: a new member's credential type must be one every member
/// supports; the lab's clients list basic only.
fn credential_supported(parts: &KeyPackageParts) -> Check {
    let kind = names::credential(parts.credential_type);
    Check::pass_if(
        RuleId::CredentialSupported,
        parts.credential_type == names::CREDENTIAL_BASIC,
        || format!("{kind}, which every lab client supports"),
        || format!("{kind}: the lab's clients support basic (1) credentials only"),
    )
}

/// OpenMLS refuses at `add_members` a leaf whose capabilities do not list the
/// group's version and suite (`CiphersuiteNotInCapabilities`); a package's own
/// are the group's when it is added.
fn version_and_suite_listed(parts: &KeyPackageParts) -> Check {
    let caps = &parts.capabilities;
    let mut missing = Vec::new();
    if !caps.versions.contains(&parts.version) {
        missing.push(names::version(parts.version));
    }
    if !caps.suites.contains(&parts.suite) {
        missing.push(names::suite(parts.suite));
    }
    Check::pass_if(
        RuleId::VersionAndSuiteListed,
        missing.is_empty(),
        || "the package's own version and suite are listed",
        || format!("not in the leaf's capabilities: {}", missing.join(", ")),
    )
}

/// Valid at `now` exactly as OpenMLS's `Lifetime::validate_with_time` decides:
/// expired from the second `not_after` on, not valid before `not_before`.
fn lifetime(lifetime: Option<(u64, u64)>, now: u64) -> Check {
    let rule = RuleId::Lifetime;
    match lifetime {
        None => Check::new(rule, Verdict::Fail, "the leaf has no lifetime"),
        Some((_, not_after)) if not_after <= now => Check::new(
            rule,
            Verdict::Fail,
            format!(
                "expired {} ago (not_after {not_after} ≤ now {now})",
                approximate(now - not_after)
            ),
        ),
        Some((not_before, _)) if now < not_before => Check::new(
            rule,
            Verdict::Fail,
            format!("not valid yet: starts in {}", approximate(not_before - now)),
        ),
        Some((not_before, not_after)) => Check::new(
            rule,
            Verdict::Pass,
            format!(
                "valid since {} ago, expires in {}",
                approximate(now - not_before),
                approximate(not_after - now)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OpenMLS's `Lifetime::validate_with_time`: expired when `not_after <= now`,
    /// not valid yet when `not_before > now`.
    #[test]
    fn the_lifetime_check_reads_both_ends_as_openmls_does_to_the_second() {
        let at = |now| lifetime(Some((1_000, 2_000)), now).verdict;
        assert_eq!(at(999), Verdict::Fail);
        assert_eq!(at(1_000), Verdict::Pass);
        assert_eq!(at(1_999), Verdict::Pass);
        assert_eq!(at(2_000), Verdict::Fail, "not_after itself is expired");
        assert_eq!(at(2_001), Verdict::Fail);
        assert_eq!(lifetime(None, 5).verdict, Verdict::Fail);
    }
}
