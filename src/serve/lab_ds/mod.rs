//! The lab's DS behind the network routes ([`LabDs`]): the engine's [`DsCore`]
//! under one lock, its changes committed through the store's group commit.
//!
//! Every request: validate key packages first (pure, the slowest step, on
//! many threads at once), then take the lock, run the operation, submit the
//! changes it recorded while still holding the lock (so the store commits in
//! the order the core changed), let go, and answer only once the store has
//! acknowledged them. Reads wait for the store to catch up first. A failed
//! commit leaves memory ahead of disk: from then on every request is refused
//! with `storage_unavailable`, and a restart reloads what is durable.
//!
//! What the DS did goes out on a bounded broadcast ([`ServerEvent`]) once it is
//! durable: the teacher's screen and `--json` read it.

mod errors;
mod events;
mod service;
#[cfg(test)]
mod tests;

pub use events::{ServerEvent, ServerEventKind};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use tokio::sync::broadcast;

use super::service::DsError;
use super::store::{
    DsStore, Durability, GroupCommit, GroupCommitConfig, SqliteStore, StoreError, StorePath,
};
use crate::domain::{LabClock, LabDuration};
use crate::engine::ds::{DsCore, DsEvent, DsSnapshot, DEFAULT_MAX_LIFETIME};

/// How many events a slow reader may fall behind before it misses some.
const EVENT_BACKLOG: usize = 4096;

/// The lab's DS as the routes' [`super::service::DeliveryService`].
pub struct LabDs {
    core: Mutex<DsCore>,
    commit: GroupCommit,
    poisoned: AtomicBool,
    events: broadcast::Sender<ServerEvent>,
    /// Turns at validating key packages, one per core.
    validators: tokio::sync::Semaphore,
    _writer: JoinHandle<()>,
}

impl LabDs {
    /// Opens (or creates) the store at `path` and rebuilds the DS from it.
    pub fn open(path: &StorePath, durability: Durability) -> Result<Arc<Self>, String> {
        let mut store = SqliteStore::open(path, durability).map_err(|e| e.to_string())?;
        let stored = store.load().map_err(|e| e.to_string())?;
        let core = DsCore::from_stored(stored, LabClock::system(), DEFAULT_MAX_LIFETIME)
            .map_err(|e| e.to_string())?;
        let (commit, writer) =
            GroupCommit::start(store, GroupCommitConfig::default()).map_err(|e| e.to_string())?;
        let (events, _) = broadcast::channel(EVENT_BACKLOG);
        Ok(Arc::new(Self {
            core: Mutex::new(core),
            commit,
            poisoned: AtomicBool::new(false),
            events,
            validators: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |cores| cores.get()),
            ),
            _writer: writer,
        }))
    }

    /// What the DS does from now on, durable before it is sent.
    pub fn subscribe(&self) -> broadcast::Receiver<ServerEvent> {
        self.events.subscribe()
    }

    /// A copy of the DS's state as the teacher's screen shows it.
    pub async fn snapshot(&self) -> Result<DsSnapshot, DsError> {
        self.read(|core| core.snapshot()).await
    }

    /// Sends an event that needs no store (a refusal by the HTTP layer).
    pub fn announce(&self, kind: ServerEventKind) {
        let _ = self.events.send(ServerEvent::now(kind));
    }

    fn lock(&self) -> Result<MutexGuard<'_, DsCore>, DsError> {
        if self.poisoned.load(Ordering::Acquire) {
            return Err(storage(StoreError::Poisoned));
        }
        self.core
            .lock()
            .map_err(|_| DsError::Storage("the DS's state lock is poisoned".into()))
    }

    /// Runs a read once everything before it is durable.
    async fn read<T>(&self, read: impl FnOnce(&DsCore) -> T) -> Result<T, DsError> {
        self.commit.barrier().await.map_err(|e| self.poison(e))?;
        let core = self.lock()?;
        Ok(read(&core))
    }

    /// Runs a change: under the lock, its changes queued in order; answered
    /// once durable, with its events sent after.
    async fn change<T>(
        &self,
        run: impl FnOnce(&mut DsCore) -> (T, Vec<ServerEventKind>),
    ) -> Result<T, DsError> {
        let (answer, events, acknowledged) = {
            let mut core = self.lock()?;
            let (answer, mut events) = run(&mut core);
            events.extend(core.take_events().into_iter().map(from_core));
            let changes = core.take_changes();
            let acknowledged = (!changes.is_empty()).then(|| self.commit.submit(changes));
            (answer, events, acknowledged)
        };
        if let Some(acknowledged) = acknowledged {
            acknowledged.await.map_err(|e| self.poison(e))?;
        }
        for kind in events {
            let _ = self.events.send(ServerEvent::now(kind));
        }
        Ok(answer)
    }

    fn poison(&self, error: StoreError) -> DsError {
        self.poisoned.store(true, Ordering::Release);
        storage(error)
    }
}

fn storage(error: StoreError) -> DsError {
    DsError::Storage(error.to_string())
}

fn from_core(event: DsEvent) -> ServerEventKind {
    match event {
        DsEvent::Expired(entry) => ServerEventKind::Expired {
            owner: entry.owner,
            kp_ref: entry.kp_ref.to_string(),
            last_resort: entry.last_resort,
        },
        DsEvent::FaultActed(act) => ServerEventKind::FaultActed {
            fault: act.fault.to_string(),
            did: act.did,
        },
    }
}

/// The longest lifetime the server accepts, as the lab's DS.
pub const MAX_LIFETIME: LabDuration = DEFAULT_MAX_LIFETIME;
