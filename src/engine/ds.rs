//! The Delivery Service: its own tokio task, reached only through messages, like a
//! server. No client touches its state; the engine talks to it through [`DsHandle`].
//!
//! What it enforces (see the README's table): validation of every upload (RFC 9420
//! §10.1), uploads only by the owner (RFC 9750 §5.1), one-time hand-out of normal key
//! packages and reuse of the last-resort one only when nothing else is left (RFC 9420
//! §16.8, RFC 9750 §5.1), and routing a Welcome to every `new_member` (§12.4.3.1).

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use openmls::prelude::*;
use openmls_rust_crypto::RustCrypto;
use tokio::sync::{mpsc, oneshot};

use super::error::EngineError;
use super::wire::{self, KeyPackageFormat};

/// A message waiting in a client's DS mailbox.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub from: String,
    pub group: String,
    pub kind: DeliveryKind,
    /// The encoded `MLSMessage`.
    pub bytes: Vec<u8>,
    /// Delivered by a misbehaving DS (replayed or misrouted).
    pub misbehaving: bool,
}

/// What a [`Delivery`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Welcome,
    Commit,
}

/// One key package in a client's directory at the DS.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryEntry {
    pub kp_ref: KeyPackageRef,
    /// The canonical `KeyPackage` encoding, as handed out on a claim.
    pub bytes: Vec<u8>,
    pub ciphersuite: u16,
    pub last_resort: bool,
    /// How often this package has been handed out (only a last-resort one goes above 1).
    pub handouts: u64,
}

/// A successful upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub kp_ref: KeyPackageRef,
    pub last_resort: bool,
    /// The last-resort package this upload replaced.
    pub replaced: Option<KeyPackageRef>,
}

/// A successful claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub entry: DirectoryEntry,
    /// A last-resort package that had been handed out before.
    pub last_resort_reuse: bool,
}

/// Where a Welcome went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WelcomeRouting {
    pub new_members: Vec<KeyPackageRef>,
    pub recipients: Vec<String>,
    pub unroutable: Vec<KeyPackageRef>,
}

/// Per-client counters and directory, as the DS sees them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClientDirectory {
    /// Normal packages still available, oldest first.
    pub normal: Vec<DirectoryEntry>,
    pub last_resort: Option<DirectoryEntry>,
    /// Key packages of this client handed out.
    pub claims: u64,
    /// Hand-outs of a last-resort package beyond its first.
    pub last_resort_reuses: u64,
    /// Messages waiting for this client.
    pub inbox: usize,
}

/// The whole DS state, for display.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DsSnapshot {
    pub clients: BTreeMap<String, ClientDirectory>,
    /// The DS's view of each group's members.
    pub groups: BTreeMap<String, BTreeSet<String>>,
}

enum Request {
    Register {
        client: String,
        signature_key: Vec<u8>,
        reply: oneshot::Sender<()>,
    },
    Publish {
        publisher: String,
        bytes: Vec<u8>,
        format: KeyPackageFormat,
        reply: oneshot::Sender<Result<Published, EngineError>>,
    },
    Claim {
        owner: String,
        suite: u16,
        reply: oneshot::Sender<Result<Claimed, EngineError>>,
    },
    CreateGroup {
        group: String,
        creator: String,
    },
    SendCommit {
        group: String,
        from: String,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Vec<String>>,
    },
    SendWelcome {
        group: String,
        from: String,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<WelcomeRouting, EngineError>>,
    },
    Fetch {
        client: String,
        reply: oneshot::Sender<Vec<Delivery>>,
    },
    ReplayWelcome {
        reply: oneshot::Sender<Result<Vec<String>, EngineError>>,
    },
    ForwardWelcome {
        to: String,
        reply: oneshot::Sender<Result<Vec<String>, EngineError>>,
    },
    Snapshot {
        reply: oneshot::Sender<DsSnapshot>,
    },
}

/// A cheap, cloneable handle to the DS task. Every call is one request and one reply.
#[derive(Clone)]
pub struct DsHandle {
    tx: mpsc::UnboundedSender<Request>,
}

