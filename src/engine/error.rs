//! Typed errors. Each has a stable [`EngineError::code`] ([`ErrorCode`], in
//! `code`) that scenario files match with `expect error CODE` and that the JSON
//! transcript carries as `error`.

mod code;

pub use code::ErrorCode;

use openmls::prelude::KeyPackageVerifyError;
use openmls::treesync::errors::LifetimeError;

use super::file::{FileError, WriteProblem};
use crate::domain::{ClockOverflow, KeyPackageRef, NameError, Suite};

/// Everything that can go wrong in the lab. A failed operation changes no state
/// beyond what the protocol itself defines (OpenMLS deletes a normal private bundle
/// as soon as a Welcome names it, even if the join then fails: RFC 9420 §12.4.3.1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// A command that parses but is used wrongly.
    #[error("{0}")]
    Usage(String),
    #[error("no client named '{0}'")]
    UnknownClient(String),
    #[error("a client named '{0}' exists already")]
    ClientExists(String),
    /// A client or group name that breaks the one rule for names (domain::name).
    #[error(transparent)]
    InvalidName(#[from] NameError),
    #[error("{client} is not a member of a group named '{group}'")]
    UnknownGroup { client: String, group: String },
    #[error("{client} already has a group named '{group}'")]
    GroupAlreadyExists { client: String, group: String },
    /// Group names are one namespace in the lab.
    #[error("a group named '{group}' exists already (created by {owner})")]
    GroupNameTaken { group: String, owner: String },
    /// A Commit names a `GroupId` the DS has no roster for.
    #[error("the Delivery Service knows no group with GroupId {0}")]
    UnknownGroupId(String),
    /// RFC 9750 §5.1 (the DS fans a Commit out to the group's members): a Commit
    /// from a client the DS does not list in the group it names.
    #[error("the Delivery Service routes only members' Commits: {client} is not in its roster of '{group}'")]
    NotGroupMember { client: String, group: String },
    /// A Welcome (from a file or another stack) whose `GroupId` is a group the DS
    /// routes already, for members the joiner is not among: a forged Welcome
    /// reusing a group's real `GroupId` would put a stranger in that group.
    #[error("{client} cannot join '{group}' from this Welcome: its GroupId is a group the Delivery Service routes already, and {client} is not in it")]
    GroupIdInUse { client: String, group: String },
    /// A Welcome for a group the joiner is already in (OpenMLS: GroupAlreadyExists).
    #[error("{client} is already a member of '{group}'; {bundle}")]
    AlreadyMember {
        client: String,
        group: String,
        bundle: String,
    },
    #[error("{member} is already in '{group}'")]
    AlreadyInGroup { member: String, group: String },
    #[error("{0} cannot add itself: it is in the group already")]
    CannotAddSelf(String),
    #[error("{0} is named twice")]
    MemberNamedTwice(String),
    /// A client never claims its own key package: it would join its own group.
    #[error("{0} cannot claim its own key package")]
    ClaimOwnKeyPackage(String),
    #[error("{client}'s private bundle for {} is not in storage", kp_ref.short())]
    NoBundle {
        client: String,
        kp_ref: KeyPackageRef,
    },
    #[error("no Welcome behind event #{0}")]
    UnknownWelcome(u64),
    #[error("{client} has no key package matching '{selector}'")]
    UnknownKeyPackage { client: String, selector: String },
    #[error("'{selector}' matches several of {client}'s key packages: give more hex digits")]
    AmbiguousKeyPackage { client: String, selector: String },
    #[error(
        "ciphersuite {suite} is not supported by this crypto provider (clients here use 1, 2 or 3)"
    )]
    UnsupportedCiphersuite { suite: Suite },
    /// Bytes that do not decode (RFC 9420 §6: exactly one encoded structure).
    #[error("malformed {what}: {detail}")]
    Malformed { what: String, detail: String },
    /// RFC 9420 §10.1: the key package or leaf node signature does not verify.
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// RFC 9420 §10.1: an extension not listed in the leaf's capabilities, typically a
    /// last-resort package (draft-ietf-mls-extensions) built without the LastResort
    /// capability.
    #[error("unsupported extension: {detail}")]
    UnsupportedExtension { detail: String },
    /// A credential type the leaf's capabilities do not list, or one the lab's
    /// clients do not support (RFC 9420 §7.3): the adder's OpenMLS refuses it.
    #[error("unsupported credential: {detail}")]
    UnsupportedCredential { detail: String },
    /// A DS policy (`ds policy key-encoding|grease`) refuses the key package.
    #[error("refused by the DS's {policy} policy: {detail}")]
    PolicyRefused { policy: String, detail: String },
    /// RFC 9420 §10.1: lifetime.not_after is in the past.
    #[error("expired key package: {}", crate::domain::relative(*now, *not_after))]
    Expired { not_after: u64, now: u64 },
    /// RFC 9420 §10.1: lifetime.not_before is in the future.
    #[error("key package not yet valid: valid in {}", crate::domain::approximate(not_before.saturating_sub(*now)))]
    NotYetValid { not_before: u64, now: u64 },
    /// The DS's own rule: a lifetime longer than its maximum (openmls issue 1379).
    #[error("lifetime too long: the key package is valid for {lifetime}s from now, the DS accepts at most {max}s")]
    LifetimeTooLong { lifetime: u64, max: u64 },
    /// The lab clock cannot move that far, or a lifetime cannot end that late.
    #[error(transparent)]
    ClockOverflow(#[from] ClockOverflow),
    /// RFC 9420 §10.1 (other checks: version, init key = encryption key, lifetime missing).
    #[error("invalid key package: {0}")]
    InvalidKeyPackage(String),
    /// RFC 9750 §5.1: a DS accepts key packages only from their owner.
    #[error(
        "wrong owner: {publisher} may not publish a key package whose credential is '{credential}'"
    )]
    WrongOwner {
        publisher: String,
        credential: String,
    },
    #[error("duplicate: key package {kp_ref} was published already")]
    Duplicate { kp_ref: KeyPackageRef },
    /// The DS takes a batch of uploads whole or not at all: another upload of
    /// the same batch was refused.
    #[error("not published: the Delivery Service takes a batch whole, and it refused another upload of this one")]
    BatchRefused,
    #[error("{0} is not registered at the Delivery Service")]
    NotRegistered(String),
    /// RFC 9420 §16.8: no fresh key package and no last-resort package for this suite.
    #[error("no key package available for {owner} in ciphersuite {suite}")]
    NoKeyPackageAvailable { owner: String, suite: Suite },
    /// RFC 9420 §12.1.1: the key package's suite differs from the group's.
    #[error("ciphersuite mismatch: {detail}")]
    CiphersuiteMismatch { detail: String },
    /// RFC 9420 §12.4.3.1: no `new_member` of the Welcome has a private bundle in storage.
    #[error("{reason}")]
    NoMatchingKeyPackage { reason: String },
    #[error("{0} has no pending Welcome")]
    NoPendingWelcome(String),
    #[error("there is no Welcome at the Delivery Service to {0}")]
    NoWelcomeToResend(String),
    /// Another error that OpenMLS reported while joining; `code` is its variant name.
    #[error("join failed: {detail}")]
    Join { code: ErrorCode, detail: String },
    /// Another OpenMLS failure; `code` is its variant name.
    #[error("{op} failed: {detail}")]
    Mls {
        op: String,
        code: ErrorCode,
        detail: String,
    },
    #[error("the Delivery Service is not running")]
    DsUnavailable,
    /// The lab's DS is a server (`--ds URL`) that cannot be reached.
    #[error("the Delivery Service at {url} cannot be reached: {reason}")]
    DsUnreachable { url: String, reason: String },
    /// The lab's DS is a server that refused the request with its own code;
    /// `rule` is the lab's code for the rule that refused it, when the server
    /// names one (a key package refused by the checklist), and is then this
    /// error's code, as the lab's own DS would give it.
    #[error("the Delivery Service refused: {message} ({code})")]
    DsRefused {
        code: String,
        message: String,
        rule: Option<ErrorCode>,
    },
    /// Faults, policies and the DS's clock belong to whoever runs the server.
    #[error("`{0}` changes the DS itself; on a shared DS (--ds URL) that is for whoever runs `mls-lab serve`")]
    TeacherOnly(String),
    /// A panic inside `what` (OpenMLS on bytes from outside, or a bug of the lab),
    /// contained: the command stopped there and the lab goes on.
    #[error("internal error in {what}: {detail} (the command stopped there; please report it)")]
    InternalError { what: String, detail: String },
    #[error("expectation failed: {0}")]
    ExpectationFailed(String),
    // Faults and policies of the DS (`ds fault`, `ds release`, `ds policy`, `pool`).
    #[error("the fault {fault} is {} already", if *on { "on" } else { "off" })]
    FaultUnchanged { fault: String, on: bool },
    #[error("the Delivery Service holds nothing to release")]
    NothingHeld,
    /// RFC 9750 §5.1: the DS limits how fast one claimer takes one owner's packages.
    #[error("{claimer} claimed {owner}'s key packages {limit} times within {window}: the DS refuses more for {retry_in}")]
    ClaimRateLimited {
        claimer: String,
        owner: String,
        limit: u32,
        window: String,
        retry_in: String,
    },
    #[error("{0}")]
    InvalidPolicy(String),
    // Export and import: bytes that leave or enter the lab through files.
    /// A file that cannot be read: missing, a directory, too large, unreadable.
    /// The path is shown with its control characters escaped.
    #[error("cannot read '{path}': {reason}")]
    CannotRead { path: String, reason: String },
    /// A file that cannot be written; no file was created or changed.
    #[error("cannot write '{path}': {reason}")]
    CannotWrite { path: String, reason: WriteProblem },
    /// A file holds another MLS message than the command reads.
    #[error("'{path}' holds {found}, not {expected}")]
    WrongMessage {
        path: String,
        expected: String,
        found: String,
    },
    /// `export-welcome`: the DS dropped the group's Welcome (`drop-welcome`).
    #[error("the DS dropped the Welcome to '{group}' (fault drop-welcome): no mailbox holds it, so there is nothing to export")]
    WelcomeDropped { group: String },
    /// `export-welcome`: the DS holds the group's Welcome (`hold-welcome`).
    #[error("the DS holds the Welcome to '{group}' until `ds release` (fault hold-welcome): no mailbox holds it yet")]
    WelcomeHeld { group: String },
    /// `export-welcome` for a group no Welcome was sent for.
    #[error("no Welcome was sent for a group named '{0}'")]
    NoWelcomeSent(String),
    /// An external client's private keys live in another MLS stack.
    #[error("{client} is an external client: its private keys are in another MLS stack, so it cannot {action} here (write its Welcome out with export-welcome)")]
    ExternalClient { client: String, action: String },
}

