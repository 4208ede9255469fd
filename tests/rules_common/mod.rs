//! Shared by the `rules_*` tests and `robustness.rs`: key packages built with raw
//! OpenMLS under identities the test controls, and a field-level view of an encoded
//! `KeyPackage` that can be changed and signed again.
//!
//! Signing follows RFC 9420 §5.1.2: `SignWithLabel(key, label, content)` signs the
//! encoded `SignContent { opaque label<V> = "MLS 1.0 " + label; opaque content<V>; }`.
//! A key package's leaf node is signed with label "LeafNodeTBS" over its fields
//! without the signature (source `key_package`, §7.2); the key package with label
//! "KeyPackageTBS" over its fields without the signature (§10).

// Each test file uses a part of this module.
#![allow(dead_code)]

use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use tls_codec::{Deserialize as _, Serialize as _, VLBytes};

/// A client the test plays itself: its own provider (storage) and signature key.
pub struct Identity {
    pub name: String,
    pub provider: OpenMlsRustCrypto,
    pub signer: SignatureKeyPair,
}

impl Identity {
    /// An Ed25519 identity (suites 1 and 3), as the lab's clients have.
    pub fn new(name: &str) -> Self {
        Self::with_scheme(name, SignatureScheme::ED25519)
    }

    pub fn with_scheme(name: &str, scheme: SignatureScheme) -> Self {
        let provider = OpenMlsRustCrypto::default();
        let signer = SignatureKeyPair::new(scheme).expect("a signature key pair");
        signer
            .store(provider.storage())
            .expect("the signature key is stored");
        Self {
            name: name.to_string(),
            provider,
            signer,
        }
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.signer.to_public_vec()
    }

    pub fn credential(&self) -> CredentialWithKey {
        CredentialWithKey {
            credential: BasicCredential::new(self.name.as_bytes().to_vec()).into(),
            signature_key: self.signer.public().into(),
        }
    }

    /// A key package built by OpenMLS itself; its private bundle is in this
    /// identity's storage.
    pub fn key_package(&self, suite: Ciphersuite, last_resort: bool) -> KeyPackage {
        let mut builder = KeyPackage::builder();
        if last_resort {
            builder = builder
                .mark_as_last_resort()
                .leaf_node_capabilities(Capabilities::new(
                    None,
                    None,
                    Some(&[ExtensionType::LastResort]),
                    None,
                    None,
                ));
        }
        builder
            .build(suite, &self.provider, &self.signer, self.credential())
            .expect("OpenMLS builds a key package")
            .into_key_package()
    }

    /// A group created by this identity, with the ratchet tree in its Welcomes.
    pub fn create_group(&self, suite: Ciphersuite, id: &str) -> MlsGroup {
        self.create_group_with_id(suite, id.as_bytes())
    }

    /// [`Self::create_group`] with any bytes as its `GroupId`.
    pub fn create_group_with_id(&self, suite: Ciphersuite, id: &[u8]) -> MlsGroup {
        MlsGroup::builder()
            .ciphersuite(suite)
            .use_ratchet_tree_extension(true)
            .with_group_id(GroupId::from_slice(id))
            .build(&self.provider, &self.signer, self.credential())
            .expect("OpenMLS creates a group")
    }

    /// Adds `members` to `group`; returns the encoded Welcome (`MLSMessage`).
    pub fn add(&self, group: &mut MlsGroup, members: &[KeyPackage]) -> Vec<u8> {
        let (_commit, welcome, _) = group
            .add_members(&self.provider, &self.signer, members)
            .expect("OpenMLS adds the members");
        group
            .merge_pending_commit(&self.provider)
            .expect("the own commit merges");
        welcome.to_bytes().expect("the Welcome encodes")
    }
}

pub const SUITE_1: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;
pub const SUITE_2: Ciphersuite = Ciphersuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256;

/// The bare `KeyPackage` encoding (the lab's default upload framing).
pub fn encode(key_package: &KeyPackage) -> Vec<u8> {
    key_package
        .tls_serialize_detached()
        .expect("a key package encodes")
}

/// The reference (RFC 9420 §5.2) as the lab holds it.
pub fn ref_of(key_package: &KeyPackage) -> mls_lab::domain::KeyPackageRef {
    let crypto = OpenMlsRustCrypto::default();
    key_package
        .hash_ref(crypto.crypto())
        .expect("a reference")
        .into()
}

/// `SignWithLabel` (RFC 9420 §5.1.2).
pub fn sign_with_label(
    signer: &impl openmls_traits::signatures::Signer,
    label: &str,
    content: &[u8],
) -> Vec<u8> {
    let mut sign_content = VLBytes::new(format!("MLS 1.0 {label}").into_bytes())
        .tls_serialize_detached()
        .expect("label encodes");
    sign_content.extend(
        VLBytes::new(content.to_vec())
            .tls_serialize_detached()
            .expect("content encodes"),
    );
    signer.sign(&sign_content).expect("signing works")
}

