//! Decoding and validating what crosses the wire: key packages as a client uploads
//! them and Welcome messages as the Delivery Service routes them.
//!
//! Both the in-process Delivery Service and the tests (including the MLS working
//! group's public Welcome vectors) go through these functions, so what the lab
//! teaches is exactly what it checks. Each call into OpenMLS on bytes from
//! outside is contained ([`guard::contain`]): a panic in it is an
//! `InternalError` of that one message, before anything changed.

use openmls::prelude::*;
use openmls_traits::crypto::OpenMlsCrypto;
use std::time::SystemTime;

use tls_codec::{Deserialize as _, Serialize as _};

use super::error::EngineError;
use super::guard;
use crate::domain::Suite;
use crate::inspect::checks::{self, Check, Judge, Policy, RuleId};
use crate::inspect::structure::KeyPackageParts;
use crate::inspect::Framing;

/// How a key package is framed on upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyPackageFormat {
    /// `KeyPackage` alone, as `tls_serialize_detached()` gives it (the seed page's form).
    #[default]
    KeyPackage,
    /// An `MLSMessage` with `wire_format = mls_key_package` (RFC 9420 §6).
    MlsMessage,
}

/// Parses uploaded bytes into an unverified [`KeyPackageIn`].
///
/// Fails with [`EngineError::Malformed`] for anything that is not exactly one
/// encoded key package in the given framing.
pub fn decode_key_package(
    bytes: &[u8],
    format: KeyPackageFormat,
) -> Result<KeyPackageIn, EngineError> {
    guard::contain("decoding a key package", || {
        decode_key_package_unguarded(bytes, format)
    })
}

fn decode_key_package_unguarded(
    bytes: &[u8],
    format: KeyPackageFormat,
) -> Result<KeyPackageIn, EngineError> {
    let malformed = |detail: String| EngineError::Malformed {
        what: "key package".into(),
        detail,
    };
    match format {
        KeyPackageFormat::KeyPackage => {
            KeyPackageIn::tls_deserialize_exact(bytes).map_err(|e| malformed(e.to_string()))
        }
        KeyPackageFormat::MlsMessage => {
            let message =
                MlsMessageIn::tls_deserialize_exact(bytes).map_err(|e| malformed(e.to_string()))?;
            match message.extract() {
                MlsMessageBodyIn::KeyPackage(kp) => Ok(kp),
                _ => Err(malformed(
                    "the MLSMessage does not carry a key package".into(),
                )),
            }
        }
    }
}

/// The `cipher_suite` a key package declares (its second field, RFC 9420 §10).
pub fn declared_suite(key_package: &KeyPackageIn) -> Option<Suite> {
    let bytes = key_package.tls_serialize_detached().ok()?;
    let suite = bytes.get(2..4)?;
    Some(Suite::new(u16::from_be_bytes([suite[0], suite[1]])))
}

/// Validates a key package as a receiver must (RFC 9420 §10.1): both signatures,
/// protocol version, init key ≠ encryption key, every extension listed in the leaf's
/// capabilities, and the lifetime against the current time. A suite whose signature
/// scheme this provider cannot verify is `UnsupportedCiphersuite`.
pub fn validate_key_package(
    crypto: &impl OpenMlsCrypto,
    key_package: KeyPackageIn,
) -> Result<KeyPackage, EngineError> {
    validate_key_package_at(crypto, key_package, SystemTime::now())
}

/// [`validate_key_package`] with the lifetime checked at `now` (the lab clock).
///
/// `KeyPackageIn::validate` checks the lifetime against the system clock, and as
/// its last check: on a `LifetimeError` every other check has passed, so the
/// lifetime is checked again at `now` and, if valid then, the package is taken
/// as verified (`into_unchecked`). On success it is checked at `now` too, since
/// the lab's time may be later than the system's.
pub fn validate_key_package_at(
    crypto: &impl OpenMlsCrypto,
    key_package: KeyPackageIn,
    now: SystemTime,
) -> Result<KeyPackage, EngineError> {
    guard::contain("validating a key package", || {
        validate_unguarded(crypto, key_package, now)
    })
}

fn validate_unguarded(
    crypto: &impl OpenMlsCrypto,
    key_package: KeyPackageIn,
    now: SystemTime,
) -> Result<KeyPackage, EngineError> {
    let suite = declared_suite(&key_package).unwrap_or(Suite::new(0));
    if checks::usable_suite(suite.number(), crypto).is_err() {
        return Err(EngineError::UnsupportedCiphersuite { suite });
    }
    let copy = key_package.clone();
    let verified = match key_package.validate(crypto, ProtocolVersion::Mls10) {
        Ok(verified) => verified,
        Err(KeyPackageVerifyError::LifetimeError(_)) => copy.into_unchecked(),
        Err(other) => return Err(EngineError::from_verify(other)),
    };
    verified
        .life_time()
        .validate_with_time(now)
        .map_err(|e| EngineError::from_verify(KeyPackageVerifyError::LifetimeError(e)))?;
    Ok(verified)
}

