//! The lab DS's policies that key packages are judged against beside RFC 9420
//! and OpenMLS (`ds policy max-lifetime|key-encoding|grease`): a value the DS
//! holds and `inspect` is given, so both judge the same bytes the same way.

use serde::Serialize;

/// The longest key package lifetime the DS accepts by default, counted from the
/// lab's now: 13 weeks. RFC 9420 leaves the maximum to the application, as
/// OpenMLS does (openmls issue 1379).
pub const DEFAULT_MAX_LIFETIME_SECS: u64 = 13 * 7 * 86_400;

/// How the DS treats public keys that are not encoded as RFC 9420 §5.1.1 and
/// RFC 9180 §7.1.1 encode them (elliptic-curve points uncompressed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyEncoding {
    /// Refuse a key that is not its suite's encoding (the default).
    Strict,
    /// Accept any key OpenMLS accepts (a compressed P-256 signature key verifies).
    Lenient,
}

/// How the DS treats GREASE values (RFC 9420 §13.5) where OpenMLS accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grease {
    /// Accept them in capabilities lists, as the RFC asks (the default).
    Allow,
    /// Refuse any package that carries one anywhere.
    Refuse,
}

/// The DS's policies for key packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// `ds policy max-lifetime`: the longest `not_after - now`, in seconds;
    /// `None` when lifted (`off`).
    pub max_lifetime: Option<u64>,
    /// `ds policy key-encoding strict|lenient`.
    pub key_encoding: KeyEncoding,
    /// `ds policy grease allow|refuse`.
    pub grease: Grease,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            max_lifetime: Some(DEFAULT_MAX_LIFETIME_SECS),
            key_encoding: KeyEncoding::Strict,
            grease: Grease::Allow,
        }
    }
}

impl Policy {
    /// Whether this is the policy a fresh DS starts with.
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl KeyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            Self::Strict => "strict",
            Self::Lenient => "lenient",
        }
    }
}

impl Grease {
    pub fn name(self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::Refuse => "refuse",
        }
    }
}

/// `max-lifetime 13w, key-encoding strict, grease allow`.
impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.max_lifetime {
            Some(secs) => write!(
                f,
                "max-lifetime {}",
                crate::domain::LabDuration::from_secs(secs)
            )?,
            None => write!(f, "max-lifetime off")?,
        }
        write!(
            f,
            ", key-encoding {}, grease {}",
            self.key_encoding.name(),
            self.grease.name()
        )
    }
}
