//! The DS's claim limit (`ds policy claim-limit N --per 1h`): at most N claims of
//! one owner's key packages by one claimer per window of lab time, so that no
//! one can drain a client's packages (RFC 9750 §5.1).

use std::collections::{HashMap, VecDeque};

use crate::domain::{approximate, LabDuration};
use crate::engine::error::EngineError;

/// The most claims a limit may allow per window: more is no limit at all.
pub const MAX_CLAIM_LIMIT: u32 = 100_000;

/// The longest window a claim limit may have.
pub const MAX_WINDOW: LabDuration = LabDuration::from_secs(365 * 86_400);

/// At most `limit` claims per `per` of lab time, per claimer and owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimLimit {
    limit: u32,
    per: LabDuration,
}

impl ClaimLimit {
    /// A limit of 1 or more claims per window of 1 second to [`MAX_WINDOW`].
    pub fn new(limit: u32, per: LabDuration) -> Result<Self, EngineError> {
        if limit == 0 || limit > MAX_CLAIM_LIMIT {
            return Err(EngineError::InvalidPolicy(format!(
                "a claim limit allows 1 to {MAX_CLAIM_LIMIT} claims per window, not {limit}"
            )));
        }
        if per.as_secs() == 0 || per > MAX_WINDOW {
            return Err(EngineError::InvalidPolicy(format!(
                "a claim limit's window lasts 1s to 365d, not {per}"
            )));
        }
        Ok(Self { limit, per })
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    pub fn per(&self) -> LabDuration {
        self.per
    }
}

/// The limit in force and the recent claims it counts.
#[derive(Debug, Default)]
pub(super) struct ClaimLog {
    limit: Option<ClaimLimit>,
    /// When each (claimer, owner) pair claimed, oldest first, within the window.
    claims: HashMap<(String, String), VecDeque<u64>>,
}

impl ClaimLog {
    pub(super) fn limit(&self) -> Option<ClaimLimit> {
        self.limit
    }

    /// Sets or lifts the limit; the count starts afresh.
    pub(super) fn set(&mut self, limit: Option<ClaimLimit>) {
        self.limit = limit;
        self.claims.clear();
    }

    /// Refuses a claimer who has used up its claims of `owner` in the window
    /// ending at `now`, counting `extra` claims this request makes before it.
    pub(super) fn check(
        &mut self,
        claimer: &str,
        owner: &str,
        extra: usize,
        now: u64,
    ) -> Result<(), EngineError> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let window = limit.per.as_secs();
        let key = (claimer.to_string(), owner.to_string());
        let Some(times) = self.claims.get_mut(&key) else {
            return if extra < limit.limit as usize {
                Ok(())
            } else {
                Err(limited(claimer, owner, limit, window))
            };
        };
        while times
            .front()
            .is_some_and(|t| t.saturating_add(window) <= now)
        {
            times.pop_front();
        }
        if times.len() + extra < limit.limit as usize {
            return Ok(());
        }
        let retry_in = times
            .front()
            .map_or(window, |t| t.saturating_add(window).saturating_sub(now));
        Err(limited(claimer, owner, limit, retry_in))
    }

    /// Counts one claim, if a limit is in force.
    pub(super) fn record(&mut self, claimer: &str, owner: &str, now: u64) {
        if self.limit.is_some() {
            let key = (claimer.to_string(), owner.to_string());
            self.claims.entry(key).or_default().push_back(now);
        }
    }
}

fn limited(claimer: &str, owner: &str, limit: ClaimLimit, retry_in: u64) -> EngineError {
    EngineError::ClaimRateLimited {
        claimer: claimer.to_string(),
        owner: owner.to_string(),
        limit: limit.limit,
        window: limit.per.to_string(),
        retry_in: approximate(retry_in),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_counts_per_claimer_and_owner_in_a_sliding_window() {
        let mut log = ClaimLog::default();
        log.record("m", "bob", 0);
        assert!(log.check("m", "bob", 5, 0).is_ok(), "no limit, no count");
        log.set(Some(
            ClaimLimit::new(2, LabDuration::from_secs(3600)).unwrap(),
        ));
        for t in [0, 10] {
            log.check("m", "bob", 0, t).unwrap();
            log.record("m", "bob", t);
        }
        let error = log.check("m", "bob", 0, 20).unwrap_err();
        assert_eq!(error.code(), "ClaimRateLimited");
        assert!(error.to_string().contains("59m"), "{error}");
        assert!(log.check("alice", "bob", 1, 20).is_ok());
        assert!(
            log.check("alice", "bob", 2, 20).is_err(),
            "two in one request"
        );
        assert!(log.check("m", "carol", 0, 20).is_ok());
        assert!(
            log.check("m", "bob", 0, 3600).is_ok(),
            "the first left the window"
        );
        assert!(ClaimLimit::new(0, LabDuration::from_secs(1)).is_err());
        assert!(ClaimLimit::new(1, LabDuration::from_secs(0)).is_err());
        assert!(ClaimLimit::new(1, LabDuration::from_secs(366 * 86_400)).is_err());
    }
}
