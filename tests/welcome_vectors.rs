//! The MLS working group's public Welcome test vectors (mlswg/mls-implementations,
//! `test-vectors/welcome.json`, format in its `test-vectors.md`, section "Welcome"),
//! run through the lab's own wire functions.
//!
//! - Suites 1, 2, 3 and 7: the `MLSMessage(KeyPackage)` decodes, validates as a
//!   receiver must (RFC 9420 §10.1), and its reference (§5.2) is a `new_member` of the
//!   entry's Welcome (§12.4.3.1).
//! - Suites 4, 5 and 6 (X448/Ed448, P-521): openmls_rust_crypto lacks their
//!   signature schemes; the outcome must be a clean, typed `Err`, never a panic.
//! - A corrupted key package byte gives `BadSignature` or `Malformed`; a truncated
//!   Welcome gives `Malformed`.
//!
//! The vector file is a copy kept in `tests/vectors/` (see the README there), so the
//! test needs nothing outside the repository.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};

use mls_lab::domain::Suite;
use mls_lab::engine::wire::{
    accept_key_package, decode_key_package, decode_welcome, validate_key_package,
    welcome_new_members, KeyPackageFormat,
};
use mls_lab::engine::EngineError;
use openmls::prelude::{Ciphersuite, KeyPackage, KeyPackageRef};
use openmls_rust_crypto::RustCrypto;
use openmls_traits::crypto::OpenMlsCrypto as _;
use openmls_traits::types::HashType;

/// The copy in the repository: what CI reads.
const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/welcome.json");
/// Where the copy came from; compared against too when it is there.
const SHARED_VECTORS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/test-vectors/welcome.json"
);

/// Suites whose key packages this provider must validate.
const SUPPORTED: [u16; 3] = [1, 2, 3];
/// Suites openmls_rust_crypto does not list in `supports()`: 4–6 (Ed448, P-521)
/// and 7 (P-384). A lab client could add none of them to a group, so the one
/// checklist (DS, claimer, inspect) refuses them all as unsupported.
const UNSUPPORTED: [u16; 4] = [4, 5, 6, 7];

#[derive(Debug, serde::Deserialize)]
struct Vector {
    cipher_suite: u16,
    #[allow(dead_code)]
    init_priv: String,
    signer_pub: String,
    key_package: String,
    welcome: String,
}

impl Vector {
    fn key_package(&self) -> Vec<u8> {
        hex::decode(&self.key_package).expect("key_package is hex")
    }

    fn welcome(&self) -> Vec<u8> {
        hex::decode(&self.welcome).expect("welcome is hex")
    }

    fn signer_pub(&self) -> Vec<u8> {
        hex::decode(&self.signer_pub).expect("signer_pub is hex")
    }
}

fn vectors() -> Vec<Vector> {
    let text =
        std::fs::read_to_string(VECTORS).unwrap_or_else(|e| panic!("cannot read {VECTORS}: {e}"));
    serde_json::from_str(&text).expect("welcome.json parses")
}

fn vector(vectors: &[Vector], suite: u16) -> &Vector {
    vectors
        .iter()
        .find(|v| v.cipher_suite == suite)
        .unwrap_or_else(|| panic!("welcome.json has no entry for ciphersuite {suite}"))
}

/// Decode, validate and hash, as the DS does on upload (`accept_key_package`), but
/// also through the separate steps so each is checked on its own.
fn accept(crypto: &RustCrypto, bytes: &[u8]) -> Result<(KeyPackage, KeyPackageRef), EngineError> {
    let unverified = decode_key_package(bytes, KeyPackageFormat::MlsMessage)?;
    let validated = validate_key_package(crypto, unverified)?;
    let (key_package, kp_ref) = accept_key_package(crypto, bytes, KeyPackageFormat::MlsMessage)?;
    assert_eq!(
        validated, key_package,
        "validate_key_package and accept_key_package disagree"
    );
    Ok((key_package, kp_ref))
}

/// SHA-256 of `tests/vectors/welcome.json` as copied from the working group's file.
const VECTORS_SHA256: &str = "06be9d5c99817ef2545e4b15b8e73fd9b604685a8e55b59ca168eda98e236502";