impl DsHandle {
    /// Starts the DS on the current tokio runtime.
    pub fn spawn() -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            let mut state = DsState::default();
            while let Some(request) = rx.recv().await {
                state.handle(request);
            }
        });
        Self { tx }
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Request,
    ) -> Result<T, EngineError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .map_err(|_| EngineError::DsUnavailable)?;
        rx.await.map_err(|_| EngineError::DsUnavailable)
    }

    /// Registers a client's name and one of its signature public keys.
    pub async fn register(&self, client: &str, signature_key: Vec<u8>) -> Result<(), EngineError> {
        let client = client.to_string();
        self.call(|reply| Request::Register {
            client,
            signature_key,
            reply,
        })
        .await
    }

    /// Uploads a key package exactly as encoded by the client.
    pub async fn publish(
        &self,
        publisher: &str,
        bytes: Vec<u8>,
        format: KeyPackageFormat,
    ) -> Result<Published, EngineError> {
        let publisher = publisher.to_string();
        self.call(|reply| Request::Publish {
            publisher,
            bytes,
            format,
            reply,
        })
        .await?
    }

    /// Asks for one of `owner`'s key packages in ciphersuite `suite`.
    pub async fn claim(&self, owner: &str, suite: u16) -> Result<Claimed, EngineError> {
        let owner = owner.to_string();
        self.call(|reply| Request::Claim {
            owner,
            suite,
            reply,
        })
        .await?
    }

    /// Tells the DS that `creator` started `group`, so Commits can be fanned out.
    pub fn create_group(&self, group: &str, creator: &str) -> Result<(), EngineError> {
        self.tx
            .send(Request::CreateGroup {
                group: group.to_string(),
                creator: creator.to_string(),
            })
            .map_err(|_| EngineError::DsUnavailable)
    }

    /// Fans a Commit out to the group's other members; returns who gets it.
    pub async fn send_commit(
        &self,
        group: &str,
        from: &str,
        bytes: Vec<u8>,
    ) -> Result<Vec<String>, EngineError> {
        let (group, from) = (group.to_string(), from.to_string());
        self.call(|reply| Request::SendCommit {
            group,
            from,
            bytes,
            reply,
        })
        .await
    }

    /// Routes a Welcome to every client named by its `secrets[].new_member`.
    pub async fn send_welcome(
        &self,
        group: &str,
        from: &str,
        bytes: Vec<u8>,
    ) -> Result<WelcomeRouting, EngineError> {
        let (group, from) = (group.to_string(), from.to_string());
        self.call(|reply| Request::SendWelcome {
            group,
            from,
            bytes,
            reply,
        })
        .await?
    }

    /// Takes everything waiting in `client`'s mailbox.
    pub async fn fetch(&self, client: &str) -> Result<Vec<Delivery>, EngineError> {
        let client = client.to_string();
        self.call(|reply| Request::Fetch { client, reply }).await
    }

    /// Misbehaviour: delivers the last Welcome again to the clients it was routed to.
    pub async fn replay_welcome(&self) -> Result<Vec<String>, EngineError> {
        self.call(|reply| Request::ReplayWelcome { reply }).await?
    }

    /// Misbehaviour: delivers the last Welcome to a client it was not routed to.
    pub async fn forward_welcome(&self, to: &str) -> Result<Vec<String>, EngineError> {
        let to = to.to_string();
        self.call(|reply| Request::ForwardWelcome { to, reply })
            .await?
    }

    /// A copy of the DS state, for display and expectations.
    pub async fn snapshot(&self) -> Result<DsSnapshot, EngineError> {
        self.call(|reply| Request::Snapshot { reply }).await
    }
}

#[derive(Default)]
struct Account {
    signature_keys: Vec<Vec<u8>>,
    normal: VecDeque<DirectoryEntry>,
    last_resort: Option<DirectoryEntry>,
    claims: u64,
    last_resort_reuses: u64,
    inbox: VecDeque<Delivery>,
}

#[derive(Default)]
struct DsState {
    crypto: RustCrypto,
    accounts: BTreeMap<String, Account>,
    /// Every reference ever accepted, and whose it is: routes Welcomes.
    owners: HashMap<KeyPackageRef, String>,
    groups: BTreeMap<String, BTreeSet<String>>,
    last_welcome: Option<(Delivery, Vec<String>)>,
}

