//! The auth token the DS issues at registration: a bearer secret that proves a
//! client may publish for, and take the mail of, its identity.

use std::fmt;

use subtle::ConstantTimeEq;
use tls_codec::{TlsDeserialize, TlsSerialize, TlsSize};

use super::WireMessage;

/// `struct { opaque token<V>; } AuthToken` (ds-lib's `messages::AuthToken`).
#[derive(Clone, TlsSize, TlsSerialize, TlsDeserialize)]
pub struct AuthToken {
    token: Vec<u8>,
}

impl AuthToken {
    /// The length of the tokens this DS issues (as the sample does).
    pub const LEN: usize = 32;

    /// A fresh token from the operating system's random source.
    pub fn random() -> Result<Self, getrandom::Error> {
        let mut token = vec![0u8; Self::LEN];
        getrandom::fill(&mut token)?;
        Ok(Self { token })
    }

    /// A token as a client sent it (any length; only an issued one matches).
    pub fn from_bytes(token: Vec<u8>) -> Self {
        Self { token }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.token
    }
}

/// Compared in constant time: a timing side channel must not leak a token.
impl PartialEq for AuthToken {
    fn eq(&self, other: &Self) -> bool {
        self.token.ct_eq(&other.token).into()
    }
}

impl Eq for AuthToken {}

/// Never printed: logs and error messages must not carry a secret.
impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthToken(<{} bytes>)", self.token.len())
    }
}

impl WireMessage for AuthToken {
    const NAME: &'static str = "AuthToken";
}

#[cfg(test)]
mod tests {
    use super::super::checks::*;
    use super::super::{decode, WireError};
    use super::*;

    #[test]
    fn a_32_byte_token_is_a_one_byte_length_then_the_bytes() {
        let token = AuthToken::from_bytes(vec![7; 32]);
        let bytes = round_trips(&token);
        let mut expected = vec![0x20];
        expected.extend([7; 32]);
        assert_eq!(bytes, expected);
        refuses_truncated_and_trailing::<AuthToken>(&bytes);
    }

    #[test]
    fn a_token_of_64_bytes_or_more_takes_a_two_byte_length() {
        // RFC 9000 §16: 0x40 marks a 2-byte length; 100 = 0x0064.
        let bytes = round_trips(&AuthToken::from_bytes(vec![1; 100]));
        assert_eq!(&bytes[..3], &[0x40, 0x64, 0x01]);
        assert_eq!(bytes.len(), 102);
    }

    #[test]
    fn a_length_in_more_bytes_than_needed_is_refused() {
        // 32 written as a 2-byte varint: valid QUIC, not minimal, so not MLS.
        let mut bytes = vec![0x40, 0x20];
        bytes.extend([7; 32]);
        assert!(matches!(
            decode::<AuthToken>(&bytes),
            Err(WireError::Malformed { .. })
        ));
    }

    #[test]
    fn random_tokens_differ_and_never_print() {
        let (a, b) = (AuthToken::random().unwrap(), AuthToken::random().unwrap());
        assert_eq!(a.as_bytes().len(), AuthToken::LEN);
        assert_ne!(a, b);
        assert_eq!(format!("{a:?}"), "AuthToken(<32 bytes>)");
    }
}
