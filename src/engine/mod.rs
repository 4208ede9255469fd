//! The engine: simulated clients, the Delivery Service task and the event log.
//! No terminal code and no parser live here: each verb of the vocabulary is a
//! method taking engine and domain values, which the command layer calls, one
//! command at a time between [`Engine::start_command`] and
//! [`Engine::finish_command`].

pub mod bundle;
pub mod client;
pub mod ds;
pub mod error;
pub mod event;
pub mod file;
mod members;
pub mod provider;
mod verbs;
pub mod view;
pub mod wire;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use crate::domain::LabClock;
pub use provider::Randomness;

pub use client::{Client, GenerateOptions, GroupView, KeyPackageEntry, Lifecycle, LifetimeChoice};
pub use ds::{DsHandle, DsSnapshot};
pub use error::{EngineError, ErrorCode};
pub use event::{Endpoint, Event, EventKind, Outcome, Route};
pub use members::TreeMember;
pub use verbs::{Craft, Export, ExportFormat, PolicyChange, PoolPolicy, Publish, Uploads};
pub use view::{
    ClientView, GroupOverview, KeyPackageDetails, KeyPackageRow, LabView, MemberView,
    WelcomeDetails, WelcomeSecret,
};
pub use wire::KeyPackageFormat;

/// The lab: clients, a handle to the DS task, and the event log.
pub struct Engine {
    clients: BTreeMap<String, Client>,
    ds: DsHandle,
    /// The log, by `seq`; gaps where [`Self::forget_passing`] dropped an event.
    events: Vec<Event>,
    /// The `seq` of the last event logged, kept or not.
    logged: u64,
    /// How much of `events` holds kept events only (what was forgotten up to).
    settled: usize,
    /// Every Welcome sent, by the `seq` of its `welcome_sent` event, for the inspector.
    welcomes: BTreeMap<u64, Vec<u8>>,
    /// The lab's name of every group, by MLS `GroupId`: names are one namespace.
    group_labels: HashMap<Vec<u8>, String>,
    /// Mailbox deliveries already reported with a `welcome_delivered` event.
    announced: HashSet<u64>,
    /// Where the clients' keys come from (`--seed N`).
    randomness: Randomness,
    /// The lab's time (system time plus an offset moved by `clock +30d`).
    clock: LabClock,
    /// The result of the last non-`expect` command, for `expect ok|error`.
    last_result: Option<Result<(), EngineError>>,
    /// Clients that keep a pool of key packages at the DS (`NAME pool`).
    pools: BTreeMap<String, PoolPolicy>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("clients", &self.clients)
            .field("events", &self.events.len())
            .finish()
    }
}

impl Engine {
    /// A lab with no clients and an empty DS.
    ///
    /// Drive it from a current-thread runtime where you can: the engine awaits every
    /// DS reply, and on a multi-thread runtime each request costs two cross-thread
    /// wake-ups (docs/benchmarks.md).
    ///
    /// # Panics
    /// Outside a tokio runtime, which must host the DS task (as `tokio::spawn` does).
    pub fn new() -> Self {
        Self::with_randomness(Randomness::System)
    }

    /// A lab whose clients draw their keys from `randomness`. A seeded lab
    /// (`--seed N`) also runs on a clock that starts at the beginning of the
    /// current UTC week and moves only with `clock +…` ([`LabClock::seeded`]), so
    /// that runs with the same seed in the same week give the same event log.
    ///
    /// # Panics
    /// Outside a tokio runtime, as [`Self::new`].
    pub fn with_randomness(randomness: Randomness) -> Self {
        let clock = Self::clock_for(randomness);
        let ds = DsHandle::spawn_with(clock, ds::DEFAULT_MAX_LIFETIME);
        Self::with_ds(randomness, ds)
    }

    /// A lab whose clients use `ds`: its own (as [`Self::with_randomness`]) or a
    /// shared one that runs as a server ([`DsHandle::remote`], `--ds URL`).
    pub fn with_ds(randomness: Randomness, ds: DsHandle) -> Self {
        let clock = Self::clock_for(randomness);
        Self {
            clients: BTreeMap::new(),
            ds,
            events: Vec::new(),
            logged: 0,
            settled: 0,
            welcomes: BTreeMap::new(),
            group_labels: HashMap::new(),
            randomness,
            clock,
            announced: HashSet::new(),
            last_result: None,
            pools: BTreeMap::new(),
        }
    }

    fn clock_for(randomness: Randomness) -> LabClock {
        match randomness {
            Randomness::System => LabClock::system(),
            Randomness::Seeded(_) => LabClock::seeded(),
        }
    }

    /// Whether `name` can be claimed from or added: a client of this lab, or,
    /// on a shared DS, any client the server knows (it refuses unknown ones).
    pub(in crate::engine) fn check_peer(&self, name: &str) -> Result<(), EngineError> {
        if self.ds.is_remote() && !self.clients.contains_key(name) {
            return Ok(());
        }
        self.client(name).map(|_| ())
    }

