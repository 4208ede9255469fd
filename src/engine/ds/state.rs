//! The DS task's state: accounts, the request loop, and routing of Commits and Welcomes.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use openmls_rust_crypto::RustCrypto;

use super::policy::PolicyRequest;
use super::*;
use crate::domain::{KeyPackageRef, Suite};
use crate::engine::error::EngineError;
use crate::engine::wire;

#[derive(Default)]
pub(super) struct Account {
    pub(super) signature_keys: Vec<Vec<u8>>,
    pub(super) normal: NormalQueue,
    /// One last-resort package per ciphersuite.
    pub(super) last_resort: BTreeMap<Suite, DirectoryEntry>,
    pub(super) claims: u64,
    pub(super) last_resort_reuses: u64,
    pub(super) inbox: VecDeque<Delivery>,
    /// An external client's identity, bound on first use (`import-key-package`);
    /// a lab client's credential carries its own name instead.
    pub(super) identity: Option<String>,
}

/// Who is in one group, as far as the DS knows.
#[derive(Default)]
pub(super) struct Roster {
    pub(super) label: String,
    pub(super) members: BTreeSet<String>,
}

#[derive(Default)]
pub(super) struct DsState {
    pub(super) crypto: RustCrypto,
    pub(super) accounts: BTreeMap<String, Account>,
    /// Every reference ever accepted, and whose it is: routes Welcomes.
    pub(super) owners: HashMap<KeyPackageRef, String>,
    /// Rosters by MLS `GroupId`; the label is for display only.
    pub(super) groups: HashMap<Vec<u8>, Roster>,
    /// The lab's clock, as the engine last set it.
    pub(super) clock: LabClock,
    /// `ds policy max-lifetime|key-encoding|grease`: what the checklist judges
    /// uploads against beside RFC 9420 and OpenMLS.
    pub(super) policy: crate::inspect::checks::Policy,
    /// Purged as expired, not yet reported.
    pub(super) expired: Vec<ExpiredEntry>,
    /// The id of the next delivery.
    pub(super) next_delivery: u64,
    pub(super) last_welcome: Option<(Delivery, Vec<String>)>,
    /// Misbehaviour on purpose (`ds fault NAME on`).
    pub(super) faults: super::faults::state::FaultState,
    /// `ds policy claim-limit` and the claims it counts.
    pub(super) claim_log: super::policy::ClaimLog,
}

