//! The lab clock's duration type. [`LabDuration`]: whole seconds written with a
//! unit (`45s`, `90m`, `12h`, `90d`), parsed with overflow refused.

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
