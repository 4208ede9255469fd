//! A client's pool of key packages at the DS (`NAME pool --target N
//! --refill-below M`): whenever the client processes its mail and finds fewer
//! than M of its packages available, it generates and publishes up to N (the
//! policy Wire uses is 100 and 50). RFC 9750 §5.1 asks clients to keep enough
//! packages published for asynchronous adds.

use std::time::Instant;

use openmls::prelude::KeyPackageRef;

use super::publish::Publish;
use crate::engine::{Engine, EngineError, EventKind, GenerateOptions, PoolPolicy};

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
        // A refill generates with the default lifetime: refused before the
        // policy changes if the lab clock is too late for one.
        if policy.is_some() {
            GenerateOptions::default().lifetime.range(&self.clock)?;
        }
        self.pools.set(name, policy);
        let kind = EventKind::PoolSet {
            target: policy.map(|p| p.target()),
            refill_below: policy.map(|p| p.refill_below()),
        };
        self.log.ok(name, kind, started);
        match policy {
            Some(policy) => {
                let available = self.ds.counts(name).await?.available;
                let missing = policy.fill(available);
                self.refill(name, policy, available, missing).await
            }
            None => Ok(()),
        }
    }

    /// After processing mail: tops the pool up if it is below its refill mark.
    pub(in crate::engine) async fn top_up(&mut self, name: &str) -> Result<(), EngineError> {
        let Some(policy) = self.pools.get(name) else {
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
            refill_below: policy.refill_below(),
            target: policy.target(),
            generated: missing,
        };
        self.log.ok(name, kind, started);
        Ok(())
    }

    /// `name`'s pool policy, if it keeps one.
    pub fn pool(&self, name: &str) -> Option<PoolPolicy> {
        self.pools.get(name)
    }
}
