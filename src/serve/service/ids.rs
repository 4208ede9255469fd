//! Who a request is about: a client's identity (as the path names it), the
//! identity with its token, the address a claim comes from, and how much mail
//! one answer may carry.

use std::fmt;
use std::net::IpAddr;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

use crate::serve::wire::AuthToken;

/// URL-safe base64, padded when written (as the cli writes it), padding optional
/// when read.
const PATH_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An identity the DS cannot take: empty, too long, or a path segment that is not
/// URL-safe base64 (the DS answers it as [`super::DsError::BadClientId`]).
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

/// An identity with the token that is to prove it.
#[derive(Debug, Clone)]
pub struct ClientAuth {
    pub client: ClientId,
    pub token: AuthToken,
}

/// Where an unauthenticated claim comes from, for the claim limit: the contract
/// gives a claimer no identity. IPv6 peers count by their /64, which one host
/// can fill with addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimerAddress(IpAddr);

impl ClaimerAddress {
    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(_) => Self(address),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Self(IpAddr::V6(prefix.into()))
                }
            },
        }
    }

    pub fn address(&self) -> IpAddr {
        self.0
    }
}

impl fmt::Display for ClaimerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

/// How many bytes of messages one answer may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailBudget {
    pub max_bytes: usize,
}

impl MailBudget {
    /// How many of `sizes` (oldest first) fit: the longest prefix, so mail is
    /// never reordered. The routes refuse any single message larger than an
    /// answer can carry, so a mailbox always makes progress.
    pub fn fitting_prefix(&self, sizes: impl IntoIterator<Item = usize>) -> usize {
        let mut used = 0usize;
        let mut count = 0;
        for size in sizes {
            match used.checked_add(size) {
                Some(total) if total <= self.max_bytes => {
                    used = total;
                    count += 1;
                }
                _ => break,
            }
        }
        count
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
    fn ipv6_claimers_count_by_their_64_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(ClaimerAddress::of(a), ClaimerAddress::of(b));
        assert_ne!(ClaimerAddress::of(a), ClaimerAddress::of(c));
        assert_eq!(ClaimerAddress::of(a).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(ClaimerAddress::of(mapped).to_string(), "192.0.2.7");
    }

    #[test]
    fn a_budget_takes_the_longest_prefix_that_fits() {
        let budget = MailBudget { max_bytes: 10 };
        assert_eq!(budget.fitting_prefix([4, 6, 1]), 2);
        assert_eq!(budget.fitting_prefix([11, 1]), 0);
        assert_eq!(budget.fitting_prefix([]), 0);
        assert_eq!(budget.fitting_prefix([usize::MAX, 1]), 0);
    }
}
