//! The ciphersuite as a value (RFC 9420 §17.1): [`Suite`] is a registry number,
//! whether or not the lab's clients can use it, since the inspector and the DS
//! meet suites from other MLS stacks too. Which ones the lab supports and what
//! each is called are rules of the type.

use std::fmt;

use openmls::prelude::Ciphersuite;
use serde::{Deserialize, Serialize};

/// A ciphersuite by its registry number: one of the lab's ([`Self::is_supported`])
/// or a foreign one, as a key package or Welcome from elsewhere names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Suite(u16);

impl Suite {
    /// `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519`, what every verb uses unless
    /// told otherwise.
    pub const DEFAULT: Suite = Suite(1);

    pub const fn new(number: u16) -> Self {
        Self(number)
    }

    /// The registry number.
    pub const fn number(self) -> u16 {
        self.0
    }

    /// Whether the lab's clients can use it: 1, 2 and 3, the suites
    /// openmls_rust_crypto implements.
    pub fn is_supported(self) -> bool {
        self.ciphersuite().is_some()
    }

    /// The OpenMLS ciphersuite, for a suite the lab supports.
    pub fn ciphersuite(self) -> Option<Ciphersuite> {
        match self.0 {
            1 => Some(Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519),
            2 => Some(Ciphersuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256),
            3 => Some(Ciphersuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519),
            _ => None,
        }
    }

    /// Its registered name (RFC 9420 §17.1), `None` for an unassigned number.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519",
            2 => "MLS_128_DHKEMP256_AES128GCM_SHA256_P256",
            3 => "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
            4 => "MLS_256_DHKEMX448_AES256GCM_SHA512_Ed448",
            5 => "MLS_256_DHKEMP521_AES256GCM_SHA512_P521",
            6 => "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448",
            7 => "MLS_256_DHKEMP384_AES256GCM_SHA384_P384",
            _ => return None,
        })
    }
}

impl Default for Suite {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl From<Ciphersuite> for Suite {
    fn from(ciphersuite: Ciphersuite) -> Self {
        Self(u16::from(ciphersuite))
    }
}

/// The registry number, as `--suite N` takes it and the transcript shows it.
impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A suite is its registry number.
impl PartialEq<u16> for Suite {
    fn eq(&self, number: &u16) -> bool {
        self.0 == *number
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lab_supports_one_to_three_and_names_every_registered_suite() {
        for n in 1..=3 {
            let suite = Suite::new(n);
            assert!(suite.is_supported(), "{n}");
            assert_eq!(suite.ciphersuite().map(Suite::from), Some(suite));
        }
        for n in [0, 4, 7, 0xf0f0] {
            assert!(!Suite::new(n).is_supported(), "{n}");
        }
        assert_eq!(
            Suite::new(7).name(),
            Some("MLS_256_DHKEMP384_AES256GCM_SHA384_P384")
        );
        assert_eq!(Suite::new(8).name(), None);
        assert_eq!(Suite::DEFAULT.to_string(), "1");
        assert_eq!(
            serde_json::to_string(&Suite::new(2)).ok().as_deref(),
            Some("2")
        );
    }
}
