//! The one checklist for key packages: the DS runs it on every upload, the
//! claimer on every hand-out, and `inspect` shows it, so the three verdicts
//! agree on the same bytes.
//!
//! Each check is a [`Rule`] with its [`Source`]: a MUST of RFC 9420 (with its
//! section), OpenMLS's own behaviour where it goes beyond or departs from the
//! RFC (with the call that refuses), or a policy of the lab's DS
//! ([`policy::Policy`]). Every rule runs, even after one fails, on the spans the
//! reader found, with the provider's own crypto. Who is bound by which rule is
//! the [`Judge`]: a claimer (an OpenMLS client) by the RFC's and OpenMLS's, the
//! DS by all, since it never hands out what the adder's OpenMLS will refuse.
//! A test keeps the list in agreement with `KeyPackageIn::validate` and with
//! OpenMLS's `add_members` on a corpus of crafted packages.

pub mod policy;
mod policy_rules;
mod rules;
mod signatures;

use openmls_traits::crypto::OpenMlsCrypto;
use serde::Serialize;

pub use policy::Policy;
pub use signatures::{reference, sign_content, usable_suite};

use super::structure::KeyPackageParts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
    /// The check needs something this provider lacks (a suite's signature scheme).
    NotChecked,
}

/// Where a rule comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A MUST of RFC 9420, by section (`§10.1`).
    Rfc { section: &'static str },
    /// What OpenMLS 0.9 does, by the call that refuses.
    Openmls { call: &'static str },
    /// A policy of the lab's DS, by the name `ds policy` takes.
    DsPolicy { policy: &'static str },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Rfc { section } => write!(f, "RFC 9420 {section}"),
            Self::Openmls { call } => write!(f, "OpenMLS {call}"),
            Self::DsPolicy { policy } => write!(f, "DS policy {policy}"),
        }
    }
}

/// Who judges a key package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judge {
    /// A claimer, an OpenMLS client: bound by RFC 9420 and OpenMLS's behaviour.
    Claimer,
    /// The lab's DS: bound by every rule, its policies included.
    Ds,
}

/// Every rule, in the order they run: OpenMLS's order in `KeyPackageIn::validate`
/// first (so the first refusal is the error OpenMLS would give), then the rules
/// it applies at `add_members`, then the DS's policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    Version,
    CipherSuite,
    LeafNodeSource,
    LeafNodeSignature,
    Signature,
    InitKeyDistinct,
    ExtensionsListed,
    ExtensionsInPlace,
    UniqueExtensions,
    GreaseExtensions,
    CredentialListed,
    CredentialSupported,
    VersionAndSuiteListed,
    Lifetime,
    KeyEncoding,
    MaxLifetime,
    Grease,
}

/// One rule of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: RuleId,
    /// The name a check line shows.
    pub name: &'static str,
    pub source: Source,
}

const fn rule(id: RuleId, name: &'static str, source: Source) -> Rule {
    Rule { id, name, source }
}

const fn rfc(section: &'static str) -> Source {
    Source::Rfc { section }
}

const fn openmls(call: &'static str) -> Source {
    Source::Openmls { call }
}

const fn ds(policy: &'static str) -> Source {
    Source::DsPolicy { policy }
}

/// The checklist, in order. The docs' rule table (docs/exploratory-testing.md)
/// lists the same rules; a test keeps the two equal.
pub const RULES: &[Rule] = &[
    rule(RuleId::Version, "version", rfc("§10.1")),
    rule(
        RuleId::CipherSuite,
        "cipher suite",
        openmls("OpenMlsCrypto::supports"),
    ),
    rule(RuleId::LeafNodeSource, "leaf node source", rfc("§10.1")),
    rule(
        RuleId::LeafNodeSignature,
        "leaf node signature",
        rfc("§7.3"),
    ),
    rule(
        RuleId::InitKeyDistinct,
        "init key ≠ encryption key",
        rfc("§10.1"),
    ),
    rule(
        RuleId::ExtensionsInPlace,
        "extension types in place",
        rfc("§17.3"),
    ),
    rule(RuleId::Signature, "signature", rfc("§10.1")),
    rule(
        RuleId::ExtensionsListed,
        "extensions in capabilities",
        rfc("§7.3, §10.1"),
    ),
    rule(
        RuleId::UniqueExtensions,
        "one extension per type",
        openmls("Extensions::tls_deserialize"),
    ),
    rule(
        RuleId::GreaseExtensions,
        "GREASE extension types",
        openmls("KeyPackageIn::validate, MlsGroup::add_members"),
    ),
    rule(
        RuleId::CredentialListed,
        "credential type in capabilities",
        openmls("MlsGroup::add_members"),
    ),
    rule(
        RuleId::CredentialSupported,
        "credential type members support",
        rfc("§7.3"),
    ),
    rule(
        RuleId::VersionAndSuiteListed,
        "version and suite in capabilities",
        openmls("MlsGroup::add_members"),
    ),
    rule(RuleId::Lifetime, "lifetime", rfc("§7.3, §10.1")),
    rule(RuleId::KeyEncoding, "key encodings", ds("key-encoding")),
    rule(RuleId::MaxLifetime, "maximum lifetime", ds("max-lifetime")),
    rule(RuleId::Grease, "GREASE values", ds("grease")),
];

