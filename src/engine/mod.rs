//! The engine: simulated clients, the Delivery Service task and the event log.
//! No terminal code lives here; everything is driven by [`crate::command::Command`].

pub mod bundle;
mod claim;
pub mod client;
pub mod clock;
pub mod ds;
pub mod error;
pub mod event;
pub mod exchange;
mod expect;
mod expiry;
mod faults;
mod generate;
mod groups;
mod mailbox;
mod members;
pub mod pool;
pub mod provider;
mod publish;
pub mod refs;
pub mod view;
pub mod wire;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use clock::LabClock;
pub use provider::Randomness;

pub use client::{Client, GenerateOptions, GroupView, KeyPackageEntry, Lifecycle, LifetimeChoice};
pub use ds::{DsHandle, DsSnapshot};
pub use error::EngineError;
pub use event::{Endpoint, Event, EventKind, Outcome, Route};
pub use members::TreeMember;
pub use refs::KeyPackageRefHex;
pub use view::{
    ClientView, GroupOverview, KeyPackageDetails, KeyPackageRow, LabView, MemberView,
    WelcomeDetails, WelcomeSecret,
};
pub use wire::KeyPackageFormat;

use crate::command::{validate_name, ClientAction, Command, DsAction, NameKind};
use ds::DeliveryKind;

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
    pools: BTreeMap<String, pool::PoolPolicy>,
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
        let clock = match randomness {
            Randomness::System => LabClock::system(),
            Randomness::Seeded(_) => LabClock::seeded(),
        };
        Self {
            clients: BTreeMap::new(),
            ds: DsHandle::spawn_with(clock, ds::DEFAULT_MAX_LIFETIME),
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

    /// Parses and executes one line of the command vocabulary.
    pub async fn execute_line(&mut self, line: &str) -> Result<(), EngineError> {
        match crate::command::parse_line(line)? {
            Some(command) => self.execute(&command).await,
            None => Ok(()),
        }
    }

    /// Executes one command. A failure leaves a failure event in the log and
    /// changes no other state than the protocol itself defines.
    pub async fn execute(&mut self, command: &Command) -> Result<(), EngineError> {
        if let Command::Expect(expectation) = command {
            return self.expect(expectation).await;
        }
        // A caption changes nothing, not even the result `expect error` checks.
        if let Command::Say(_) = command {
            return Ok(());
        }
        let before = self.events.len();
        let started = Instant::now();
        let result = match command {
            Command::Clients(names) => self.add_clients(names).await,
            Command::Client { client, action } => self.client_action(client, action).await,
            Command::Ds(action) => self.ds_action(action).await,
            Command::Deliver => self.deliver_all().await,
            Command::Clock(by) => self.clock_command(*by).await,
            Command::Expect(_) | Command::Say(_) => Ok(()),
            Command::ExportWelcome { group, output } => self.export_welcome(group, output),
            Command::ImportKeyPackage { file, name } => self.import_key_package(file, name).await,
        };
        if let Err(error) = &result {
            let reported = self.events[before..]
                .iter()
                .any(|e| e.outcome == Outcome::Error);
            if !reported {
                let kind = EventKind::CommandFailed {
                    command: command.verb().to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(command.actor(), kind, started);
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

    async fn add_clients(&mut self, names: &[String]) -> Result<(), EngineError> {
        // Check every name first, so a bad list changes nothing.
        for (i, name) in names.iter().enumerate() {
            validate_name(NameKind::Client, name)?;
            if self.clients.contains_key(name) || names[..i].contains(name) {
                return Err(EngineError::ClientExists(name.clone()));
            }
        }
        for name in names {
            let started = Instant::now();
            let client = Client::with_randomness(name, self.randomness)?;
            let keys = client.signature_keys();
            for (_, key) in &keys {
                self.ds.register(name, key.clone()).await?;
            }
            self.clients.insert(name.clone(), client);
            if let Some((scheme, key)) = keys.into_iter().next() {
                let kind = EventKind::ClientRegistered {
                    signature_key: hex::encode(key),
                    signature_scheme: format!("{scheme:?}"),
                };
                self.ok(name, kind, started);
            }
        }
        Ok(())
    }

    async fn client_action(
        &mut self,
        name: &str,
        action: &ClientAction,
    ) -> Result<(), EngineError> {
        let client = self.client(name)?;
        // An external client's keys are in another MLS stack: it only shows what it has.
        if client.is_external() {
            match action {
                ClientAction::Peek | ClientAction::ExportKeyPackage { .. } => {}
                other => {
                    return Err(EngineError::ExternalClient {
                        client: name.to_string(),
                        action: other.verb().to_string(),
                    })
                }
            }
        }
        match action {
            ClientAction::Generate(args) => self.generate_args(name, args).await,
            ClientAction::Publish(args) => self.publish(name, args).await,
            ClientAction::Claim {
                owner,
                suite,
                mls_message,
            } => {
                let format = if *mls_message {
                    KeyPackageFormat::MlsMessage
                } else {
                    KeyPackageFormat::KeyPackage
                };
                self.claim_framed(name, owner, *suite, format)
                    .await
                    .map(|_| ())
            }
            ClientAction::CreateGroup { group, suite } => {
                self.create_group(name, group, *suite).await
            }
            ClientAction::Add { members, to } => self.add(name, members, to).await,
            ClientAction::Peek => self.peek_mailbox(name).await.map(|_| ()),
            ClientAction::Join { welcome: None } => {
                self.process_mailbox(name, Some(DeliveryKind::Welcome))
                    .await
            }
            ClientAction::Join {
                welcome: Some(file),
            } => self.join_welcome_file(name, file),
            ClientAction::ExportKeyPackage { selector, output } => {
                self.export_key_package(name, selector, output)
            }
            ClientAction::Sync => self.process_mailbox(name, Some(DeliveryKind::Commit)).await,
            ClientAction::DeleteBundle { selector } => self.delete_bundle(name, selector),
            ClientAction::SelfUpdate { group } => self.self_update(name, group.as_deref()).await,
            ClientAction::RotateLastResort { suite } => self.rotate_last_resort(name, *suite).await,
            ClientAction::Pool {
                target,
                refill_below,
                off,
            } => self.pool_command(name, *target, *refill_below, *off).await,
        }
    }

    async fn ds_action(&mut self, action: &DsAction) -> Result<(), EngineError> {
        let started = Instant::now();
        let (label, recipients) = match action {
            DsAction::ReplayWelcome => ("replay-welcome", self.ds.replay_welcome().await?),
            DsAction::ForwardWelcome { to } => {
                self.client(to)?;
                ("forward-welcome", self.ds.forward_welcome(to).await?)
            }
            DsAction::Fault { fault, switch } => {
                return self.ds_fault(*fault, switch.is_on()).await
            }
            DsAction::Release => return self.ds_release().await,
            DsAction::Policy { policy } => return self.ds_policy(policy).await,
        };
        let kind = EventKind::DsMisbehaved {
            action: label.to_string(),
            recipients,
        };
        self.ok("ds", kind, started);
        Ok(())
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}
