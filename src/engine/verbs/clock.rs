//! The lab clock as a command (`clock`, `clock +30d`) and the DS's purge of expired
//! key packages, reported as one `key_package_expired` event each.

use std::time::Instant;

use crate::domain::LabDuration;
use crate::engine::{Engine, EngineError, EventKind};

impl Engine {
    /// `clock` shows the lab's time; `clock +30d` moves it forward, and the DS
    /// purges what expired.
    pub async fn clock_command(&mut self, by: Option<LabDuration>) -> Result<(), EngineError> {
        let started = Instant::now();
        if let Some(by) = by {
            self.clock.advance(by)?;
            self.ds.set_clock(self.clock).await?;
        }
        let kind = EventKind::Clock {
            now: self.clock.now_secs(),
            offset: self.clock.offset().as_secs(),
            moved: by.map(|d| d.as_secs()),
        };
        self.log.ok("lab", kind, started);
        self.report_expired().await
    }

    /// One `key_package_expired` event (actor `ds`) for each package the DS purged.
    pub(in crate::engine) async fn report_expired(&mut self) -> Result<(), EngineError> {
        for expired in self.ds.take_expired().await? {
            let kind = EventKind::KeyPackageExpired {
                kp_ref: expired.kp_ref,
                owner: expired.owner,
                last_resort: expired.last_resort,
            };
            self.log.ok("ds", kind, Instant::now());
        }
        Ok(())
    }
}
