//! Who a request is about: the identity with its token (the identity itself,
//! [`ClientId`], is a domain value), the address a claim comes from, and how much mail
//! one answer may carry.

use std::fmt;
use std::net::IpAddr;

pub use crate::domain::{BadClientId, ClientId};
use crate::serve::wire::AuthToken;

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
