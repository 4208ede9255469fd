//! What an `expect ...` line asserts ([`Expectation`], the checks of the DS and of
//! a client) and its canonical text (`Display`), which parses back to the same
//! expectation.

use std::fmt;

use clap::{Subcommand, ValueEnum};

use super::misbehave::Switch;
use crate::domain::Fault;

/// An assertion about the state or the last command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// The last command failed with this code.
    Error(String),
    /// The last command succeeded.
    Ok,
    /// Every member of GROUP sees the same epoch, members and epoch authenticator.
    InSync(String),
    /// `expect ds fault FAULT on|off`: whether the DS's fault is on.
    DsFault {
        fault: Fault,
        switch: Switch,
    },
    Ds {
        owner: String,
        check: DsCheck,
    },
    Client {
        client: String,
        check: ClientCheck,
    },
}

/// `expect ds OWNER ...`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DsCheck {
    /// Normal key packages of OWNER available at the DS.
    Available {
        #[arg(value_name = "N")]
        count: usize,
    },
    /// Whether OWNER has a last-resort package at the DS.
    LastResort {
        #[arg(value_name = "PRESENCE")]
        presence: Presence,
    },
    /// Key packages of OWNER handed out.
    Claims {
        #[arg(value_name = "N")]
        count: u64,
    },
    /// Hand-outs of OWNER's last-resort package beyond the first.
    Reuses {
        #[arg(value_name = "N")]
        count: u64,
    },
}

/// `expect CLIENT ...`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ClientCheck {
    MemberOf {
        #[arg(value_name = "GROUP")]
        group: String,
    },
    NotMemberOf {
        #[arg(value_name = "GROUP")]
        group: String,
    },
    /// Private bundles present in the client's storage.
    KeyPackages {
        #[arg(value_name = "N")]
        count: usize,
    },
    /// Key packages the client generated.
    Inventory {
        #[arg(value_name = "N")]
        count: usize,
    },
    /// Whether a key package's private bundle is in storage.
    Bundle {
        #[arg(value_name = "REF")]
        selector: String,
        #[arg(value_name = "PRESENCE")]
        presence: BundlePresence,
    },
    /// The client's epoch in GROUP.
    Epoch {
        #[arg(value_name = "GROUP")]
        group: String,
        #[arg(value_name = "N")]
        epoch: u64,
    },
}

/// Whether the DS holds a last-resort package (`expect ds OWNER last-resort ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Presence {
    Present,
    /// `deleted` is accepted too, as older scenarios wrote it.
    #[value(alias = "deleted")]
    Absent,
}

/// Whether a private bundle is in a client's storage (`expect NAME bundle REF ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BundlePresence {
    Present,
    /// `absent` is accepted too.
    #[value(alias = "absent")]
    Deleted,
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
