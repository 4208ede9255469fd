//! Every error variant has one fixed code, listed once in `EngineError::CODES`.

use super::EngineError;
use crate::domain::{ClockOverflow, KeyPackageRef, NameError, NameKind, NameRule, Suite};

/// One value of every variant. The match below has no `_`, so a new variant
/// does not compile until it is added there, here and to `CODES`.
fn samples() -> Vec<EngineError> {
    let s = || String::from("x");
    vec![
        EngineError::Usage(s()),
        EngineError::UnknownClient(s()),
        EngineError::ClientExists(s()),
        EngineError::InvalidName(NameError {
            kind: NameKind::Client,
            name: s(),
            rule: NameRule::Empty,
        }),
        EngineError::UnknownGroup {
            client: s(),
            group: s(),
        },
        EngineError::GroupAlreadyExists {
            client: s(),
            group: s(),
        },
        EngineError::GroupNameTaken {
            group: s(),
            owner: s(),
        },
        EngineError::UnknownGroupId(s()),
        EngineError::NotGroupMember {
            client: s(),
            group: s(),
        },
        EngineError::GroupIdInUse {
            client: s(),
            group: s(),
        },
        EngineError::AlreadyMember {
            client: s(),
            group: s(),
            bundle: s(),
        },
        EngineError::AlreadyInGroup {
            member: s(),
            group: s(),
        },
        EngineError::CannotAddSelf(s()),
        EngineError::MemberNamedTwice(s()),
        EngineError::ClaimOwnKeyPackage(s()),
        EngineError::NoBundle {
            client: s(),
            kp_ref: KeyPackageRef::default(),
        },
        EngineError::UnknownWelcome(1),
        EngineError::UnknownKeyPackage {
            client: s(),
            selector: s(),
        },
        EngineError::AmbiguousKeyPackage {
            client: s(),
            selector: s(),
        },
        EngineError::UnsupportedCiphersuite {
            suite: Suite::new(9),
        },
        EngineError::Malformed {
            what: s(),
            detail: s(),
        },
        EngineError::BadSignature(s()),
        EngineError::UnsupportedExtension {
            detail: "0xf000".into(),
        },
        EngineError::UnsupportedCredential {
            detail: "x509".into(),
        },
        EngineError::PolicyRefused {
            policy: "grease".into(),
            detail: "0x0a0a".into(),
        },
        EngineError::WelcomeDropped {
            group: "team".into(),
        },
        EngineError::WelcomeHeld {
            group: "team".into(),
        },
        EngineError::Expired {
            not_after: 1,
            now: 2,
        },
        EngineError::NotYetValid {
            not_before: 2,
            now: 1,
        },
        EngineError::LifetimeTooLong {
            lifetime: 2,
            max: 1,
        },
        EngineError::ClockOverflow(ClockOverflow::Lifetime),
        EngineError::InvalidKeyPackage(s()),
        EngineError::WrongOwner {
            publisher: s(),
            credential: s(),
        },
        EngineError::Duplicate {
            kp_ref: KeyPackageRef::default(),
        },
        EngineError::BatchRefused,
        EngineError::NotRegistered(s()),
        EngineError::NoKeyPackageAvailable {
            owner: s(),
            suite: Suite::DEFAULT,
        },
        EngineError::CiphersuiteMismatch { detail: s() },
        EngineError::NoMatchingKeyPackage { reason: s() },
        EngineError::NoPendingWelcome(s()),
        EngineError::NoWelcomeToResend(s()),
        EngineError::DsUnavailable,
        EngineError::DsUnreachable {
            url: s(),
            reason: s(),
        },
        EngineError::DsRefused {
            code: s(),
            message: s(),
            rule: None,
        },
        EngineError::TeacherOnly(s()),
        EngineError::InternalError {
            what: s(),
            detail: s(),
        },
        EngineError::ExpectationFailed(s()),
        EngineError::FaultUnchanged {
            fault: s(),
            on: true,
        },
        EngineError::NothingHeld,
        EngineError::ClaimRateLimited {
            claimer: s(),
            owner: s(),
            limit: 1,
            window: s(),
            retry_in: s(),
        },
        EngineError::InvalidPolicy(s()),
        EngineError::CannotRead {
            path: s(),
            reason: s(),
        },
        EngineError::CannotWrite {
            path: s(),
            reason: crate::engine::file::WriteProblem::Exists,
        },
        EngineError::WrongMessage {
            path: s(),
            expected: s(),
            found: s(),
        },
        EngineError::NoWelcomeSent(s()),
        EngineError::ExternalClient {
            client: s(),
            action: s(),
        },
    ]
}

