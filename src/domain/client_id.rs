//! A client's identity at the DS ([`ClientId`]): the bytes of its credential's
//! identity (a lab client's name is its UTF-8 identity), with the URL-safe base64
//! form OpenMLS's sample DS puts in paths.

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

/// URL-safe base64, padded when written (as the cli writes it), padding optional
/// when read.
const PATH_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An identity the DS cannot take: empty, too long, or a path segment that is not
/// URL-safe base64 (the server answers it as a bad request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad client id in the path: {0}")]
pub struct BadClientId(pub String);

/// The longest identity the DS accepts, in bytes.
pub const MAX_IDENTITY_LEN: usize = 1024;

/// A client's identity: the `BasicCredential` identity of its first key package.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId(Vec<u8>);

impl ClientId {
    pub fn new(identity: Vec<u8>) -> Result<Self, BadClientId> {
        if identity.is_empty() || identity.len() > MAX_IDENTITY_LEN {
            return Err(BadClientId(format!(
                "an identity has 1 to {MAX_IDENTITY_LEN} bytes, not {}",
                identity.len()
            )));
        }
        Ok(Self(identity))
    }

    /// The sender of what OpenMLS's sample DS contract sends without naming one
    /// (a Welcome, a group message); shown as `(network)`.
    pub fn anonymous() -> Self {
        Self(b"(network)".to_vec())
    }

    /// A lab client's identity: its name as UTF-8.
    pub fn from_name(name: &str) -> Result<Self, BadClientId> {
        Self::new(name.as_bytes().to_vec())
    }

    /// The `{id}` of a path: URL-safe base64 of the identity.
    pub fn from_path(segment: &str) -> Result<Self, BadClientId> {
        let identity = PATH_BASE64
            .decode(segment)
            .map_err(|error| BadClientId(format!("not URL-safe base64: {error}")))?;
        Self::new(identity)
    }

    /// The `{id}` the cli would put in a path for this identity.
    pub fn to_path(&self) -> String {
        PATH_BASE64.encode(&self.0)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// A lab client's name is its identity: `bob` is the identity `b"bob"`.
impl PartialEq<&str> for ClientId {
    fn eq(&self, name: &&str) -> bool {
        self.0 == name.as_bytes()
    }
}

/// Shown as text when it is UTF-8 (names are), as hex otherwise.
impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(name) if !name.chars().any(char::is_control) => f.write_str(name),
            _ => write!(f, "0x{}", hex::encode(&self.0)),
        }
    }
}

impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_id_reads_padded_or_not_and_writes_padded() {
        let bob = ClientId::new(b"bob!".to_vec()).unwrap();
        assert_eq!(bob.to_path(), "Ym9iIQ==");
        assert_eq!(ClientId::from_path("Ym9iIQ==").unwrap(), bob);
        assert_eq!(ClientId::from_path("Ym9iIQ").unwrap(), bob);
        // URL-safe: '-' and '_' where standard base64 has '+' and '/'.
        let odd = ClientId::new(vec![0xfb, 0xff]).unwrap();
        assert_eq!(odd.to_path(), "-_8=");
        assert_eq!(odd.to_string(), "0xfbff");
        assert!(matches!(ClientId::from_path("a+b/"), Err(BadClientId(_))));
        assert!(matches!(ClientId::from_path(""), Err(BadClientId(_))));
    }

    #[test]
    fn a_lab_name_is_its_utf8_identity() {
        let alice = ClientId::from_name("alice").unwrap();
        assert_eq!(alice.as_bytes(), b"alice");
        assert_eq!(alice.to_string(), "alice");
        assert!(ClientId::from_name("").is_err());
    }
}
