//! The DS's changes as a store keeps them ([`Change`]): each mutation site of
//! the core records its own, in the order it made them, and the driver takes
//! them after every operation ([`DsCore::take_changes`]): the lab's task drops
//! them, the network server commits them before it answers.

use super::stored::{
    Change, DeliveryKind as StoredKind, StoredDelivery, StoredFault, StoredKeyPackage,
};
use super::{Delivery, DeliveryKind, DirectoryEntry, DsCore};
use crate::domain::{ClientId, Fault};
use crate::inspect::checks::policy::{Grease, KeyEncoding, Policy};

/// The names of the DS's settings in the store's `policies` table.
pub mod policy_names {
    /// `ds policy claim-limit`: `N/SECONDS`.
    pub const CLAIM_LIMIT: &str = "claim-limit";
    /// How far the lab's clock is ahead of the system's, in seconds.
    pub const CLOCK_OFFSET: &str = "clock-offset";
    /// The id the next delivery takes, so ids are never given twice.
    pub const NEXT_DELIVERY: &str = "next-delivery";
    /// `ds policy max-lifetime|key-encoding|grease`: `SECONDS|off/strict|lenient/allow|refuse`.
    pub const KEY_PACKAGES: &str = "key-packages";
}

/// The key package policy as the store keeps it ([`policy_names::KEY_PACKAGES`]).
pub(super) fn encode_key_package_policy(policy: &Policy) -> String {
    let lifetime = policy
        .max_lifetime
        .map_or_else(|| "off".to_string(), |secs| secs.to_string());
    let encoding = match policy.key_encoding {
        KeyEncoding::Strict => "strict",
        KeyEncoding::Lenient => "lenient",
    };
    let grease = match policy.grease {
        Grease::Allow => "allow",
        Grease::Refuse => "refuse",
    };
    format!("{lifetime}/{encoding}/{grease}")
}

/// The inverse of [`encode_key_package_policy`]; `None` for a value it never wrote.
pub(super) fn decode_key_package_policy(value: &str) -> Option<Policy> {
    let mut parts = value.split('/');
    let max_lifetime = match parts.next()? {
        "off" => None,
        secs => Some(secs.parse().ok()?),
    };
    let key_encoding = match parts.next()? {
        "strict" => KeyEncoding::Strict,
        "lenient" => KeyEncoding::Lenient,
        _ => return None,
    };
    let grease = match parts.next()? {
        "allow" => Grease::Allow,
        "refuse" => Grease::Refuse,
        _ => return None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Policy {
        max_lifetime,
        key_encoding,
        grease,
    })
}

impl DsCore {
    /// The changes made since the last call, in order: a request's set, to be
    /// applied all or none.
    pub fn take_changes(&mut self) -> Vec<Change> {
        if self.next_delivery != self.journal_next_delivery {
            self.journal_next_delivery = self.next_delivery;
            self.record(Change::SetPolicy {
                name: policy_names::NEXT_DELIVERY.into(),
                value: Some(self.next_delivery.to_string()),
            });
        }
        std::mem::take(&mut self.changes)
    }

    pub(super) fn record(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// A client's counters as they are now.
    pub(super) fn record_counters(&mut self, client: &ClientId) {
        if let Some(account) = self.accounts.get(client) {
            let change = Change::SetCounters {
                client: client.clone(),
                claims: account.claims,
                last_resort_reuses: account.last_resort_reuses,
            };
            self.record(change);
        }
    }

    pub(super) fn record_removed(&mut self, entry: &DirectoryEntry) {
        self.record(Change::RemoveKeyPackage {
            kp_ref: entry.kp_ref.as_slice().to_vec(),
        });
    }

    pub(super) fn record_delivery(
        &mut self,
        recipient: &ClientId,
        delivery: &Delivery,
        held_by: Option<Fault>,
    ) {
        self.record(Change::Deliver(StoredDelivery {
            id: delivery.id,
            recipient: recipient.clone(),
            sender: Some(delivery.from.clone()),
            kind: match delivery.kind {
                DeliveryKind::Welcome => StoredKind::Welcome,
                DeliveryKind::Commit => StoredKind::Handshake,
            },
            group_id: delivery.group_id.clone(),
            bytes: delivery.bytes.clone(),
            misbehaving: delivery.misbehaving,
            held_by: held_by.map(|fault| fault.to_string()),
        }));
    }

    pub(super) fn record_fault(&mut self, fault: Fault) {
        let stored = StoredFault {
            active: self.faults.is_on(fault),
            hits: self.faults.hits.get(&fault).copied().unwrap_or(0),
        };
        self.record(Change::SetFault {
            name: fault.to_string(),
            fault: stored,
        });
    }
}

/// A directory entry as the store keeps it.
pub(super) fn stored_package(owner: &ClientId, entry: &DirectoryEntry) -> StoredKeyPackage {
    StoredKeyPackage {
        kp_ref: entry.kp_ref.as_slice().to_vec(),
        owner: owner.clone(),
        ciphersuite: entry.ciphersuite.number(),
        last_resort: entry.last_resort,
        not_before: entry.not_before,
        not_after: entry.not_after,
        handouts: entry.handouts,
        bytes: entry.bytes.clone(),
    }
}

#[cfg(test)]
mod policy_tests {
    use super::*;

    #[test]
    fn every_key_package_policy_reads_back_as_written() {
        for max_lifetime in [None, Some(0), Some(86_400)] {
            for key_encoding in [KeyEncoding::Strict, KeyEncoding::Lenient] {
                for grease in [Grease::Allow, Grease::Refuse] {
                    let policy = Policy {
                        max_lifetime,
                        key_encoding,
                        grease,
                    };
                    let written = encode_key_package_policy(&policy);
                    assert_eq!(decode_key_package_policy(&written), Some(policy));
                }
            }
        }
        assert_eq!(decode_key_package_policy("1/strict/allow/x"), None);
        assert_eq!(decode_key_package_policy("soon/strict/allow"), None);
    }
}
