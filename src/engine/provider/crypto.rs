//! [`LabCrypto`]: RustCrypto, except that in a seeded lab an HPKE sender's
//! ephemeral key is derived from the client's seed and what is encrypted (as
//! RFC 6979 derives an ECDSA nonce), so Welcomes and update paths repeat too.

use openmls_rust_crypto::RustCrypto;
use openmls_traits::crypto::OpenMlsCrypto;
use openmls_traits::types::{
    AeadType, Ciphersuite, CryptoError, ExporterSecret, HashType, HpkeCiphertext, HpkeConfig,
    HpkeKeyPair, KemOutput, SignatureScheme,
};
use tls_codec::SecretVLBytes;

use super::hpke;

/// A client's crypto: RustCrypto's, with seeded HPKE encryption in a seeded lab.
#[derive(Debug, Default)]
pub struct LabCrypto {
    inner: RustCrypto,
    /// The client's HPKE key in a seeded lab (never leaves this struct).
    hpke_key: Option<[u8; 32]>,
}

impl LabCrypto {
    pub(super) fn new(hpke_key: Option<[u8; 32]>) -> Self {
        Self {
            inner: RustCrypto::default(),
            hpke_key,
        }
    }

    /// The ephemeral key's seed for one encryption: SHA-256 over the client's
    /// HPKE key and every input, each length-prefixed. Encryptions done in any
    /// order (OpenMLS encrypts a path on several threads) get the same keys.
    fn ephemeral_seed(&self, key: &[u8; 32], parts: &[&[u8]]) -> Result<[u8; 32], CryptoError> {
        let mut input = key.to_vec();
        for part in parts {
            input.extend_from_slice(&(part.len() as u64).to_be_bytes());
            input.extend_from_slice(part);
        }
        let digest = self.inner.hash(HashType::Sha2_256, &input)?;
        digest
            .try_into()
            .map_err(|_| CryptoError::CryptoLibraryError)
    }
}

impl OpenMlsCrypto for LabCrypto {
    fn supports(&self, ciphersuite: Ciphersuite) -> Result<(), CryptoError> {
        self.inner.supports(ciphersuite)
    }

    fn supported_ciphersuites(&self) -> Vec<Ciphersuite> {
        self.inner.supported_ciphersuites()
    }

    fn hkdf_extract(
        &self,
        hash_type: HashType,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hkdf_extract(hash_type, salt, ikm)
    }

    fn hmac(
        &self,
        hash_type: HashType,
        key: &[u8],
        message: &[u8],
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hmac(hash_type, key, message)
    }

    fn hkdf_expand(
        &self,
        hash_type: HashType,
        prk: &[u8],
        info: &[u8],
        okm_len: usize,
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hkdf_expand(hash_type, prk, info, okm_len)
    }

    fn hash(&self, hash_type: HashType, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.hash(hash_type, data)
    }

    fn aead_encrypt(
        &self,
        alg: AeadType,
        key: &[u8],
        data: &[u8],
        nonce: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.aead_encrypt(alg, key, data, nonce, aad)
    }

    fn aead_decrypt(
        &self,
        alg: AeadType,
        key: &[u8],
        ct_tag: &[u8],
        nonce: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.aead_decrypt(alg, key, ct_tag, nonce, aad)
    }

