//! HPKE with an ephemeral key of the lab's choosing, for a seeded lab. The HPKE
//! library draws a sender's ephemeral key from a random source it creates itself
//! (`HpkeCrypto::prng`, no argument), so this is the library's RustCrypto backend
//! with a source that takes its seed from the call that builds the `Hpke`
//! ([`seal`], [`setup_sender_and_export`]) through a thread-local slot: each call
//! seeds its own, so encryptions done in parallel (OpenMLS encrypts path secrets
//! with rayon) do not depend on thread order.

use std::cell::Cell;
use std::convert::Infallible;

use hpke_rs::{Hpke, Mode};
use hpke_rs_crypto::error::Error;
use hpke_rs_crypto::types::{AeadAlgorithm, KdfAlgorithm, KemAlgorithm};
use hpke_rs_crypto::{HpkeCrypto, HpkeTestRng, TryCryptoRng, TryRng};
use hpke_rs_rust_crypto::HpkeRustCrypto;
use openmls_traits::types::{
    CryptoError, ExporterSecret, HpkeAeadType, HpkeCiphertext, HpkeConfig, HpkeKdfType,
    HpkeKemType, KemOutput,
};
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use zeroize::Zeroize;

thread_local! {
    /// The seed of the random source of the next `Hpke` built on this thread.
    static NEXT_SEED: Cell<Option<[u8; 32]>> = const { Cell::new(None) };
}

/// The HPKE library's RustCrypto backend with a seeded random source.
#[derive(Debug)]
pub(super) struct SeededHpke;

/// A ChaCha20 stream: seeded from [`NEXT_SEED`] when one is set, else from the
/// operating system (an `Hpke` clone, which draws nothing).
pub(super) struct SeededPrng(ChaCha20Rng);

impl TryRng for SeededPrng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.0.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

impl TryCryptoRng for SeededPrng {}

impl HpkeTestRng for SeededPrng {
    type Error = Infallible;

    fn try_fill_test_bytes(&mut self, dest: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill_bytes(dest);
        Ok(())
    }

    fn seed(&mut self, seed: &[u8]) {
        let mut bytes = [0u8; 32];
        bytes.iter_mut().zip(seed).for_each(|(b, s)| *b = *s);
        self.0 = ChaCha20Rng::from_seed(bytes);
    }
}

impl Zeroize for SeededPrng {
    fn zeroize(&mut self) {
        self.0 = ChaCha20Rng::from_seed([0; 32]);
    }
}

impl HpkeCrypto for SeededHpke {
    type HpkePrng = SeededPrng;

    fn name() -> String {
        "RustCrypto with a seeded random source".into()
    }

    fn supports_kdf(alg: KdfAlgorithm) -> Result<(), Error> {
        HpkeRustCrypto::supports_kdf(alg)
    }

    fn supports_kem(alg: KemAlgorithm) -> Result<(), Error> {
        HpkeRustCrypto::supports_kem(alg)
    }

    fn supports_aead(alg: AeadAlgorithm) -> Result<(), Error> {
        HpkeRustCrypto::supports_aead(alg)
    }

    fn prng() -> SeededPrng {
        SeededPrng(match NEXT_SEED.take() {
            Some(seed) => ChaCha20Rng::from_seed(seed),
            None => ChaCha20Rng::from_entropy(),
        })
    }

    fn kdf_extract(alg: KdfAlgorithm, salt: &[u8], ikm: &[u8]) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::kdf_extract(alg, salt, ikm)
    }

    fn kdf_expand(
        alg: KdfAlgorithm,
        prk: &[u8],
        info: &[u8],
        output_size: usize,
    ) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::kdf_expand(alg, prk, info, output_size)
    }

    fn dh(alg: KemAlgorithm, pk: &[u8], sk: &[u8]) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::dh(alg, pk, sk)
    }

    fn secret_to_public(alg: KemAlgorithm, sk: &[u8]) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::secret_to_public(alg, sk)
    }

    /// A key pair derived (RFC 9180 `DeriveKeyPair`) from bytes of the stream.
    fn kem_key_gen(alg: KemAlgorithm, prng: &mut SeededPrng) -> Result<(Vec<u8>, Vec<u8>), Error> {
        let mut ikm = vec![0u8; alg.private_key_len()];
        prng.0.fill_bytes(&mut ikm);
        HpkeRustCrypto::kem_key_gen_derand(alg, &ikm)
    }

    fn kem_key_gen_derand(alg: KemAlgorithm, seed: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
        HpkeRustCrypto::kem_key_gen_derand(alg, seed)
    }

    /// Only the post-quantum KEMs come here (the DH KEMs encapsulate inside the
    /// library with bytes of the stream), and the lab's suites use none.
    fn kem_encaps(
        _alg: KemAlgorithm,
        _pk_r: &[u8],
        _prng: &mut SeededPrng,
    ) -> Result<(Vec<u8>, Vec<u8>), Error> {
        Err(Error::UnsupportedKemOperation)
    }

    fn kem_decaps(alg: KemAlgorithm, ct: &[u8], sk_r: &[u8]) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::kem_decaps(alg, ct, sk_r)
    }

    fn dh_validate_sk(alg: KemAlgorithm, sk: &[u8]) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::dh_validate_sk(alg, sk)
    }

    fn aead_seal(
        alg: AeadAlgorithm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        msg: &[u8],
    ) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::aead_seal(alg, key, nonce, aad, msg)
    }

    fn aead_open(
        alg: AeadAlgorithm,
        key: &[u8],
        nonce: &[u8],
        aad: &[u8],
        msg: &[u8],
    ) -> Result<Vec<u8>, Error> {
        HpkeRustCrypto::aead_open(alg, key, nonce, aad, msg)
    }
}

