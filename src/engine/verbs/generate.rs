//! Generating key packages: `generate` and `rotate-last-resort`.

use std::time::Instant;

use openmls::prelude::KeyPackageRef;

use super::publish::Publish;
use crate::domain::{self, LabClock, Suite};
use crate::engine::wire;
use crate::engine::{Engine, EngineError, EventKind, GenerateOptions, KeyPackageEntry, Outcome};

impl Engine {
    /// Generates `count` key packages; returns their references, in order.
    pub async fn generate(
        &mut self,
        name: &str,
        count: u32,
        options: GenerateOptions,
    ) -> Result<Vec<KeyPackageRef>, EngineError> {
        self.client(name)?;
        // Checked once, before anything is generated.
        options.lifetime.range(&self.clock)?;
        self.ensure_signer(name, options.suite).await?;
        let started = Instant::now();
        let clock = self.clock;
        let client = self.roster.get_mut(name)?;
        let first = client.inventory().len();
        let result = client.generate_batch(options, &clock, count);
        // One event per package, in the line's order; the batch's time is shared.
        let client = self.client(name)?;
        let added = client.inventory().len().saturating_sub(first);
        let each_us = started.elapsed().as_micros() as u64 / added.max(1) as u64;
        let kinds: Vec<EventKind> = client.inventory()[first..]
            .iter()
            .map(|entry| generated_event(entry, &clock))
            .collect();
        let refs = client.inventory()[first..]
            .iter()
            .map(|e| e.kp_ref.clone())
            .collect();
        for kind in kinds {
            self.log.emit_timed(name, kind, each_us, Outcome::Ok);
        }
        result?;
        Ok(refs)
    }

    pub(in crate::engine) async fn ensure_signer(
        &mut self,
        name: &str,
        suite: Suite,
    ) -> Result<(), EngineError> {
        let scheme = wire::ciphersuite(suite)?.signature_algorithm();
        if let Some(key) = self.roster.get_mut(name)?.ensure_signer(scheme)? {
            self.ds.register(name, key).await?;
        }
        Ok(())
    }

    /// `rotate-last-resort`: a new last-resort package, published (the DS
    /// replaces the old one of its suite), and a self-update wherever the old one
    /// was used (RFC 9750 §5.1).
    pub async fn rotate_last_resort(
        &mut self,
        name: &str,
        suite: Suite,
    ) -> Result<(), EngineError> {
        let options = GenerateOptions {
            suite,
            last_resort: true,
            ..GenerateOptions::default()
        };
        let stale: Vec<String> = self
            .client(name)?
            .groups()
            .iter()
            .filter(|(_, r)| r.needs_update)
            .map(|(n, _)| n.clone())
            .collect();
        // Everything the DS will be asked is checked before anything is made.
        options.lifetime.range(&self.clock)?;
        for group in &stale {
            self.check_commit(name, group).await?;
        }
        let refs = self.generate(name, 1, options).await?;
        let publish = Publish::own(refs.iter().map(domain::KeyPackageRef::from).collect());
        self.publish(name, &publish).await?;
        for group in stale {
            self.self_update_one(name, &group).await?;
        }
        Ok(())
    }

    /// `delete-bundle`: deletes the private bundle of one of the client's own key
    /// packages on purpose; a Welcome naming it later is an orphan.
    pub fn delete_bundle(&mut self, name: &str, selector: &str) -> Result<(), EngineError> {
        let started = Instant::now();
        let client = self.roster.get_mut(name)?;
        let kp_ref = client.resolve(selector)?.kp_ref.clone();
        client.delete_bundle(&kp_ref)?;
        let kind = EventKind::PrivateBundleDiscarded {
            kp_ref: kp_ref.into(),
        };
        self.log.ok(name, kind, started);
        Ok(())
    }
}

/// The `key_package_generated` event of one inventory entry.
fn generated_event(entry: &KeyPackageEntry, clock: &LabClock) -> EventKind {
    let (not_before, not_after) = entry.lifetime();
    EventKind::KeyPackageGenerated {
        kp_ref: (&entry.kp_ref).into(),
        last_resort: entry.last_resort(),
        last_resort_capability: entry.last_resort_capability,
        ciphersuite: entry.ciphersuite(),
        not_before,
        not_after,
        expires_in: i64::try_from(not_after)
            .unwrap_or(i64::MAX)
            .saturating_sub(i64::try_from(clock.now_secs()).unwrap_or(i64::MAX)),
        bytes: entry.bytes,
    }
}
