//! The Delivery Service: a synchronous core ([`DsCore`], whose operations return
//! their answers) and, for the lab, its own tokio task reached only through
//! messages, like a server (`actor`). No client touches its state; the engine
//! talks to it through [`DsHandle`].
//!
//! What it enforces (see the README's table): validation of every upload (RFC 9420
//! §10.1), uploads only by the owner (RFC 9750 §5.1), one-time hand-out of normal key
//! packages and reuse of the last-resort one only when nothing else is left (RFC 9420
//! §16.8, RFC 9750 §5.1), and routing a Welcome to every `new_member` (§12.4.3.1).
//! On purpose it can break these rules ([`crate::domain::Fault`], acted out in `faults`), and it
//! can limit claims ([`policy`]). What it answers is in `records`.

mod actor;
mod directory;
mod events;
mod faults;
pub mod journal;
mod membership;
mod network;
pub mod policy;
mod queue;
mod records;
pub mod remote;
mod restore;
mod state;
pub mod stored;

pub use events::DsEvent;
pub use faults::KEY_PACKAGE_MESSAGE_HEADER;
pub use membership::Join;
pub use network::{AddressError, GroupMessageInfo, Validated};
pub use policy::{ClaimLimit, MAX_CLAIM_LIMIT};
pub use records::*;
pub use restore::Unrestorable;
pub use state::DsCore;

use actor::Request;
use queue::NormalQueue;

use std::sync::{Arc, Mutex};

use tokio::sync::{mpsc, oneshot};

use super::error::EngineError;
use super::guard;
use crate::domain::{ClientId, Fault, LabClock, LabDuration, Suite};

/// The longest key package lifetime the DS accepts, counted from the lab's now:
/// 13 weeks. RFC 9420 leaves the maximum to the application, as OpenMLS does
/// (openmls issue 1379).
pub const DEFAULT_MAX_LIFETIME: LabDuration =
    LabDuration::from_secs(crate::inspect::checks::policy::DEFAULT_MAX_LIFETIME_SECS);
use super::wire::KeyPackageFormat;

/// A cheap, cloneable handle to the DS task. Every call is one request and one reply.
#[derive(Clone)]
pub struct DsHandle {
    link: Link,
}

/// Where the DS is: this lab's own task, or a server (`--ds URL`).
#[derive(Clone)]
enum Link {
    Local(LocalDs),
    Remote(std::sync::Arc<dyn remote::RemoteDs>),
}

/// The lab's own DS task.
#[derive(Clone)]
struct LocalDs {
    tx: mpsc::UnboundedSender<Request>,
    /// The error of the last request that panicked, for its caller.
    contained: Arc<Mutex<Option<EngineError>>>,
}

impl LocalDs {
    /// Why a request got no answer: the DS task is gone, or (while it runs)
    /// the request panicked and was contained.
    fn dropped_reply(&self) -> EngineError {
        if self.tx.is_closed() {
            return EngineError::DsUnavailable;
        }
        let contained = self
            .contained
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        contained.unwrap_or_else(|| EngineError::InternalError {
            what: "the Delivery Service".into(),
            detail: "a request ended without an answer".into(),
        })
    }
}

impl DsHandle {
    /// Starts the DS on the current tokio runtime.
    pub fn spawn() -> Self {
        Self::spawn_with(LabClock::system(), DEFAULT_MAX_LIFETIME)
    }