#[test]
fn the_copy_in_the_repository_is_the_published_file() {
    // Read and checked on every run: a missing or edited copy fails here.
    let copy = std::fs::read(VECTORS).unwrap_or_else(|e| panic!("cannot read {VECTORS}: {e}"));
    let digest = RustCrypto::default()
        .hash(HashType::Sha2_256, &copy)
        .expect("SHA-256");
    assert_eq!(
        hex::encode(digest),
        VECTORS_SHA256,
        "tests/vectors/welcome.json is not the file it was copied from"
    );
    // Where the shared folder is beside the repository, it is the same file too.
    if let Ok(shared) = std::fs::read(SHARED_VECTORS) {
        assert!(
            copy == shared,
            "tests/vectors/welcome.json differs from ../shared/test-vectors/welcome.json"
        );
    }
}

#[test]
fn every_suite_is_in_the_file_once() {
    let vectors = vectors();
    let suites: Vec<u16> = vectors.iter().map(|v| v.cipher_suite).collect();
    let unique: BTreeSet<u16> = suites.iter().copied().collect();
    assert_eq!(unique.len(), suites.len(), "duplicate suites: {suites:?}");
    for suite in SUPPORTED.iter().chain(UNSUPPORTED.iter()) {
        assert!(
            unique.contains(suite),
            "suite {suite} is missing from the vectors ({suites:?}): the test would pass vacuously"
        );
    }
}

#[test]
fn supported_suites_validate_and_their_reference_is_a_new_member_of_the_welcome() {
    let vectors = vectors();
    let crypto = RustCrypto::default();
    for suite in SUPPORTED {
        let v = vector(&vectors, suite);
        let (key_package, kp_ref) = accept(&crypto, &v.key_package())
            .unwrap_or_else(|e| panic!("suite {suite}: key package rejected: {} ({e})", e.code()));
        assert_eq!(
            u16::from(key_package.ciphersuite()),
            suite,
            "suite {suite}: the key package names another ciphersuite"
        );
        // signer_pub is the GroupInfo signer's key (the adder), not the joiner's;
        // it is a key of the same scheme, so of the same length.
        assert_eq!(
            key_package.leaf_node().signature_key().as_slice().len(),
            v.signer_pub().len(),
            "suite {suite}: the leaf's signature key and signer_pub differ in length"
        );
        // RFC 9420 §5.2: RefHash with the suite's own hash (SHA-256 for 1–3).
        assert_eq!(
            kp_ref.as_slice().len(),
            32,
            "suite {suite}: reference length"
        );

        let welcome = decode_welcome(&v.welcome())
            .unwrap_or_else(|e| panic!("suite {suite}: Welcome rejected: {} ({e})", e.code()));
        assert_eq!(
            u16::from(welcome.ciphersuite()),
            suite,
            "suite {suite}: the Welcome names another ciphersuite"
        );
        let new_members = welcome_new_members(&welcome);
        assert!(
            new_members.contains(&kp_ref),
            "suite {suite}: reference {} is not among the Welcome's new_member {:?}",
            hex::encode(kp_ref.as_slice()),
            new_members
                .iter()
                .map(|r| hex::encode(r.as_slice()))
                .collect::<Vec<_>>()
        );
        // The peek is non-destructive: reading it twice gives the same answer.
        assert_eq!(welcome_new_members(&welcome), new_members);
    }
}

#[test]
fn unsupported_suites_give_a_clean_error_not_a_panic() {
    let vectors = vectors();
    let crypto = RustCrypto::default();
    for suite in UNSUPPORTED {
        let v = vector(&vectors, suite);
        let bytes = v.key_package();
        let outcome = catch_unwind(AssertUnwindSafe(|| accept(&crypto, &bytes)));
        let result = outcome.unwrap_or_else(|_| panic!("suite {suite}: validation panicked"));
        let error = match result {
            Ok((_, kp_ref)) => panic!(
                "suite {suite}: validated with a provider that lacks its signature scheme (ref {})",
                hex::encode(kp_ref.as_slice())
            ),
            Err(error) => error,
        };
        eprintln!(
            "suite {suite}: unsupported by openmls_rust_crypto: {} ({error})",
            error.code()
        );
        // The framing itself is fine: only the crypto is missing, and it is reported
        // as such, not as a bad signature.
        assert_eq!(
            error,
            EngineError::UnsupportedCiphersuite {
                suite: Suite::new(suite)
            },
            "suite {suite}: reported as unsupported"
        );
        assert!(
            crypto
                .supports(Ciphersuite::try_from(suite).unwrap())
                .is_err(),
            "suite {suite}: the provider claims support"
        );
        // The Welcome decodes as well, and reading its references panics neither.
        let welcome_bytes = v.welcome();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            decode_welcome(&welcome_bytes).map(|w| welcome_new_members(&w).len())
        }));
        match outcome {
            Ok(Ok(n)) => assert!(n >= 1, "suite {suite}: a Welcome with no new_member"),
            Ok(Err(e)) => eprintln!("suite {suite}: Welcome: {} ({e})", e.code()),
            Err(_) => panic!("suite {suite}: decoding the Welcome panicked"),
        }
    }
}