/// An `Hpke` in base mode whose ephemeral key comes from `seed`.
fn seeded(config: HpkeConfig, seed: [u8; 32]) -> Result<Hpke<SeededHpke>, CryptoError> {
    let kem = match config.0 {
        HpkeKemType::DhKemP256 => KemAlgorithm::DhKemP256,
        HpkeKemType::DhKemP384 => KemAlgorithm::DhKemP384,
        HpkeKemType::DhKemP521 => KemAlgorithm::DhKemP521,
        HpkeKemType::DhKem25519 => KemAlgorithm::DhKem25519,
        HpkeKemType::DhKem448 => KemAlgorithm::DhKem448,
        #[allow(unreachable_patterns)]
        _ => return Err(CryptoError::UnsupportedCiphersuite),
    };
    let kdf = match config.1 {
        HpkeKdfType::HkdfSha256 => KdfAlgorithm::HkdfSha256,
        HpkeKdfType::HkdfSha384 => KdfAlgorithm::HkdfSha384,
        HpkeKdfType::HkdfSha512 => KdfAlgorithm::HkdfSha512,
    };
    let aead = match config.2 {
        HpkeAeadType::AesGcm128 => AeadAlgorithm::Aes128Gcm,
        HpkeAeadType::AesGcm256 => AeadAlgorithm::Aes256Gcm,
        HpkeAeadType::ChaCha20Poly1305 => AeadAlgorithm::ChaCha20Poly1305,
        HpkeAeadType::Export => AeadAlgorithm::HpkeExport,
    };
    NEXT_SEED.set(Some(seed));
    let hpke = Hpke::new(Mode::Base, kem, kdf, aead);
    NEXT_SEED.set(None);
    Ok(hpke)
}

/// `OpenMlsCrypto::hpke_seal`, as RustCrypto does it, with the ephemeral key from `seed`.
pub(super) fn seal(
    config: HpkeConfig,
    seed: [u8; 32],
    pk_r: &[u8],
    info: &[u8],
    aad: &[u8],
    ptxt: &[u8],
) -> Result<HpkeCiphertext, CryptoError> {
    let (kem_output, ciphertext) = seeded(config, seed)?
        .seal(&pk_r.into(), info, aad, ptxt, None, None, None)
        .map_err(|e| match e {
            hpke_rs::HpkeError::InvalidInput => CryptoError::InvalidLength,
            _ => CryptoError::CryptoLibraryError,
        })?;
    Ok(HpkeCiphertext {
        kem_output: kem_output.into(),
        ciphertext: ciphertext.into(),
    })
}

/// `OpenMlsCrypto::hpke_setup_sender_and_export`, with the ephemeral key from `seed`.
pub(super) fn setup_sender_and_export(
    config: HpkeConfig,
    seed: [u8; 32],
    pk_r: &[u8],
    info: &[u8],
    exporter_context: &[u8],
    exporter_length: usize,
) -> Result<(KemOutput, ExporterSecret), CryptoError> {
    let (kem_output, context) = seeded(config, seed)?
        .setup_sender(&pk_r.into(), info, None, None, None)
        .map_err(|_| CryptoError::SenderSetupError)?;
    let exported = context
        .export(exporter_context, exporter_length)
        .map_err(|_| CryptoError::ExporterError)?;
    Ok((kem_output, exported.into()))
}
