//! The DS's state ([`DsCore`]): accounts, the operations without a home of their
//! own, and routing of Commits and Welcomes.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use openmls_rust_crypto::RustCrypto;

use super::*;
use crate::domain::{ClientId, KeyPackageRef, Suite};
use crate::engine::error::EngineError;
use crate::engine::wire;

#[derive(Default, Clone)]
pub(super) struct Account {
    pub(super) signature_keys: Vec<Vec<u8>>,
    pub(super) normal: NormalQueue,
    /// One last-resort package per ciphersuite.
    pub(super) last_resort: BTreeMap<Suite, DirectoryEntry>,
    pub(super) claims: u64,
    pub(super) last_resort_reuses: u64,
    pub(super) inbox: VecDeque<Delivery>,
    /// The digest of the token that proves the client's identity over the
    /// network; `None` for a lab's own client, which needs none.
    pub(super) token: Option<stored::TokenDigest>,
    /// An external client's identity, bound on first use (`import-key-package`);
    /// a lab client's credential carries its own name instead.
    pub(super) identity: Option<ClientId>,
}

/// Who is in one group, as far as the DS knows.
#[derive(Default)]
pub(super) struct Roster {
    pub(super) label: String,
    pub(super) members: BTreeSet<ClientId>,
    /// The newest handshake epoch seen over the network (the sample DS's rule).
    pub(super) epoch: Option<u64>,
}

/// The Delivery Service itself, synchronous: each operation changes the state
/// and returns its answer. A driver owns it: the lab's task ([`DsHandle`]) or
/// the network server.
#[derive(Default)]
pub struct DsCore {
    pub(super) crypto: RustCrypto,
    pub(super) accounts: BTreeMap<ClientId, Account>,
    /// Every reference ever accepted, and whose it is: routes Welcomes.
    pub(super) owners: HashMap<KeyPackageRef, ClientId>,
    /// Rosters by MLS `GroupId`; the label is for display only.
    pub(super) groups: HashMap<Vec<u8>, Roster>,
    /// The lab's clock, as the engine last set it.
    pub(super) clock: LabClock,
    /// `ds policy max-lifetime|key-encoding|grease`: what the checklist judges
    /// uploads against beside RFC 9420 and OpenMLS.
    pub(super) policy: crate::inspect::checks::Policy,
    /// What the DS did, not yet taken by its driver.
    pub(super) events: Vec<DsEvent>,
    /// The id of the next delivery.
    pub(super) next_delivery: u64,
    pub(super) last_welcome: Option<(Delivery, Vec<ClientId>)>,
    /// Misbehaviour on purpose (`ds fault NAME on`).
    pub(super) faults: super::faults::state::FaultState,
    /// `ds policy claim-limit` and the claims it counts.
    pub(super) claim_log: super::policy::ClaimLog,
    /// What changed since the driver last took it (`journal`).
    pub(super) changes: Vec<stored::Change>,
    /// `next_delivery` as last recorded.
    pub(super) journal_next_delivery: u64,
}

impl DsCore {
    /// An empty DS on the lab's clock, accepting lifetimes up to `max_lifetime`.
    pub fn new(clock: LabClock, max_lifetime: LabDuration) -> Self {
        Self {
            clock,
            policy: crate::inspect::checks::Policy {
                max_lifetime: Some(max_lifetime.as_secs()),
                ..Default::default()
            },
            ..Self::default()
        }
    }

    /// The key package policy uploads are judged against (`ds policy
    /// max-lifetime|key-encoding|grease`).
    pub fn key_package_policy(&self) -> crate::inspect::checks::Policy {
        self.policy
    }

    /// Sets the key package policy uploads are judged against.
    pub fn set_key_package_policy(&mut self, policy: crate::inspect::checks::Policy) {
        self.policy = policy;
        self.record(stored::Change::SetPolicy {
            name: journal::policy_names::KEY_PACKAGES.into(),
            value: Some(journal::encode_key_package_policy(&policy)),
        });
    }

    /// What the DS did since the last call, oldest first ([`DsEvent`]).
    pub fn take_events(&mut self) -> Vec<DsEvent> {
        std::mem::take(&mut self.events)
    }

    /// Registers a client's name and one of its signature public keys.
    pub fn register(&mut self, client: ClientId, signature_key: Vec<u8>) {
        if !self.accounts.contains_key(&client) {
            self.record(stored::Change::AddClient {
                client: client.clone(),
                token_digest: stored::TokenDigest::NONE,
            });
        }
        let account = self.accounts.entry(client.clone()).or_default();
        if !account.signature_keys.contains(&signature_key) {
            account.signature_keys.push(signature_key.clone());
            self.record(stored::Change::AddSignatureKey {
                client,
                key: signature_key,
            });
        }
    }

