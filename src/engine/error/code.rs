//! [`ErrorCode`]: the stable code of every failure, as `expect error CODE`
//! matches it, the transcript carries it (`error`) and `mls-lab explain` lists
//! it. The lab's own codes are listed once, below; OpenMLS's other failures
//! keep the name of OpenMLS's own error variant.

use std::fmt;

use serde::{Serialize, Serializer};

/// Declares the codes once: the enum, its names and the list of them.
macro_rules! error_codes {
    ($($code:ident),* $(,)?) => {
        /// The stable code of a failure.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($code,)*
            /// Another OpenMLS failure, by the name of OpenMLS's own error variant
            /// (`ValidationError`, `MissingSigner`, …).
            OpenMls(String),
        }

        impl ErrorCode {
            /// Every code the lab lists (not OpenMLS's own), in the order
            /// `mls-lab explain` and the docs list them.
            pub const LISTED: &'static [&'static str] = &[$(stringify!($code)),*];

            /// The code's name, as written in scenarios and the transcript.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$code => stringify!($code),)*
                    Self::OpenMls(name) => name,
                }
            }

            /// The code with this exact name: one the lab lists, else OpenMLS's own.
            pub fn named(name: &str) -> Self {
                match name {
                    $(stringify!($code) => Self::$code,)*
                    other => Self::OpenMls(other.to_string()),
                }
            }
        }
    };
}

error_codes![
    Usage,
    UnknownClient,
    ClientExists,
    InvalidName,
    UnknownGroup,
    GroupAlreadyExists,
    GroupNameTaken,
    UnknownGroupId,
    NotGroupMember,
    GroupIdInUse,
    AlreadyMember,
    AlreadyInGroup,
    CannotAddSelf,
    MemberNamedTwice,
    ClaimOwnKeyPackage,
    NoBundle,
    UnknownWelcome,
    UnknownKeyPackage,
    AmbiguousKeyPackage,
    UnsupportedCiphersuite,
    Malformed,
    BadSignature,
    UnsupportedExtension,
    UnsupportedCredential,
    PolicyRefused,
    Expired,
    NotYetValid,
    LifetimeTooLong,
    ClockOverflow,
    InvalidKeyPackage,
    WrongOwner,
    Duplicate,
    BatchRefused,
    NotRegistered,
    NoKeyPackageAvailable,
    CiphersuiteMismatch,
    NoMatchingKeyPackage,
    NoPendingWelcome,
    NoWelcomeToResend,
    DsUnavailable,
    DsUnreachable,
    DsRefused,
    TeacherOnly,
    InternalError,
    ExpectationFailed,
    FaultUnchanged,
    NothingHeld,
    ClaimRateLimited,
    InvalidPolicy,
    CannotRead,
    CannotWrite,
    WrongMessage,
    NoWelcomeSent,
    WelcomeDropped,
    WelcomeHeld,
    ExternalClient,
];

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name, as the JSON transcript has always carried it.
impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The code with this name ([`ErrorCode::named`]).
impl From<&str> for ErrorCode {
    fn from(name: &str) -> Self {
        Self::named(name)
    }
}

/// A code is its name.
impl PartialEq<str> for ErrorCode {
    fn eq(&self, name: &str) -> bool {
        self.as_str() == name
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, name: &&str) -> bool {
        self.as_str() == *name
    }
}

impl PartialEq<String> for ErrorCode {
    fn eq(&self, name: &String) -> bool {
        self.as_str() == name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_to_their_code_and_serialize_as_themselves() {
        for name in ErrorCode::LISTED {
            let code = ErrorCode::named(name);
            assert!(!matches!(code, ErrorCode::OpenMls(_)), "{name}");
            assert_eq!(code.as_str(), *name);
            assert_eq!(code.to_string(), *name);
        }
        let openmls = ErrorCode::named("ValidationError");
        assert_eq!(openmls, ErrorCode::OpenMls("ValidationError".into()));
        assert_eq!(openmls, "ValidationError");
        assert_eq!(
            serde_json::to_string(&ErrorCode::NoMatchingKeyPackage)
                .ok()
                .as_deref(),
            Some("\"NoMatchingKeyPackage\"")
        );
    }
}