impl DsState {
    fn handle(&mut self, request: Request) {
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

    fn publish(
        &mut self,
        publisher: &str,
        bytes: &[u8],
        format: KeyPackageFormat,
    ) -> Result<Published, EngineError> {
        if !self.accounts.contains_key(publisher) {
            return Err(EngineError::NotRegistered(publisher.to_string()));
        }
        let (key_package, kp_ref) = wire::accept_key_package(&self.crypto, bytes, format)?;
        // RFC 9750 §5.1: accept key packages only from their owner. The credential
        // must name the publisher and the signature key must be one it registered.
        let leaf = key_package.leaf_node();
        let identity = wire::credential_identity(leaf.credential()).unwrap_or_default();
        let account = self
            .accounts
            .get_mut(publisher)
            .ok_or_else(|| EngineError::NotRegistered(publisher.to_string()))?;
        let key_registered = account
            .signature_keys
            .iter()
            .any(|k| k.as_slice() == leaf.signature_key().as_slice());
        if identity != publisher || !key_registered {
            return Err(EngineError::WrongOwner {
                publisher: publisher.to_string(),
                credential: identity,
            });
        }
        if self.owners.contains_key(&kp_ref) {
            return Err(EngineError::Duplicate {
                kp_ref: wire::ref_hex(&kp_ref),
            });
        }
        // The canonical `KeyPackage` encoding is the upload itself, less the
        // `MLSMessage` header (version and wire format, RFC 9420 §6) if it had one:
        // decoding was exact, so no need to encode again.
        let canonical = match format {
            KeyPackageFormat::KeyPackage => bytes,
            KeyPackageFormat::MlsMessage => bytes.get(4..).unwrap_or_default(),
        };
        let entry = DirectoryEntry {
            kp_ref: kp_ref.clone(),
            bytes: canonical.to_vec(),
            ciphersuite: wire::suite_number(key_package.ciphersuite()),
            last_resort: key_package.last_resort(),
            handouts: 0,
        };
        let mut replaced = None;
        if entry.last_resort {
            // RFC 9750 §5.1: one designated last-resort package; a new one replaces it.
            replaced = account.last_resort.replace(entry).map(|old| old.kp_ref);
        } else {
            account.normal.push_back(entry);
        }
        self.owners.insert(kp_ref.clone(), publisher.to_string());
        Ok(Published {
            kp_ref,
            last_resort: key_package.last_resort(),
            replaced,
        })
    }

    fn claim(&mut self, owner: &str, suite: u16) -> Result<Claimed, EngineError> {
        let account = self
            .accounts
            .get_mut(owner)
            .ok_or_else(|| EngineError::UnknownClient(owner.to_string()))?;
        // RFC 9420 §16.8: a normal key package is handed out once and deleted.
        if let Some(index) = account.normal.iter().position(|e| e.ciphersuite == suite) {
            if let Some(mut entry) = account.normal.remove(index) {
                entry.handouts = 1;
                account.claims += 1;
                return Ok(Claimed {
                    entry,
                    last_resort_reuse: false,
                });
            }
        }
        // Only when no fresh one is left: the last-resort package, kept and counted.
        match account.last_resort.as_mut() {
            Some(entry) if entry.ciphersuite == suite => {
                entry.handouts += 1;
                let reuse = entry.handouts > 1;
                account.claims += 1;
                if reuse {
                    account.last_resort_reuses += 1;
                }
                Ok(Claimed {
                    entry: entry.clone(),
                    last_resort_reuse: reuse,
                })
            }
            _ => Err(EngineError::NoKeyPackageAvailable {
                owner: owner.to_string(),
                suite,
            }),
        }
    }

    fn route_welcome(
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

    fn deliver(&mut self, recipients: &[String], delivery: &Delivery) {
        for recipient in recipients {
            if let Some(account) = self.accounts.get_mut(recipient) {
                account.inbox.push_back(delivery.clone());
            }
        }
    }

    fn snapshot(&self) -> DsSnapshot {
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