    /// Tells the DS that `creator` started the group `group_id`, so Commits can
    /// be fanned out. `label` is only for display.
    pub fn create_group(
        &mut self,
        group_id: Vec<u8>,
        label: String,
        creator: ClientId,
    ) -> Result<(), EngineError> {
        match self.groups.entry(group_id) {
            std::collections::hash_map::Entry::Occupied(_) => Err(EngineError::GroupNameTaken {
                group: label,
                owner: creator.to_string(),
            }),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let group_id = slot.key().clone();
                let members = BTreeSet::from([creator.clone()]);
                slot.insert(Roster {
                    label: label.clone(),
                    members,
                    epoch: None,
                });
                self.record(stored::Change::AddGroup {
                    group_id: group_id.clone(),
                    label,
                });
                self.record(stored::Change::AddGroupMember {
                    group_id,
                    member: creator,
                });
                Ok(())
            }
        }
    }

    /// A Welcome on its own, from a sender outside the lab: routed to every
    /// `new_member` like one that travels with its Commit.
    pub fn send_welcome(
        &mut self,
        group_id: Vec<u8>,
        from: ClientId,
        bytes: Vec<u8>,
    ) -> Result<WelcomeRouting, EngineError> {
        self.welcome_routing(&bytes).inspect(|routing| {
            let delivery = Delivery {
                id: 0,
                from,
                group_id,
                kind: DeliveryKind::Welcome,
                bytes,
                misbehaving: false,
            };
            self.deliver_welcome(&routing.recipients, &delivery);
            self.last_welcome = Some((delivery, routing.recipients.clone()));
        })
    }

    /// Everything waiting in `client`'s mailbox, oldest first. Removes nothing.
    pub fn peek(&self, client: &ClientId) -> Vec<Delivery> {
        self.accounts
            .get(client)
            .map(|a| a.inbox.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The client processed this delivery: it leaves the mailbox. Answers
    /// whether it was there.
    pub fn ack(&mut self, client: &ClientId, id: u64) -> bool {
        let removed = self.accounts.get_mut(client).is_some_and(|a| {
            let before = a.inbox.len();
            a.inbox.retain(|d| d.id != id);
            a.inbox.len() < before
        });
        if removed {
            self.record(stored::Change::RemoveDelivery { id });
        }
        removed
    }

    /// Misbehaviour: delivers the last Welcome again to the clients it was routed to.
    pub fn replay_welcome(&mut self) -> Result<Vec<ClientId>, EngineError> {
        match self.last_welcome.clone() {
            Some((mut delivery, recipients)) => {
                delivery.misbehaving = true;
                self.deliver(&recipients, &delivery);
                Ok(recipients)
            }
            None => Err(EngineError::NoWelcomeToResend("replay".into())),
        }
    }

    /// Misbehaviour: delivers the last Welcome to a client it was not routed to.
    pub fn forward_welcome(&mut self, to: ClientId) -> Result<Vec<ClientId>, EngineError> {
        if !self.accounts.contains_key(&to) {
            return Err(EngineError::UnknownClient(to.to_string()));
        }
        match self.last_welcome.clone() {
            Some((mut delivery, _)) => {
                delivery.misbehaving = true;
                let recipients = vec![to];
                self.deliver(&recipients, &delivery);
                Ok(recipients)
            }
            None => Err(EngineError::NoWelcomeToResend("forward".into())),
        }
    }

    /// The lab clock moved: the DS purges what expired (reported as
    /// [`DsEvent::Expired`]).
    pub fn set_clock(&mut self, clock: LabClock) {
        self.clock = clock;
        self.record(stored::Change::SetPolicy {
            name: journal::policy_names::CLOCK_OFFSET.into(),
            value: Some(clock.offset().as_secs().to_string()),
        });
        self.purge_expired();
    }

    /// `ds policy claim-limit`, if set (without copying the directory as
    /// [`Self::snapshot`] does).
    pub fn claim_limit(&self) -> Option<ClaimLimit> {
        self.claim_log.limit()
    }

    /// Sets (or with `None` lifts) the claim limit.
    pub fn set_claim_limit(&mut self, limit: Option<ClaimLimit>) {
        self.claim_log.set(limit);
        self.record(stored::Change::SetPolicy {
            name: journal::policy_names::CLAIM_LIMIT.into(),
            value: limit.map(|l| format!("{}/{}", l.limit(), l.per().as_secs())),
        });
        // The count starts afresh.
        self.record(stored::Change::ForgetClaimsBefore {
            at: i64::MAX as u64,
        });
    }
}

impl DsCore {
    /// Routes a Commit by the `GroupId` in its own framing (RFC 9420 §6), never by
    /// a name, so nothing can cross between groups; the Welcome that travels with
    /// it goes to every `new_member` (not just the first, as OpenMLS's sample DS
    /// does), who join that group's roster.
    pub fn route_commit(
        &mut self,
        from: ClientId,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
    ) -> Result<Routed, EngineError> {
        let group_id = wire::commit_group_id(&commit)?;
        // Only a member's Commit goes out (RFC 9750 §5.1).
        let roster = self.check_commit(&from, &group_id)?;
        let commit_recipients: Vec<ClientId> = roster
            .members
            .iter()
            .filter(|m| **m != from)
            .cloned()
            .collect();
        let routing = match &welcome {
            Some(bytes) => Some(self.welcome_routing(bytes)?),
            None => None,
        };
        let delivery = Delivery {
            id: 0,
            from: from.clone(),
            group_id: group_id.clone(),
            kind: DeliveryKind::Commit,
            bytes: commit,
            misbehaving: false,
        };
        self.deliver_commit(&commit_recipients, &delivery);
        if let (Some(routing), Some(bytes)) = (&routing, welcome) {
            let delivery = Delivery {
                id: 0,
                from,
                group_id: group_id.clone(),
                kind: DeliveryKind::Welcome,
                bytes,
                misbehaving: false,
            };
            self.deliver_welcome(&routing.recipients, &delivery);
            // Added members are members from this epoch on: later Commits reach them.
            if let Some(roster) = self.groups.get_mut(&group_id) {
                roster.members.extend(routing.recipients.iter().cloned());
            }
            for member in &routing.recipients {
                self.record(stored::Change::AddGroupMember {
                    group_id: group_id.clone(),
                    member: member.clone(),
                });
            }
            self.last_welcome = Some((delivery, routing.recipients.clone()));
        }
        Ok(Routed {
            commit_recipients,
            welcome: routing,
        })
    }

    fn welcome_routing(&self, bytes: &[u8]) -> Result<WelcomeRouting, EngineError> {
        let welcome = wire::decode_welcome(bytes)?;
        let new_members: Vec<KeyPackageRef> = wire::welcome_new_members(&welcome)
            .iter()
            .map(KeyPackageRef::from)
            .collect();
        let mut routing = WelcomeRouting {
            new_members: new_members.clone(),
            ..Default::default()
        };
        for kp_ref in &new_members {
            match self.owners.get(kp_ref) {
                Some(owner) if !routing.recipients.contains(owner) => {
                    routing.recipients.push(owner.clone())
                }
                Some(_) => {}
                None => routing.unroutable.push(kp_ref.clone()),
            }
        }
        Ok(routing)
    }

    /// Puts a copy of `delivery` in each recipient's mailbox, each with its own id.
    pub(super) fn deliver(&mut self, recipients: &[ClientId], delivery: &Delivery) {
        for recipient in recipients {
            if let Some(account) = self.accounts.get_mut(recipient) {
                self.next_delivery += 1;
                let mut copy = delivery.clone();
                copy.id = self.next_delivery;
                account.inbox.push_back(copy.clone());
                self.record_delivery(recipient, &copy, None);
            }
        }
    }

    /// `owner`'s counters, without a copy of the directory.
    pub fn counts(&self, owner: &ClientId) -> Result<DirectoryCounts, EngineError> {
        let account = self
            .accounts
            .get(owner)
            .ok_or_else(|| EngineError::UnknownClient(owner.to_string()))?;
        Ok(DirectoryCounts {
            available: account.normal.available_at(self.clock.now_secs()) as u64,
            claims: account.claims,
            last_resort_reuses: account.last_resort_reuses,
            last_resort: !account.last_resort.is_empty(),
        })
    }

    /// A copy of the state, for display.
    pub fn snapshot(&self) -> DsSnapshot {
        DsSnapshot {
            clients: self
                .accounts
                .iter()
                .map(|(name, a)| {
                    (
                        name.to_string(),
                        ClientDirectory {
                            normal: a.normal.iter().cloned().collect(),
                            last_resort: a.last_resort.values().cloned().collect(),
                            claims: a.claims,
                            last_resort_reuses: a.last_resort_reuses,
                            inbox: a.inbox.len(),
                        },
                    )
                })
                .collect(),
            groups: self
                .groups
                .values()
                .map(|r| {
                    let members = r.members.iter().map(ClientId::to_string).collect();
                    (r.label.clone(), members)
                })
                .collect(),
            faults: self.faults.active(),
            fault_hits: self.faults.hits(),
            shared: false,
            held: self.faults.held(),
            claim_limit: self.claim_log.limit(),
            key_package_policy: self.policy,
        }
    }
}