    /// Not used by the lab (signature keys come from the provider), but a
    /// seeded lab must not hand out keys from the operating system unnoticed.
    fn signature_key_gen(&self, alg: SignatureScheme) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        match self.hpke_key {
            Some(_) => Err(CryptoError::InsufficientRandomness),
            None => self.inner.signature_key_gen(alg),
        }
    }

    fn verify_signature(
        &self,
        alg: SignatureScheme,
        data: &[u8],
        pk: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.inner.verify_signature(alg, data, pk, signature)
    }

    fn sign(&self, alg: SignatureScheme, data: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.sign(alg, data, key)
    }

    fn hpke_seal(
        &self,
        config: HpkeConfig,
        pk_r: &[u8],
        info: &[u8],
        aad: &[u8],
        ptxt: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        match &self.hpke_key {
            Some(key) => {
                let seed = self.ephemeral_seed(key, &[b"seal", pk_r, info, aad, ptxt])?;
                hpke::seal(config, seed, pk_r, info, aad, ptxt)
            }
            None => self.inner.hpke_seal(config, pk_r, info, aad, ptxt),
        }
    }

    fn hpke_open(
        &self,
        config: HpkeConfig,
        input: &HpkeCiphertext,
        sk_r: &[u8],
        info: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.hpke_open(config, input, sk_r, info, aad)
    }

    fn hpke_setup_sender_and_export(
        &self,
        config: HpkeConfig,
        pk_r: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        exporter_length: usize,
    ) -> Result<(KemOutput, ExporterSecret), CryptoError> {
        match &self.hpke_key {
            Some(key) => {
                let length = (exporter_length as u64).to_be_bytes();
                let seed =
                    self.ephemeral_seed(key, &[b"export", pk_r, info, exporter_context, &length])?;
                hpke::setup_sender_and_export(
                    config,
                    seed,
                    pk_r,
                    info,
                    exporter_context,
                    exporter_length,
                )
            }
            None => self.inner.hpke_setup_sender_and_export(
                config,
                pk_r,
                info,
                exporter_context,
                exporter_length,
            ),
        }
    }

    fn hpke_setup_receiver_and_export(
        &self,
        config: HpkeConfig,
        enc: &[u8],
        sk_r: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        exporter_length: usize,
    ) -> Result<ExporterSecret, CryptoError> {
        self.inner.hpke_setup_receiver_and_export(
            config,
            enc,
            sk_r,
            info,
            exporter_context,
            exporter_length,
        )
    }

    fn derive_hpke_keypair(
        &self,
        config: HpkeConfig,
        ikm: &[u8],
    ) -> Result<HpkeKeyPair, CryptoError> {
        self.inner.derive_hpke_keypair(config, ikm)
    }
}

#[cfg(test)]
mod tests {
    use openmls_traits::types::{HpkeAeadType, HpkeKdfType, HpkeKemType};

    use super::*;

    #[test]
    fn seeded_hpke_repeats_and_still_opens() {
        for kem in [HpkeKemType::DhKem25519, HpkeKemType::DhKemP256] {
            let config = || HpkeConfig(kem, HpkeKdfType::HkdfSha256, HpkeAeadType::AesGcm128);
            let crypto = LabCrypto::new(Some([7; 32]));
            let receiver = crypto
                .derive_hpke_keypair(config(), &[1; 32])
                .expect("key pair");
            let seal = |crypto: &LabCrypto, text: &[u8]| {
                crypto
                    .hpke_seal(config(), &receiver.public, b"info", b"aad", text)
                    .expect("seal")
            };
            let first = seal(&crypto, b"secret");
            assert_eq!(first, seal(&LabCrypto::new(Some([7; 32])), b"secret"));
            assert_ne!(first, seal(&LabCrypto::new(Some([8; 32])), b"secret"));
            assert_ne!(first, seal(&crypto, b"secreT"));
            assert_ne!(first, seal(&LabCrypto::new(None), b"secret"));
            let opened = crypto
                .hpke_open(config(), &first, receiver.private.as_ref(), b"info", b"aad")
                .expect("opens");
            assert_eq!(opened, b"secret");
            let export = |crypto: &LabCrypto| {
                crypto
                    .hpke_setup_sender_and_export(config(), &receiver.public, b"i", b"ctx", 32)
                    .expect("export")
            };
            let (kem_output, secret) = export(&crypto);
            let (again_output, again_secret) = export(&LabCrypto::new(Some([7; 32])));
            assert_eq!(kem_output, again_output);
            assert_eq!(&*secret, &*again_secret);
            let received = crypto
                .hpke_setup_receiver_and_export(
                    config(),
                    &kem_output,
                    receiver.private.as_ref(),
                    b"i",
                    b"ctx",
                    32,
                )
                .expect("receiver");
            assert_eq!(&*received, &*secret);
        }
    }
}
