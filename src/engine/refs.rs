//! [`KeyPackageRefHex`]: a key package reference (RFC 9420 §5.2) as the lab shows
//! it, full lowercase hex, with the one shortening every panel and message uses.

use std::fmt;

use openmls::prelude::KeyPackageRef;

/// A `KeyPackageRef` as full lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPackageRefHex(String);

impl KeyPackageRefHex {
    /// How many hex digits [`Self::short`] keeps.
    pub const SHORT: usize = 8;

    pub fn new(kp_ref: &KeyPackageRef) -> Self {
        Self(hex::encode(kp_ref.as_slice()))
    }

    /// From text already in hex (an event field); lowercased.
    pub fn from_hex(hex: &str) -> Self {
        Self(hex.to_ascii_lowercase())
    }

    /// The first 8 hex digits (or all, if shorter).
    pub fn short(&self) -> &str {
        short_hex(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The first 8 characters of a hex string (all of it if shorter), on a char
/// boundary whatever the input.
pub fn short_hex(hex: &str) -> &str {
    let end = hex
        .char_indices()
        .nth(KeyPackageRefHex::SHORT)
        .map_or(hex.len(), |(i, _)| i);
    &hex[..end]
}

impl fmt::Display for KeyPackageRefHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&KeyPackageRef> for KeyPackageRefHex {
    fn from(kp_ref: &KeyPackageRef) -> Self {
        Self::new(kp_ref)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keeps_eight_digits_and_never_splits_a_char() {
        let full = KeyPackageRefHex::from_hex("ABCDEF0123456789");
        assert_eq!(full.as_str(), "abcdef0123456789");
        assert_eq!(full.short(), "abcdef01");
        assert_eq!(full.to_string(), "abcdef0123456789");
        assert_eq!(short_hex("abc"), "abc");
        assert_eq!(short_hex("ééééééééé"), "éééééééé");
        assert_eq!(short_hex(""), "");
    }
}