impl EngineError {
    /// The stable code of this error, e.g. `NoMatchingKeyPackage`.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Usage(_) => ErrorCode::Usage,
            Self::UnknownClient(_) => ErrorCode::UnknownClient,
            Self::ClientExists(_) => ErrorCode::ClientExists,
            Self::InvalidName(_) => ErrorCode::InvalidName,
            Self::UnknownGroup { .. } => ErrorCode::UnknownGroup,
            Self::GroupAlreadyExists { .. } => ErrorCode::GroupAlreadyExists,
            Self::UnknownKeyPackage { .. } => ErrorCode::UnknownKeyPackage,
            Self::UnknownWelcome(_) => ErrorCode::UnknownWelcome,
            Self::GroupNameTaken { .. } => ErrorCode::GroupNameTaken,
            Self::UnknownGroupId(_) => ErrorCode::UnknownGroupId,
            Self::NotGroupMember { .. } => ErrorCode::NotGroupMember,
            Self::GroupIdInUse { .. } => ErrorCode::GroupIdInUse,
            Self::AlreadyMember { .. } => ErrorCode::AlreadyMember,
            Self::AlreadyInGroup { .. } => ErrorCode::AlreadyInGroup,
            Self::CannotAddSelf(_) => ErrorCode::CannotAddSelf,
            Self::MemberNamedTwice(_) => ErrorCode::MemberNamedTwice,
            Self::ClaimOwnKeyPackage(_) => ErrorCode::ClaimOwnKeyPackage,
            Self::NoBundle { .. } => ErrorCode::NoBundle,
            Self::AmbiguousKeyPackage { .. } => ErrorCode::AmbiguousKeyPackage,
            Self::UnsupportedCiphersuite { .. } => ErrorCode::UnsupportedCiphersuite,
            Self::Malformed { .. } => ErrorCode::Malformed,
            Self::BadSignature(_) => ErrorCode::BadSignature,
            Self::UnsupportedExtension { .. } => ErrorCode::UnsupportedExtension,
            Self::UnsupportedCredential { .. } => ErrorCode::UnsupportedCredential,
            Self::PolicyRefused { .. } => ErrorCode::PolicyRefused,
            Self::Expired { .. } => ErrorCode::Expired,
            Self::NotYetValid { .. } => ErrorCode::NotYetValid,
            Self::InvalidKeyPackage(_) => ErrorCode::InvalidKeyPackage,
            Self::LifetimeTooLong { .. } => ErrorCode::LifetimeTooLong,
            Self::ClockOverflow(_) => ErrorCode::ClockOverflow,
            Self::WrongOwner { .. } => ErrorCode::WrongOwner,
            Self::Duplicate { .. } => ErrorCode::Duplicate,
            Self::BatchRefused => ErrorCode::BatchRefused,
            Self::NotRegistered(_) => ErrorCode::NotRegistered,
            Self::NoKeyPackageAvailable { .. } => ErrorCode::NoKeyPackageAvailable,
            Self::CiphersuiteMismatch { .. } => ErrorCode::CiphersuiteMismatch,
            Self::NoMatchingKeyPackage { .. } => ErrorCode::NoMatchingKeyPackage,
            Self::NoPendingWelcome(_) => ErrorCode::NoPendingWelcome,
            Self::NoWelcomeToResend(_) => ErrorCode::NoWelcomeToResend,
            Self::DsUnavailable => ErrorCode::DsUnavailable,
            Self::DsUnreachable { .. } => ErrorCode::DsUnreachable,
            Self::DsRefused {
                rule: Some(rule), ..
            } => rule.clone(),
            Self::DsRefused { rule: None, .. } => ErrorCode::DsRefused,
            Self::TeacherOnly(_) => ErrorCode::TeacherOnly,
            Self::InternalError { .. } => ErrorCode::InternalError,
            Self::ExpectationFailed(_) => ErrorCode::ExpectationFailed,
            Self::FaultUnchanged { .. } => ErrorCode::FaultUnchanged,
            Self::NothingHeld => ErrorCode::NothingHeld,
            Self::ClaimRateLimited { .. } => ErrorCode::ClaimRateLimited,
            Self::InvalidPolicy(_) => ErrorCode::InvalidPolicy,
            Self::CannotRead { .. } => ErrorCode::CannotRead,
            Self::CannotWrite { .. } => ErrorCode::CannotWrite,
            Self::WrongMessage { .. } => ErrorCode::WrongMessage,
            Self::NoWelcomeSent(_) => ErrorCode::NoWelcomeSent,
            Self::WelcomeDropped { .. } => ErrorCode::WelcomeDropped,
            Self::WelcomeHeld { .. } => ErrorCode::WelcomeHeld,
            Self::ExternalClient { .. } => ErrorCode::ExternalClient,
            Self::Join { code, .. } | Self::Mls { code, .. } => code.clone(),
        }
    }

    /// Every code the lab lists ([`ErrorCode::LISTED`]), for `mls-lab explain`
    /// and the docs. `Join` and `Mls` carry OpenMLS's own variant names instead;
    /// a test keeps this list equal to the variants.
    pub const CODES: &'static [&'static str] = ErrorCode::LISTED;

    /// Wraps any other OpenMLS error, keeping its variant name as the code.
    pub fn mls(op: &str, error: impl std::fmt::Debug + std::fmt::Display) -> Self {
        Self::Mls {
            op: op.to_string(),
            code: ErrorCode::named(&variant_name(&error)),
            detail: plain_text(&error.to_string()),
        }
    }

    /// Wraps another OpenMLS error of a Welcome join, keeping its variant name as the code.
    pub fn join(error: impl std::fmt::Debug + std::fmt::Display) -> Self {
        Self::Join {
            code: ErrorCode::named(&variant_name(&error)),
            detail: plain_text(&error.to_string()),
        }
    }

    /// Maps the receiver-side validation errors of RFC 9420 §10.1.
    pub fn from_verify(error: KeyPackageVerifyError) -> Self {
        match error {
            KeyPackageVerifyError::InvalidSignature
            | KeyPackageVerifyError::InvalidLeafNodeSignature => {
                Self::BadSignature(plain_text(&error.to_string()))
            }
            KeyPackageVerifyError::UnsupportedExtension => Self::UnsupportedExtension {
                detail: "an extension of the key package is not listed in the leaf node's capabilities (OpenMLS KeyPackageIn::validate)".into(),
            },
            KeyPackageVerifyError::LifetimeError(LifetimeError::Expired { not_after, now }) => {
                Self::Expired { not_after, now }
            }
            KeyPackageVerifyError::LifetimeError(LifetimeError::NotValidYet {
                not_before,
                now,
            }) => Self::NotYetValid { not_before, now },
            other => Self::InvalidKeyPackage(plain_text(&other.to_string())),
        }
    }
}

