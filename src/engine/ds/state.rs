//! The DS task's state: accounts, the request loop, and routing of Commits and Welcomes.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use openmls::prelude::*;
use openmls_rust_crypto::RustCrypto;

use super::*;
use crate::engine::error::EngineError;
use crate::engine::wire::{self};

#[derive(Default)]
pub(super) struct Account {
    pub(super) signature_keys: Vec<Vec<u8>>,
    pub(super) normal: VecDeque<DirectoryEntry>,
    pub(super) last_resort: Option<DirectoryEntry>,
    pub(super) claims: u64,
    pub(super) last_resort_reuses: u64,
    pub(super) inbox: VecDeque<Delivery>,
}

#[derive(Default)]
pub(super) struct DsState {
    pub(super) crypto: RustCrypto,
    pub(super) accounts: BTreeMap<String, Account>,
    /// Every reference ever accepted, and whose it is: routes Welcomes.
    pub(super) owners: HashMap<KeyPackageRef, String>,
    pub(super) groups: BTreeMap<String, BTreeSet<String>>,
    pub(super) last_welcome: Option<(Delivery, Vec<String>)>,
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
            Request::Claim {
                owner,
                suite,
                reply,
            } => {
                let _ = reply.send(self.claim(&owner, suite));
            }
            Request::CreateGroup { group, creator } => {
                self.groups.entry(group).or_default().insert(creator);
            }
            Request::SendCommit {
                group,
                from,
                bytes,
                reply,
            } => {
                let recipients: Vec<String> = self
                    .groups
                    .get(&group)
                    .map(|m| m.iter().filter(|m| **m != from).cloned().collect())
                    .unwrap_or_default();
                let delivery = Delivery {
                    from,
                    group,
                    kind: DeliveryKind::Commit,
                    bytes,
                    misbehaving: false,
                };
                self.deliver(&recipients, &delivery);
                let _ = reply.send(recipients);
            }
            Request::SendWelcome {
                group,
                from,
                bytes,
                reply,
            } => {
                let _ = reply.send(self.route_welcome(group, from, bytes));
            }
            Request::Fetch { client, reply } => {
                let inbox = self
                    .accounts
                    .get_mut(&client)
                    .map(|a| a.inbox.drain(..).collect())
                    .unwrap_or_default();
                let _ = reply.send(inbox);
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
            Request::Snapshot { reply } => {
                let _ = reply.send(self.snapshot());
            }
        }
    }
}

impl DsState {
    pub(super) fn route_welcome(
        &mut self,
        group: String,
        from: String,
        bytes: Vec<u8>,
    ) -> Result<WelcomeRouting, EngineError> {
        let welcome = wire::decode_welcome(&bytes)?;
        let new_members = wire::welcome_new_members(&welcome);
        let mut routing = WelcomeRouting {
            new_members: new_members.clone(),
            ..Default::default()
        };
        // Every new member gets it, not just the first (OpenMLS's sample DS stops there).
        for kp_ref in &new_members {
            match self.owners.get(kp_ref) {
                Some(owner) if !routing.recipients.contains(owner) => {
                    routing.recipients.push(owner.clone())
                }
                Some(_) => {}
                None => routing.unroutable.push(kp_ref.clone()),
            }
        }
        let delivery = Delivery {
            from,
            group: group.clone(),
            kind: DeliveryKind::Welcome,
            bytes,
            misbehaving: false,
        };
        self.deliver(&routing.recipients, &delivery);
        // Added members are members from this epoch on: later Commits reach them.
        let roster = self.groups.entry(group).or_default();
        roster.extend(routing.recipients.iter().cloned());
        self.last_welcome = Some((delivery, routing.recipients.clone()));
        Ok(routing)
    }

    pub(super) fn deliver(&mut self, recipients: &[String], delivery: &Delivery) {
        for recipient in recipients {
            if let Some(account) = self.accounts.get_mut(recipient) {
                account.inbox.push_back(delivery.clone());
            }
        }
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
                            last_resort: a.last_resort.clone(),
                            claims: a.claims,
                            last_resort_reuses: a.last_resort_reuses,
                            inbox: a.inbox.len(),
                        },
                    )
                })
                .collect(),
            groups: self.groups.clone(),
        }
    }
}
