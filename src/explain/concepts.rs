//! The concepts of onboarding a speaker names (key package, its reference,
//! the private bundle, last resort, one-time use, capabilities, lifetime, the
//! Welcome): what each is, the OpenMLS call that makes or reads it and the RFC
//! section that defines it, with the other names people call it by
//! (`hash_ref`, `init_private_key`, `new_member`).

use super::{Explanation, TopicKind};
use crate::domain::suggest;

const fn concept(
    topic: &'static str,
    what: &'static str,
    openmls_call: &'static str,
    rfc: &'static str,
) -> Explanation {
    Explanation {
        topic,
        kind: TopicKind::Concept,
        what,
        openmls_call: Some(openmls_call),
        rfc: Some(rfc),
        ds_rule: None,
    }
}

/// One explanation per concept.
pub const CONCEPTS: &[Explanation] = &[
    concept(
        "key-package",
        "A key package is a client's signed offer to be added to a group while it is offline: its credential and signature key, an HPKE init_key a Welcome is sealed to, and a leaf node with its capabilities and lifetime.",
        "KeyPackage::builder().build(ciphersuite, &provider, &signer, credential_with_key) returns a KeyPackageBundle; .key_package() is the public part",
        "RFC 9420 §10 (key packages), RFC 9750 §5.1 (the DS keeps them for asynchronous adds)",
    ),
    concept(
        "KeyPackageRef",
        "A key package's reference is the hash of the whole encoded key package under its suite with the label \"MLS 1.0 KeyPackage Reference\", so it names exactly one package and changes with any byte of it.",
        "KeyPackage::hash_ref(provider.crypto()) -> KeyPackageRef; the storage files the private bundle under it and a Welcome names it in EncryptedGroupSecrets::new_member",
        "RFC 9420 §5.2 (hash-based identifiers: RefHash)",
    ),
    concept(
        "bundle",
        "The private bundle is what a client keeps of its own key package, the init_private_key that opens a Welcome's secrets and the leaf's encryption private key, stored under the package's reference and deleted once the package is used (the lab never prints the keys).",
        "KeyPackageBundle (init_private_key(), the encryption key pair) written to the provider's storage by KeyPackage::builder().build; StagedWelcome::new_from_welcome reads and deletes it",
        "RFC 9420 §12.4.3.1 (only the holder of the init private key can open a Welcome), §16.8 (delete it after use)",
    ),
    concept(
        "last-resort",
        "A last-resort key package may be handed out again when a client's normal packages are gone, so that an add never fails for lack of packages, at the price of reuse.",
        "KeyPackage::builder().mark_as_last_resort() with ExtensionType::LastResort in the leaf's capabilities; the bundle stays after a join",
        "RFC 9420 §16.8 (key packages are used once; a last-resort one may be reused to prevent exhaustion)",
    ),
    concept(
        "one-time-use",
        "A normal key package is used once: the DS hands it out to one adder and deletes it, and the joiner deletes its private bundle after the join, so its init key never opens a second Welcome.",
        "StagedWelcome::new_from_welcome deletes the KeyPackageBundle it used (unless it is last resort)",
        "RFC 9420 §16.8 (a key package is used only once)",
    ),
    concept(
        "capabilities",
        "The capabilities of a key package's leaf list the versions, suites, extensions, proposals and credential types its client supports, and every extension the package carries must be listed there.",
        "Capabilities::new(versions, ciphersuites, extensions, proposals, credentials) in KeyPackage::builder().leaf_node_capabilities(..)",
        "RFC 9420 §7.2 (leaf node contents: capabilities), §10.1 (extensions must be listed)",
    ),
    concept(
        "lifetime",
        "The lifetime of a key package is the not_before to not_after window of its leaf node, and a package is only valid while the current time is inside it.",
        "KeyPackage::builder().key_package_lifetime(Lifetime::new(seconds)); KeyPackageIn::validate checks it",
        "RFC 9420 §7.2 (leaf node lifetime), §10.1 (the lifetime must cover the current time)",
    ),
    concept(
        "Welcome",
        "A Welcome carries the new epoch's group secrets to the members an add let in: one secrets[] entry per joiner, named by its key package's reference in new_member and sealed with HPKE to that package's init_key.",
        "MlsGroup::add_members returns the Welcome; StagedWelcome::new_from_welcome finds the entry whose new_member is one of the joiner's references and opens it with its init_private_key",
        "RFC 9420 §12.4.3 (Welcome), §12.4.3.1 (joining via a Welcome: EncryptedGroupSecrets.new_member)",
    ),
];

