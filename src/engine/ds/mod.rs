//! The Delivery Service: its own tokio task, reached only through messages, like a
//! server. No client touches its state; the engine talks to it through [`DsHandle`].
//!
//! What it enforces (see the README's table): validation of every upload (RFC 9420
//! §10.1), uploads only by the owner (RFC 9750 §5.1), one-time hand-out of normal key
//! packages and reuse of the last-resort one only when nothing else is left (RFC 9420
//! §16.8, RFC 9750 §5.1), and routing a Welcome to every `new_member` (§12.4.3.1).

mod directory;
mod state;

use state::DsState;

use std::collections::{BTreeMap, BTreeSet};

use openmls::prelude::*;
use tokio::sync::{mpsc, oneshot};

use super::error::EngineError;
use super::wire::KeyPackageFormat;

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
