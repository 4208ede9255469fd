//! `expect ...` lines: parsing, and the canonical text of an [`Expectation`]
//! (its `Display`), which parses back to the same expectation.

use std::fmt;

use clap::Parser as _;

use super::clap_error::from_clap;
use super::error::{ParseError, Problem};
use super::grammar::{ClientCheckLine, DsCheckLine};
use super::vocabulary::usage_line;
use super::{BundlePresence, ClientCheck, DsCheck, Expectation, Presence, Switch};
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

impl fmt::Display for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Present => "present",
            Self::Absent => "absent",
        })
    }
}

impl fmt::Display for BundlePresence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Present => "present",
            Self::Deleted => "deleted",
        })
    }
}

/// The expectation in the scenario syntax, without the leading `expect`. Words
/// that need quotes are quoted, so the text parses back to the same expectation.
impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = |word: &str| shell_words::quote(word).into_owned();
        match self {
            Self::Ok => write!(f, "ok"),
            Self::Error(code) => write!(f, "error {}", q(code)),
            Self::InSync(group) => write!(f, "in-sync {}", q(group)),
            Self::DsFault { fault, switch } => write!(f, "ds fault {fault} {switch}"),
            Self::Ds { owner, check } => {
                write!(f, "ds {} ", q(owner))?;
                match check {
                    DsCheck::Available { count } => write!(f, "available {count}"),
                    DsCheck::LastResort { presence } => write!(f, "last-resort {presence}"),
                    DsCheck::Claims { count } => write!(f, "claims {count}"),
                    DsCheck::Reuses { count } => write!(f, "reuses {count}"),
                }
            }
            Self::Client { client, check } => {
                write!(f, "{} ", q(client))?;
                match check {
                    ClientCheck::MemberOf { group } => write!(f, "member-of {}", q(group)),
                    ClientCheck::NotMemberOf { group } => {
                        write!(f, "not-member-of {}", q(group))
                    }
                    ClientCheck::KeyPackages { count } => write!(f, "key-packages {count}"),
                    ClientCheck::Inventory { count } => write!(f, "inventory {count}"),
                    ClientCheck::Bundle { selector, presence } => {
                        write!(f, "bundle {} {presence}", q(selector))
                    }
                    ClientCheck::Epoch { group, epoch } => {
                        write!(f, "epoch {} {epoch}", q(group))
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_line, vocabulary, Command, VerbKind};
    use super::*;

    /// One line for every expect form, in canonical text.
    const EVERY_FORM: &[&str] = &[
        "ok",
        "error NoMatchingKeyPackage",
        "in-sync team",
        "ds bob available 2",
        "ds bob last-resort present",
        "ds bob last-resort absent",
        "ds bob claims 3",
        "ds bob reuses 1",
        "ds fault hold-welcome on",
        "ds fault bare-framing off",
        "ds fault claims 2",
        "bob member-of team",
        "bob not-member-of team",
        "bob key-packages 4",
        "bob inventory 5",
        "bob bundle @1 present",
        "bob bundle @last deleted",
        "bob epoch team 2",
        "bob member-of '#team'",
    ];

    fn expectation(text: &str) -> Expectation {
        match parse_line(&format!("expect {text}")) {
            Ok(Some(Command::Expect(expectation))) => expectation,
            other => panic!("expect {text}: {other:?}"),
        }
    }

    #[test]
    fn every_expectation_round_trips_through_the_parser() {
        for text in EVERY_FORM {
            let parsed = expectation(text);
            assert_eq!(parsed.to_string(), *text);
            assert_eq!(expectation(&parsed.to_string()), parsed);
        }
    }

    #[test]
    fn the_round_trip_covers_every_expect_form_of_the_vocabulary() {
        for verb in vocabulary() {
            if verb.kind != VerbKind::Expect {
                continue;
            }
            let form = verb.name.trim_start_matches("expect ");
            let covered = EVERY_FORM.iter().any(|text| {
                let words: Vec<&str> = text.split(' ').collect();
                match form.strip_prefix("ds ") {
                    Some("fault") => text.starts_with("ds fault ") && words.len() == 4,
                    Some(check) => words.first() == Some(&"ds") && words.get(2) == Some(&check),
                    None if matches!(form, "ok" | "error" | "in-sync") => words[0] == form,
                    None => words.get(1) == Some(&form),
                }
            });
            assert!(covered, "no round-trip case for {}", verb.name);
        }
    }

    #[test]
    fn old_spellings_still_parse_and_print_canonically() {
        assert_eq!(
            expectation("ds bob last-resort deleted").to_string(),
            "ds bob last-resort absent"
        );
        assert_eq!(
            expectation("bob bundle @1 absent").to_string(),
            "bob bundle @1 deleted"
        );
    }
}