/// The typed refusal for a failed check of the checklist.
fn refusal(check: &Check, parts: &KeyPackageParts, now: u64, policy: &Policy) -> EngineError {
    let reason = check.reason.clone();
    let invalid =
        || EngineError::InvalidKeyPackage(format!("{} ({}): {reason}", check.name, check.source));
    match check.rule {
        RuleId::Version
        | RuleId::LeafNodeSource
        | RuleId::InitKeyDistinct
        | RuleId::ExtensionsInPlace
        | RuleId::UniqueExtensions
        | RuleId::VersionAndSuiteListed => invalid(),
        RuleId::CipherSuite => EngineError::UnsupportedCiphersuite {
            suite: Suite::new(parts.suite),
        },
        RuleId::LeafNodeSignature | RuleId::Signature => EngineError::BadSignature(reason),
        RuleId::ExtensionsListed | RuleId::GreaseExtensions => {
            let hint = if reason.contains("last_resort") {
                " (a last-resort package must list LastResort, 0x000a)"
            } else {
                ""
            };
            EngineError::UnsupportedExtension {
                detail: format!("{reason}{hint} [{}]", check.source),
            }
        }
        RuleId::CredentialListed | RuleId::CredentialSupported => {
            EngineError::UnsupportedCredential {
                detail: format!("{reason} [{}]", check.source),
            }
        }
        RuleId::Lifetime => match parts.lifetime {
            Some((_, not_after)) if not_after <= now => EngineError::Expired { not_after, now },
            Some((not_before, _)) => EngineError::NotYetValid { not_before, now },
            None => invalid(),
        },
        RuleId::MaxLifetime => EngineError::LifetimeTooLong {
            lifetime: parts
                .lifetime
                .map_or(0, |(_, not_after)| not_after.saturating_sub(now)),
            max: policy.max_lifetime.unwrap_or(u64::MAX),
        },
        RuleId::KeyEncoding | RuleId::Grease => EngineError::PolicyRefused {
            policy: match check.source {
                checks::Source::DsPolicy { policy } => policy.to_string(),
                checks::Source::Rfc { .. } | checks::Source::Openmls { .. } => {
                    check.name.to_string()
                }
            },
            detail: reason,
        },
    }
}

/// Runs the checklist on the bytes (read by the inspector's reader, whose
/// bounds hold before OpenMLS sees anything) and refuses on the first check
/// `judge` is bound by: the one list the DS, every claimer and `inspect` run.
pub fn judge_key_package(
    crypto: &impl OpenMlsCrypto,
    bytes: &[u8],
    format: KeyPackageFormat,
    now: SystemTime,
    judge: Judge,
    policy: &Policy,
) -> Result<(), EngineError> {
    let parts = read_parts(bytes, format)?;
    judge_parts(crypto, &parts, unix_secs(now), judge, policy)
}

/// The package as the inspector's reader finds it, its bounds held.
fn read_parts(bytes: &[u8], format: KeyPackageFormat) -> Result<KeyPackageParts, EngineError> {
    let framing = match format {
        KeyPackageFormat::KeyPackage => Framing::Bare,
        KeyPackageFormat::MlsMessage => Framing::MlsMessage,
    };
    crate::inspect::read_key_package(bytes, framing).map_err(|e| EngineError::Malformed {
        what: "key package".into(),
        detail: e.to_string(),
    })
}

