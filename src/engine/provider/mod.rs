//! The clients' OpenMLS provider, named once: [`LabProvider`]. Its crypto is
//! RustCrypto's and its storage OpenMLS's memory storage, as in
//! `OpenMlsRustCrypto`; its random source is the lab's own ([`LabRand`]), so that
//! `--seed N` makes every key, reference and group id of a run repeatable.
//!
//! Where randomness comes from in a seeded lab (each a ChaCha20 stream seeded with
//! SHA-256 over the lab's seed, the client's name, a purpose and an index):
//! - a client's signature keys: purpose `signature`, the scheme's number;
//! - each key package (init and encryption keys): purpose `key-package`, its
//!   position in the client's inventory, so packages built in parallel come out
//!   the same whatever order the threads run in;
//! - everything else the client does (group ids, init secrets, path secrets,
//!   nonces): purpose `client`, one stream used in the order of the lines.
//!
//! HPKE encryption (a Welcome's group secrets, a Commit's path secrets) draws its
//! sender's ephemeral key inside the HPKE library, which no provider's random
//! source reaches; in a seeded lab [`LabCrypto`] derives it from the client's seed
//! and what is encrypted instead (`crypto`, `hpke`), so those repeat too.

mod crypto;
mod hpke;

pub use crypto::LabCrypto;

use std::sync::Mutex;

use openmls_basic_credential::SignatureKeyPair;
use openmls_memory_storage::MemoryStorage;
use openmls_traits::crypto::OpenMlsCrypto;
use openmls_traits::random::OpenMlsRand;
use openmls_traits::types::{HashType, SignatureScheme};
use openmls_traits::OpenMlsProvider;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use super::error::EngineError;

/// Where a lab's randomness comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Randomness {
    /// The operating system's, as OpenMLS's own provider does.
    #[default]
    System,
    /// Derived from this seed (`--seed N`): for demonstrations only.
    Seeded(u64),
}

/// A random source behind a lock, as OpenMLS's provider keeps its own.
#[derive(Debug)]
pub struct LabRand {
    rng: Mutex<ChaCha20Rng>,
}

/// The random source's lock was poisoned by a panic elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the random source's lock is poisoned")]
pub struct RandPoisoned;

impl LabRand {
    fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            rng: Mutex::new(ChaCha20Rng::from_seed(seed)),
        }
    }

    fn from_entropy() -> Self {
        Self {
            rng: Mutex::new(ChaCha20Rng::from_entropy()),
        }
    }

    fn fill(&self, out: &mut [u8]) -> Result<(), RandPoisoned> {
        self.rng.lock().map_err(|_| RandPoisoned)?.fill_bytes(out);
        Ok(())
    }
}

impl OpenMlsRand for LabRand {
    type Error = RandPoisoned;

    fn random_array<const N: usize>(&self) -> Result<[u8; N], Self::Error> {
        let mut out = [0u8; N];
        self.fill(&mut out)?;
        Ok(out)
    }

    fn random_vec(&self, len: usize) -> Result<Vec<u8>, Self::Error> {
        let mut out = vec![0u8; len];
        self.fill(&mut out)?;
        Ok(out)
    }
}

/// One client's provider: its own storage, RustCrypto (with seeded HPKE in a
/// seeded lab), and the lab's randomness.
#[derive(Debug)]
pub struct LabProvider {
    crypto: LabCrypto,
    rand: LabRand,
    storage: MemoryStorage,
    /// `(lab seed, client name)` in a seeded lab.
    seed: Option<(u64, String)>,
}

impl LabProvider {
    /// The provider of client `name` in a lab with this randomness.
    pub fn new(name: &str, randomness: Randomness) -> Self {
        let seed = match randomness {
            Randomness::System => None,
            Randomness::Seeded(seed) => Some((seed, name.to_string())),
        };
        let plain = LabCrypto::new(None);
        let derived = |purpose| {
            seed.as_ref()
                .map(|(seed, name)| derive(&plain, *seed, name, purpose, 0))
        };
        let crypto = LabCrypto::new(derived("hpke"));
        let rand = derived("client").map_or_else(LabRand::from_entropy, LabRand::from_seed);
        Self {
            crypto,
            rand,
            storage: MemoryStorage::default(),
            seed,
        }
    }

    /// A stream of its own for `purpose` number `index`: derived from the seed in a
    /// seeded lab, from the operating system otherwise.
    fn stream(&self, purpose: &str, index: u64) -> LabRand {
        match &self.seed {
            Some((seed, name)) => {
                LabRand::from_seed(derive(&self.crypto, *seed, name, purpose, index))
            }
            None => LabRand::from_entropy(),
        }
    }

