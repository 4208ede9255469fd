//! What each rule of the checklist checks. Lists are compared through hashed
//! sets, so a check costs time linear in the lists it reads.

use std::collections::HashSet;

use openmls_traits::crypto::OpenMlsCrypto;

use super::policy::{Grease, KeyEncoding, Policy};
use super::signatures::{usable_suite, verifies};
use super::{Check, RuleId, Verdict};
use crate::domain::approximate;
use crate::inspect::names;
use crate::inspect::structure::KeyPackageParts;

pub(super) fn run(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
    now: u64,
    policy: &Policy,
) -> Vec<Check> {
    let suite = usable_suite(parts.suite, crypto);
    let signature = |rule, label: &str, tbs: &[u8], sig: &[u8]| match verifies(
        label, tbs, sig, parts, &suite, crypto,
    ) {
        Ok(ok) => Check::pass_if(
            rule,
            ok,
            format!("{label} verifies with the leaf's signature_key"),
            format!("{label} does not verify with the leaf's signature_key"),
        ),
        Err(why) => Check::new(rule, Verdict::NotChecked, why),
    };
    vec![
        Check::pass_if(
            RuleId::Version,
            parts.version == names::MLS10,
            "mls10",
            format!(
                "{} is not mls10, the version this lab speaks",
                names::version(parts.version)
            ),
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
            "key_package, so the leaf carries a lifetime",
            format!(
                "{}: a key package's leaf must come from key_package",
                names::leaf_source(parts.leaf_node_source)
            ),
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
            "the HPKE init_key differs from the leaf's encryption_key",
            "init_key equals the leaf's encryption_key",
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

/// At most a few names of a list that may be long.
fn some(items: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut text = items[..items.len().min(SHOWN)].join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(" and {} more", items.len() - SHOWN));
    }
    text
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
        "every non-default extension is listed in the leaf's capabilities",
        format!("not in the leaf's capabilities: {}", some(&missing)),
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
        "each extension type may appear where it is",
        format!("not allowed there: {}", some(&misplaced)),
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
        "no extension type appears twice in a list",
        format!(
            "twice: {}; OpenMLS does not decode the list (\"Found duplicate extensions\")",
            some(&repeated)
        ),
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
        "no GREASE extension type in an extension list",
        format!(
            "{}: RFC 9420 §13.5 allows GREASE extensions, OpenMLS refuses them (UnsupportedExtension) even when listed",
            some(&greased)
        ),
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
        format!("{kind}, listed in the leaf's capabilities"),
        format!("{kind} is not listed in the leaf's capabilities"),
    )
}

