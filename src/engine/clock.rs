//! The lab clock: [`LabClock`] (system time, or in a seeded lab the start of the
//! current UTC week, plus an offset that only grows, moved by `clock +30d`), [`LabDuration`] (whole seconds written with a unit: `45s`,
//! `90m`, `12h`, `90d`, overflow refused) and the one formatter of times relative
//! to the lab's now ([`relative`]).
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

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.now_secs())
    }

    /// How far the lab is ahead of the system clock.
    pub fn offset(&self) -> LabDuration {
        LabDuration(self.offset)
    }

    /// Moves the lab's time forward; refuses a move past what Unix seconds hold.
    pub fn advance(&mut self, by: LabDuration) -> Result<(), String> {
        let offset = self
            .offset
            .checked_add(by.0)
            .filter(|o| self.base().checked_add(*o).is_some())
            .ok_or_else(|| format!("the lab clock cannot move {by} further"))?;
        self.offset = offset;
        Ok(())
    }

    /// The (not_before, not_after) of a key package valid for `lifetime` from the
    /// lab's now; `None` if not_after would overflow.
    pub fn lifetime_from_now(&self, lifetime: u64) -> Option<(u64, u64)> {
        let start = self.base().min(Self::system_secs());
        let now = self.now_secs();
        let not_before = start.saturating_sub(SKEW_MARGIN_SECS);
        Some((not_before, now.checked_add(lifetime)?))
    }
}

/// The start of the UTC week (Monday 00:00) that contains `secs`; 1970-01-01
/// was a Thursday, three days after a Monday.
fn week_start(secs: u64) -> u64 {
    let since_monday = (secs + 3 * 86_400) % WEEK_SECS;
    secs - since_monday
}

/// A time relative to the lab's now, for an expiry: "expires in 3d", "expired 2h
/// ago". Never raw Unix seconds.
pub fn relative(now: u64, t: u64) -> String {
    if t > now {
        format!("expires in {}", approximate(t - now))
    } else {
        format!("expired {} ago", approximate(now - t))
    }
}

/// A duration in its largest whole unit, rounded down: "3d", "2h", "90s" -> "1m".
pub fn approximate(secs: u64) -> String {
    match UNITS.iter().find(|(_, s)| secs >= *s) {
        Some((unit, s)) => format!("{}{unit}", secs / s),
        None => "0s".into(),
    }
}

/// A Unix time as a UTC date and time: "2026-11-27 21:18:24 UTC".
pub fn utc(secs: u64) -> String {
    let days = secs / 86_400;
    let rest = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// A span of lab time in whole seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LabDuration(u64);

impl LabDuration {
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }

    pub const fn as_secs(self) -> u64 {
        self.0
    }
}

const UNITS: [(char, u64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

impl FromStr for LabDuration {
    type Err = String;

    /// `N` followed by one unit: `s`, `m`, `h` or `d`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some(unit) = text.chars().last().filter(char::is_ascii_alphabetic) else {
            return Err("give a unit: s, m, h or d (e.g. 90d, 12h, 3600s)".into());
        };
        let Some((_, seconds)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            return Err(format!("unknown unit '{unit}': use s, m, h or d"));
        };
        let digits = &text[..text.len() - 1];
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err("a whole number before the unit, e.g. 90d".into());
        }
        digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(*seconds))
            .map(Self)
            .ok_or_else(|| format!("too long: at most {}d", u64::MAX / 86_400))
    }
}

/// The largest unit that divides the duration exactly: `90d`, `36h`, `3601s`.
impl fmt::Display for LabDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, seconds) = UNITS
            .iter()
            .find(|(_, s)| self.0 % s == 0 && self.0 != 0)
            .copied()
            .unwrap_or(('s', 1));
        write!(f, "{}{unit}", self.0 / seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_parse_and_print_back() {
        for (text, secs) in [
            ("45s", 45),
            ("90m", 5_400),
            ("12h", 43_200),
            ("90d", 7_776_000),
        ] {
            let duration: LabDuration = text.parse().unwrap();
            assert_eq!(duration.as_secs(), secs);
            assert_eq!(duration.to_string(), text);
        }
        assert_eq!(LabDuration::from_secs(3_600).to_string(), "1h");
        assert_eq!(LabDuration::from_secs(0).to_string(), "0s");
    }

    #[test]
    fn relative_times_name_the_direction_and_the_largest_unit() {
        assert_eq!(relative(1_000, 1_000 + 3 * 86_400 + 5), "expires in 3d");
        assert_eq!(relative(10_000, 10_000 - 7_200), "expired 2h ago");
        assert_eq!(relative(50, 50), "expired 0s ago");
        assert_eq!(relative(0, 90), "expires in 1m");
        assert_eq!(approximate(59), "59s");
    }

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
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc(1_795_814_304), "2026-11-27 21:18:24 UTC");
    }

    #[test]
    fn the_clock_only_moves_forward_and_refuses_overflow() {
        let mut clock = LabClock::system();
        let before = clock.now_secs();
        clock.advance(LabDuration::from_secs(30 * 86_400)).unwrap();
        assert!(clock.now_secs() >= before + 30 * 86_400);
        assert_eq!(clock.offset().to_string(), "30d");
        assert!(clock.advance(LabDuration::from_secs(u64::MAX)).is_err());
        assert_eq!(clock.offset().to_string(), "30d");
        // Generated lifetimes contain the system's present and end lab-now + lifetime.
        let (not_before, not_after) = clock.lifetime_from_now(3_600).unwrap();
        assert!(not_before < LabClock::system_secs());
        assert!(not_after >= clock.now_secs() + 3_599);
        assert!(clock.lifetime_from_now(u64::MAX).is_none());
    }

    #[test]
    fn a_unit_is_required_and_overflow_refused() {
        for bad in [
            "",
            "90",
            "d",
            "9x",
            "-1d",
            "1.5h",
            "+1d",
            "99999999999999999999s",
        ] {
            assert!(bad.parse::<LabDuration>().is_err(), "{bad}");
        }
        assert!("213503982334602d".parse::<LabDuration>().is_err());
    }
}
