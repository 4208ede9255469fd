//! Parsing the words after `expect`: the fixed forms by hand, the checks of the
//! DS and of a client through clap ([`super::grammar`]).

use clap::Parser as _;

use super::super::error::{ParseError, Problem};
use super::super::misbehave::Switch;
use super::super::vocabulary::usage_line;
use super::super::Expectation;
use super::clap_error::from_clap;
use super::grammar::{ClientCheckLine, DsCheckLine};
use crate::domain::{Fault, RESERVED};

const EXPECT_USAGE: &str = "expect ok | error CODE | in-sync GROUP | ds OWNER CHECK | NAME CHECK";

/// Parses the words after `expect`.
pub(super) fn parse_expect(words: &[String]) -> Result<Expectation, ParseError> {
    let missing = |argument: &str, usage: &'static str| {
        ParseError::new(Problem::Missing {
            argument: argument.to_string(),
        })
        .with_usage(Some(usage))
    };
    let unexpected = |word: &String, usage: &'static str| {
        ParseError::new(Problem::Unexpected {
            word: word.clone(),
            suggestion: None,
        })
        .with_usage(Some(usage))
    };
    let Some((first, rest)) = words.split_first() else {
        return Err(missing("what to expect", EXPECT_USAGE));
    };
    match first.as_str() {
        "ok" => match rest {
            [] => Ok(Expectation::Ok),
            [extra, ..] => Err(unexpected(extra, "expect ok")),
        },
        "error" => match rest {
            [code] => Ok(Expectation::Error(code.clone())),
            [] => Err(missing("CODE", "expect error CODE")),
            [_, extra, ..] => Err(unexpected(extra, "expect error CODE")),
        },
        "in-sync" => match rest {
            [group] => Ok(Expectation::InSync(group.clone())),
            [] => Err(missing("GROUP", "expect in-sync GROUP")),
            [_, extra, ..] => Err(unexpected(extra, "expect in-sync GROUP")),
        },
        // `expect ds fault FAULT on|off`; a client named `fault` still has its
        // checks, whose names are no fault's.
        "ds" if rest.first().is_some_and(|w| w == "fault")
            && rest.get(1).is_some_and(|w| w.parse::<Fault>().is_ok()) =>
        {
            let usage = "expect ds fault FAULT on|off";
            match &rest[1..] {
                [fault, switch] => {
                    let fault = fault.parse::<Fault>().map_err(|e| {
                        ParseError::new(Problem::BadValue {
                            argument: "FAULT".into(),
                            value: fault.clone(),
                            reason: e.to_string(),
                        })
                    })?;
                    let switch =
                        <Switch as clap::ValueEnum>::from_str(switch, false).map_err(|_| {
                            ParseError::new(Problem::BadValue {
                                argument: "SWITCH".into(),
                                value: switch.clone(),
                                reason: "use on or off".into(),
                            })
                            .with_usage(Some(usage))
                        })?;
                    Ok(Expectation::DsFault { fault, switch })
                }
                [_] => Err(missing("SWITCH", usage)),
                [_, _, extra, ..] => Err(unexpected(extra, usage)),
                [] => Err(missing("FAULT", usage)),
            }
        }
        "ds" => {
            let Some((owner, rest)) = rest.split_first() else {
                return Err(missing("OWNER", "expect ds OWNER CHECK"));
            };
            let usage = match rest.first() {
                Some(check) => usage_line(&format!("expect ds {check}")),
                None => None,
            };
            let parsed = DsCheckLine::try_parse_from(rest).map_err(|e| {
                from_clap(&e).with_usage(usage.or(Some(
                    "expect ds OWNER available N | last-resort present|absent | claims N | reuses N",
                )))
            })?;
            Ok(Expectation::Ds {
                owner: owner.clone(),
                check: parsed.check,
            })
        }
        word if RESERVED.contains(&word) => Err(ParseError::new(Problem::UnknownVerb {
            word: word.to_string(),
            suggestion: None,
        })
        .with_usage(Some(EXPECT_USAGE))),
        client => {
            let usage = match rest.first() {
                Some(check) => usage_line(&format!("expect {check}")),
                None => None,
            };
            let parsed = ClientCheckLine::try_parse_from(rest).map_err(|e| {
                from_clap(&e).with_usage(usage.or(Some(
                    "expect NAME member-of|not-member-of GROUP | key-packages N | inventory N | bundle REF present|deleted | epoch GROUP N",
                )))
            })?;
            Ok(Expectation::Client {
                client: client.to_string(),
                check: parsed.check,
            })
        }
    }
}
