//! The clients that keep a pool of key packages at the DS (`NAME pool --target N
//! --refill-below M`) and their policies: whenever such a client processes its
//! mail and finds fewer than M of its packages available, it generates and
//! publishes up to N (the policy Wire uses is 100 and 50). RFC 9750 §5.1 asks
//! clients to keep enough packages published for asynchronous adds.

use std::collections::BTreeMap;

use super::error::EngineError;

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

    /// How many to publish to fill the pool up to its target when `available`
    /// are left (when the pool is set).
    pub fn fill(&self, available: u64) -> u32 {
        // The difference is below the target, so it fits in u32.
        self.target - available.min(u64::from(self.target)) as u32
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

/// Every client's pool policy, by client name.
#[derive(Debug, Default)]
pub struct Pools {
    policies: BTreeMap<String, PoolPolicy>,
}

impl Pools {
    /// `name`'s policy, if it keeps a pool.
    pub fn get(&self, name: &str) -> Option<PoolPolicy> {
        self.policies.get(name).copied()
    }

    /// Sets (`Some`) or ends (`None`) `name`'s pool.
    pub fn set(&mut self, name: &str, policy: Option<PoolPolicy>) {
        match policy {
            Some(policy) => self.policies.insert(name.to_string(), policy),
            None => self.policies.remove(name),
        };
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