impl RuleId {
    /// The rule with this id.
    pub fn rule(self) -> &'static Rule {
        RULES.iter().find(|r| r.id == self).unwrap_or(&RULES[0])
    }
}

impl Source {
    /// Whether `judge` refuses a package that fails a rule of this source.
    pub fn binds(self, judge: Judge) -> bool {
        match (self, judge) {
            (Self::DsPolicy { .. }, Judge::Claimer) => false,
            (Self::DsPolicy { .. }, Judge::Ds)
            | (Self::Rfc { .. } | Self::Openmls { .. }, Judge::Claimer | Judge::Ds) => true,
        }
    }
}

/// One rule's verdict on one key package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub rule: RuleId,
    pub name: &'static str,
    pub source: Source,
    pub verdict: Verdict,
    pub reason: String,
}

impl Check {
    fn new(rule: RuleId, verdict: Verdict, reason: impl Into<String>) -> Self {
        let Rule { name, source, .. } = *rule.rule();
        Self {
            rule,
            name,
            source,
            verdict,
            reason: reason.into(),
        }
    }

    /// Passes when `ok`; only the reason of the verdict given is ever made
    /// (every incoming package runs the list: the other is never read).
    fn pass_if<P: Into<String>, F: Into<String>>(
        rule: RuleId,
        ok: bool,
        pass: impl FnOnce() -> P,
        fail: impl FnOnce() -> F,
    ) -> Self {
        if ok {
            Self::new(rule, Verdict::Pass, pass())
        } else {
            Self::new(rule, Verdict::Fail, fail())
        }
    }
}

/// Every rule of [`RULES`] on `parts`, at Unix time `now`, under `policy`.
pub fn key_package_checks(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
    now: u64,
    policy: &Policy,
) -> Vec<Check> {
    rules::run(parts, crypto, now, policy, Signatures::Verify)
}

/// Whether the checklist verifies the two signatures itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatures {
    Verify,
    /// Marked not checked: the caller runs OpenMLS's `validate` next, which
    /// verifies both, so each is verified once on the way in (a signature
    /// costs more than every other rule together).
    LeftToOpenMls,
}

/// [`key_package_checks`] with the signatures left to OpenMLS's `validate`.
/// Where it refuses, the full list names the first refusal: a signature
/// earlier in the order may be it.
pub fn key_package_checks_before_openmls(
    parts: &KeyPackageParts,
    crypto: &impl OpenMlsCrypto,
    now: u64,
    policy: &Policy,
) -> Vec<Check> {
    rules::run(parts, crypto, now, policy, Signatures::LeftToOpenMls)
}

/// The first check `judge` refuses on, in the list's order.
pub fn first_refusal(checks: &[Check], judge: Judge) -> Option<&Check> {
    checks
        .iter()
        .find(|c| c.verdict == Verdict::Fail && c.source.binds(judge))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A reason names up to four items of its list, then how many more.
    #[test]
    fn a_long_list_is_named_by_its_first_four_and_a_count() {
        let items = |n: usize| (1..=n).map(|i| format!("0x{i:04x}")).collect::<Vec<_>>();
        assert_eq!(some(&items(1)), "0x0001");
        assert_eq!(some(&items(4)), "0x0001, 0x0002, 0x0003, 0x0004");
        assert_eq!(some(&items(6)), "0x0001, 0x0002, 0x0003, 0x0004 and 2 more");
        assert_eq!(some(&[]), "");
    }

    #[test]
    fn every_rule_is_listed_once_in_order_and_finds_itself() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.id.rule(), rule);
            assert!(RULES[..i]
                .iter()
                .all(|r| r.id != rule.id && r.name != rule.name));
        }
        assert_eq!(RULES.len(), 17);
    }

    #[test]
    fn a_claimer_is_not_bound_by_the_ds_policies() {
        let policy = ds("max-lifetime");
        assert!(policy.binds(Judge::Ds) && !policy.binds(Judge::Claimer));
        assert!(rfc("§10.1").binds(Judge::Claimer));
        assert!(openmls("x").binds(Judge::Claimer));
        assert_eq!(policy.to_string(), "DS policy max-lifetime");
    }
}
