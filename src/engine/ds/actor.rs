//! The lab's driver of the DS: a tokio task that owns the [`DsCore`], takes one
//! [`Request`] at a time from the engine's [`super::DsHandle`], runs it and
//! sends the answer back. It keeps the core's events until the engine asks for
//! them (the expired packages, what the faults did).

use tokio::sync::{mpsc, oneshot};

use super::*;
use crate::domain::ClientId;

pub(super) enum Request {
    Register {
        client: ClientId,
        signature_key: Vec<u8>,
        reply: oneshot::Sender<()>,
    },
    Publish {
        publisher: ClientId,
        bytes: Vec<u8>,
        format: KeyPackageFormat,
        reply: oneshot::Sender<Result<Published, EngineError>>,
    },
    ImportExternal {
        client: ClientId,
        bytes: Vec<u8>,
        format: KeyPackageFormat,
        reply: oneshot::Sender<Result<Published, EngineError>>,
    },
    Claim {
        /// Who claims, for the claim limit; `None` for a claim from outside the lab.
        claimer: Option<String>,
        owners: Vec<ClientId>,
        suite: Suite,
        /// The framing the claimer asks for.
        format: KeyPackageFormat,
        reply: oneshot::Sender<Result<Vec<Claimed>, EngineError>>,
    },
    CreateGroup {
        group_id: Vec<u8>,
        label: String,
        creator: ClientId,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
    SendCommit {
        from: ClientId,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
        reply: oneshot::Sender<Result<Routed, EngineError>>,
    },
    PublishBatch {
        publisher: ClientId,
        uploads: Vec<Vec<u8>>,
        format: KeyPackageFormat,
        reply: oneshot::Sender<Vec<Result<Published, EngineError>>>,
    },
    SendWelcome {
        group_id: Vec<u8>,
        from: ClientId,
        bytes: Vec<u8>,
        reply: oneshot::Sender<Result<WelcomeRouting, EngineError>>,
    },
    Peek {
        client: ClientId,
        reply: oneshot::Sender<Vec<Delivery>>,
    },
    Ack {
        client: ClientId,
        id: u64,
        reply: oneshot::Sender<bool>,
    },
    ReplayWelcome {
        reply: oneshot::Sender<Result<Vec<ClientId>, EngineError>>,
    },
    ForwardWelcome {
        to: ClientId,
        reply: oneshot::Sender<Result<Vec<ClientId>, EngineError>>,
    },
    Snapshot {
        reply: oneshot::Sender<DsSnapshot>,
    },
    Counts {
        owner: ClientId,
        reply: oneshot::Sender<Result<DirectoryCounts, EngineError>>,
    },
    SetClock {
        clock: LabClock,
        reply: oneshot::Sender<()>,
    },
    TakeExpired {
        reply: oneshot::Sender<Vec<ExpiredEntry>>,
    },
    SetFault {
        fault: Fault,
        on: bool,
        reply: oneshot::Sender<Result<FaultChange, EngineError>>,
    },
    Release {
        reply: oneshot::Sender<Result<Vec<ClientId>, EngineError>>,
    },
    TakeFaultActs {
        reply: oneshot::Sender<Vec<FaultAct>>,
    },
    SetClaimLimit {
        limit: Option<ClaimLimit>,
        reply: oneshot::Sender<()>,
    },
    /// `ds policy max-lifetime|key-encoding|grease`: the whole key package policy.
    SetKeyPackagePolicy {
        policy: crate::inspect::checks::Policy,
        reply: oneshot::Sender<()>,
    },
    /// Whether the DS would route a Commit (`membership`).
    MayCommit {
        from: ClientId,
        group_id: Vec<u8>,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
    /// A group joined from outside the DS's routing (`membership`).
    RegisterJoin {
        join: Join,
        reply: oneshot::Sender<Result<(), EngineError>>,
    },
}

/// Events the engine has not taken yet, by what it asks for.
#[derive(Default)]
struct Pending {
    expired: Vec<ExpiredEntry>,
    fault_acts: Vec<FaultAct>,
}

impl Pending {
    fn keep(&mut self, events: Vec<DsEvent>) {
        for event in events {
            match event {
                DsEvent::Expired(entry) => self.expired.push(entry),
                DsEvent::FaultActed(act) => self.fault_acts.push(act),
            }
        }
    }
}

/// Serves requests until every handle is gone. A request that panics (OpenMLS
/// on bytes from outside, which every operation decodes and checks before it
/// changes anything) drops its reply, and its caller gets the contained error
/// from `contained`; the DS goes on.
pub(super) async fn run(
    mut core: DsCore,
    mut requests: mpsc::UnboundedReceiver<Request>,
    contained: Arc<Mutex<Option<EngineError>>>,
) {
    let mut pending = Pending::default();
    while let Some(request) = requests.recv().await {
        #[cfg(test)]
        if let Request::Register { client, .. } = &request {
            // The task ends as if it had died: every handle sees it closed.
            if client.as_bytes() == guard::test_hooks::DS_DIES.as_bytes() {
                return;
            }
        }
        let handled = guard::contain("the Delivery Service", || {
            #[cfg(test)]
            if let Request::Register { client, .. } = &request {
                let asked = client.as_bytes() == guard::test_hooks::DS_PANICS.as_bytes();
                guard::test_hooks::panic_if(asked);
            }
            handle(&mut core, &mut pending, request);
            Ok(())
        });
        if let Err(error) = handled {
            *contained.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
        }
        pending.keep(core.take_events());
        // The lab keeps no store: what changed is not needed once answered.
        drop(core.take_changes());
    }
}

fn handle(core: &mut DsCore, pending: &mut Pending, request: Request) {
    // A dropped reply channel only means the caller went away; nothing to do.
    match request {
        Request::Register {
            client,
            signature_key,
            reply,
        } => {
            core.register(client, signature_key);
            let _ = reply.send(());
        }
        Request::Publish {
            publisher,
            bytes,
            format,
            reply,
        } => {
            let _ = reply.send(core.publish(&publisher, &bytes, format));
        }
        Request::ImportExternal {
            client,
            bytes,
            format,
            reply,
        } => {
            let _ = reply.send(core.import_external(&client, &bytes, format));
        }
        Request::Claim {
            claimer,
            owners,
            suite,
            format,
            reply,
        } => {
            let _ = reply.send(core.claim_all(claimer.as_deref(), &owners, suite, format));
        }
        Request::CreateGroup {
            group_id,
            label,
            creator,
            reply,
        } => {
            let _ = reply.send(core.create_group(group_id, label, creator));
        }
        Request::SendCommit {
            from,
            commit,
            welcome,
            reply,
        } => {
            let _ = reply.send(core.route_commit(from, commit, welcome));
        }
        Request::PublishBatch {
            publisher,
            uploads,
            format,
            reply,
        } => {
            let _ = reply.send(core.publish_batch(&publisher, &uploads, format));
        }
        Request::SendWelcome {
            group_id,
            from,
            bytes,
            reply,
        } => {
            let _ = reply.send(core.send_welcome(group_id, from, bytes));
        }
        Request::Peek { client, reply } => {
            let _ = reply.send(core.peek(&client));
        }
        Request::Ack { client, id, reply } => {
            let _ = reply.send(core.ack(&client, id));
        }
        Request::ReplayWelcome { reply } => {
            let _ = reply.send(core.replay_welcome());
        }
        Request::ForwardWelcome { to, reply } => {
            let _ = reply.send(core.forward_welcome(to));
        }
        Request::SetClock { clock, reply } => {
            core.set_clock(clock);
            let _ = reply.send(());
        }
        Request::TakeExpired { reply } => {
            pending.keep(core.take_events());
            let _ = reply.send(std::mem::take(&mut pending.expired));
        }
        Request::Counts { owner, reply } => {
            let _ = reply.send(core.counts(&owner));
        }
        Request::Snapshot { reply } => {
            let _ = reply.send(core.snapshot());
        }
        Request::SetFault { fault, on, reply } => {
            let _ = reply.send(core.set_fault(fault, on));
        }
        Request::Release { reply } => {
            let _ = reply.send(core.release());
        }
        Request::TakeFaultActs { reply } => {
            pending.keep(core.take_events());
            let _ = reply.send(std::mem::take(&mut pending.fault_acts));
        }
        Request::SetClaimLimit { limit, reply } => {
            core.set_claim_limit(limit);
            let _ = reply.send(());
        }
        Request::SetKeyPackagePolicy { policy, reply } => {
            core.set_key_package_policy(policy);
            let _ = reply.send(());
        }
        Request::MayCommit {
            from,
            group_id,
            reply,
        } => {
            let _ = reply.send(core.may_commit(&from, &group_id));
        }
        Request::RegisterJoin { join, reply } => {
            let _ = reply.send(core.register_join(join));
        }
    }
}
