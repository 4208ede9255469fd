//! Hostile text for the tests that check nothing from input reaches a terminal
//! raw: a string with every kind of character a terminal obeys or hides, the
//! independent check for such characters, and a party of another MLS stack
//! (real OpenMLS) whose credential identity and GroupId are that string.
#![allow(dead_code)]

use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use tls_codec::{Deserialize as _, Serialize as _};

/// Every character the brief names, an escape sequence and a tag character
/// outside the Basic Multilingual Plane.
pub const HOSTILE: &str =
    "eve\n\u{202e}gpj\u{200b}\u{200d}\u{2060}\u{1b}[2J\u{9b}\u{feff}\u{e0041}x";

/// [`HOSTILE`] as it can be in one line of a script (no newline).
pub fn in_a_line() -> String {
    HOSTILE.replace('\n', "")
}

/// Characters that must never be in a cell: C0 and C1 controls, bidi marks,
/// overrides and isolates, zero-width and other invisible characters, tags.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{E0000}'..='\u{E0FFF}')
}

const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// A party of another MLS stack whose credential identity is `identity`.
pub struct Foreign {
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    identity: Vec<u8>,
}

impl Foreign {
    pub fn new(identity: &str) -> Self {
        let provider = OpenMlsRustCrypto::default();
        let signer = SignatureKeyPair::new(SUITE.signature_algorithm()).expect("key pair");
        signer.store(provider.storage()).expect("store the key");
        Self {
            provider,
            signer,
            identity: identity.as_bytes().to_vec(),
        }
    }

    fn credential(&self) -> CredentialWithKey {
        CredentialWithKey {
            credential: BasicCredential::new(self.identity.clone()).into(),
            signature_key: self.signer.public().into(),
        }
    }

    /// A key package as an `MLSMessage`.
    pub fn key_package(&self) -> Vec<u8> {
        let bundle = KeyPackage::builder()
            .build(SUITE, &self.provider, &self.signer, self.credential())
            .expect("key package");
        MlsMessageOut::from(bundle.key_package().clone())
            .tls_serialize_detached()
            .expect("encode")
    }

    /// A Welcome into a group `group_id` of this party's, adding the key
    /// package in `key_package` (an `MLSMessage` the lab exported).
    pub fn welcome(&self, group_id: &[u8], key_package: &[u8]) -> Vec<u8> {
        let message = MlsMessageIn::tls_deserialize_exact(key_package).expect("an MLSMessage");
        let MlsMessageBodyIn::KeyPackage(key_package) = message.extract() else {
            panic!("not a key package");
        };
        let key_package = key_package
            .validate(self.provider.crypto(), ProtocolVersion::Mls10)
            .expect("valid");
        let mut group = MlsGroup::builder()
            .ciphersuite(SUITE)
            .use_ratchet_tree_extension(true)
            .with_group_id(GroupId::from_slice(group_id))
            .build(&self.provider, &self.signer, self.credential())
            .expect("group");
        let (_, welcome, _) = group
            .add_members(&self.provider, &self.signer, &[key_package])
            .expect("add");
        welcome.to_bytes().expect("encode")
    }
}

/// The hidden characters in `text`, escaped, for failure messages.
pub fn hidden_in(text: &str) -> Vec<String> {
    text.chars()
        .filter(|c| is_hidden(*c))
        .map(|c| c.escape_unicode().to_string())
        .collect()
}
