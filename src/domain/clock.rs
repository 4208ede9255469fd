//! The lab clock: [`LabClock`] (system time, or in a seeded lab the start of the
//! current UTC week, plus an offset that only grows, moved by `clock +30d`), and
//! [`ClockOverflow`], the typed refusal of a time past what Unix seconds hold.
//!
//! Why system time plus an offset, and not a free virtual clock: OpenMLS checks
//! every added leaf's lifetime against the *system* clock, inside `add_members`
//! and when members process the Commit (`validate_add_proposals` ->
//! `validate_leaf_node`), and that cannot be turned off. So every key package the
//! lab generates must contain the real present: not_before = the earlier of the
//! system's now and the clock's start (the system's now, or the seeded week's
//! start) - 1h (OpenMLS's own skew margin), not_after = lab now + lifetime. All
//! the lab's own lifetime checks (the DS, the claimer, the joiner) use the lab
//! clock.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::time::LabDuration;

/// OpenMLS's margin for skewed clocks: key packages start an hour in the past.
pub const SKEW_MARGIN_SECS: u64 = 3_600;

/// The lab's time: the system clock (or, in a seeded lab, a fixed start) plus an
/// offset that only grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LabClock {
    offset: u64,
    /// A seeded lab's fixed start, Unix seconds: the lab's time counts from it
    /// and stands still between `clock +…` lines, so every run of a seeded lab
    /// in the same week sees the same times.
    anchor: Option<u64>,
}

/// A time the lab clock cannot reach: past what Unix seconds (a `u64`) hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ClockOverflow {
    /// `clock +DURATION` would move the lab's time past the end of Unix seconds.
    #[error("the lab clock cannot move {0} further")]
    Advance(LabDuration),
    /// A key package lifetime would end past the end of Unix seconds.
    #[error("that lifetime ends after the year 292 billion")]
    Lifetime,
}

/// A week in seconds.
const WEEK_SECS: u64 = 7 * 86_400;

impl LabClock {
    /// The system clock, not moved yet.
    pub const fn system() -> Self {
        Self {
            offset: 0,
            anchor: None,
        }
    }

    /// The clock of a seeded lab: it starts at the beginning of the current UTC
    /// week (Monday 00:00) and moves only with `clock +…`. That start is in the
    /// system's past, so key packages generated from it still contain the
    /// system's present for their default lifetime (see the module comment).
    pub fn seeded() -> Self {
        Self {
            offset: 0,
            anchor: Some(week_start(Self::system_secs())),
        }
    }

    /// What the lab's time counts from: the seeded start, else the system clock.
    fn base(&self) -> u64 {
        self.anchor.unwrap_or_else(Self::system_secs)
    }

    /// Unix seconds of the system clock (0 before 1970, which no check accepts).
    pub fn system_secs() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }

    /// The lab's now, in Unix seconds.
    pub fn now_secs(&self) -> u64 {
        self.base().saturating_add(self.offset)
    }

    /// The lab's now, for `Lifetime::validate_with_time`.
    /// Saturates at the latest time the platform holds: a clock moved to the
    /// end of Unix seconds is past every lifetime either way.
    pub fn now(&self) -> SystemTime {
        let latest = || {
            UNIX_EPOCH
                .checked_add(Duration::from_secs(i64::MAX as u64))
                .unwrap_or(UNIX_EPOCH)
        };
        UNIX_EPOCH
            .checked_add(Duration::from_secs(self.now_secs()))
            .unwrap_or_else(latest)
    }

    /// How far the lab is ahead of the system clock.
    pub fn offset(&self) -> LabDuration {
        LabDuration::from_secs(self.offset)
    }

    /// Moves the lab's time forward; refuses a move past what Unix seconds hold.
    pub fn advance(&mut self, by: LabDuration) -> Result<(), ClockOverflow> {
        let offset = self
            .offset
            .checked_add(by.as_secs())
            .filter(|o| self.base().checked_add(*o).is_some())
            .ok_or(ClockOverflow::Advance(by))?;
        self.offset = offset;
        Ok(())
    }

    /// The (not_before, not_after) of a key package valid for `lifetime` from the
    /// lab's now; refused if not_after would overflow.
    pub fn lifetime_from_now(&self, lifetime: u64) -> Result<(u64, u64), ClockOverflow> {
        let start = self.base().min(Self::system_secs());
        let now = self.now_secs();
        let not_before = start.saturating_sub(SKEW_MARGIN_SECS);
        let not_after = now.checked_add(lifetime).ok_or(ClockOverflow::Lifetime)?;
        Ok((not_before, not_after))
    }
}

/// The start of the UTC week (Monday 00:00) that contains `secs`; 1970-01-01
/// was a Thursday, three days after a Monday.
fn week_start(secs: u64) -> u64 {
    let since_monday = (secs + 3 * 86_400) % WEEK_SECS;
    secs - since_monday
}

#[cfg(test)]
mod tests {
    use super::super::time::utc;
    use super::*;

    #[test]
    fn a_seeded_clock_starts_on_monday_and_stands_still() {
        assert_eq!(utc(week_start(1_795_814_304)), "2026-11-23 00:00:00 UTC");
        assert_eq!(week_start(1_795_392_000), 1_795_392_000);
        let mut clock = LabClock::seeded();
        let start = clock.now_secs();
        assert_eq!(start, week_start(LabClock::system_secs()));
        let (not_before, _) = clock.lifetime_from_now(3_600).unwrap();
        assert_eq!(not_before, start - SKEW_MARGIN_SECS);
        clock.advance(LabDuration::from_secs(86_400)).unwrap();
        assert_eq!(clock.now_secs(), start + 86_400);
        let (not_before, not_after) = clock.lifetime_from_now(3_600).unwrap();
        assert_eq!(
            (not_before, not_after),
            (start - SKEW_MARGIN_SECS, start + 90_000)
        );
    }

    #[test]
    fn the_clock_only_moves_forward_and_refuses_overflow() {
        let mut clock = LabClock::system();
        let before = clock.now_secs();
        clock.advance(LabDuration::from_secs(30 * 86_400)).unwrap();
        assert!(clock.now_secs() >= before + 30 * 86_400);
        assert_eq!(clock.offset().to_string(), "30d");
        assert_eq!(
            clock.advance(LabDuration::from_secs(u64::MAX)),
            Err(ClockOverflow::Advance(LabDuration::from_secs(u64::MAX)))
        );
        assert_eq!(clock.offset().to_string(), "30d");
        // Generated lifetimes contain the system's present and end lab-now + lifetime.
        let (not_before, not_after) = clock.lifetime_from_now(3_600).unwrap();
        assert!(not_before < LabClock::system_secs());
        assert!(not_after >= clock.now_secs() + 3_599);
        assert_eq!(
            clock.lifetime_from_now(u64::MAX),
            Err(ClockOverflow::Lifetime)
        );
    }

    #[test]
    fn a_clock_at_the_end_of_unix_seconds_still_tells_the_time() {
        let mut clock = LabClock::system();
        clock
            .advance(LabDuration::from_secs(u64::MAX / 2))
            .expect("fits in Unix seconds");
        assert!(clock.now() > SystemTime::now());
    }
}