fn vl(bytes: &[u8]) -> Vec<u8> {
    VLBytes::new(bytes.to_vec())
        .tls_serialize_detached()
        .expect("a vector encodes")
}

fn read_vl(input: &mut &[u8]) -> Vec<u8> {
    VLBytes::tls_deserialize(input)
        .expect("a well-formed vector")
        .as_slice()
        .to_vec()
}

fn read_u16(input: &mut &[u8]) -> u16 {
    u16::tls_deserialize(input).expect("a u16")
}

fn read_u64(input: &mut &[u8]) -> u64 {
    u64::tls_deserialize(input).expect("a u64")
}

/// The fields of a `LeafNode` whose source is `key_package` (RFC 9420 §7.2), with a
/// basic credential. Vectors are kept as their contents, without the length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafFields {
    pub encryption_key: Vec<u8>,
    pub signature_key: Vec<u8>,
    pub credential_type: u16,
    pub identity: Vec<u8>,
    /// versions, ciphersuites, extensions, proposals, credentials.
    pub capabilities: [Vec<u8>; 5],
    pub not_before: u64,
    pub not_after: u64,
    pub extensions: Vec<u8>,
    pub signature: Vec<u8>,
}

/// The fields of a `KeyPackage` (RFC 9420 §10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPackageFields {
    pub version: u16,
    pub suite: u16,
    pub init_key: Vec<u8>,
    pub leaf: LeafFields,
    pub extensions: Vec<u8>,
    pub signature: Vec<u8>,
}

impl LeafFields {
    /// `LeafNodeTBS` for source `key_package`: everything but the signature.
    pub fn tbs(&self) -> Vec<u8> {
        let mut out = vl(&self.encryption_key);
        out.extend(vl(&self.signature_key));
        out.extend(self.credential_type.to_be_bytes());
        out.extend(vl(&self.identity));
        for capability in &self.capabilities {
            out.extend(vl(capability));
        }
        out.push(1); // LeafNodeSource key_package
        out.extend(self.not_before.to_be_bytes());
        out.extend(self.not_after.to_be_bytes());
        out.extend(vl(&self.extensions));
        out
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = self.tbs();
        out.extend(vl(&self.signature));
        out
    }
}

impl KeyPackageFields {
    /// Splits an encoded bare `KeyPackage` into its fields.
    ///
    /// # Panics
    /// On anything but a well-formed key package with a basic credential.
    pub fn parse(bytes: &[u8]) -> Self {
        let input = &mut &bytes[..];
        let version = read_u16(input);
        let suite = read_u16(input);
        let init_key = read_vl(input);
        let encryption_key = read_vl(input);
        let signature_key = read_vl(input);
        let credential_type = read_u16(input);
        assert_eq!(credential_type, 1, "a basic credential");
        let identity = read_vl(input);
        let capabilities = [
            read_vl(input),
            read_vl(input),
            read_vl(input),
            read_vl(input),
            read_vl(input),
        ];
        let source = u8::tls_deserialize(input).expect("a leaf node source");
        assert_eq!(source, 1, "a key package's leaf node");
        let not_before = read_u64(input);
        let not_after = read_u64(input);
        let leaf_extensions = read_vl(input);
        let leaf_signature = read_vl(input);
        let extensions = read_vl(input);
        let signature = read_vl(input);
        assert!(input.is_empty(), "trailing bytes after the key package");
        let fields = Self {
            version,
            suite,
            init_key,
            leaf: LeafFields {
                encryption_key,
                signature_key,
                credential_type,
                identity,
                capabilities,
                not_before,
                not_after,
                extensions: leaf_extensions,
                signature: leaf_signature,
            },
            extensions,
            signature,
        };
        assert_eq!(fields.encode(), bytes, "parsing and encoding round-trip");
        fields
    }

    /// `KeyPackageTBS`: everything but the signature.
    pub fn tbs(&self) -> Vec<u8> {
        let mut out = self.version.to_be_bytes().to_vec();
        out.extend(self.suite.to_be_bytes());
        out.extend(vl(&self.init_key));
        out.extend(self.leaf.encode());
        out.extend(vl(&self.extensions));
        out
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.tbs();
        out.extend(vl(&self.signature));
        out
    }

    /// Signs the leaf node and then the key package again with `signer`.
    pub fn resign(&mut self, signer: &impl openmls_traits::signatures::Signer) {
        self.leaf.signature = sign_with_label(signer, "LeafNodeTBS", &self.leaf.tbs());
        self.resign_outer(signer);
    }

    /// Signs only the key package again (the leaf node keeps its signature).
    pub fn resign_outer(&mut self, signer: &impl openmls_traits::signatures::Signer) {
        self.signature = sign_with_label(signer, "KeyPackageTBS", &self.tbs());
    }
}
