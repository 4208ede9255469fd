//! The engine: simulated clients, the Delivery Service task and the event log.
//! No terminal code and no parser live here: each verb of the vocabulary is a
//! method taking engine and domain values, which the command layer calls, one
//! command at a time between [`Engine::start_command`] and
//! [`Engine::finish_command`].
//!
//! The engine's state is a handful of parts, each in its own file with private
//! fields and the rule it keeps: `roster` (the clients, simulated or external),
//! `event` (the log, numbered without gaps), `group_names` (one name per MLS
//! `GroupId`), `welcomes` (what was sent, by event), `pools` (the clients'
//! pool policies) and `last_result` (for `expect ok|error`).

pub mod bundle;
pub mod client;
mod cores;
pub mod ds;
pub mod error;
pub mod event;
pub mod file;
mod group_names;
pub mod guard;
mod last_result;
mod members;
mod pools;
pub mod provider;
mod roster;
mod verbs;
pub mod view;
mod welcomes;
pub mod wire;

use std::collections::BTreeMap;
use std::time::Instant;

use crate::domain::LabClock;
pub use provider::Randomness;

pub use client::{Client, GenerateOptions, GroupView, KeyPackageEntry, Lifecycle, LifetimeChoice};
pub use ds::{DsHandle, DsSnapshot};
pub use error::{EngineError, ErrorCode};
pub use event::{CommandStart, Endpoint, Event, EventKind, Outcome, Route};
pub use members::TreeMember;
pub use pools::PoolPolicy;
pub use verbs::{Craft, Export, ExportFormat, PolicyChange, Publish, Uploads};
pub use view::{
    ClientView, GroupOverview, KeyPackageDetails, KeyPackageRow, LabView, MemberView, Opener,
    WelcomeDetails, WelcomeSecret,
};
pub use wire::KeyPackageFormat;

use event::EventLog;
use group_names::GroupNames;
use last_result::LastResult;
use pools::Pools;
use roster::Roster;
use welcomes::WelcomeArchive;

/// The lab: a composition of small parts, each owning its own rule. The verbs
/// (`verbs/`) call their methods and the DS's; no verb reaches into a part.
pub struct Engine {
    /// The clients, simulated and external, by name.
    roster: Roster,
    /// A handle to the DS task.
    ds: DsHandle,
    /// The log, by `seq`; gaps where [`Self::forget_passing`] dropped an event.
    log: EventLog,
    /// One name per MLS `GroupId`, and one `GroupId` per name.
    groups: GroupNames,
    /// Welcomes sent (for the inspector and `export-welcome`) and announced.
    welcomes: WelcomeArchive,
    /// Clients that keep a pool of key packages at the DS (`NAME pool`).
    pools: Pools,
    /// Where the clients' keys come from (`--seed N`).
    randomness: Randomness,
    /// The lab's time (system time plus an offset moved by `clock +30d`).
    clock: LabClock,
    /// For `expect ok|error`.
    last_result: LastResult,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("clients", self.roster.all())
            .field("events", &self.log.all().len())
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
            roster: Roster::default(),
            ds,
            log: EventLog::default(),
            groups: GroupNames::default(),
            welcomes: WelcomeArchive::default(),
            pools: Pools::default(),
            randomness,
            clock,
            last_result: LastResult::default(),
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
        if self.ds.is_remote() && !self.roster.contains(name) {
            return Ok(());
        }
        self.client(name).map(|_| ())
    }

    /// The event log, oldest first: every event since the last
    /// [`Self::forget_passing`], and before it the kept ones.
    pub fn events(&self) -> &[Event] {
        self.log.all()
    }

    /// Drops the events logged since the last call that record nothing lasting
    /// (a passed expectation, a look at the clock: [`EventKind::is_kept`]).
    /// Whoever passes the log on as it grows (the headless runner, the TUI's
    /// engine thread) calls it once it has, so that a stream of lines that change
    /// nothing keeps nothing. Costs only the events since the last call.
    pub fn forget_passing(&mut self) {
        self.log.forget_passing();
    }

    /// The `seq` of the last event logged (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.log.last_seq()
    }

    pub fn clients(&self) -> &BTreeMap<String, Client> {
        self.roster.all()
    }

    pub fn client(&self, name: &str) -> Result<&Client, EngineError> {
        self.roster.get(name)
    }

    /// Whether the lab holds `name`'s state: a simulated client, not an external
    /// one or a member of a foreign group the lab never saw. Only those can be
    /// waited for in a group (`expect in-sync`, the groups panel's "invited").
    pub fn simulates(&self, name: &str) -> bool {
        self.roster.simulates(name)
    }

    /// Whether the lab's own DS has stopped (see [`DsHandle::stopped`]): then
    /// nothing more can run, and the lab ends with that reason.
    pub fn ds_stopped(&self) -> bool {
        self.ds.stopped()
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

    /// The name of the group with this MLS `GroupId`, if the lab knows it.
    pub fn group_name(&self, group_id: &[u8]) -> Option<&str> {
        self.groups.name_of(group_id)
    }

    /// Marks the start of one command of the vocabulary, for
    /// [`Self::finish_command`].
    pub fn start_command(&self) -> CommandStart {
        self.log.mark()
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
            if !self.log.failed_since(start) {
                let kind = EventKind::CommandFailed {
                    command: verb.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(actor, kind, start.started());
            }
        }
        // Whatever a fault made the DS do and no step reported yet.
        let result = match self.report_faults().await {
            Ok(()) => result,
            Err(error) => result.and(Err(error)),
        };
        self.last_result.set(result.clone());
        result
    }

    /// The result of the last command (not counting `expect` lines), for
    /// `expect ok|error`; `None` before the first.
    pub fn last_result(&self) -> Option<&Result<(), EngineError>> {
        self.last_result.get()
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
            Ok(()) => self
                .log
                .ok("lab", EventKind::ExpectPassed { expectation }, started),
            Err(error) => {
                let kind = EventKind::ExpectFailed {
                    expectation,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed("lab", kind, started);
            }
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