    /// Starts the DS with the lab's clock and its maximum key package lifetime.
    pub fn spawn_with(clock: LabClock, max_lifetime: LabDuration) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let contained = Arc::new(Mutex::new(None));
        let slot = Arc::clone(&contained);
        tokio::spawn(actor::run(DsCore::new(clock, max_lifetime), rx, slot));
        Self {
            link: Link::Local(LocalDs { tx, contained }),
        }
    }

    /// A handle to a DS that runs as a server (`--ds URL`).
    pub fn remote(remote: std::sync::Arc<dyn remote::RemoteDs>) -> Self {
        Self {
            link: Link::Remote(remote),
        }
    }

    /// Whether the lab's own DS task has ended: no request can be answered
    /// again, so the lab says so and stops instead of failing every command
    /// with `DsUnavailable`. A shared DS is a server: its answers say.
    pub fn stopped(&self) -> bool {
        match &self.link {
            Link::Local(local) => local.tx.is_closed(),
            Link::Remote(_) => false,
        }
    }

    /// Whether the DS is a shared server rather than this lab's own.
    pub fn is_remote(&self) -> bool {
        matches!(self.link, Link::Remote(_))
    }

    fn remote_ds(&self) -> Option<&dyn remote::RemoteDs> {
        match &self.link {
            Link::Remote(remote) => Some(remote.as_ref()),
            Link::Local(_) => None,
        }
    }

    /// Refused on a shared DS: `what` changes the DS itself.
    fn teacher_only(&self, what: &str) -> Result<(), EngineError> {
        match self.link {
            Link::Remote(_) => Err(EngineError::TeacherOnly(what.to_string())),
            Link::Local(_) => Ok(()),
        }
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> Request,
    ) -> Result<T, EngineError> {
        let (reply, rx) = oneshot::channel();
        let Link::Local(local) = &self.link else {
            return Err(EngineError::DsUnavailable);
        };
        local
            .tx
            .send(make(reply))
            .map_err(|_| EngineError::DsUnavailable)?;
        rx.await.map_err(|_| local.dropped_reply())
    }

    /// Registers a client's name and one of its signature public keys.
    pub async fn register(&self, client: &str, signature_key: Vec<u8>) -> Result<(), EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.register(client, signature_key).await;
        }
        let client = id(client)?;
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
        if self.is_remote() {
            let mut answers = self.publish_batch(publisher, vec![bytes], format).await?;
            return answers.pop().unwrap_or(Err(EngineError::DsUnavailable));
        }
        let publisher = id(publisher)?;
        self.call(|reply| Request::Publish {
            publisher,
            bytes,
            format,
            reply,
        })
        .await?
    }

    /// Uploads many key packages at once; the DS validates them across the
    /// machine's cores and answers each, in order, as [`Self::publish`] would.
    pub async fn publish_batch(
        &self,
        publisher: &str,
        uploads: Vec<Vec<u8>>,
        format: KeyPackageFormat,
    ) -> Result<Vec<Result<Published, EngineError>>, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.publish_batch(publisher, uploads, format).await;
        }
        let publisher = id(publisher)?;
        self.call(|reply| Request::PublishBatch {
            publisher,
            uploads,
            format,
            reply,
        })
        .await
    }

    /// A key package made elsewhere, for the external client `client`: validated
    /// like any upload; the DS registers its signature key and identity for
    /// `client` on first use, or, if it refuses the package, nothing at all.
    pub async fn import_external(
        &self,
        client: &str,
        bytes: Vec<u8>,
        format: KeyPackageFormat,
    ) -> Result<Published, EngineError> {
        if self.is_remote() {
            return Err(EngineError::DsRefused {
                code: "not_over_the_network".into(),
                message: "an external client's key package is imported into the lab's own DS"
                    .into(),
                rule: None,
            });
        }
        let client = id(client)?;
        self.call(|reply| Request::ImportExternal {
            client,
            bytes,
            format,
            reply,
        })
        .await?
    }

    /// Asks for one of `owner`'s key packages in ciphersuite `suite`.
    pub async fn claim(&self, owner: &str, suite: Suite) -> Result<Claimed, EngineError> {
        let mut claimed = self.claim_all(&[owner.to_string()], suite).await?;
        claimed.pop().ok_or(EngineError::DsUnavailable)
    }

    /// Claims one key package of each owner, all or none: if any owner has
    /// nothing to hand out, nothing is handed out.
    pub async fn claim_all(
        &self,
        owners: &[String],
        suite: Suite,
    ) -> Result<Vec<Claimed>, EngineError> {
        if self.is_remote() {
            return self
                .claim_all_by("", owners, suite, KeyPackageFormat::KeyPackage)
                .await;
        }
        let owners = ids(owners)?;
        self.call(|reply| Request::Claim {
            claimer: None,
            owners,
            suite,
            format: KeyPackageFormat::KeyPackage,
            reply,
        })
        .await?
    }

    /// [`Self::claim_all`] by a named claimer, whom the claim limit counts, in
    /// the framing it asks for.
    pub async fn claim_all_by(
        &self,
        claimer: &str,
        owners: &[String],
        suite: Suite,
        format: KeyPackageFormat,
    ) -> Result<Vec<Claimed>, EngineError> {
        if let Some(remote) = self.remote_ds() {
            // One request per owner: a shared DS hands out one package per request.
            let mut claimed = Vec::new();
            for owner in owners {
                claimed.push(remote.claim(claimer, owner, suite, format).await?);
            }
            return Ok(claimed);
        }
        let (claimer, owners) = (Some(claimer.to_string()), ids(owners)?);
        self.call(|reply| Request::Claim {
            claimer,
            owners,
            suite,
            format,
            reply,
        })
        .await?
    }

    /// Tells the DS that `creator` started the group `group_id`, so Commits can be
    /// fanned out. `label` is only for display.
    pub async fn create_group(
        &self,
        group_id: &[u8],
        label: &str,
        creator: &str,
    ) -> Result<(), EngineError> {
        if let Some(remote) = self.remote_ds() {
            let _ = label;
            return remote.create_group(group_id, creator).await;
        }
        let (group_id, label, creator) = (group_id.to_vec(), label.to_string(), id(creator)?);
        self.call(|reply| Request::CreateGroup {
            group_id,
            label,
            creator,
            reply,
        })
        .await?
    }

    /// Fans a Commit out to the other members of the group its own `GroupId`
    /// names, and routes the Welcome that goes with it (if any) to every client
    /// named by its `secrets[].new_member`; they join that group's roster.
    pub async fn send_commit(
        &self,
        from: &str,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
    ) -> Result<Routed, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.send_commit(from, commit, welcome).await;
        }
        let from = id(from)?;
        self.call(|reply| Request::SendCommit {
            from,
            commit,
            welcome,
            reply,
        })
        .await?
    }

    /// A Welcome on its own, from a sender outside the lab (raw OpenMLS in tests):
    /// routed to every `new_member` like one that travels with its Commit, for the
    /// `GroupId` the sender names (a UTF-8 name's bytes here).
    pub async fn send_welcome(
        &self,
        group_id: &str,
        from: &str,
        bytes: Vec<u8>,
    ) -> Result<WelcomeRouting, EngineError> {
        if let Some(remote) = self.remote_ds() {
            let _ = (group_id, from);
            return remote.send_welcome(bytes).await;
        }
        let (group_id, from) = (group_id.as_bytes().to_vec(), id(from)?);
        self.call(|reply| Request::SendWelcome {
            group_id,
            from,
            bytes,
            reply,
        })
        .await?
    }

    /// Everything waiting in `client`'s mailbox, oldest first. Removes nothing.
    pub async fn peek(&self, client: &str) -> Result<Vec<Delivery>, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.peek(client).await;
        }
        let client = id(client)?;
        self.call(|reply| Request::Peek { client, reply }).await
    }

    /// The client processed this delivery: it leaves the mailbox. Returns whether
    /// it was there.
    pub async fn ack(&self, client: &str, id: u64) -> Result<bool, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.ack(client, id).await;
        }
        let client = self::id(client)?;
        self.call(|reply| Request::Ack { client, id, reply }).await
    }

    /// Misbehaviour: delivers the last Welcome again to the clients it was routed to.
    pub async fn replay_welcome(&self) -> Result<Vec<String>, EngineError> {
        self.teacher_only("ds replay-welcome")?;
        let recipients = self
            .call(|reply| Request::ReplayWelcome { reply })
            .await??;
        Ok(names(&recipients))
    }

    /// Misbehaviour: delivers the last Welcome to a client it was not routed to.
    pub async fn forward_welcome(&self, to: &str) -> Result<Vec<String>, EngineError> {
        self.teacher_only("ds forward-welcome")?;
        let to = id(to)?;
        let recipients = self
            .call(|reply| Request::ForwardWelcome { to, reply })
            .await??;
        Ok(names(&recipients))
    }

    /// The lab clock moved: the DS purges what expired (see [`Self::take_expired`]).
    pub async fn set_clock(&self, clock: LabClock) -> Result<(), EngineError> {
        self.teacher_only("clock")?;
        self.call(|reply| Request::SetClock { clock, reply }).await
    }

    /// The packages the DS purged as expired since the last call, oldest first.
    pub async fn take_expired(&self) -> Result<Vec<ExpiredEntry>, EngineError> {
        if self.is_remote() {
            return Ok(Vec::new());
        }
        self.call(|reply| Request::TakeExpired { reply }).await
    }

    /// `owner`'s counters, without a copy of the directory.
    pub async fn counts(&self, owner: &str) -> Result<DirectoryCounts, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.counts(owner).await;
        }
        let owner = id(owner)?;
        self.call(|reply| Request::Counts { owner, reply }).await?
    }

    /// A copy of the DS state, for display.
    pub async fn snapshot(&self) -> Result<DsSnapshot, EngineError> {
        if let Some(remote) = self.remote_ds() {
            return remote.snapshot().await;
        }
        self.call(|reply| Request::Snapshot { reply }).await
    }

    /// Turns a fault on or off; turning one on that is on (or off that is off) is
    /// refused with `FaultUnchanged` and changes nothing.
    pub async fn set_fault(&self, fault: Fault, on: bool) -> Result<FaultChange, EngineError> {
        self.teacher_only("ds fault")?;
        self.call(|reply| Request::SetFault { fault, on, reply })
            .await?
    }

    /// Delivers everything a fault holds; `NothingHeld` if there is nothing.
    pub async fn release(&self) -> Result<Vec<String>, EngineError> {
        self.teacher_only("ds release")?;
        let recipients = self.call(|reply| Request::Release { reply }).await??;
        Ok(names(&recipients))
    }

    /// What the faults made the DS do since the last call, oldest first.
    pub async fn take_fault_acts(&self) -> Result<Vec<FaultAct>, EngineError> {
        if self.is_remote() {
            return Ok(Vec::new());
        }
        self.call(|reply| Request::TakeFaultActs { reply }).await
    }

    /// Sets the policy uploads are judged against (the checklist's DS rules).
    pub async fn set_key_package_policy(
        &self,
        policy: crate::inspect::checks::Policy,
    ) -> Result<(), EngineError> {
        self.teacher_only("ds policy")?;
        self.call(|reply| Request::SetKeyPackagePolicy { policy, reply })
            .await
    }

    /// Sets (or with `None` lifts) the claim limit.
    pub async fn set_claim_limit(&self, limit: Option<ClaimLimit>) -> Result<(), EngineError> {
        self.teacher_only("ds policy")?;
        self.call(|reply| Request::SetClaimLimit { limit, reply })
            .await
    }
}

/// A lab client's identity at the DS: its name. Names are checked when a client
/// is made, so only an empty or overlong one (never registered) fails here.
fn id(name: &str) -> Result<ClientId, EngineError> {
    ClientId::from_name(name).map_err(|_| EngineError::UnknownClient(name.to_string()))
}

fn ids(names: &[String]) -> Result<Vec<ClientId>, EngineError> {
    names.iter().map(|name| id(name)).collect()
}

/// Clients by name, for the engine's events.
fn names(clients: &[ClientId]) -> Vec<String> {
    clients.iter().map(ClientId::to_string).collect()
}
