//! Lines that begin with a lab-wide verb rather than a client's name: `clients`,
//! `ds …`, `deliver`, `clock`, `export-welcome`, `export-mailbox`,
//! `import-key-package`, and a lesson's `show` and `follow`; their clap grammar
//! and their usage when it is not followed.

use clap::{Parser, Subcommand};

use super::super::error::ParseError;
use super::super::vocabulary::usage_line;
use super::super::{Command, DsAction, EncodingArgs, ExportArgs, KeySelector, Show};
use super::clap_error::from_clap;
use crate::domain::LabDuration;

pub(super) const SHOW_USAGE: &str = "show inspector [NAME REF] | show hex [FIELD] | show why";

pub(super) const DS_USAGE: &str =
    "ds replay-welcome | ds forward-welcome NAME | ds fault FAULT on|off | ds release | ds policy claim-limit|max-lifetime|key-encoding|grease ...";

pub(super) fn parse_lab(words: &[String]) -> Result<Command, ParseError> {
    let key = match words {
        [first, action, ..] if first == "ds" || first == "show" => format!("{first} {action}"),
        [verb, ..] => verb.clone(),
        [] => String::new(),
    };
    // `ds` alone or with an unknown action: show every `ds` form.
    let usage = match words {
        [ds, ..] if ds == "ds" => usage_line(&key).or(Some(DS_USAGE)),
        [show, ..] if show == "show" => usage_line(&key).or(Some(SHOW_USAGE)),
        _ => usage_line(&key),
    };
    let parsed = GlobalLine::try_parse_from(words).map_err(|e| from_clap(&e).with_usage(usage))?;
    Ok(match parsed.command {
        Global::Clients { names } => Command::Clients(names),
        Global::Ds { action } => Command::Ds(action),
        Global::Deliver => Command::Deliver,
        Global::Clock { by } => Command::Clock(by),
        Global::ExportWelcome {
            group,
            joiner,
            all,
            output,
        } => Command::ExportWelcome {
            group,
            joiner,
            all,
            output,
        },
        Global::ExportMailbox {
            client,
            dir,
            output,
        } => Command::ExportMailbox {
            client,
            dir,
            output,
        },
        Global::ImportKeyPackage { file, name } => Command::ImportKeyPackage { file, name },
        Global::Show { what } => Command::Show(what),
        Global::Follow { package } => Command::Follow(package),
    })
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "command"
)]
struct GlobalLine {
    #[command(subcommand)]
    command: Global,
}

#[derive(Subcommand)]
enum Global {
    /// Create and register clients.
    Clients {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// Make the DS misbehave.
    Ds {
        #[command(subcommand)]
        action: DsAction,
    },
    /// Every client processes its whole mailbox.
    Deliver,
    /// Print the lab's time, or move it forward.
    Clock {
        #[arg(value_name = "+DURATION", value_parser = forward)]
        by: Option<LabDuration>,
    },
    /// Write the Welcome for GROUP, as a joiner's mailbox holds it, to a file.
    ExportWelcome {
        #[arg(value_name = "GROUP")]
        group: String,
        /// The joiner whose mailbox to read (the first recipient holding it by default).
        #[arg(long = "for", value_name = "NAME")]
        joiner: Option<String>,
        /// Every copy the mailbox holds: FILE, FILE.2, FILE.3, ...
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        output: ExportArgs,
    },
    /// Write every message waiting in a client's DS mailbox to a directory.
    ExportMailbox {
        #[arg(value_name = "NAME")]
        client: String,
        /// The directory (made if missing).
        #[arg(long = "to", value_name = "DIR")]
        dir: String,
        #[command(flatten)]
        output: EncodingArgs,
    },
    /// Create an external client from a key package made elsewhere.
    ImportKeyPackage {
        #[arg(value_name = "FILE")]
        file: String,
        /// The lab's name for the external client.
        #[arg(long = "as", value_name = "NAME")]
        name: String,
    },
    /// Direct a lesson's screen.
    Show {
        #[command(subcommand)]
        what: Show,
    },
    /// Highlight one key package everywhere in a lesson.
    Follow {
        #[command(flatten)]
        package: KeySelector,
    },
}

/// `+30d`: the clock only moves forward, and the `+` says so.
fn forward(text: &str) -> Result<LabDuration, String> {
    match text.strip_prefix('+') {
        Some(duration) => duration.parse(),
        None => Err("write +DURATION (e.g. +30d): the clock only moves forward".into()),
    }
}