/// Whether a variant's code is fixed (listed in `CODES`) or OpenMLS's own.
fn has_fixed_code(error: &EngineError) -> bool {
    match error {
        EngineError::Join { .. } | EngineError::Mls { .. } => false,
        EngineError::Usage(_)
        | EngineError::UnknownClient(_)
        | EngineError::ClientExists(_)
        | EngineError::InvalidName(_)
        | EngineError::UnknownGroup { .. }
        | EngineError::GroupAlreadyExists { .. }
        | EngineError::GroupNameTaken { .. }
        | EngineError::UnknownGroupId(_)
        | EngineError::NotGroupMember { .. }
        | EngineError::GroupIdInUse { .. }
        | EngineError::AlreadyMember { .. }
        | EngineError::AlreadyInGroup { .. }
        | EngineError::CannotAddSelf(_)
        | EngineError::MemberNamedTwice(_)
        | EngineError::ClaimOwnKeyPackage(_)
        | EngineError::NoBundle { .. }
        | EngineError::UnknownWelcome(_)
        | EngineError::UnknownKeyPackage { .. }
        | EngineError::AmbiguousKeyPackage { .. }
        | EngineError::UnsupportedCiphersuite { .. }
        | EngineError::Malformed { .. }
        | EngineError::BadSignature(_)
        | EngineError::UnsupportedExtension { .. }
        | EngineError::UnsupportedCredential { .. }
        | EngineError::PolicyRefused { .. }
        | EngineError::WelcomeDropped { .. }
        | EngineError::WelcomeHeld { .. }
        | EngineError::Expired { .. }
        | EngineError::NotYetValid { .. }
        | EngineError::LifetimeTooLong { .. }
        | EngineError::ClockOverflow(_)
        | EngineError::InvalidKeyPackage(_)
        | EngineError::WrongOwner { .. }
        | EngineError::Duplicate { .. }
        | EngineError::BatchRefused
        | EngineError::NotRegistered(_)
        | EngineError::NoKeyPackageAvailable { .. }
        | EngineError::CiphersuiteMismatch { .. }
        | EngineError::NoMatchingKeyPackage { .. }
        | EngineError::NoPendingWelcome(_)
        | EngineError::NoWelcomeToResend(_)
        | EngineError::DsUnavailable
        | EngineError::DsUnreachable { .. }
        | EngineError::DsRefused { .. }
        | EngineError::TeacherOnly(_)
        | EngineError::InternalError { .. }
        | EngineError::ExpectationFailed(_)
        | EngineError::FaultUnchanged { .. }
        | EngineError::NothingHeld
        | EngineError::ClaimRateLimited { .. }
        | EngineError::InvalidPolicy(_)
        | EngineError::CannotRead { .. }
        | EngineError::CannotWrite { .. }
        | EngineError::WrongMessage { .. }
        | EngineError::NoWelcomeSent(_)
        | EngineError::ExternalClient { .. } => true,
    }
}

#[test]
fn codes_lists_every_fixed_code_once() {
    let mut from_samples: Vec<String> = samples()
        .iter()
        .filter(|e| has_fixed_code(e))
        .map(|e| e.code().to_string())
        .collect();
    from_samples.sort();
    from_samples.dedup();
    let mut listed: Vec<String> = EngineError::CODES.iter().map(|c| c.to_string()).collect();
    listed.sort();
    let before = listed.len();
    listed.dedup();
    assert_eq!(before, listed.len(), "a code is listed twice");
    assert_eq!(from_samples, listed);
}
