//! The DS acting out its faults ([`crate::domain::Fault`]): turning them on and
//! off, what each one makes the DS do wrong (reported as [`DsEvent::FaultActed`],
//! the engine's `ds_fault_acted` events), and releasing the deliveries
//! `hold-welcome` and `reorder-commits` hold back. What is on, what acted and
//! what is held is `state`.

pub(super) mod state;

use super::state::DsCore;
use super::{Claimed, Delivery, DsEvent, FaultAct, FaultChange};
use crate::domain::{relative, ClientId, Fault};
use crate::engine::error::EngineError;
use crate::engine::wire::KeyPackageFormat;
use state::Held;

/// The `MLSMessage` header of a key package: version mls10, wire format
/// mls_key_package (RFC 9420 §6).
pub const KEY_PACKAGE_MESSAGE_HEADER: [u8; 4] = [0x00, 0x01, 0x00, 0x05];

impl DsCore {
    /// Turns a fault on or off; turning one on that is on (or off that is off) is
    /// refused with `FaultUnchanged` and changes nothing.
    pub fn set_fault(&mut self, fault: Fault, on: bool) -> Result<FaultChange, EngineError> {
        if !self.faults.set.set(fault, on) {
            return Err(EngineError::FaultUnchanged {
                fault: fault.to_string(),
                on,
            });
        }
        self.record_fault(fault);
        let mut change = FaultChange::default();
        // Off restores the normal rules at once: nothing stays held, expired or
        // listed twice because of the fault.
        if !on {
            match fault {
                Fault::HoldWelcome | Fault::ReorderCommits => {
                    let released = self.release_held(Some(fault));
                    change.released = released.iter().map(ClientId::to_string).collect();
                }
                Fault::ServeExpired => self.purge_expired(),
                Fault::DoubleHandout => {
                    let mut withdrawn = Vec::new();
                    for account in self.accounts.values_mut() {
                        withdrawn.extend(account.normal.remove_handed_out());
                    }
                    change.withdrawn = withdrawn.len();
                    withdrawn
                        .iter()
                        .for_each(|entry| self.record_removed(entry));
                }
                Fault::TamperHandout
                | Fault::DropWelcome
                | Fault::DuplicateWelcome
                | Fault::BareFraming
                | Fault::ForgetLastResort => {}
            }
        }
        change.active = self.faults.active();
        Ok(change)
    }

    /// Delivers everything a fault holds; `NothingHeld` if there is nothing.
    pub fn release(&mut self) -> Result<Vec<ClientId>, EngineError> {
        let released = self.release_held(None);
        if released.is_empty() {
            Err(EngineError::NothingHeld)
        } else {
            Ok(released)
        }
    }

    fn act(&mut self, fault: Fault, did: String, clients: &[ClientId]) {
        *self.faults.hits.entry(fault).or_default() += 1;
        self.record_fault(fault);
        self.events.push(DsEvent::FaultActed(FaultAct {
            fault,
            did,
            clients: clients.iter().map(ClientId::to_string).collect(),
        }));
    }

    fn group_name(&self, group_id: &[u8]) -> String {
        self.groups
            .get(group_id)
            .map(|r| r.label.clone())
            .unwrap_or_else(|| hex::encode(group_id))
    }

    /// Delivers a Welcome as the faults allow: dropped, held, or twice.
    pub(super) fn deliver_welcome(&mut self, recipients: &[ClientId], delivery: &Delivery) {
        if recipients.is_empty() {
            return;
        }
        let group = self.group_name(&delivery.group_id);
        let to = names(recipients);
        if self.faults.is_on(Fault::DropWelcome) {
            let did = format!(
                "dropped {}'s Welcome to {group} meant for {to}",
                delivery.from
            );
            return self.act(Fault::DropWelcome, did, recipients);
        }
        if self.faults.is_on(Fault::HoldWelcome) {
            self.hold(recipients, delivery, Fault::HoldWelcome);
            let did = format!(
                "holds {}'s Welcome to {group} for {to} until `ds release`",
                delivery.from
            );
            return self.act(Fault::HoldWelcome, did, recipients);
        }
        self.deliver(recipients, delivery);
        if self.faults.is_on(Fault::DuplicateWelcome) {
            let copy = Delivery {
                misbehaving: true,
                ..delivery.clone()
            };
            self.deliver(recipients, &copy);
            let did = format!(
                "delivered {}'s Welcome to {group} twice to {to}",
                delivery.from
            );
            self.act(Fault::DuplicateWelcome, did, recipients);
        }
    }

    /// Delivers a Commit as the faults allow: with `reorder-commits`, the first of
    /// a group's Commits is held and delivered after the next one.
    pub(super) fn deliver_commit(&mut self, recipients: &[ClientId], delivery: &Delivery) {
        if recipients.is_empty() || !self.faults.is_on(Fault::ReorderCommits) {
            return self.deliver(recipients, delivery);
        }
        let group = self.group_name(&delivery.group_id);
        let waiting = self.faults.held.iter().position(|h| {
            h.fault == Fault::ReorderCommits && h.delivery.group_id == delivery.group_id
        });
        match waiting {
            None => {
                self.hold(recipients, delivery, Fault::ReorderCommits);
                let did = format!(
                    "holds {}'s Commit to {group} back, to deliver it after the next one",
                    delivery.from
                );
                self.act(Fault::ReorderCommits, did, recipients);
            }
            Some(index) => {
                let earlier = self.faults.held.remove(index);
                self.unhold(&earlier);
                self.deliver(recipients, delivery);
                let late = Delivery {
                    misbehaving: true,
                    ..earlier.delivery
                };
                self.deliver(&earlier.recipients, &late);
                let did = format!(
                    "delivered {}'s later Commit to {group} before {}'s earlier one",
                    delivery.from, late.from
                );
                self.act(Fault::ReorderCommits, did, &earlier.recipients);
            }
        }
    }

