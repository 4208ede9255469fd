//! Real OpenMLS values for the wire tests: key packages, a Welcome, a Commit and
//! an application message, made with OpenMLS's own builder and group API.

use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use tls_codec::Serialize;

pub const SUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// One client with its provider and signing key.
pub struct TestClient {
    pub provider: OpenMlsRustCrypto,
    pub signer: SignatureKeyPair,
    pub credential: CredentialWithKey,
}

impl TestClient {
    pub fn new(identity: &str) -> Self {
        let provider = OpenMlsRustCrypto::default();
        let signer = SignatureKeyPair::new(SUITE.signature_algorithm()).expect("a key pair");
        signer.store(provider.storage()).expect("stored");
        let credential = CredentialWithKey {
            credential: BasicCredential::new(identity.as_bytes().to_vec()).into(),
            signature_key: signer.to_public_vec().into(),
        };
        Self {
            provider,
            signer,
            credential,
        }
    }

    /// A fresh key package and its reference's bytes.
    pub fn key_package(&self) -> (Vec<u8>, KeyPackage) {
        let bundle = KeyPackage::builder()
            .build(SUITE, &self.provider, &self.signer, self.credential.clone())
            .expect("a key package");
        let key_package = bundle.key_package().clone();
        let hash = key_package
            .hash_ref(self.provider.crypto())
            .expect("a reference")
            .as_slice()
            .to_vec();
        (hash, key_package)
    }
}

/// The configuration both sides use: the ratchet tree travels in the Welcome,
/// as the cli does it.
pub fn create_config() -> MlsGroupCreateConfig {
    MlsGroupCreateConfig::builder()
        .use_ratchet_tree_extension(true)
        .build()
}

/// The bare `KeyPackage` as it travels (and as `KeyPackageIn` reads it).
pub fn key_package_in(key_package: &KeyPackage) -> KeyPackageIn {
    KeyPackageIn::from(key_package.clone())
}

/// alice adds bob: the Commit, the Welcome, then alice's first application message.
pub struct GroupTraffic {
    pub commit: MlsMessageIn,
    pub welcome: MlsMessageIn,
    pub application: MlsMessageIn,
}

pub fn group_traffic() -> GroupTraffic {
    let (alice, bob) = (TestClient::new("alice"), TestClient::new("bob"));
    let (_, bob_package) = bob.key_package();
    let mut group = MlsGroup::new(
        &alice.provider,
        &alice.signer,
        &create_config(),
        alice.credential.clone(),
    )
    .expect("a group");
    let (commit, welcome, _) = group
        .add_members(&alice.provider, &alice.signer, &[bob_package])
        .expect("bob added");
    group.merge_pending_commit(&alice.provider).expect("merged");
    let application = group
        .create_message(&alice.provider, &alice.signer, b"hello")
        .expect("a message");
    GroupTraffic {
        commit: commit.into(),
        welcome: welcome.into(),
        application: application.into(),
    }
}

/// A value's own encoding, the leaf bytes the layouts are built from.
pub fn bytes_of(value: &impl Serialize) -> Vec<u8> {
    value.tls_serialize_detached().expect("encodes")
}
