//! A client's DS mailbox and processing it in order: Welcomes (joins) and Commits.
//! The DS keeps each message until the client has processed it; a message the
//! client cannot process yet (a Commit for a group it has not joined) stays in
//! the mailbox, visible in the DS snapshot, and nothing is ever dropped.

use std::time::Instant;

use crate::domain::KeyPackageRef;
use crate::engine::client::OpenedWelcome;
use crate::engine::ds::{Delivery, DeliveryKind, Join};
use crate::engine::wire;
use crate::engine::{Engine, EngineError, EventKind};

impl Engine {
    /// Reads the client's mailbox without removing anything; reports each Welcome
    /// not reported before with a non-destructive peek.
    pub async fn peek_mailbox(&mut self, name: &str) -> Result<Vec<Delivery>, EngineError> {
        let started = Instant::now();
        self.client(name)?;
        let deliveries = self.ds.peek(name).await?;
        for delivery in &deliveries {
            if delivery.kind != DeliveryKind::Welcome || !self.welcomes.announce(delivery.id) {
                continue;
            }
            let group = self.group_label(&delivery.group_id);
            let client = self.client(name)?;
            let (new_member_refs, kp_ref) = match wire::decode_welcome(&delivery.bytes) {
                Ok(welcome) => {
                    let peek = client.peek_welcome(&welcome);
                    (
                        peek.new_members.iter().map(KeyPackageRef::from).collect(),
                        peek.own.as_ref().map(KeyPackageRef::from),
                    )
                }
                Err(_) => (Vec::new(), None),
            };
            let kind = EventKind::WelcomeDelivered {
                group,
                new_member_refs,
                kp_ref,
                bytes: delivery.bytes.len(),
                misbehaving_ds: delivery.misbehaving,
            };
            self.log.ok(name, kind, started);
        }
        Ok(deliveries)
    }

    /// Processes the mailbox in order: deliveries of one kind (or all). A Welcome
    /// is processed (joined or failed) and leaves the mailbox; a Commit leaves it
    /// once processed, and stays while the client is not in its group. Every one
    /// is attempted; the first error is returned.
    pub async fn process_mailbox(
        &mut self,
        name: &str,
        only: Option<DeliveryKind>,
    ) -> Result<(), EngineError> {
        let processed = self.process_inbox(name, only).await;
        // Having read its mail, a client with a pool tops it up (`NAME pool`).
        let topped_up = self.top_up(name).await;
        processed.and(topped_up)
    }

    async fn process_inbox(
        &mut self,
        name: &str,
        only: Option<DeliveryKind>,
    ) -> Result<(), EngineError> {
        let deliveries = self.peek_mailbox(name).await?;
        let wanted: Vec<Delivery> = deliveries
            .into_iter()
            .filter(|d| only.is_none_or(|k| d.kind == k))
            .collect();
        if wanted.is_empty() && only == Some(DeliveryKind::Welcome) {
            return Err(EngineError::NoPendingWelcome(name.to_string()));
        }
        let mut first_error = None;
        for delivery in wanted {
            let result = match delivery.kind {
                DeliveryKind::Welcome => {
                    let group = self.group_label(&delivery.group_id);
                    self.join_one(name, &group, &delivery.bytes).await
                }
                DeliveryKind::Commit => {
                    let Some(group) = self
                        .client(name)?
                        .group_label(&delivery.group_id)
                        .map(str::to_string)
                    else {
                        // Not a member yet: the Commit waits for a later join.
                        continue;
                    };
                    self.commit_one(name, &group, &delivery.bytes)
                }
            };
            self.ds.ack(name, delivery.id).await?;
            if let Err(error) = result {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// The lab's name of the group with this `GroupId`: its own, or for a group
    /// from outside the lab the name it would get on a join.
    pub(in crate::engine) fn group_label(&self, group_id: &[u8]) -> String {
        self.groups.name_for(group_id)
    }

    /// Joins `name` through one Welcome (`group` is the name it is known by so
    /// far, for a failure). The Welcome is decrypted first (OpenMLS consumes a
    /// normal bundle right there, as the protocol says), then the DS agrees to
    /// route the group's Commits (a group it does not know is registered, one it
    /// routes for others is refused: `GroupIdInUse`), and only then is the group
    /// built and named.
    pub(in crate::engine) async fn join_one(
        &mut self,
        name: &str,
        group: &str,
        bytes: &[u8],
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let now = self.clock.now();
        let opened = match self.roster.get(name)?.open_welcome(bytes, now) {
            Ok(opened) => opened,
            Err(error) => {
                let kind = EventKind::JoinFailed {
                    group: group.to_string(),
                    kp_ref: None,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(name, kind, started);
                return Err(error);
            }
        };
        let OpenedWelcome {
            peek,
            own_last_resort,
            bundle_after,
            staged,
        } = opened;
        let mut failed_group = group.to_string();
        let result = match staged {
            Ok(staged) => {
                let label = self.groups.name_for(staged.group_id());
                failed_group.clone_from(&label);
                let join = Join {
                    group_id: staged.group_id().to_vec(),
                    label: label.clone(),
                    joiner: crate::domain::ClientId::from_name(name)
                        .map_err(|_| EngineError::UnknownClient(name.to_string()))?,
                    tree_keys: staged.tree_keys(),
                };
                match self.ds.register_join(join).await {
                    Ok(()) => {
                        let group_id = staged.group_id().to_vec();
                        let joined = self.roster.get_mut(name)?.finish_join(
                            &peek,
                            own_last_resort,
                            staged,
                            &label,
                        );
                        if joined.is_ok() {
                            self.groups.name_foreign(&group_id);
                        }
                        joined
                    }
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        };
        let own = peek.own.as_ref().map(KeyPackageRef::from);
        let outcome = match result {
            Ok(view) => {
                let kind = EventKind::GroupJoined {
                    group: view.name.clone(),
                    epoch: view.epoch,
                    kp_ref: own.clone().unwrap_or_default(),
                    last_resort: own_last_resort,
                    members: view.members.clone(),
                };
                self.log.ok(name, kind, started);
                Ok(())
            }
            Err(error) => {
                let kind = EventKind::JoinFailed {
                    group: failed_group,
                    kp_ref: own.clone(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(name, kind, started);
                Err(error)
            }
        };
        // What OpenMLS did with the private bundle, read back from storage: a normal
        // one is deleted as soon as the Welcome names it, even if the join failed.
        if let (Some(kp_ref), Some(still_there)) = (own, bundle_after) {
            let kind = if still_there {
                EventKind::PrivateBundleRetained { kp_ref }
            } else {
                EventKind::PrivateBundleDeleted { kp_ref }
            };
            self.log.ok(name, kind, started);
        }
        outcome
    }

    pub(in crate::engine) fn commit_one(
        &mut self,
        name: &str,
        group: &str,
        bytes: &[u8],
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        match self.roster.get_mut(name)?.process_commit(group, bytes) {
            Ok(view) => {
                let kind = EventKind::CommitProcessed {
                    group: group.to_string(),
                    epoch: view.epoch,
                };
                self.log.ok(name, kind, started);
                Ok(())
            }
            Err(error) => {
                let kind = EventKind::CommitFailed {
                    group: group.to_string(),
                    error: error.code(),
                    message: error.to_string(),
                };
                self.log.failed(name, kind, started);
                Err(error)
            }
        }
    }

    pub async fn deliver_all(&mut self) -> Result<(), EngineError> {
        // An external client's Welcome waits in its mailbox for export-welcome.
        let names = self.roster.simulated_names();
        let mut first_error = None;
        for name in names {
            if let Err(error) = self.process_mailbox(&name, None).await {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