    /// Delivers what the faults hold (only `fault`'s, if given), in arrival order;
    /// returns every recipient once.
    fn release_held(&mut self, fault: Option<Fault>) -> Vec<ClientId> {
        let (released, kept): (Vec<Held>, Vec<Held>) = std::mem::take(&mut self.faults.held)
            .into_iter()
            .partition(|h| fault.is_none_or(|f| h.fault == f));
        self.faults.held = kept;
        let mut recipients: Vec<ClientId> = Vec::new();
        for held in released {
            self.unhold(&held);
            self.deliver(&held.recipients, &held.delivery);
            for r in held.recipients {
                if !recipients.contains(&r) {
                    recipients.push(r);
                }
            }
        }
        recipients
    }

    /// Holds a delivery back for `fault`; the store keeps the held copies, each
    /// with an id, until they go out.
    fn hold(&mut self, recipients: &[ClientId], delivery: &Delivery, fault: Fault) {
        let mut ids = Vec::new();
        for recipient in recipients {
            if self.accounts.contains_key(recipient) {
                self.next_delivery += 1;
                let copy = Delivery {
                    id: self.next_delivery,
                    ..delivery.clone()
                };
                self.record_delivery(recipient, &copy, Some(fault));
                ids.push(copy.id);
            }
        }
        self.faults.held.push(Held {
            recipients: recipients.to_vec(),
            delivery: delivery.clone(),
            fault,
            ids,
        });
    }

    /// A held delivery goes out: its held copies leave the store, and
    /// [`DsCore::deliver`] gives them new ids, so the mailbox keeps the order in
    /// which they went out.
    fn unhold(&mut self, held: &Held) {
        for id in &held.ids {
            self.record(crate::engine::ds::stored::Change::RemoveDelivery { id: *id });
        }
    }

    /// Applies the hand-out faults to one claimed package (the directory has
    /// already chosen it, kept or deleted it as the faults say).
    pub(super) fn misdeliver(
        &mut self,
        owner: &ClientId,
        asked: KeyPackageFormat,
        claimed: &mut Claimed,
    ) {
        let short = claimed.entry.kp_ref.short();
        let owners = std::slice::from_ref(owner);
        let entry = &mut claimed.entry;
        if self.faults.is_on(Fault::DoubleHandout) && !entry.last_resort && entry.handouts > 1 {
            let did = format!(
                "handed out {owner}'s key package {short} again (hand-out {}): a normal package goes out once",
                entry.handouts
            );
            self.act(Fault::DoubleHandout, did, owners);
            claimed.faults.push(Fault::DoubleHandout);
        }
        let entry = &mut claimed.entry;
        if self.faults.is_on(Fault::ForgetLastResort) && entry.last_resort {
            let did = format!(
                "deleted {owner}'s last-resort package {short} after handing it out: {owner} has nothing left to hand out"
            );
            self.act(Fault::ForgetLastResort, did, owners);
            claimed.faults.push(Fault::ForgetLastResort);
        }
        let now = self.clock.now_secs();
        let entry = &mut claimed.entry;
        if self.faults.is_on(Fault::ServeExpired) && now >= entry.not_after {
            let did = format!(
                "handed out {owner}'s key package {short}, {}",
                relative(now, entry.not_after)
            );
            self.act(Fault::ServeExpired, did, owners);
            claimed.faults.push(Fault::ServeExpired);
        }
        let entry = &mut claimed.entry;
        if self.faults.is_on(Fault::TamperHandout) && !entry.bytes.is_empty() {
            // The last byte lies in the signature (RFC 9420 §10: it ends the structure).
            if let Some(last) = entry.bytes.last_mut() {
                *last ^= 0x01;
                let did = format!(
                    "flipped the low bit of byte {} (the signature's last) of {owner}'s key package {short}",
                    entry.bytes.len() - 1
                );
                self.act(Fault::TamperHandout, did, owners);
                claimed.faults.push(Fault::TamperHandout);
            }
        }
        let entry = &mut claimed.entry;
        if self.faults.is_on(Fault::BareFraming) {
            // The other framing than the one asked for.
            let did = match asked {
                KeyPackageFormat::KeyPackage => {
                    let mut framed = KEY_PACKAGE_MESSAGE_HEADER.to_vec();
                    framed.extend_from_slice(&entry.bytes);
                    entry.bytes = framed;
                    format!("handed out {owner}'s key package {short} framed as an MLSMessage (header 00 01 00 05) where a bare KeyPackage was asked for")
                }
                KeyPackageFormat::MlsMessage => {
                    entry
                        .bytes
                        .drain(..KEY_PACKAGE_MESSAGE_HEADER.len().min(entry.bytes.len()));
                    format!("handed out {owner}'s key package {short} bare, without the MLSMessage header (00 01 00 05) that was asked for")
                }
            };
            self.act(Fault::BareFraming, did, owners);
            claimed.faults.push(Fault::BareFraming);
        }
    }
}

/// Clients by name, for a fault's line: "bob, carol".
fn names(clients: &[ClientId]) -> String {
    let names: Vec<String> = clients.iter().map(ClientId::to_string).collect();
    names.join(", ")
}
