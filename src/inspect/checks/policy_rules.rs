//! The rules whose verdict is the lab DS's policy (`ds policy key-encoding|max-lifetime|grease`):
//! what each finds in a key package, and how the policy named judges it. The RFC's
//! and OpenMLS's rules are in `rules.rs`.

use super::policy::{Grease, KeyEncoding};
use super::{some, Check, RuleId, Verdict};
use crate::domain::approximate;
use crate::inspect::names;
use crate::inspect::structure::KeyPackageParts;

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
pub(super) fn key_encoding(parts: &KeyPackageParts, policy: KeyEncoding) -> Check {
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
pub(super) fn max_lifetime(lifetime: Option<(u64, u64)>, now: u64, max: Option<u64>) -> Check {
    let rule = RuleId::MaxLifetime;
    let (Some((_, not_after)), Some(max)) = (lifetime, max) else {
        return Check::new(rule, Verdict::Pass, "no maximum: max-lifetime is off");
    };
    let left = not_after.saturating_sub(now);
    Check::pass_if(
        rule,
        left <= max,
        || format!("{} left, at most {}", approximate(left), approximate(max)),
        || {
            format!(
                "{} left, longer than the DS's {}",
                approximate(left),
                approximate(max)
            )
        },
    )
}

/// `grease refuse`: no GREASE value anywhere (capabilities, extension types,
/// the credential type).
pub(super) fn grease(parts: &KeyPackageParts, policy: Grease) -> Check {
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

    /// Each suite's key sizes (RFC 9420 §17.1 with RFC 9180 §7.1).
    #[test]
    fn every_registered_suite_has_its_key_sizes() {
        let sizes: Vec<Option<(usize, usize, bool)>> = (0..=8).map(key_sizes).collect();
        assert_eq!(
            sizes,
            [
                None,
                Some((32, 32, false)),
                Some((65, 65, true)),
                Some((32, 32, false)),
                Some((56, 57, false)),
                Some((133, 133, true)),
                Some((56, 57, false)),
                Some((97, 97, true)),
                None,
            ]
        );
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