    /// The provider that builds the key package at `position` in the inventory:
    /// this client's crypto and storage, with randomness of its own.
    pub fn for_key_package(&self, position: usize) -> KeyPackageProvider<'_> {
        KeyPackageProvider {
            crypto: &self.crypto,
            rand: self.stream("key-package", position as u64),
            storage: &self.storage,
        }
    }

    /// A new signature key pair for `scheme`: from the seed in a seeded lab, else
    /// from the operating system (`SignatureKeyPair::new`).
    pub fn signature_key_pair(
        &self,
        scheme: SignatureScheme,
    ) -> Result<SignatureKeyPair, EngineError> {
        if self.seed.is_none() {
            return SignatureKeyPair::new(scheme)
                .map_err(|e| EngineError::mls("SignatureKeyPair", e));
        }
        let stream = self.stream("signature", scheme as u64);
        let mut rng = stream
            .rng
            .lock()
            .map_err(|_| EngineError::mls("SignatureKeyPair", RandPoisoned))?;
        // The encodings `SignatureKeyPair::new` uses (openmls_basic_credential).
        let (private, public) = match scheme {
            SignatureScheme::ED25519 => {
                let key = ed25519_dalek::SigningKey::generate(&mut *rng);
                (
                    key.to_bytes().to_vec(),
                    key.verifying_key().to_bytes().to_vec(),
                )
            }
            SignatureScheme::ECDSA_SECP256R1_SHA256 => {
                let key = p256::ecdsa::SigningKey::random(&mut *rng);
                let public = key
                    .verifying_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec();
                (key.to_bytes().to_vec(), public)
            }
            other => {
                return Err(EngineError::Mls {
                    op: "SignatureKeyPair".into(),
                    code: crate::engine::ErrorCode::named("UnsupportedSignatureScheme"),
                    detail: format!("a seeded lab has no {other:?} keys"),
                })
            }
        };
        Ok(SignatureKeyPair::from_raw(scheme, private, public))
    }
}

/// SHA-256 over the lab's seed, the client's name, the purpose and the index,
/// each length-prefixed so no two inputs collide.
fn derive(
    crypto: &impl OpenMlsCrypto,
    seed: u64,
    name: &str,
    purpose: &str,
    index: u64,
) -> [u8; 32] {
    let mut input = b"mls-lab seed v1".to_vec();
    input.extend_from_slice(&seed.to_be_bytes());
    for part in [name.as_bytes(), purpose.as_bytes()] {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part);
    }
    input.extend_from_slice(&index.to_be_bytes());
    let digest = crypto.hash(HashType::Sha2_256, &input).unwrap_or_default();
    let mut out = [0u8; 32];
    out.iter_mut().zip(digest).for_each(|(o, d)| *o = d);
    out
}

impl OpenMlsProvider for LabProvider {
    type CryptoProvider = LabCrypto;
    type RandProvider = LabRand;
    type StorageProvider = MemoryStorage;

    fn storage(&self) -> &MemoryStorage {
        &self.storage
    }

    fn crypto(&self) -> &LabCrypto {
        &self.crypto
    }

    fn rand(&self) -> &LabRand {
        &self.rand
    }
}

/// A client's provider for building one key package (see [`LabProvider::for_key_package`]).
pub struct KeyPackageProvider<'a> {
    crypto: &'a LabCrypto,
    rand: LabRand,
    storage: &'a MemoryStorage,
}

impl OpenMlsProvider for KeyPackageProvider<'_> {
    type CryptoProvider = LabCrypto;
    type RandProvider = LabRand;
    type StorageProvider = MemoryStorage;

    fn storage(&self) -> &MemoryStorage {
        self.storage
    }

    fn crypto(&self) -> &LabCrypto {
        self.crypto
    }

    fn rand(&self) -> &LabRand {
        &self.rand
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(rand: &LabRand) -> [u8; 16] {
        rand.random_array().unwrap_or_default()
    }

    #[test]
    fn streams_depend_on_seed_client_purpose_and_index_only() {
        let alice = LabProvider::new("alice", Randomness::Seeded(7));
        let again = LabProvider::new("alice", Randomness::Seeded(7));
        assert_eq!(bytes(alice.rand()), bytes(again.rand()));
        assert_eq!(
            bytes(&alice.for_key_package(3).rand),
            bytes(&again.for_key_package(3).rand)
        );
        let others = [
            bytes(
                &LabProvider::new("bob", Randomness::Seeded(7))
                    .for_key_package(3)
                    .rand,
            ),
            bytes(
                &LabProvider::new("alice", Randomness::Seeded(8))
                    .for_key_package(3)
                    .rand,
            ),
            bytes(&alice.for_key_package(4).rand),
            bytes(
                &LabProvider::new("alice", Randomness::System)
                    .for_key_package(3)
                    .rand,
            ),
        ];
        let first = bytes(&alice.for_key_package(3).rand);
        assert!(others.iter().all(|other| *other != first));
    }

    #[test]
    fn seeded_signature_keys_repeat_and_sign() {
        use openmls_traits::signatures::Signer as _;
        for scheme in [
            SignatureScheme::ED25519,
            SignatureScheme::ECDSA_SECP256R1_SHA256,
        ] {
            let one = LabProvider::new("alice", Randomness::Seeded(1)).signature_key_pair(scheme);
            let two = LabProvider::new("alice", Randomness::Seeded(1)).signature_key_pair(scheme);
            let (Ok(one), Ok(two)) = (one, two) else {
                panic!("{scheme:?}: keys");
            };
            assert_eq!(one.to_public_vec(), two.to_public_vec());
            assert!(one.sign(b"payload").is_ok(), "{scheme:?}");
            let system = LabProvider::new("alice", Randomness::System).signature_key_pair(scheme);
            assert_ne!(
                system.map(|k| k.to_public_vec()).ok(),
                Some(one.to_public_vec())
            );
        }
    }
}
