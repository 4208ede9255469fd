//! [`KeyPackageRef`]: a key package reference (RFC 9420 §5.2) as the one value
//! every layer passes around, from the DS's directory to the events, the views,
//! the worker's requests and the panels. Its bytes are the hash; it reads as full
//! lowercase hex ([`Display`](std::fmt::Display), serde) and is shortened one
//! way only ([`KeyPackageRef::short`]).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use tls_codec::{Deserialize as _, Serialize as _};

/// A key package reference: `RefHash("MLS 1.0 KeyPackage Reference", KeyPackage)`,
/// 32 bytes for the lab's suites (a foreign suite's hash may be longer).
/// References compare and sort by their bytes, as their hex does.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct KeyPackageRef(Vec<u8>);

impl KeyPackageRef {
    /// How many hex digits [`Self::short`] keeps.
    pub const SHORT: usize = 8;

    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// From hex text (either case), e.g. a reference a file or a user wrote.
    pub fn from_hex(text: &str) -> Result<Self, hex::FromHexError> {
        hex::decode(text).map(Self)
    }

    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// The first 8 hex digits, as every panel and message shows a reference.
    pub fn short(&self) -> String {
        let bytes = self.0.get(..Self::SHORT / 2).unwrap_or(&self.0);
        hex::encode(bytes)
    }

    /// Whether the full hex starts with `prefix` (lowercase hex digits), the
    /// way a user names one of several references.
    pub fn starts_with_hex(&self, prefix: &str) -> bool {
        if !prefix
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return false;
        }
        let whole = prefix.len() / 2;
        let Some(head) = self.0.get(..whole) else {
            return false;
        };
        let (even, odd) = prefix.split_at(2 * whole);
        if hex::encode(head) != even {
            return false;
        }
        match odd.chars().next() {
            None => true,
            Some(last) => self
                .0
                .get(whole)
                .is_some_and(|byte| char::from_digit(u32::from(byte >> 4), 16) == Some(last)),
        }
    }

    /// The OpenMLS reference with these bytes, to look a key package up in a
    /// provider's storage. OpenMLS builds references only by hashing, so this goes
    /// through its encoding, a TLS `opaque<V>`; `None` only if that fails.
    pub fn to_openmls(&self) -> Option<openmls::prelude::KeyPackageRef> {
        let encoded = tls_codec::VLBytes::new(self.0.clone())
            .tls_serialize_detached()
            .ok()?;
        openmls::prelude::KeyPackageRef::tls_deserialize_exact(encoded.as_slice()).ok()
    }
}

impl From<&openmls::prelude::KeyPackageRef> for KeyPackageRef {
    fn from(kp_ref: &openmls::prelude::KeyPackageRef) -> Self {
        Self(kp_ref.as_slice().to_vec())
    }
}

impl From<openmls::prelude::KeyPackageRef> for KeyPackageRef {
    fn from(kp_ref: openmls::prelude::KeyPackageRef) -> Self {
        Self::from(&kp_ref)
    }
}

/// The same reference, as OpenMLS holds it.
impl PartialEq<openmls::prelude::KeyPackageRef> for KeyPackageRef {
    fn eq(&self, other: &openmls::prelude::KeyPackageRef) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<KeyPackageRef> for openmls::prelude::KeyPackageRef {
    fn eq(&self, other: &KeyPackageRef) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// Full lowercase hex.
impl fmt::Display for KeyPackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

/// As its hex text is debugged, so that a reference reads the same in any dump.
impl fmt::Debug for KeyPackageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_string(), f)
    }
}

/// A JSON string of full lowercase hex, as the transcript has always carried it.
impl Serialize for KeyPackageRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for KeyPackageRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reference as OpenMLS computes one (RFC 9420 §5.2's label) over `value`.
    fn openmls_ref(value: &[u8]) -> openmls::prelude::KeyPackageRef {
        openmls::prelude::KeyPackageRef::new(
            value,
            openmls::prelude::Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
            &openmls_rust_crypto::RustCrypto::default(),
            b"MLS 1.0 KeyPackage Reference",
        )
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn openmls_references_convert_with_their_bytes_and_compare_by_them() {
        let (one, other) = (openmls_ref(b"one"), openmls_ref(b"other"));
        let ours = KeyPackageRef::from(one.clone());
        assert_eq!(ours.as_slice(), one.as_slice());
        assert_eq!(KeyPackageRef::from(&one), ours);
        // Each side of the comparison is its own impl.
        assert_eq!(ours, one);
        assert_eq!(one, ours);
        assert_ne!(ours, other);
        assert_ne!(other, ours);
    }

    #[test]
    fn hex_both_ways_and_one_shortening() {
        let kp_ref = KeyPackageRef::from_hex("ABCDEF0123456789").unwrap();
        assert_eq!(kp_ref.to_string(), "abcdef0123456789");
        assert_eq!(kp_ref.short(), "abcdef01");
        assert_eq!(KeyPackageRef::from_bytes(vec![0xab]).short(), "ab");
        assert_eq!(KeyPackageRef::default().short(), "");
        assert!(KeyPackageRef::from_hex("abc").is_err());
        assert_eq!(format!("{kp_ref:?}"), "\"abcdef0123456789\"");
    }

    #[test]
    fn serde_is_the_hex_string() {
        let kp_ref = KeyPackageRef::from_bytes(vec![0x00, 0xff, 0x10]);
        let json = serde_json::to_string(&kp_ref).unwrap();
        assert_eq!(json, "\"00ff10\"");
        let back: KeyPackageRef = serde_json::from_str(&json).unwrap();
        assert_eq!(back, kp_ref);
        assert!(serde_json::from_str::<KeyPackageRef>("\"xyz\"").is_err());
    }

    #[test]
    fn prefixes_match_whole_and_half_bytes() {
        let kp_ref = KeyPackageRef::from_bytes(vec![0xab, 0xcd, 0xef]);
        for prefix in ["", "a", "ab", "abc", "abcd", "abcdef"] {
            assert!(kp_ref.starts_with_hex(prefix), "{prefix}");
        }
        for prefix in ["b", "ac", "abce", "abcdef0", "AB", "aé", "é"] {
            assert!(!kp_ref.starts_with_hex(prefix), "{prefix}");
        }
    }

    #[test]
    fn openmls_references_convert_both_ways() {
        let bytes: Vec<u8> = (0..32).collect();
        let kp_ref = KeyPackageRef::from_bytes(bytes.clone());
        let mls = kp_ref.to_openmls().expect("32 bytes encode");
        assert_eq!(mls.as_slice(), bytes.as_slice());
        assert_eq!(KeyPackageRef::from(&mls), kp_ref);
        assert_eq!(kp_ref, mls);
        assert_eq!(mls, kp_ref);
    }
}