/// RFC 9420 §7.3: a new member's credential type must be one every member
/// supports; the lab's clients list basic only.
fn credential_supported(parts: &KeyPackageParts) -> Check {
    let kind = names::credential(parts.credential_type);
    Check::pass_if(
        RuleId::CredentialSupported,
        parts.credential_type == names::CREDENTIAL_BASIC,
        format!("{kind}, which every lab client supports"),
        format!("{kind}: the lab's clients support basic (1) credentials only"),
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
        "the package's own version and suite are listed",
        format!("not in the leaf's capabilities: {}", missing.join(", ")),
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

/// `(HPKE public key, signature public key)` sizes of a suite's encodings, and
/// whether its points start with `0x04` (RFC 9180 §7.1.1, RFC 9420 §5.1.1).
fn key_sizes(suite: u16) -> Option<(usize, usize, bool)> {
    match suite {
        1 | 3 => Some((32, 32, false)),
        2 => Some((65, 65, true)),
        4 | 6 => Some((56, 57, false)),
        5 => Some((133, 133, true)),
        7 => Some((97, 97, true)),
        _ => None,
    }
}

/// RFC 9420 §5.1.1 (signature keys) and RFC 9180 §7.1.1 (HPKE keys, with
/// `SerializePublicKey`): elliptic-curve points uncompressed, `04 || x || y`.
/// OpenMLS verifies with a compressed P-256 signature key all the same.
fn key_encoding(parts: &KeyPackageParts, policy: KeyEncoding) -> Check {
    let rule = RuleId::KeyEncoding;
    let Some((hpke, signature, point)) = key_sizes(parts.suite) else {
        return Check::new(
            rule,
            Verdict::NotChecked,
            "no encoding known for this suite",
        );
    };
    let wrong: Vec<String> = [
        ("init_key", &parts.init_key, hpke),
        ("encryption_key", &parts.encryption_key, hpke),
        ("signature_key", &parts.signature_key, signature),
    ]
    .into_iter()
    .filter(|(_, key, size)| key.len() != *size || (point && key.first() != Some(&0x04)))
    .map(|(name, key, size)| {
        let compressed = point && key.len() == size / 2 + 1;
        let how = if compressed {
            ", a compressed point"
        } else {
            ""
        };
        format!(
            "{name} has {} bytes{how} where {size} are its encoding",
            key.len()
        )
    })
    .collect();
    let verdict = match (wrong.is_empty(), policy) {
        (true, _) => Verdict::Pass,
        (false, KeyEncoding::Strict) => Verdict::Fail,
        // Lenient: said, and not refused.
        (false, KeyEncoding::Lenient) => Verdict::Pass,
    };
    let reason = if wrong.is_empty() {
        "every key in its suite's encoding (points uncompressed)".to_string()
    } else {
        format!(
            "{} (RFC 9420 §5.1.1, RFC 9180 §7.1.1: points uncompressed){}",
            wrong.join("; "),
            match policy {
                KeyEncoding::Strict => "",
                KeyEncoding::Lenient => "; accepted: key-encoding is lenient",
            }
        )
    };
    Check::new(rule, verdict, reason)
}

/// The DS's longest lifetime, counted from the lab's now (`not_after - now`).
fn max_lifetime(lifetime: Option<(u64, u64)>, now: u64, max: Option<u64>) -> Check {
    let rule = RuleId::MaxLifetime;
    let (Some((_, not_after)), Some(max)) = (lifetime, max) else {
        return Check::new(rule, Verdict::Pass, "no maximum: max-lifetime is off");
    };
    let left = not_after.saturating_sub(now);
    Check::pass_if(
        rule,
        left <= max,
        format!("{} left, at most {}", approximate(left), approximate(max)),
        format!(
            "{} left, longer than the DS's {}",
            approximate(left),
            approximate(max)
        ),
    )
}

/// `grease refuse`: no GREASE value anywhere (capabilities, extension types,
/// the credential type).
fn grease(parts: &KeyPackageParts, policy: Grease) -> Check {
    let rule = RuleId::Grease;
    let caps = &parts.capabilities;
    let found: Vec<String> = [
        ("capabilities.cipher_suites", &caps.suites),
        ("capabilities.extensions", &caps.extensions),
        ("capabilities.proposals", &caps.proposals),
        ("capabilities.credentials", &caps.credentials),
        ("KeyPackage.extensions", &parts.extensions),
        ("leaf_node.extensions", &parts.leaf_extensions),
    ]
    .into_iter()
    .flat_map(|(place, list)| {
        list.iter()
            .filter(|v| names::is_grease(**v))
            .map(move |v| format!("0x{v:04x} in {place}"))
    })
    .chain(
        names::is_grease(parts.credential_type)
            .then(|| format!("0x{:04x} as the credential type", parts.credential_type)),
    )
    .collect();
    match (found.is_empty(), policy) {
        (true, _) => Check::new(rule, Verdict::Pass, "no GREASE value"),
        (false, Grease::Allow) => Check::new(
            rule,
            Verdict::Pass,
            format!("{}: allowed (grease allow)", some(&found)),
        ),
        (false, Grease::Refuse) => Check::new(
            rule,
            Verdict::Fail,
            format!("{}: the DS refuses GREASE (grease refuse)", some(&found)),
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

    #[test]
    fn the_maximum_lifetime_counts_from_now_and_can_be_lifted() {
        let at = |max| max_lifetime(Some((0, 1_000)), 100, max).verdict;
        assert_eq!(at(Some(900)), Verdict::Pass);
        assert_eq!(at(Some(899)), Verdict::Fail);
        assert_eq!(at(None), Verdict::Pass);
    }

    /// A suite 2 (P-256) package with uncompressed keys, no GREASE anywhere.
    fn p256_parts() -> KeyPackageParts {
        let point = |tag: u8| {
            let mut key = vec![tag; 65];
            key[0] = 0x04;
            key
        };
        KeyPackageParts {
            version: names::MLS10,
            suite: 2,
            init_key: point(1),
            encryption_key: point(2),
            signature_key: point(3),
            credential_type: names::CREDENTIAL_BASIC,
            capabilities: Default::default(),
            lifetime: Some((0, 1_000)),
            leaf_node_source: names::SOURCE_KEY_PACKAGE,
            leaf_extensions: Vec::new(),
            extensions: Vec::new(),
            encoded: Vec::new(),
            tbs: Vec::new(),
            signature: Vec::new(),
            leaf_tbs: Vec::new(),
            leaf_signature: Vec::new(),
        }
    }

    #[test]
    fn a_compressed_point_fails_strict_and_passes_lenient_saying_so() {
        let mut parts = p256_parts();
        assert_eq!(
            key_encoding(&parts, KeyEncoding::Strict).verdict,
            Verdict::Pass
        );
        // A compressed P-256 point: 0x02 or 0x03 and x, 33 bytes.
        parts.signature_key = vec![0x02; 33];
        let strict = key_encoding(&parts, KeyEncoding::Strict);
        assert_eq!(strict.verdict, Verdict::Fail);
        assert!(
            strict
                .reason
                .contains("signature_key has 33 bytes, a compressed point"),
            "{}",
            strict.reason
        );
        let lenient = key_encoding(&parts, KeyEncoding::Lenient);
        assert_eq!(lenient.verdict, Verdict::Pass);
        assert!(
            lenient.reason.contains("accepted: key-encoding is lenient"),
            "{}",
            lenient.reason
        );
        // The right length with another first byte is not the encoding either.
        let mut parts = p256_parts();
        parts.init_key[0] = 0x05;
        assert_eq!(
            key_encoding(&parts, KeyEncoding::Strict).verdict,
            Verdict::Fail
        );
        // A suite whose encoding the lab does not know is not judged.
        parts.suite = 0x1234;
        assert_eq!(
            key_encoding(&parts, KeyEncoding::Strict).verdict,
            Verdict::NotChecked
        );
    }

    #[test]
    fn grease_anywhere_is_allowed_or_refused_by_the_policy() {
        let clean = p256_parts();
        assert_eq!(grease(&clean, Grease::Refuse).verdict, Verdict::Pass);
        let places: [fn(&mut KeyPackageParts); 7] = [
            |p| p.capabilities.suites.push(0x0a0a),
            |p| p.capabilities.extensions.push(0x1a1a),
            |p| p.capabilities.proposals.push(0x2a2a),
            |p| p.capabilities.credentials.push(0x3a3a),
            |p| p.extensions.push(0x4a4a),
            |p| p.leaf_extensions.push(0x5a5a),
            |p| p.credential_type = 0x6a6a,
        ];
        for (i, place) in places.iter().enumerate() {
            let mut parts = p256_parts();
            place(&mut parts);
            let refused = grease(&parts, Grease::Refuse);
            assert_eq!(refused.verdict, Verdict::Fail, "place {i}");
            assert!(
                refused.reason.contains("grease refuse"),
                "{}",
                refused.reason
            );
            let allowed = grease(&parts, Grease::Allow);
            assert_eq!(allowed.verdict, Verdict::Pass, "place {i}");
            assert!(
                allowed.reason.contains("allowed (grease allow)"),
                "{}",
                allowed.reason
            );
        }
        // 0x0a0b is not a GREASE value (RFC 9420 §13.5: 0x_A_A with equal bytes).
        let mut parts = p256_parts();
        parts.capabilities.extensions.push(0x0a0b);
        assert_eq!(grease(&parts, Grease::Refuse).verdict, Verdict::Pass);
    }

    #[test]
    fn the_maximum_lifetime_ends_exactly_at_the_limit() {
        // 1 000 - 100 = 900 seconds left: the limit itself is allowed.
        let check = max_lifetime(Some((0, 1_000)), 100, Some(900));
        assert_eq!(check.verdict, Verdict::Pass);
        assert_eq!(max_lifetime(None, 100, Some(1)).verdict, Verdict::Pass);
        // Already expired: nothing left, so within any maximum.
        assert_eq!(
            max_lifetime(Some((0, 50)), 100, Some(0)).verdict,
            Verdict::Pass
        );
    }
}
