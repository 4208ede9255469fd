//! The words of a misbehaving or policed DS: `ds fault NAME on|off`, `ds policy
//! claim-limit N --per DURATION | off`, `ds policy max-lifetime DURATION|off`,
//! `ds policy key-encoding strict|lenient`, `ds policy grease allow|refuse`, and
//! the client's `pool` options.

use std::fmt;
use std::str::FromStr;

use clap::{Subcommand, ValueEnum};

use crate::domain::LabDuration;
use crate::engine::ds::MAX_CLAIM_LIMIT;

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Switch::On
    }
}

impl fmt::Display for Switch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_on() { "on" } else { "off" })
    }
}

/// A policy of the DS.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DsPolicy {
    /// At most N claims of one owner's packages by one claimer per window (RFC 9750 §5.1).
    ClaimLimit {
        #[arg(value_name = "N|off")]
        limit: Limit,
        /// The window of lab time, with a unit: 1h, 30m, 1d.
        #[arg(long, value_name = "DURATION")]
        per: Option<LabDuration>,
    },
    /// The longest key package lifetime the DS accepts, from the lab's now.
    MaxLifetime {
        #[arg(value_name = "DURATION|off")]
        max: MaxLifetime,
    },
    /// Whether the DS refuses keys not in their suite's encoding (RFC 9420 §5.1.1).
    KeyEncoding {
        #[arg(value_name = "strict|lenient")]
        mode: KeyEncodingMode,
    },
    /// Whether the DS refuses GREASE values (RFC 9420 §13.5) where OpenMLS takes them.
    Grease {
        #[arg(value_name = "allow|refuse")]
        mode: GreaseMode,
    },
}

/// `ds policy key-encoding strict|lenient`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyEncodingMode {
    Strict,
    Lenient,
}

/// `ds policy grease allow|refuse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GreaseMode {
    Allow,
    Refuse,
}

/// `off`, or a lifetime with a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxLifetime {
    Off,
    At(LabDuration),
}

impl FromStr for MaxLifetime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "off" {
            return Ok(MaxLifetime::Off);
        }
        match text.parse::<LabDuration>() {
            Ok(duration) if duration.as_secs() > 0 => Ok(MaxLifetime::At(duration)),
            Ok(_) => {
                Err("a maximum lifetime of 0 refuses everything: write off or a duration".into())
            }
            Err(why) => Err(format!(
                "write off or a duration with a unit (13w is 91d): {why}"
            )),
        }
    }
}

impl fmt::Display for MaxLifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaxLifetime::Off => f.write_str("off"),
            MaxLifetime::At(d) => write!(f, "{d}"),
        }
    }
}

/// `off`, or a number of claims from 1 to [`MAX_CLAIM_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Off,
    At(u32),
}

impl Limit {
    /// The number of claims, `None` for `off`.
    pub fn count(self) -> Option<u32> {
        match self {
            Limit::Off => None,
            Limit::At(n) => Some(n),
        }
    }
}

impl FromStr for Limit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "off" {
            return Ok(Limit::Off);
        }
        match text.parse::<u32>() {
            Ok(n) if (1..=MAX_CLAIM_LIMIT).contains(&n) => Ok(Limit::At(n)),
            _ => Err(format!("write off or a number from 1 to {MAX_CLAIM_LIMIT}")),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Off => f.write_str("off"),
            Limit::At(n) => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_off_or_a_bounded_count() {
        assert_eq!("off".parse(), Ok(Limit::Off));
        assert_eq!("3".parse(), Ok(Limit::At(3)));
        for bad in ["0", "-1", "100001", "99999999999", "Off", "", "3h"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
        assert_eq!(Limit::At(7).to_string(), "7");
    }
}
