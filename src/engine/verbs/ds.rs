//! The DS misbehaving or policed on purpose: `ds replay-welcome`, `ds
//! forward-welcome`, `ds fault NAME on|off`, `ds release` and `ds policy` as the
//! engine runs them,
//! and the `ds_fault_acted` events: what each fault made the DS do, with the
//! check at the clients that catches it (or that none does).

use std::time::Instant;

use crate::domain::{Fault, LabDuration};
use crate::engine::ds::ClaimLimit;
use crate::engine::{Engine, EngineError, EventKind};
use crate::inspect::checks::policy::{Grease, KeyEncoding, Policy};

/// One change of the DS's key package policy (`ds policy max-lifetime|key-encoding|grease`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyChange {
    /// The longest lifetime from the lab's now, in seconds; `None` lifts it.
    MaxLifetime(Option<u64>),
    KeyEncoding(KeyEncoding),
    Grease(Grease),
}

impl Engine {
    /// `ds fault NAME on|off`.
    pub async fn ds_fault(&mut self, fault: Fault, on: bool) -> Result<(), EngineError> {
        let started = Instant::now();
        let change = self.ds.set_fault(fault, on).await?;
        let kind = EventKind::DsFaultSet {
            fault: fault.to_string(),
            on,
            does: fault.description().to_string(),
            active: change.active.iter().map(Fault::to_string).collect(),
            released: change.released,
            withdrawn: change.withdrawn,
        };
        self.log.ok("ds", kind, started);
        // Off, `serve-expired` lets the DS purge what it kept.
        self.report_expired().await
    }

    /// `ds release`: what the faults held back goes out now.
    pub async fn ds_release(&mut self) -> Result<(), EngineError> {
        let started = Instant::now();
        let recipients = self.ds.release().await?;
        self.log
            .ok("ds", EventKind::DsReleased { recipients }, started);
        Ok(())
    }

    /// One `ds_fault_acted` event (actor `ds`) for each thing a fault made the DS
    /// do since the last report.
    pub(in crate::engine) async fn report_faults(&mut self) -> Result<(), EngineError> {
        for act in self.ds.take_fault_acts().await? {
            let kind = EventKind::DsFaultActed {
                fault: act.fault.to_string(),
                did: act.did,
                caught_by: act.fault.caught_by().to_string(),
                clients: act.clients,
            };
            self.log.ok("ds", kind, Instant::now());
        }
        Ok(())
    }

    /// The faults of the DS that are on.
    pub async fn active_faults(&self) -> Result<Vec<Fault>, EngineError> {
        Ok(self.ds.snapshot().await?.faults)
    }

    /// `ds policy claim-limit N --per DURATION` (`limit` is `Some(N)`) or `ds
    /// policy claim-limit off` (`None`, without a window).
    pub async fn ds_claim_limit(
        &mut self,
        limit: Option<u32>,
        per: Option<LabDuration>,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let limit = match (limit, per) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(EngineError::InvalidPolicy(
                    "`ds policy claim-limit off` takes no --per".into(),
                ))
            }
            (Some(_), None) => {
                return Err(EngineError::InvalidPolicy(
                    "a claim limit needs its window: --per DURATION (e.g. --per 1h)".into(),
                ))
            }
            (Some(n), Some(per)) => Some(ClaimLimit::new(n, per)?),
        };
        self.ds.set_claim_limit(limit).await?;
        let kind = EventKind::DsPolicySet {
            policy: "claim-limit".into(),
            limit: limit.map(|l| l.limit()),
            per: limit.map(|l| l.per().to_string()),
            value: None,
        };
        self.log.ok("ds", kind, started);
        Ok(())
    }

    /// `ds policy max-lifetime DURATION|off`, `ds policy key-encoding
    /// strict|lenient`, `ds policy grease allow|refuse`: the DS judges every later
    /// upload against the new policy (what it holds already stays).
    pub async fn ds_key_package_policy(&mut self, change: PolicyChange) -> Result<(), EngineError> {
        let started = Instant::now();
        let mut policy = self.ds.snapshot().await?.key_package_policy;
        let (name, value) = match change {
            PolicyChange::MaxLifetime(max) => {
                policy.max_lifetime = max;
                let value =
                    max.map_or("off".to_string(), |s| LabDuration::from_secs(s).to_string());
                ("max-lifetime", value)
            }
            PolicyChange::KeyEncoding(mode) => {
                policy.key_encoding = mode;
                ("key-encoding", mode.name().to_string())
            }
            PolicyChange::Grease(mode) => {
                policy.grease = mode;
                ("grease", mode.name().to_string())
            }
        };
        self.ds.set_key_package_policy(policy).await?;
        let kind = EventKind::DsPolicySet {
            policy: name.into(),
            limit: None,
            per: None,
            value: Some(value),
        };
        self.log.ok("ds", kind, started);
        Ok(())
    }

    /// The DS's key package policy in force, which `inspect` in the lab judges by.
    pub async fn key_package_policy(&self) -> Result<Policy, EngineError> {
        Ok(self.ds.snapshot().await?.key_package_policy)
    }

    /// `ds replay-welcome`: the DS delivers the last Welcome again to its recipients.
    pub async fn replay_welcome(&mut self) -> Result<(), EngineError> {
        let started = Instant::now();
        let recipients = self.ds.replay_welcome().await?;
        self.ds_misbehaved("replay-welcome", recipients, started);
        Ok(())
    }

    /// `ds forward-welcome NAME`: the DS delivers the last Welcome to `to`, which it
    /// was not for.
    pub async fn forward_welcome(&mut self, to: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        self.client(to)?;
        let recipients = self.ds.forward_welcome(to).await?;
        self.ds_misbehaved("forward-welcome", recipients, started);
        Ok(())
    }

    fn ds_misbehaved(&mut self, action: &str, recipients: Vec<String>, started: Instant) {
        let kind = EventKind::DsMisbehaved {
            action: action.to_string(),
            recipients,
        };
        self.log.ok("ds", kind, started);
    }
}
