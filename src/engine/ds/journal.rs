//! The DS's changes as a store keeps them ([`Change`]): each mutation site of
//! the core records its own, in the order it made them, and the driver takes
//! them after every operation ([`DsCore::take_changes`]): the lab's task drops
//! them, the network server commits them before it answers.

use super::stored::{
    Change, DeliveryKind as StoredKind, StoredDelivery, StoredFault, StoredKeyPackage,
};
use super::{Delivery, DeliveryKind, DirectoryEntry, DsCore};
use crate::domain::{ClientId, Fault};

/// The names of the DS's settings in the store's `policies` table.
pub mod policy_names {
    /// `ds policy claim-limit`: `N/SECONDS`.
    pub const CLAIM_LIMIT: &str = "claim-limit";
    /// How far the lab's clock is ahead of the system's, in seconds.
    pub const CLOCK_OFFSET: &str = "clock-offset";
    /// The id the next delivery takes, so ids are never given twice.
    pub const NEXT_DELIVERY: &str = "next-delivery";
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