fn unix_secs(now: SystemTime) -> u64 {
    now.duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The whole checklist, signatures verified: the first refusal `judge` is bound by.
fn judge_parts(
    crypto: &impl OpenMlsCrypto,
    parts: &KeyPackageParts,
    now: u64,
    judge: Judge,
    policy: &Policy,
) -> Result<(), EngineError> {
    let checks = checks::key_package_checks(parts, crypto, now, policy);
    match checks::first_refusal(&checks, judge) {
        Some(check) => Err(refusal(check, parts, now, policy)),
        None => Ok(()),
    }
}

/// The checklist for `judge` ([`judge_key_package`]), then OpenMLS's own decoding
/// and validation ([`validate_key_package_at`]); returns the package and its
/// reference (RFC 9420 §5.2).
pub fn accept_key_package_judged(
    crypto: &impl OpenMlsCrypto,
    bytes: &[u8],
    format: KeyPackageFormat,
    now: SystemTime,
    judge: Judge,
    policy: &Policy,
) -> Result<(KeyPackage, KeyPackageRef), EngineError> {
    // The checklist reads bytes from outside as OpenMLS does: contained alike.
    guard::contain("checking a key package", || {
        #[cfg(test)]
        guard::test_hooks::panic_if(bytes == guard::test_hooks::WIRE_PANICS);
        let parts = read_parts(bytes, format)?;
        let secs = unix_secs(now);
        // The signatures are verified once, by OpenMLS's `validate`; wherever
        // a refusal is possible the whole checklist runs, so the verdict and
        // its rule are the checklist's, exactly as without the shortcut.
        let before = checks::key_package_checks_before_openmls(&parts, crypto, secs, policy);
        if checks::first_refusal(&before, judge).is_some() {
            judge_parts(crypto, &parts, secs, judge, policy)?;
        }
        let validated = decode_key_package(bytes, format)
            .and_then(|decoded| validate_key_package_at(crypto, decoded, now));
        let key_package = match validated {
            Ok(key_package) => key_package,
            Err(openmls_refused) => {
                judge_parts(crypto, &parts, secs, judge, policy)?;
                return Err(openmls_refused);
            }
        };
        let kp_ref = key_package
            .hash_ref(crypto)
            .map_err(|e| EngineError::mls("hash_ref", e))?;
        Ok((key_package, kp_ref))
    })
}

/// Decodes and validates in one step; also returns the reference (RFC 9420 §5.2).
pub fn accept_key_package(
    crypto: &impl OpenMlsCrypto,
    bytes: &[u8],
    format: KeyPackageFormat,
) -> Result<(KeyPackage, KeyPackageRef), EngineError> {
    accept_key_package_at(crypto, bytes, format, SystemTime::now())
}

/// [`accept_key_package`] with the lifetime checked at `now` (the lab clock), as
/// a claimer judges it: the checklist's RFC and OpenMLS rules, then OpenMLS.
pub fn accept_key_package_at(
    crypto: &impl OpenMlsCrypto,
    bytes: &[u8],
    format: KeyPackageFormat,
    now: SystemTime,
) -> Result<(KeyPackage, KeyPackageRef), EngineError> {
    let policy = Policy::default();
    accept_key_package_judged(crypto, bytes, format, now, Judge::Claimer, &policy)
}

/// Encodes a key package in the given framing, as a client uploads it.
pub fn encode_key_package(
    key_package: &KeyPackage,
    format: KeyPackageFormat,
) -> Result<Vec<u8>, EngineError> {
    match format {
        KeyPackageFormat::KeyPackage => key_package
            .tls_serialize_detached()
            .map_err(|e| EngineError::mls("tls_serialize_detached", e)),
        KeyPackageFormat::MlsMessage => MlsMessageOut::from(key_package.clone())
            .to_bytes()
            .map_err(|e| EngineError::mls("MlsMessageOut::to_bytes", e)),
    }
}

/// Parses an `MLSMessage` that must carry a Welcome (RFC 9420 §12.4.3.1).
pub fn decode_welcome(bytes: &[u8]) -> Result<Welcome, EngineError> {
    guard::contain("decoding a Welcome", || decode_welcome_unguarded(bytes))
}

fn decode_welcome_unguarded(bytes: &[u8]) -> Result<Welcome, EngineError> {
    let message =
        MlsMessageIn::tls_deserialize_exact(bytes).map_err(|e| EngineError::Malformed {
            what: "Welcome".into(),
            detail: e.to_string(),
        })?;
    match message.extract() {
        MlsMessageBodyIn::Welcome(welcome) => Ok(welcome),
        _ => Err(EngineError::Malformed {
            what: "Welcome".into(),
            detail: "the MLSMessage does not carry a Welcome".into(),
        }),
    }
}

/// The `GroupId` a Commit names in its own framing (RFC 9420 §6.1,
/// `FramedContent.group_id`, readable by the DS for public and private messages).
pub fn commit_group_id(bytes: &[u8]) -> Result<Vec<u8>, EngineError> {
    guard::contain("reading a Commit's GroupId", || {
        commit_group_id_unguarded(bytes)
    })
}

fn commit_group_id_unguarded(bytes: &[u8]) -> Result<Vec<u8>, EngineError> {
    let malformed = |detail: String| EngineError::Malformed {
        what: "Commit".into(),
        detail,
    };
    let message =
        MlsMessageIn::tls_deserialize_exact(bytes).map_err(|e| malformed(e.to_string()))?;
    let protocol = message
        .try_into_protocol_message()
        .map_err(|e| malformed(e.to_string()))?;
    Ok(protocol.group_id().as_slice().to_vec())
}

/// The `new_member` reference of every `secrets[]` entry, in order. Reading them
/// consumes nothing: this is the non-destructive peek.
pub fn welcome_new_members(welcome: &Welcome) -> Vec<KeyPackageRef> {
    welcome.secrets().iter().map(|s| s.new_member()).collect()
}

/// The identity of a basic credential, or `None` for another credential type.
pub fn credential_identity(credential: &Credential) -> Option<String> {
    BasicCredential::try_from(credential.clone())
        .ok()
        .map(|c| String::from_utf8_lossy(c.identity()).into_owned())
}

/// The identity of a `BasicCredential`, as the DS keys its clients; `None` for
/// another kind of credential or an identity the DS cannot take.
pub fn credential_client(credential: &Credential) -> Option<crate::domain::ClientId> {
    let basic = BasicCredential::try_from(credential.clone()).ok()?;
    crate::domain::ClientId::new(basic.identity().to_vec()).ok()
}

/// The OpenMLS ciphersuite of a suite the lab's clients can use; any other is
/// refused as unsupported.
pub fn ciphersuite(suite: Suite) -> Result<Ciphersuite, EngineError> {
    suite
        .ciphersuite()
        .ok_or(EngineError::UnsupportedCiphersuite { suite })
}