impl DsState {
    pub(super) fn handle(&mut self, request: Request) {
        // A dropped reply channel only means the caller went away; nothing to do.
        match request {
            Request::Register {
                client,
                signature_key,
                reply,
            } => {
                let account = self.accounts.entry(client).or_default();
                if !account.signature_keys.contains(&signature_key) {
                    account.signature_keys.push(signature_key);
                }
                let _ = reply.send(());
            }
            Request::Publish {
                publisher,
                bytes,
                format,
                reply,
            } => {
                let _ = reply.send(self.publish(&publisher, &bytes, format));
            }
            Request::ImportExternal {
                client,
                bytes,
                format,
                reply,
            } => {
                let _ = reply.send(self.import_external(&client, &bytes, format));
            }
            Request::Claim {
                claimer,
                owners,
                suite,
                format,
                reply,
            } => {
                let claimed = self.claim_all(claimer.as_deref(), &owners, suite, format);
                let _ = reply.send(claimed);
            }
            Request::CreateGroup {
                group_id,
                label,
                creator,
                reply,
            } => {
                let result = match self.groups.entry(group_id) {
                    std::collections::hash_map::Entry::Occupied(_) => {
                        Err(EngineError::GroupNameTaken {
                            group: label,
                            owner: creator,
                        })
                    }
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        let members = BTreeSet::from([creator]);
                        slot.insert(Roster { label, members });
                        Ok(())
                    }
                };
                let _ = reply.send(result);
            }
            Request::SendCommit {
                from,
                commit,
                welcome,
                reply,
            } => {
                let _ = reply.send(self.route_commit(from, commit, welcome));
            }
            Request::PublishBatch {
                publisher,
                uploads,
                format,
                reply,
            } => {
                let _ = reply.send(self.publish_batch(&publisher, &uploads, format));
            }
            Request::SendWelcome {
                group_id,
                from,
                bytes,
                reply,
            } => {
                let result = self.welcome_routing(&bytes).inspect(|routing| {
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
                });
                let _ = reply.send(result);
            }
            Request::Peek { client, reply } => {
                let inbox = self
                    .accounts
                    .get(&client)
                    .map(|a| a.inbox.iter().cloned().collect())
                    .unwrap_or_default();
                let _ = reply.send(inbox);
            }
            Request::Ack { client, id, reply } => {
                let removed = self.accounts.get_mut(&client).is_some_and(|a| {
                    let before = a.inbox.len();
                    a.inbox.retain(|d| d.id != id);
                    a.inbox.len() < before
                });
                let _ = reply.send(removed);
            }
            Request::ReplayWelcome { reply } => {
                let result = match self.last_welcome.clone() {
                    Some((mut delivery, recipients)) => {
                        delivery.misbehaving = true;
                        self.deliver(&recipients, &delivery);
                        Ok(recipients)
                    }
                    None => Err(EngineError::NoWelcomeToResend("replay".into())),
                };
                let _ = reply.send(result);
            }
            Request::ForwardWelcome { to, reply } => {
                let result = if !self.accounts.contains_key(&to) {
                    Err(EngineError::UnknownClient(to))
                } else {
                    match self.last_welcome.clone() {
                        Some((mut delivery, _)) => {
                            delivery.misbehaving = true;
                            let recipients = vec![to];
                            self.deliver(&recipients, &delivery);
                            Ok(recipients)
                        }
                        None => Err(EngineError::NoWelcomeToResend("forward".into())),
                    }
                };
                let _ = reply.send(result);
            }
            Request::SetClock { clock, reply } => {
                self.clock = clock;
                self.purge_expired();
                let _ = reply.send(());
            }
            Request::TakeExpired { reply } => {
                let _ = reply.send(std::mem::take(&mut self.expired));
            }
            Request::Counts { owner, reply } => {
                let _ = reply.send(self.counts(&owner));
            }
            Request::Snapshot { reply } => {
                let _ = reply.send(self.snapshot());
            }
            Request::Fault(request) => self.handle_fault(request),
            Request::Policy(PolicyRequest::SetClaimLimit { limit, reply }) => {
                self.claim_log.set(limit);
                let _ = reply.send(());
            }
            Request::Policy(PolicyRequest::SetKeyPackagePolicy { policy, reply }) => {
                self.policy = policy;
                let _ = reply.send(());
            }
        }
    }
}

impl DsState {
    /// Routes a Commit by the `GroupId` in its own framing (RFC 9420 §6), never by
    /// a name, so nothing can cross between groups; the Welcome that travels with
    /// it goes to every `new_member` (not just the first, as OpenMLS's sample DS
    /// does), who join that group's roster.
    pub(super) fn route_commit(
        &mut self,
        from: String,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
    ) -> Result<Routed, EngineError> {
        let group_id = wire::commit_group_id(&commit)?;
        let roster = self
            .groups
            .get(&group_id)
            .ok_or_else(|| EngineError::UnknownGroupId(hex::encode(&group_id)))?;
        let commit_recipients: Vec<String> = roster
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
    pub(super) fn deliver(&mut self, recipients: &[String], delivery: &Delivery) {
        for recipient in recipients {
            if let Some(account) = self.accounts.get_mut(recipient) {
                self.next_delivery += 1;
                let mut copy = delivery.clone();
                copy.id = self.next_delivery;
                account.inbox.push_back(copy);
            }
        }
    }

    fn counts(&self, owner: &str) -> Result<DirectoryCounts, EngineError> {
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

    pub(super) fn snapshot(&self) -> DsSnapshot {
        DsSnapshot {
            clients: self
                .accounts
                .iter()
                .map(|(name, a)| {
                    (
                        name.clone(),
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
                .map(|r| (r.label.clone(), r.members.clone()))
                .collect(),
            faults: self.faults.active(),
            fault_hits: self.faults.hits(),
            held: self.faults.held(),
            claim_limit: self.claim_log.limit(),
            key_package_policy: self.policy,
        }
    }
}
