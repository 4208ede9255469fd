//! Fetching a client's DS mailbox and processing it: Welcomes (joins) and Commits.

use std::time::Instant;

use super::ds::DeliveryKind;
use super::wire::{self, ref_hex};
use super::{Engine, EngineError, EventKind};

impl Engine {
    /// Moves the client's DS mailbox into its pending queue; reports each Welcome
    /// with a non-destructive peek.
    pub(super) async fn fetch(&mut self, name: &str) -> Result<(), EngineError> {
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
    pub(super) fn process_pending(
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

    pub(super) fn join_one(
        &mut self,
        name: &str,
        group: &str,
        bytes: &[u8],
    ) -> Result<(), EngineError> {
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

    pub(super) fn commit_one(
        &mut self,
        name: &str,
        group: &str,
        bytes: &[u8],
    ) -> Result<(), EngineError> {
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

    pub(super) async fn deliver_all(&mut self) -> Result<(), EngineError> {
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
}