/// Other names of the concepts, as people write them.
const ALIASES: &[(&str, &str)] = &[
    ("key package", "key-package"),
    ("KeyPackage", "key-package"),
    ("KeyPackageBundle", "bundle"),
    ("private bundle", "bundle"),
    ("init_private_key", "bundle"),
    ("init key", "bundle"),
    ("hash_ref", "KeyPackageRef"),
    ("reference", "KeyPackageRef"),
    ("key package ref", "KeyPackageRef"),
    ("kp_ref", "KeyPackageRef"),
    ("LastResort", "last-resort"),
    ("one-time", "one-time-use"),
    ("Lifetime", "lifetime"),
    ("not_after", "lifetime"),
    ("new_member", "Welcome"),
    ("EncryptedGroupSecrets", "Welcome"),
    ("secrets", "Welcome"),
];

/// The concept each event kind shows, for the why pane's pointer to it.
const EVENT_CONCEPTS: &[(&str, &str)] = &[
    ("key_package_generated", "bundle"),
    ("key_package_published", "key-package"),
    ("key_package_rejected", "capabilities"),
    ("key_package_claimed", "one-time-use"),
    ("claim_failed", "last-resort"),
    ("commit_sent", "Welcome"),
    ("welcome_sent", "Welcome"),
    ("welcome_delivered", "Welcome"),
    ("group_joined", "KeyPackageRef"),
    ("join_failed", "bundle"),
    ("private_bundle_deleted", "one-time-use"),
    ("private_bundle_retained", "last-resort"),
    ("private_bundle_discarded", "bundle"),
    ("key_package_expired", "lifetime"),
    ("key_package_refused", "capabilities"),
];

/// The concept an event of kind `kind` is about, if one is.
pub fn of_event(kind: &str) -> Option<&'static Explanation> {
    EVENT_CONCEPTS
        .iter()
        .find(|(event, _)| *event == kind)
        .and_then(|(_, concept)| concept_named(concept))
}

/// Case, spaces, `-` and `_` do not matter in a concept's name.
fn normal(name: &str) -> String {
    suggest::normalize(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// The concept called `name`, by its topic or another name.
pub fn concept_named(name: &str) -> Option<&'static Explanation> {
    let wanted = normal(name);
    let topic = ALIASES
        .iter()
        .find(|(alias, _)| normal(alias) == wanted)
        .map_or(name, |(_, topic)| *topic);
    let wanted = normal(topic);
    CONCEPTS.iter().find(|c| normal(c.topic) == wanted)
}

/// The other names of the concepts, for suggestions.
pub fn aliases() -> impl Iterator<Item = &'static str> {
    ALIASES.iter().map(|(alias, _)| *alias)
}

/// The topic a suggested name stands for: a concept's for one of its other
/// names, else the name itself.
pub fn canonical(name: &'static str) -> &'static str {
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, topic)| *topic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_names_a_concept() {
        for (alias, topic) in ALIASES {
            assert_eq!(
                concept_named(alias).map(|c| c.topic),
                Some(*topic),
                "{alias}"
            );
        }
    }

    #[test]
    fn every_event_concept_names_an_event_kind_and_a_concept() {
        for (kind, concept) in EVENT_CONCEPTS {
            assert!(crate::engine::EventKind::ALL.contains(kind), "{kind}");
            assert_eq!(of_event(kind).map(|c| c.topic), Some(*concept), "{kind}");
        }
    }

    #[test]
    fn the_speakers_words_find_their_concept() {
        for (asked, topic) in [
            ("KeyPackageRef", "KeyPackageRef"),
            ("hash_ref", "KeyPackageRef"),
            ("key package", "key-package"),
            ("last-resort", "last-resort"),
            ("last resort", "last-resort"),
            ("init_private_key", "bundle"),
            ("new_member", "Welcome"),
            ("one time use", "one-time-use"),
            ("capabilities", "capabilities"),
        ] {
            assert_eq!(
                concept_named(asked).map(|c| c.topic),
                Some(topic),
                "{asked}"
            );
        }
    }
}