    /// The event log, oldest first: every event since the last
    /// [`Self::forget_passing`], and before it the kept ones.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Drops the events logged since the last call that record nothing lasting
    /// (a passed expectation, a look at the clock: [`EventKind::is_kept`]).
    /// Whoever passes the log on as it grows (the headless runner, the TUI's
    /// engine thread) calls it once it has, so that a stream of lines that change
    /// nothing keeps nothing. Costs only the events since the last call.
    pub fn forget_passing(&mut self) {
        let recent: Vec<Event> = self.events.drain(self.settled..).collect();
        self.events
            .extend(recent.into_iter().filter(|e| e.kind.is_kept()));
        self.settled = self.events.len();
    }

    /// The `seq` of the last event logged (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.logged
    }

    pub fn clients(&self) -> &BTreeMap<String, Client> {
        &self.clients
    }

    pub fn client(&self, name: &str) -> Result<&Client, EngineError> {
        self.clients
            .get(name)
            .ok_or_else(|| EngineError::UnknownClient(name.to_string()))
    }

    /// Whether the lab holds `name`'s state: a simulated client, not an external
    /// one or a member of a foreign group the lab never saw. Only those can be
    /// waited for in a group (`expect in-sync`, the groups panel's "invited").
    pub fn simulates(&self, name: &str) -> bool {
        self.clients.get(name).is_some_and(|c| !c.is_external())
    }

    fn client_mut(&mut self, name: &str) -> Result<&mut Client, EngineError> {
        self.clients
            .get_mut(name)
            .ok_or_else(|| EngineError::UnknownClient(name.to_string()))
    }

    /// A handle to the DS, for concurrent use (it is a message channel).
    pub fn ds(&self) -> &DsHandle {
        &self.ds
    }

    /// The lab's clock.
    pub fn clock(&self) -> LabClock {
        self.clock
    }

    /// The lab's now, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.clock.now_secs()
    }

    /// A copy of the DS state.
    pub async fn ds_snapshot(&self) -> Result<DsSnapshot, EngineError> {
        self.ds.snapshot().await
    }

    fn emit(&mut self, actor: &str, kind: EventKind, started: Instant, outcome: Outcome) {
        let duration_us = started.elapsed().as_micros() as u64;
        self.emit_timed(actor, kind, duration_us, outcome);
    }

    /// An event whose duration was measured by the caller (a share of a batch).
    fn emit_timed(&mut self, actor: &str, kind: EventKind, duration_us: u64, outcome: Outcome) {
        self.logged += 1;
        let seq = self.logged;
        self.events.push(Event {
            seq,
            actor: actor.to_string(),
            kind,
            duration_us,
            outcome,
        });
    }

    fn ok(&mut self, actor: &str, kind: EventKind, started: Instant) {
        self.emit(actor, kind, started, Outcome::Ok);
    }

    fn failed(&mut self, actor: &str, kind: EventKind, started: Instant) {
        self.emit(actor, kind, started, Outcome::Error);
    }

    /// Marks the start of one command of the vocabulary, for
    /// [`Self::finish_command`].
    pub fn start_command(&self) -> CommandStart {
        CommandStart {
            events: self.events.len(),
            started: Instant::now(),
        }
    }

    /// Ends one command: a failure no step reported yet gets its
    /// `command_failed` event (`actor` and `verb` as the line names them),
    /// whatever a fault made the DS do is reported, and the result is kept for
    /// `expect ok|error`. A failure changes no other state than the protocol
    /// itself defines.
    pub async fn finish_command(
        &mut self,
        start: CommandStart,
        actor: &str,
        verb: &str,
        result: Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        if let Err(error) = &result {
            let reported = self.events[start.events.min(self.events.len())..]
                .iter()
                .any(|e| e.outcome == Outcome::Error);
            if !reported {
                let kind = EventKind::CommandFailed {
                    command: verb.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(actor, kind, start.started);
            }
        }
        // Whatever a fault made the DS do and no step reported yet.
        let result = match self.report_faults().await {
            Ok(()) => result,
            Err(error) => result.and(Err(error)),
        };
        self.last_result = Some(result.clone());
        result
    }

    /// The result of the last command (not counting `expect` lines), for
    /// `expect ok|error`; `None` before the first.
    pub fn last_result(&self) -> Option<&Result<(), EngineError>> {
        self.last_result.as_ref()
    }

    /// Logs the outcome of an `expect` line (`expectation` in its canonical
    /// text): `expect_passed`, or `expect_failed` with the error.
    pub fn record_expectation(
        &mut self,
        expectation: String,
        started: Instant,
        result: &Result<(), EngineError>,
    ) {
        match result {
            Ok(()) => self.ok("lab", EventKind::ExpectPassed { expectation }, started),
            Err(error) => {
                let kind = EventKind::ExpectFailed {
                    expectation,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed("lab", kind, started);
            }
        }
    }
}

/// Where a command started: the log's length and the time, for
/// [`Engine::finish_command`].
#[derive(Debug, Clone, Copy)]
pub struct CommandStart {
    events: usize,
    started: Instant,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
