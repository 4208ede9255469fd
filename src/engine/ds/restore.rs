//! The DS rebuilt from what a store kept ([`StoredState`]): the inverse of the
//! changes its core records (`journal`), so a server restarted after a crash
//! answers as the one that acknowledged them did.

use super::faults::state::Held;
use super::journal::policy_names;
use super::state::{Account, Roster};
use super::stored::{DeliveryKind as StoredKind, StoredDelivery, StoredState};
use super::*;
use crate::domain::{ClientId, KeyPackageRef};

/// A stored state the DS cannot take up (a value this build does not know).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stored DS state cannot be restored: {0}")]
pub struct Unrestorable(pub String);

impl DsCore {
    /// The DS as `stored` describes it, on `clock` moved by the stored offset.
    pub fn from_stored(
        stored: StoredState,
        mut clock: LabClock,
        max_lifetime: LabDuration,
    ) -> Result<Self, Unrestorable> {
        let mut core = DsCore::new(clock, max_lifetime);
        for client in stored.clients {
            let account = Account {
                signature_keys: client.signature_keys,
                claims: client.claims,
                last_resort_reuses: client.last_resort_reuses,
                token: (client.token_digest != stored::TokenDigest::NONE)
                    .then_some(client.token_digest),
                ..Account::default()
            };
            core.accounts.insert(client.client, account);
        }
        for (kp_ref, owner) in stored.references {
            core.owners.insert(KeyPackageRef::from_bytes(kp_ref), owner);
        }
        for package in stored.directory {
            let account = core.account(&package.owner)?;
            let entry = DirectoryEntry {
                kp_ref: KeyPackageRef::from_bytes(package.kp_ref),
                bytes: package.bytes,
                ciphersuite: Suite::new(package.ciphersuite),
                last_resort: package.last_resort,
                handouts: package.handouts,
                not_before: package.not_before,
                not_after: package.not_after,
            };
            if entry.last_resort {
                account.last_resort.insert(entry.ciphersuite, entry);
            } else {
                account.normal.push_back(entry);
            }
        }
        for delivery in stored.mail {
            core.restore_delivery(delivery)?;
        }
        for (group_id, group) in stored.groups {
            let roster = Roster {
                label: group.label,
                members: group.members,
                epoch: group.epoch,
            };
            core.groups.insert(group_id, roster);
        }
        for (name, fault) in stored.faults {
            let parsed: Fault = name
                .parse()
                .map_err(|_| Unrestorable(format!("unknown fault {name}")))?;
            core.faults.set.set(parsed, fault.active);
            if fault.hits > 0 {
                core.faults.hits.insert(parsed, fault.hits);
            }
        }
        let policy = |name: &str| stored.policies.get(name).map(String::as_str);
        if let Some(limit) = policy(policy_names::CLAIM_LIMIT) {
            core.claim_log.set(Some(parse_claim_limit(limit)?));
        }
        if let Some(value) = policy(policy_names::KEY_PACKAGES) {
            core.policy = super::journal::decode_key_package_policy(value)
                .ok_or_else(|| Unrestorable(format!("key package policy {value}")))?;
        }
        if let Some(offset) = policy(policy_names::CLOCK_OFFSET) {
            let offset = number(offset)?;
            let by = offset.saturating_sub(clock.offset().as_secs());
            clock
                .advance(LabDuration::from_secs(by))
                .map_err(|error| Unrestorable(error.to_string()))?;
            core.clock = clock;
        }
        let next = policy(policy_names::NEXT_DELIVERY)
            .map(number)
            .transpose()?;
        let newest = core.faults.held.iter().flat_map(|h| h.ids.iter()).copied();
        let newest = core
            .accounts
            .values()
            .flat_map(|a| a.inbox.iter().map(|d| d.id))
            .chain(newest)
            .max()
            .unwrap_or(0);
        core.next_delivery = next.unwrap_or(0).max(newest);
        core.journal_next_delivery = core.next_delivery;
        for claim in stored.claims {
            core.claim_log
                .record(&claim.claimer, &claim.owner.to_string(), claim.at);
        }
        Ok(core)
    }

    fn account(&mut self, client: &ClientId) -> Result<&mut Account, Unrestorable> {
        self.accounts
            .get_mut(client)
            .ok_or_else(|| Unrestorable(format!("{client} has no account")))
    }

    /// A mailbox entry, or a held one back under its fault.
    fn restore_delivery(&mut self, stored: StoredDelivery) -> Result<(), Unrestorable> {
        let delivery = Delivery {
            id: stored.id,
            from: stored
                .sender
                .clone()
                .unwrap_or_else(|| stored.recipient.clone()),
            group_id: stored.group_id,
            kind: match stored.kind {
                StoredKind::Welcome => DeliveryKind::Welcome,
                StoredKind::Handshake | StoredKind::Application => DeliveryKind::Commit,
            },
            bytes: stored.bytes,
            misbehaving: stored.misbehaving,
        };
        let Some(fault) = stored.held_by else {
            self.account(&stored.recipient)?.inbox.push_back(delivery);
            return Ok(());
        };
        let fault: Fault = fault
            .parse()
            .map_err(|_| Unrestorable(format!("unknown fault {fault}")))?;
        // Copies of one held delivery sit side by side: one hold, many recipients.
        if let Some(last) = self.faults.held.last_mut() {
            let same = last.fault == fault
                && last.delivery.bytes == delivery.bytes
                && last.delivery.group_id == delivery.group_id;
            if same {
                last.recipients.push(stored.recipient);
                last.ids.push(stored.id);
                return Ok(());
            }
        }
        self.faults.held.push(Held {
            recipients: vec![stored.recipient],
            ids: vec![delivery.id],
            delivery,
            fault,
        });
        Ok(())
    }
}

fn number(text: &str) -> Result<u64, Unrestorable> {
    text.parse()
        .map_err(|_| Unrestorable(format!("{text} is not a number")))
}

/// `N/SECONDS`, as `journal` writes a claim limit.
fn parse_claim_limit(text: &str) -> Result<ClaimLimit, Unrestorable> {
    let (limit, per) = text
        .split_once('/')
        .ok_or_else(|| Unrestorable(format!("claim limit {text}")))?;
    let limit = u32::try_from(number(limit)?).map_err(|e| Unrestorable(e.to_string()))?;
    ClaimLimit::new(limit, LabDuration::from_secs(number(per)?))
        .map_err(|error| Unrestorable(error.to_string()))
}