/// The outermost enum variant name from a `Debug` rendering, e.g.
impl From<FileError> for EngineError {
    fn from(error: FileError) -> Self {
        match error {
            FileError::Read { path, reason } => Self::CannotRead { path, reason },
            FileError::Write { path, reason } => Self::CannotWrite { path, reason },
        }
    }
}

/// `NoMatchingKeyPackage` from `NoMatchingKeyPackage` or `LibraryError(..)`.
pub(crate) fn variant_name(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .filter(|s| !s.is_empty())
        .unwrap_or("Mls")
        .to_string()
}

/// OpenMLS's error texts are its rustdoc: ``[`GroupId`]`` and `` `x` `` read as
/// `GroupId` and `x` in a message meant for people (the code is said separately).
/// Every message taken from OpenMLS (or the TLS codec) goes through this where
/// its error is built, so nothing downstream cleans messages again.
pub(crate) fn plain_text(text: &str) -> String {
    text.replace("[`", "").replace("`]", "").replace('`', "")
}

#[cfg(test)]
mod plain_text_tests {
    use super::{plain_text, EngineError};

    #[test]
    fn rustdoc_markup_is_dropped() {
        assert_eq!(
            plain_text("no [`GroupId`] with `x` here"),
            "no GroupId with x here"
        );
        assert_eq!(plain_text("nothing to drop"), "nothing to drop");
    }

