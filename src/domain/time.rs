//! Spans and instants of lab time as values: [`LabDuration`] (whole seconds
//! written with a unit: `45s`, `90m`, `12h`, `90d`, overflow refused) and the one
//! way times are said to people: relative to the lab's now ([`relative`],
//! [`approximate`]) or as a UTC date ([`utc`]), never as raw Unix seconds.

use std::fmt;
use std::str::FromStr;

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
    fn utc_dates() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
        // The last day of a 400-year era (eras start on 1 March of 2000, 2400, …).
        assert_eq!(utc(13_574_563_200), "2400-02-29 00:00:00 UTC");
        assert_eq!(utc(13_574_649_600), "2400-03-01 00:00:00 UTC");
        assert_eq!(utc(1_795_814_304), "2026-11-27 21:18:24 UTC");
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