fn assert_typed_rejection(
    suite: u16,
    position: usize,
    result: Result<(KeyPackage, KeyPackageRef), EngineError>,
) {
    match result {
        Ok((_, kp_ref)) => panic!(
            "suite {suite}: flipping byte {position} was accepted (ref {})",
            hex::encode(kp_ref.as_slice())
        ),
        // A flipped version or suite byte is refused by the rule it breaks.
        Err(
            EngineError::BadSignature(_)
            | EngineError::Malformed { .. }
            | EngineError::InvalidKeyPackage(_)
            | EngineError::UnsupportedCiphersuite { .. },
        ) => {}
        Err(other) => panic!(
            "suite {suite}: flipping byte {position} gave {} ({other}), expected a typed refusal",
            other.code()
        ),
    }
}

#[test]
fn a_corrupted_key_package_byte_is_rejected_with_a_typed_error() {
    let vectors = vectors();
    let crypto = RustCrypto::default();
    // Suite 1 (Ed25519, fast): every single byte.
    let original = vector(&vectors, 1).key_package();
    let (mut bad_signature, mut malformed) = (0, 0);
    for position in 0..original.len() {
        let mut bytes = original.clone();
        bytes[position] ^= 0x01;
        let result = accept_key_package(&crypto, &bytes, KeyPackageFormat::MlsMessage);
        match &result {
            Err(EngineError::BadSignature(_)) => bad_signature += 1,
            Err(EngineError::Malformed { .. }) => malformed += 1,
            _ => {}
        }
        assert_typed_rejection(1, position, result);
    }
    assert!(bad_signature > 0 && malformed > 0);
    // The signature is the last field: its last byte must give BadSignature.
    let mut bytes = original.clone();
    *bytes.last_mut().unwrap() ^= 0x01;
    assert!(matches!(
        accept_key_package(&crypto, &bytes, KeyPackageFormat::MlsMessage),
        Err(EngineError::BadSignature(_))
    ));
    // Other supported suites (P-256 and P-384 are slow in debug): a few positions.
    for suite in [2, 3, 7] {
        let original = vector(&vectors, suite).key_package();
        let len = original.len();
        for position in [1, 3, len / 3, len / 2, 2 * len / 3, len - 1] {
            let mut bytes = original.clone();
            bytes[position] ^= 0x01;
            let result = accept_key_package(&crypto, &bytes, KeyPackageFormat::MlsMessage);
            assert_typed_rejection(suite, position, result);
        }
    }
}

#[test]
fn a_truncated_or_padded_welcome_is_malformed() {
    let vectors = vectors();
    for suite in SUPPORTED.iter().chain(UNSUPPORTED.iter()).copied() {
        let v = vector(&vectors, suite);
        let welcome = v.welcome();
        let len = welcome.len();
        let mut cuts: BTreeSet<usize> = [0, 1, 2, 3, 4, 5, 8, len / 4, len / 2, len - 2, len - 1]
            .into_iter()
            .collect();
        cuts.extend((0..len).step_by(37));
        for cut in cuts {
            match decode_welcome(&welcome[..cut]) {
                Err(EngineError::Malformed { .. }) => {}
                Err(other) => panic!(
                    "suite {suite}: Welcome cut to {cut} of {len} bytes gave {} ({other})",
                    other.code()
                ),
                Ok(_) => panic!("suite {suite}: Welcome cut to {cut} of {len} bytes decoded"),
            }
        }
        // RFC 9420 §6: exactly one structure; a trailing byte is not ignored.
        let mut padded = welcome.clone();
        padded.push(0);
        assert!(
            matches!(decode_welcome(&padded), Err(EngineError::Malformed { .. })),
            "suite {suite}: a Welcome with a trailing byte decoded"
        );
        // Each decoder refuses the other's message.
        assert!(matches!(
            decode_welcome(&v.key_package()),
            Err(EngineError::Malformed { .. })
        ));
        assert!(matches!(
            decode_key_package(&welcome, KeyPackageFormat::MlsMessage),
            Err(EngineError::Malformed { .. })
        ));
        // Bare-KeyPackage framing does not accept an MLSMessage.
        assert!(matches!(
            decode_key_package(&v.key_package(), KeyPackageFormat::KeyPackage),
            Err(EngineError::Malformed { .. })
        ));
    }
}