    /// Shaped like OpenMLS's errors: a variant name and a rustdoc message.
    #[derive(Debug)]
    enum Broken {
        MissingRatchetTree,
    }

    impl std::fmt::Display for Broken {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "no ratchet tree in the [`Welcome`]")
        }
    }

    #[test]
    fn openmls_texts_are_plain_where_the_error_is_built() {
        let error = EngineError::join(Broken::MissingRatchetTree);
        assert_eq!(
            error.to_string(),
            "join failed: no ratchet tree in the Welcome"
        );
        assert_eq!(error.code(), "MissingRatchetTree");
    }

    #[test]
    fn messages_do_not_repeat_their_code() {
        let errors = [
            EngineError::NoMatchingKeyPackage {
                reason: "bob's key package 1234abcd was already used".into(),
            },
            EngineError::mls("add_members", "the [`GroupId`] is unknown"),
            EngineError::join(Broken::MissingRatchetTree),
        ];
        for error in errors {
            let (code, text) = (error.code(), error.to_string());
            assert!(!text.contains(code.as_str()), "{text:?} repeats {code}");
            assert!(!text.contains('`'), "{text:?} keeps rustdoc markup");
        }
    }
}

/// Every variant against `CODES` (its own file: one sample of each variant).
#[cfg(test)]
mod codes_tests;
