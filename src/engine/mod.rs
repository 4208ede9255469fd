//! The engine: simulated clients, the Delivery Service task and the event log.
//! No terminal code lives here; everything is driven by [`crate::command::Command`].

pub mod client;
pub mod ds;
pub mod error;
pub mod event;
pub mod view;
pub mod wire;

use std::collections::BTreeMap;
use std::time::Instant;

use openmls::prelude::{KeyPackage, KeyPackageRef, OpenMlsProvider as _};

pub use client::{Client, GenerateOptions, GroupView, KeyPackageEntry, Lifecycle, LifetimeChoice};
pub use ds::{DsHandle, DsSnapshot};
pub use error::EngineError;
pub use event::{Event, EventKind, Outcome};
pub use view::{
    ClientView, GroupPanel, KeyPackageDetails, KeyPackageRow, LabView, MemberView, WelcomeDetails,
    WelcomeSecret,
};
pub use wire::KeyPackageFormat;

use crate::command::{
    valid_client_name, ClientAction, ClientCheck, Command, DsAction, DsCheck, Expectation,
    GenerateArgs, Presence, PublishArgs,
};
use client::{short, Claim, ClaimedKeyPackage};
use ds::DeliveryKind;
use wire::ref_hex;

/// The lab: clients, a handle to the DS task, and the event log.
pub struct Engine {
    clients: BTreeMap<String, Client>,
    ds: DsHandle,
    events: Vec<Event>,
    /// Every Welcome sent, by the `seq` of its `welcome_sent` event, for the inspector.
    welcomes: BTreeMap<u64, Vec<u8>>,
    /// The result of the last non-`expect` command, for `expect ok|error`.
    last_result: Option<Result<(), EngineError>>,
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
        Self {
            clients: BTreeMap::new(),
            ds: DsHandle::spawn(),
            events: Vec::new(),
            welcomes: BTreeMap::new(),
            last_result: None,
        }
    }

    /// The event log, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn clients(&self) -> &BTreeMap<String, Client> {
        &self.clients
    }

    pub fn client(&self, name: &str) -> Result<&Client, EngineError> {
        self.clients
            .get(name)
            .ok_or_else(|| EngineError::UnknownClient(name.to_string()))
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
        let seq = self.events.len() as u64 + 1;
        self.events.push(Event {
            seq,
            actor: actor.to_string(),
            kind,
            duration_us: started.elapsed().as_micros() as u64,
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
        let before = self.events.len();
        let started = Instant::now();
        let result = match command {
            Command::Clients(names) => self.add_clients(names).await,
            Command::Client { client, action } => self.client_action(client, action).await,
            Command::Ds(action) => self.ds_action(action).await,
            Command::Deliver => self.deliver_all().await,
            Command::Expect(_) => Ok(()),
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
        self.last_result = Some(result.clone());
        result
    }

    async fn add_clients(&mut self, names: &[String]) -> Result<(), EngineError> {
        // Check every name first, so a bad list changes nothing.
        for (i, name) in names.iter().enumerate() {
            if !valid_client_name(name) {
                return Err(EngineError::InvalidClientName(name.clone()));
            }
            if self.clients.contains_key(name) || names[..i].contains(name) {
                return Err(EngineError::ClientExists(name.clone()));
            }
        }
        for name in names {
            let started = Instant::now();
            let client = Client::new(name)?;
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
        self.client(name)?;
        match action {
            ClientAction::Generate(args) => self.generate(name, args).await.map(|_| ()),
            ClientAction::Publish(args) => self.publish(name, args).await,
            ClientAction::Claim { owner, suite } => {
                self.claim(name, owner, *suite).await.map(|_| ())
            }
            ClientAction::CreateGroup { group, suite } => self.create_group(name, group, *suite),
            ClientAction::Add { members, to } => self.add(name, members, to).await,
            ClientAction::Peek => self.fetch(name).await,
            ClientAction::Join => {
                self.fetch(name).await?;
                self.process_pending(name, Some(DeliveryKind::Welcome))
            }
            ClientAction::Sync => {
                self.fetch(name).await?;
                self.process_pending(name, Some(DeliveryKind::Commit))
            }
            ClientAction::SelfUpdate { group } => self.self_update(name, group.as_deref()).await,
            ClientAction::RotateLastResort { suite } => self.rotate_last_resort(name, *suite).await,
        }
    }

    /// Generates key packages; returns their references.
    pub async fn generate(
        &mut self,
        name: &str,
        args: &GenerateArgs,
    ) -> Result<Vec<KeyPackageRef>, EngineError> {
        let lifetime = match (args.lifetime, args.expired, args.not_yet_valid) {
            (Some(secs), _, _) => LifetimeChoice::Seconds(secs),
            (_, true, _) => LifetimeChoice::Expired,
            (_, _, true) => LifetimeChoice::NotYetValid,
            _ => LifetimeChoice::Default,
        };
        let options = GenerateOptions {
            suite: args.suite,
            last_resort: args.last_resort,
            last_resort_capability: !args.no_last_resort_capability,
            lifetime,
        };
        self.ensure_signer(name, options.suite).await?;
        let mut refs = Vec::new();
        for _ in 0..args.count {
            refs.push(self.generate_one(name, options)?);
        }
        Ok(refs)
    }

    async fn ensure_signer(&mut self, name: &str, suite: u16) -> Result<(), EngineError> {
        let scheme = wire::suite_from_number(suite)?.signature_algorithm();
        if let Some(key) = self.client_mut(name)?.ensure_signer(scheme)? {
            self.ds.register(name, key).await?;
        }
        Ok(())
    }

    fn generate_one(
        &mut self,
        name: &str,
        options: GenerateOptions,
    ) -> Result<KeyPackageRef, EngineError> {
        let started = Instant::now();
        let entry = self.client_mut(name)?.generate(options)?;
        let (not_before, not_after) = entry.lifetime();
        let kp_ref = entry.kp_ref.clone();
        let kind = EventKind::KeyPackageGenerated {
            kp_ref: ref_hex(&entry.kp_ref),
            last_resort: entry.last_resort(),
            last_resort_capability: entry.last_resort_capability,
            ciphersuite: entry.ciphersuite(),
            not_before,
            not_after,
            bytes: entry.bytes,
        };
        self.ok(name, kind, started);
        Ok(kp_ref)
    }

    async fn publish(&mut self, name: &str, args: &PublishArgs) -> Result<(), EngineError> {
        let format = if args.mls_message {
            KeyPackageFormat::MlsMessage
        } else {
            KeyPackageFormat::KeyPackage
        };
        // Collect the uploads first: (reference in own inventory, bytes).
        let client = self.client(name)?;
        let mut uploads: Vec<(Option<KeyPackageRef>, Vec<u8>)> = Vec::new();
        if let Some(raw) = &args.raw {
            let bytes = hex::decode(raw.trim()).map_err(|e| EngineError::Malformed {
                what: "hex".into(),
                detail: e.to_string(),
            })?;
            uploads.push((None, bytes));
        } else if let Some(victim) = &args.stolen_from {
            let victim = self.client(victim)?;
            let entry =
                victim
                    .inventory()
                    .last()
                    .ok_or_else(|| EngineError::UnknownKeyPackage {
                        client: victim.name().to_string(),
                        selector: "@last".into(),
                    })?;
            uploads.push((None, wire::encode_key_package(&entry.key_package, format)?));
        } else {
            let entries: Vec<&KeyPackageEntry> = if args.all {
                client
                    .inventory()
                    .iter()
                    .filter(|e| !e.published && e.rejected.is_none())
                    .collect()
            } else if args.refs.is_empty() {
                return Err(EngineError::Usage(
                    "publish what? name key packages (hex prefix, @N, @last) or use --all".into(),
                ));
            } else {
                args.refs
                    .iter()
                    .map(|s| client.resolve(s))
                    .collect::<Result<_, _>>()?
            };
            for entry in entries {
                let mut bytes = wire::encode_key_package(&entry.key_package, format)?;
                if args.tamper {
                    // The signature is the last field: flip a bit of its last byte.
                    if let Some(last) = bytes.last_mut() {
                        *last ^= 0x01;
                    }
                }
                uploads.push((Some(entry.kp_ref.clone()), bytes));
            }
        }
        let mut first_error = None;
        for (own_ref, bytes) in uploads {
            let started = Instant::now();
            let size = bytes.len();
            match self.ds.publish(name, bytes, format).await {
                Ok(published) => {
                    let client = self.client_mut(name)?;
                    if let Some(entry) = client.entry_mut(&published.kp_ref) {
                        entry.published = true;
                    }
                    if let Some(old) = &published.replaced {
                        if let Some(entry) = client.entry_mut(old) {
                            entry.replaced = true;
                        }
                    }
                    let kind = EventKind::KeyPackagePublished {
                        kp_ref: ref_hex(&published.kp_ref),
                        last_resort: published.last_resort,
                        format,
                        bytes: size,
                        replaced: published.replaced.as_ref().map(ref_hex),
                    };
                    self.ok(name, kind, started);
                }
                Err(error) => {
                    let last_resort = own_ref
                        .as_ref()
                        .and_then(|r| self.client(name).ok()?.entry(r).map(|e| e.last_resort()));
                    if let Some(r) = &own_ref {
                        // A duplicate was accepted before: its state stays as it was.
                        if !matches!(error, EngineError::Duplicate { .. }) {
                            if let Some(entry) = self.client_mut(name)?.entry_mut(r) {
                                entry.rejected = Some(error.code());
                            }
                        }
                    }
                    let kind = EventKind::KeyPackageRejected {
                        kp_ref: own_ref.as_ref().map(ref_hex),
                        last_resort,
                        bytes: size,
                        error: error.code(),
                        message: error.to_string(),
                    };
                    self.failed(name, kind, started);
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Claims one of `owner`'s key packages; the claimer validates it (RFC 9420
    /// §10.1) and keeps it until it adds the owner to a group.
    pub async fn claim(
        &mut self,
        name: &str,
        owner: &str,
        suite: u16,
    ) -> Result<KeyPackageRef, EngineError> {
        let started = Instant::now();
        self.client(name)?;
        let claimed = match self.ds.claim(owner, suite).await {
            Ok(claimed) => claimed,
            Err(error) => {
                let kind = EventKind::ClaimFailed {
                    owner: owner.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(name, kind, started);
                return Err(error);
            }
        };
        let client = self.client_mut(name)?;
        let (key_package, kp_ref) = wire::accept_key_package(
            client.provider().crypto(),
            &claimed.entry.bytes,
            KeyPackageFormat::KeyPackage,
        )?;
        client.wallet_push(ClaimedKeyPackage {
            owner: owner.to_string(),
            kp_ref: kp_ref.clone(),
            key_package,
        });
        if let Some(entry) = self
            .clients
            .get_mut(owner)
            .and_then(|c| c.entry_mut(&kp_ref))
        {
            entry.claims.push(Claim {
                by: name.to_string(),
                group: None,
            });
        }
        let kind = EventKind::KeyPackageClaimed {
            kp_ref: ref_hex(&kp_ref),
            owner: owner.to_string(),
            last_resort: claimed.entry.last_resort,
            last_resort_reuse: claimed.last_resort_reuse,
            handouts: claimed.entry.handouts,
            bytes: claimed.entry.bytes.len(),
        };
        self.ok(name, kind, started);
        Ok(kp_ref)
    }

    fn create_group(&mut self, name: &str, group: &str, suite: u16) -> Result<(), EngineError> {
        let started = Instant::now();
        let view = self.client_mut(name)?.create_group(group, suite)?;
        self.ds.create_group(group, name)?;
        let kind = EventKind::GroupCreated {
            group: group.to_string(),
            epoch: view.epoch,
            ciphersuite: view.ciphersuite,
        };
        self.ok(name, kind, started);
        Ok(())
    }

    async fn add(
        &mut self,
        name: &str,
        members: &[String],
        group: &str,
    ) -> Result<(), EngineError> {
        let suite = self
            .client(name)?
            .group_view(group)
            .ok_or_else(|| EngineError::UnknownGroup {
                client: name.to_string(),
                group: group.to_string(),
            })?
            .ciphersuite;
        for member in members {
            self.client(member)?;
        }
        // A held (claimed) package first; otherwise claim one in the group's suite.
        let mut packages: Vec<ClaimedKeyPackage> = Vec::new();
        for member in members {
            let held = self.client_mut(name)?.wallet_take(member);
            let package = match held {
                Some(p) => p,
                None => match self.claim(name, member, suite).await {
                    Ok(_) => match self.client_mut(name)?.wallet_take(member) {
                        Some(p) => p,
                        None => return Err(EngineError::DsUnavailable),
                    },
                    Err(error) => {
                        self.client_mut(name)?.wallet_return(packages);
                        return Err(error);
                    }
                },
            };
            packages.push(package);
        }
        let started = Instant::now();
        let key_packages: Vec<KeyPackage> =
            packages.iter().map(|p| p.key_package.clone()).collect();
        let (commit, welcome, view) = match self.client_mut(name)?.add_members(group, &key_packages)
        {
            Ok(out) => out,
            Err(error) => {
                // The claimed packages stay with the adder, as they were.
                self.client_mut(name)?.wallet_return(packages);
                return Err(error);
            }
        };
        for p in &packages {
            if let Some(entry) = self
                .clients
                .get_mut(&p.owner)
                .and_then(|c| c.entry_mut(&p.kp_ref))
            {
                if let Some(claim) = entry
                    .claims
                    .iter_mut()
                    .rev()
                    .find(|c| c.by == name && c.group.is_none())
                {
                    claim.group = Some(group.to_string());
                }
            }
        }
        let commit_size = commit.len();
        let recipients = self.ds.send_commit(group, name, commit).await?;
        let kind = EventKind::CommitSent {
            group: group.to_string(),
            epoch: view.epoch,
            added: members.to_vec(),
            recipients,
            bytes: commit_size,
        };
        self.ok(name, kind, started);
        let started = Instant::now();
        let welcome_size = welcome.len();
        let kept = welcome.clone();
        let routing = self.ds.send_welcome(group, name, welcome).await?;
        let kind = EventKind::WelcomeSent {
            group: group.to_string(),
            epoch: view.epoch,
            new_member_refs: routing.new_members.iter().map(ref_hex).collect(),
            recipients: routing.recipients,
            unroutable: routing.unroutable.iter().map(ref_hex).collect(),
            bytes: welcome_size,
        };
        self.ok(name, kind, started);
        self.welcomes.insert(self.events.len() as u64, kept);
        Ok(())
    }

    /// Moves the client's DS mailbox into its pending queue; reports each Welcome
    /// with a non-destructive peek.
    async fn fetch(&mut self, name: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        let deliveries = self.ds.fetch(name).await?;
        for delivery in deliveries {
            if delivery.kind == DeliveryKind::Welcome {
                let client = self.client(name)?;
                let kind = match wire::decode_welcome(&delivery.bytes) {
                    Ok(welcome) => {
                        let peek = client.peek_welcome(&welcome);
                        EventKind::WelcomeDelivered {
                            group: delivery.group.clone(),
                            new_member_refs: peek.new_members.iter().map(ref_hex).collect(),
                            kp_ref: peek.own.as_ref().map(ref_hex),
                            bytes: delivery.bytes.len(),
                            misbehaving_ds: delivery.misbehaving,
                        }
                    }
                    Err(_) => EventKind::WelcomeDelivered {
                        group: delivery.group.clone(),
                        new_member_refs: Vec::new(),
                        kp_ref: None,
                        bytes: delivery.bytes.len(),
                        misbehaving_ds: delivery.misbehaving,
                    },
                };
                self.ok(name, kind, started);
            }
            self.client_mut(name)?.pending_mut().push_back(delivery);
        }
        Ok(())
    }

    /// Processes pending deliveries of one kind (or all), oldest first. Every one is
    /// attempted; the first error is returned.
    fn process_pending(
        &mut self,
        name: &str,
        only: Option<DeliveryKind>,
    ) -> Result<(), EngineError> {
        let pending: Vec<_> = {
            let queue = self.client_mut(name)?.pending_mut();
            let (take, keep): (Vec<_>, Vec<_>) = queue
                .drain(..)
                .partition(|d| only.is_none_or(|k| d.kind == k));
            queue.extend(keep);
            take
        };
        if pending.is_empty() && only == Some(DeliveryKind::Welcome) {
            return Err(EngineError::NoPendingWelcome(name.to_string()));
        }
        let mut first_error = None;
        for delivery in pending {
            let result = match delivery.kind {
                DeliveryKind::Welcome => self.join_one(name, &delivery.group, &delivery.bytes),
                DeliveryKind::Commit => self.commit_one(name, &delivery.group, &delivery.bytes),
            };
            if let Err(error) = result {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn join_one(&mut self, name: &str, group: &str, bytes: &[u8]) -> Result<(), EngineError> {
        let started = Instant::now();
        let report = match self.client_mut(name)?.join(bytes) {
            Ok(report) => report,
            Err(error) => {
                let kind = EventKind::JoinFailed {
                    group: group.to_string(),
                    kp_ref: None,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(name, kind, started);
                return Err(error);
            }
        };
        let own = report.peek.own.as_ref().map(ref_hex);
        let outcome = match report.result {
            Ok(view) => {
                let kind = EventKind::GroupJoined {
                    group: view.name.clone(),
                    epoch: view.epoch,
                    kp_ref: own.clone().unwrap_or_default(),
                    last_resort: report.own_last_resort,
                    members: view.members.clone(),
                };
                self.ok(name, kind, started);
                Ok(())
            }
            Err(error) => {
                let kind = EventKind::JoinFailed {
                    group: group.to_string(),
                    kp_ref: own.clone(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(name, kind, started);
                Err(error)
            }
        };
        // What OpenMLS did with the private bundle, read back from storage: a normal
        // one is deleted as soon as the Welcome names it, even if the join failed.
        if let (Some(kp_ref), Some(still_there)) = (own, report.bundle_after) {
            let kind = if still_there {
                EventKind::PrivateBundleRetained { kp_ref }
            } else {
                EventKind::PrivateBundleDeleted { kp_ref }
            };
            self.ok(name, kind, started);
        }
        outcome
    }

    fn commit_one(&mut self, name: &str, group: &str, bytes: &[u8]) -> Result<(), EngineError> {
        let started = Instant::now();
        match self.client_mut(name)?.process_commit(group, bytes) {
            Ok(view) => {
                let kind = EventKind::CommitProcessed {
                    group: group.to_string(),
                    epoch: view.epoch,
                };
                self.ok(name, kind, started);
                Ok(())
            }
            Err(error) => {
                let kind = EventKind::CommitFailed {
                    group: group.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed(name, kind, started);
                Err(error)
            }
        }
    }

    async fn deliver_all(&mut self) -> Result<(), EngineError> {
        let names: Vec<String> = self.clients.keys().cloned().collect();
        let mut first_error = None;
        for name in names {
            self.fetch(&name).await?;
            if let Err(error) = self.process_pending(&name, None) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn self_update(&mut self, name: &str, group: Option<&str>) -> Result<(), EngineError> {
        let groups: Vec<String> = match group {
            Some(g) => vec![g.to_string()],
            None => self
                .client(name)?
                .groups()
                .iter()
                .filter(|(_, r)| r.via_last_resort)
                .map(|(n, _)| n.clone())
                .collect(),
        };
        if groups.is_empty() {
            return Err(EngineError::Usage(format!(
                "{name} joined no group through a last-resort package; name a group: '{name} self-update GROUP'"
            )));
        }
        for group in groups {
            self.self_update_one(name, &group).await?;
        }
        Ok(())
    }

    async fn self_update_one(&mut self, name: &str, group: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        let (commit, view) = self.client_mut(name)?.self_update(group)?;
        let size = commit.len();
        self.ds.send_commit(group, name, commit).await?;
        let kind = EventKind::SelfUpdated {
            group: group.to_string(),
            epoch: view.epoch,
            bytes: size,
        };
        self.ok(name, kind, started);
        Ok(())
    }

    async fn rotate_last_resort(&mut self, name: &str, suite: u16) -> Result<(), EngineError> {
        let args = GenerateArgs {
            count: 1,
            last_resort: true,
            no_last_resort_capability: false,
            suite,
            lifetime: None,
            expired: false,
            not_yet_valid: false,
        };
        let refs = self.generate(name, &args).await?;
        let publish = PublishArgs {
            refs: refs.iter().map(ref_hex).collect(),
            all: false,
            mls_message: false,
            tamper: false,
            raw: None,
            stolen_from: None,
        };
        self.publish(name, &publish).await?;
        let stale: Vec<String> = self
            .client(name)?
            .groups()
            .iter()
            .filter(|(_, r)| r.needs_update)
            .map(|(n, _)| n.clone())
            .collect();
        for group in stale {
            self.self_update_one(name, &group).await?;
        }
        Ok(())
    }

    async fn ds_action(&mut self, action: &DsAction) -> Result<(), EngineError> {
        let started = Instant::now();
        let (label, recipients) = match action {
            DsAction::ReplayWelcome => ("replay-welcome", self.ds.replay_welcome().await?),
            DsAction::ForwardWelcome { to } => {
                self.client(to)?;
                ("forward-welcome", self.ds.forward_welcome(to).await?)
            }
        };
        let kind = EventKind::DsMisbehaved {
            action: label.to_string(),
            recipients,
        };
        self.ok("ds", kind, started);
        Ok(())
    }

    async fn expect(&mut self, expectation: &Expectation) -> Result<(), EngineError> {
        let started = Instant::now();
        let text = describe(expectation);
        let result = self.check(expectation).await;
        match &result {
            Ok(()) => self.ok(
                "lab",
                EventKind::ExpectPassed { expectation: text },
                started,
            ),
            Err(error) => {
                let kind = EventKind::ExpectFailed {
                    expectation: text,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed("lab", kind, started);
            }
        }
        result
    }

    async fn check(&self, expectation: &Expectation) -> Result<(), EngineError> {
        let fail = |msg: String| Err(EngineError::ExpectationFailed(msg));
        match expectation {
            Expectation::Ok => match &self.last_result {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => fail(format!("the last command failed: {} ({})", e, e.code())),
                None => fail("no command has run yet".into()),
            },
            Expectation::Error(code) => match &self.last_result {
                Some(Err(e)) if e.code().eq_ignore_ascii_case(code) => Ok(()),
                Some(Err(e)) => fail(format!("expected error {code}, got {} ({e})", e.code())),
                Some(Ok(())) => fail(format!(
                    "expected error {code}, but the last command succeeded"
                )),
                None => fail("no command has run yet".into()),
            },
            Expectation::InSync(group) => {
                let views: Vec<(String, GroupView)> = self
                    .clients
                    .iter()
                    .filter_map(|(n, c)| c.group_view(group).map(|v| (n.clone(), v)))
                    .collect();
                let Some((first_name, first)) = views.first() else {
                    return fail(format!("nobody is a member of {group}"));
                };
                for (name, view) in &views[1..] {
                    if view.epoch != first.epoch
                        || view.members != first.members
                        || view.epoch_authenticator != first.epoch_authenticator
                    {
                        return fail(format!(
                            "{name} sees {group} at epoch {} with {:?}, {first_name} at epoch {} with {:?}",
                            view.epoch, view.members, first.epoch, first.members
                        ));
                    }
                }
                let missing: Vec<&String> = first
                    .members
                    .iter()
                    .filter(|m| !views.iter().any(|(n, _)| n == *m))
                    .collect();
                if !missing.is_empty() {
                    return fail(format!(
                        "{missing:?} are in {group}'s tree but have not joined"
                    ));
                }
                Ok(())
            }
            Expectation::Ds { owner, check } => {
                let snapshot = self.ds.snapshot().await?;
                let dir = snapshot
                    .clients
                    .get(owner)
                    .ok_or_else(|| EngineError::UnknownClient(owner.clone()))?;
                let (what, actual, wanted) = match check {
                    DsCheck::Available { count } => (
                        "normal key packages available",
                        dir.normal.len() as u64,
                        *count as u64,
                    ),
                    DsCheck::Claims { count } => ("claims", dir.claims, *count),
                    DsCheck::Reuses { count } => {
                        ("last-resort reuses", dir.last_resort_reuses, *count)
                    }
                    DsCheck::LastResort { presence } => (
                        "last-resort packages",
                        dir.last_resort.is_some() as u64,
                        (*presence == Presence::Present) as u64,
                    ),
                };
                if actual == wanted {
                    Ok(())
                } else {
                    fail(format!(
                        "the DS has {actual} {what} for {owner}, expected {wanted}"
                    ))
                }
            }
            Expectation::Client { client, check } => {
                let c = self.client(client)?;
                match check {
                    ClientCheck::MemberOf { group } => match c.group_view(group) {
                        Some(_) => Ok(()),
                        None => fail(format!("{client} is not a member of {group}")),
                    },
                    ClientCheck::NotMemberOf { group } => match c.group_view(group) {
                        None => Ok(()),
                        Some(v) => fail(format!(
                            "{client} is a member of {group} (epoch {})",
                            v.epoch
                        )),
                    },
                    ClientCheck::KeyPackages { count } => {
                        let actual = c.private_bundles();
                        if actual == *count {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client} has {actual} key package(s) in storage, expected {count}"
                            ))
                        }
                    }
                    ClientCheck::Inventory { count } => {
                        let actual = c.inventory().len();
                        if actual == *count {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client} generated {actual} key package(s), expected {count}"
                            ))
                        }
                    }
                    ClientCheck::Bundle { selector, presence } => {
                        let entry = c.resolve(selector)?;
                        let present = c.has_private_bundle(&entry.kp_ref);
                        let wanted = *presence == Presence::Present;
                        if present == wanted {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client}'s private bundle for {} is {}",
                                short(&entry.kp_ref),
                                if present { "present" } else { "deleted" }
                            ))
                        }
                    }
                    ClientCheck::Epoch { group, epoch } => match c.group_view(group) {
                        Some(v) if v.epoch == *epoch => Ok(()),
                        Some(v) => fail(format!(
                            "{client} is at epoch {} of {group}, expected {epoch}",
                            v.epoch
                        )),
                        None => fail(format!("{client} is not a member of {group}")),
                    },
                }
            }
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

/// A readable form of an expectation, in the scenario syntax.
pub fn describe(expectation: &Expectation) -> String {
    let presence = |p: &Presence| match p {
        Presence::Present => "present",
        Presence::Deleted => "deleted",
    };
    match expectation {
        Expectation::Ok => "ok".into(),
        Expectation::Error(code) => format!("error {code}"),
        Expectation::InSync(group) => format!("in-sync {group}"),
        Expectation::Ds { owner, check } => match check {
            DsCheck::Available { count } => format!("ds {owner} available {count}"),
            DsCheck::LastResort { presence: p } => {
                format!("ds {owner} last-resort {}", presence(p))
            }
            DsCheck::Claims { count } => format!("ds {owner} claims {count}"),
            DsCheck::Reuses { count } => format!("ds {owner} reuses {count}"),
        },
        Expectation::Client { client, check } => match check {
            ClientCheck::MemberOf { group } => format!("{client} member-of {group}"),
            ClientCheck::NotMemberOf { group } => format!("{client} not-member-of {group}"),
            ClientCheck::KeyPackages { count } => format!("{client} key-packages {count}"),
            ClientCheck::Inventory { count } => format!("{client} inventory {count}"),
            ClientCheck::Bundle {
                selector,
                presence: p,
            } => {
                format!("{client} bundle {selector} {}", presence(p))
            }
            ClientCheck::Epoch { group, epoch } => format!("{client} epoch {group} {epoch}"),
        },
    }
}
