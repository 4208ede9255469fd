//! Decoding a body exactly (no byte missing, none left over) and encoding an
//! answer, with the reason a body is refused as a typed error.
//!
//! Decoding goes through `tls_codec::Deserialize` (a reader) on purpose: in
//! tls_codec 0.5.0 the slice decoder (`DeserializeBytes`) of a variable-length
//! byte vector hits a `debug_assert` on truncated input, so a debug build would
//! panic on a short body; the reader bounds every read and reports
//! `EndOfStream`. The wire types therefore derive no `TlsDeserializeBytes`.

use tls_codec::{Deserialize, Serialize, Size};

/// A type that travels as a whole request or response body.
pub trait WireMessage: Deserialize + Serialize + Size {
    /// Its name in the contract, for error messages.
    const NAME: &'static str;
}

/// Why bytes are not a valid body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The body ends inside the value.
    #[error("the {what} is truncated: the body ends inside it")]
    Truncated { what: &'static str },
    /// A whole value, then more bytes.
    #[error("{extra} bytes follow the {what}")]
    Trailing { what: &'static str, extra: usize },
    /// Bytes that are not a value of this type (a bad length, an unknown enum value).
    #[error("the {what} is malformed: {reason}")]
    Malformed { what: &'static str, reason: String },
    /// An answer that cannot be encoded (a length over its prefix's range).
    #[error("the {what} cannot be encoded: {reason}")]
    Unencodable { what: &'static str, reason: String },
}

impl WireError {
    /// A stable code for error bodies and the event log.
    pub fn code(&self) -> &'static str {
        match self {
            WireError::Truncated { .. } => "truncated",
            WireError::Trailing { .. } => "trailing_bytes",
            WireError::Malformed { .. } => "malformed",
            WireError::Unencodable { .. } => "unencodable",
        }
    }
}

/// Decodes `bytes` as one `T`, refusing a body that ends early or goes on after it.
pub fn decode<T: WireMessage>(bytes: &[u8]) -> Result<T, WireError> {
    let what = T::NAME;
    let mut rest = bytes;
    match T::tls_deserialize(&mut rest) {
        Ok(value) if rest.is_empty() => Ok(value),
        Ok(_) => Err(WireError::Trailing {
            what,
            extra: rest.len(),
        }),
        Err(tls_codec::Error::EndOfStream) => Err(WireError::Truncated { what }),
        Err(error) => Err(WireError::Malformed {
            what,
            reason: error.to_string(),
        }),
    }
}

/// Encodes a value as a body.
pub fn encode<T: WireMessage>(value: &T) -> Result<Vec<u8>, WireError> {
    value
        .tls_serialize_detached()
        .map_err(|error| WireError::Unencodable {
            what: T::NAME,
            reason: error.to_string(),
        })
}

#[cfg(test)]
pub(super) mod checks {
    //! The three checks every wire type's tests run.

    use super::*;
    use std::fmt::Debug;

    /// Encodes, decodes, and compares both the value and the bytes again.
    pub fn round_trips<T: WireMessage + PartialEq + Debug>(value: &T) -> Vec<u8> {
        let bytes = encode(value).expect("encodes");
        assert_eq!(
            bytes.len(),
            value.tls_serialized_len(),
            "size of {}",
            T::NAME
        );
        let decoded: T = decode(&bytes).expect("decodes");
        assert_eq!(&decoded, value, "{} round trip", T::NAME);
        assert_eq!(encode(&decoded).expect("encodes again"), bytes);
        bytes
    }

    /// Every proper prefix is `Truncated`, and one byte more is `Trailing`.
    pub fn refuses_truncated_and_trailing<T: WireMessage + Debug>(bytes: &[u8]) {
        for cut in 0..bytes.len() {
            assert_eq!(
                decode::<T>(&bytes[..cut]).map(|_| ()),
                Err(WireError::Truncated { what: T::NAME }),
                "{} cut at {cut} of {}",
                T::NAME,
                bytes.len()
            );
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert_eq!(
            decode::<T>(&longer).map(|_| ()),
            Err(WireError::Trailing {
                what: T::NAME,
                extra: 1
            })
        );
    }
}
