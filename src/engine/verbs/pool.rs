//! A client's pool of key packages at the DS (`NAME pool --target N
//! --refill-below M`): whenever the client processes its mail and finds fewer
//! than M of its packages available, it generates and publishes up to N (the
//! policy Wire uses is 100 and 50). RFC 9750 §5.1 asks clients to keep enough
//! packages published for asynchronous adds.

use std::time::Instant;

use openmls::prelude::KeyPackageRef;

use super::publish::Publish;
use crate::engine::{Engine, EngineError, EventKind, GenerateOptions};

/// The most packages a pool may keep (as many as one `generate` makes).
pub const MAX_POOL: u32 = 10_000;

/// Keep `target` packages at the DS; top up when fewer than `refill_below`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolPolicy {
    target: u32,
    refill_below: u32,
}

impl PoolPolicy {
    /// `1 <= refill_below <= target <= MAX_POOL`.
    pub fn new(target: u32, refill_below: u32) -> Result<Self, EngineError> {
        if target == 0 || target > MAX_POOL {
            return Err(EngineError::InvalidPolicy(format!(
                "a pool keeps 1 to {MAX_POOL} key packages, not {target}"
            )));
        }
        if refill_below == 0 || refill_below > target {
            return Err(EngineError::InvalidPolicy(format!(
                "--refill-below must be 1 to the target ({target}), not {refill_below}"
            )));
        }
        Ok(Self {
            target,
            refill_below,
        })
    }

    pub fn target(&self) -> u32 {
        self.target
    }

    pub fn refill_below(&self) -> u32 {
        self.refill_below
    }

    /// How many to publish when `available` are left: none at or above the
    /// refill mark, else up to the target.
    pub fn shortfall(&self, available: u64) -> u32 {
        if available >= u64::from(self.refill_below) {
            return 0;
        }
        // available < refill_below <= target, so this fits in u32.
        self.target - available as u32
    }
}

impl Engine {
    /// `NAME pool --target N --refill-below M` (`Some`, fills up to N at once)
    /// or `NAME pool --off` (`None`).
    pub async fn set_pool(
        &mut self,
        name: &str,
        policy: Option<PoolPolicy>,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        self.client(name)?;
        match policy {
            Some(policy) => self.pools.insert(name.to_string(), policy),
            None => self.pools.remove(name),
        };
        let kind = EventKind::PoolSet {
            target: policy.map(|p| p.target),
            refill_below: policy.map(|p| p.refill_below),
        };
        self.ok(name, kind, started);
        match policy {
            Some(policy) => {
                let available = self.ds.counts(name).await?.available;
                let missing = policy
                    .target
                    .saturating_sub(available.min(u64::from(policy.target)) as u32);
                self.refill(name, policy, available, missing).await
            }
            None => Ok(()),
        }
    }

    /// After processing mail: tops the pool up if it is below its refill mark.
    pub(in crate::engine) async fn top_up(&mut self, name: &str) -> Result<(), EngineError> {
        let Some(policy) = self.pools.get(name).copied() else {
            return Ok(());
        };
        let available = self.ds.counts(name).await?.available;
        let missing = policy.shortfall(available);
        self.refill(name, policy, available, missing).await
    }

    async fn refill(
        &mut self,
        name: &str,
        policy: PoolPolicy,
        available: u64,
        missing: u32,
    ) -> Result<(), EngineError> {
        if missing == 0 {
            return Ok(());
        }
        let started = Instant::now();
        let refs: Vec<KeyPackageRef> = self
            .generate(name, missing, GenerateOptions::default())
            .await?;
        let publish = Publish::own(
            refs.iter()
                .map(crate::domain::KeyPackageRef::from)
                .collect(),
        );
        self.publish(name, &publish).await?;
        let kind = EventKind::PoolRefilled {
            available,
            refill_below: policy.refill_below,
            target: policy.target,
            generated: missing,
        };
        self.ok(name, kind, started);
        Ok(())
    }

    /// `name`'s pool policy, if it keeps one.
    pub fn pool(&self, name: &str) -> Option<PoolPolicy> {
        self.pools.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_refills_below_its_mark_up_to_its_target() {
        let wire = PoolPolicy::new(100, 50).unwrap();
        assert_eq!(wire.shortfall(50), 0);
        assert_eq!(wire.shortfall(49), 51);
        assert_eq!(wire.shortfall(0), 100);
        assert_eq!(wire.shortfall(5000), 0);
        for (target, mark) in [(0, 0), (10, 11), (10, 0), (MAX_POOL + 1, 1)] {
            let error = PoolPolicy::new(target, mark).unwrap_err();
            assert_eq!(error.code(), "InvalidPolicy", "{target} {mark}");
        }
        assert!(PoolPolicy::new(MAX_POOL, MAX_POOL).is_ok());
    }
}
