//! The command line, the lab's outermost layer: the parser ([`Cli`]) and one file
//! per subcommand, each owning its arguments and its exit code.
//!
//! - [`run`]: `mls-lab run`, a scenario headless through the library's one run.
//! - [`lab`]: `mls-lab` alone, the interactive lab: options checked, then the TUI;
//!   the display options it shares with `present`.
//! - [`present`]: `mls-lab present`, a lesson in the projector layout.
//! - [`scenarios`], [`explain`], [`inspect`]: the subcommands that print one
//!   listing or report and exit.
//! - [`serve`]: `mls-lab serve`, the DS as a network server.
//! - [`stdio`]: lines on stdout and stderr, escaped; a closed stdout ends quietly.

pub mod explain;
pub mod inspect;
pub mod lab;
pub mod present;
pub mod run;
pub mod scenarios;
pub mod serve;
pub mod stdio;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// `mls-lab`'s command line.
#[derive(Parser)]
#[command(
    name = "mls-lab",
    version,
    about = "MLS Onboarding Lab: key packages, references, last-resort reuse and Welcome joins with real OpenMLS",
    // The lab's options before a subcommand would be ignored (`mls-lab --seed 3
    // run`, `--record x.cast present NAME`): refused instead, naming both.
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Mode>,
    #[command(flatten)]
    lab: lab::LabArgs,
}

#[derive(Subcommand)]
enum Mode {
    /// Run a scenario headless (the built-in default without FILE).
    Run(run::RunArgs),
    /// Open a lesson in the projector layout: the clients with the DS, the
    /// timeline, and the caption with the why pane, in high contrast.
    Present(present::PresentArgs),
    /// List the shipped scenarios, one line each: name and what it shows.
    Scenarios,
    /// Why an event or error happens: what, the OpenMLS call, the RFC section, the DS
    /// rule. Without TOPIC, lists every topic.
    Explain(explain::ExplainArgs),
    /// Run the lab's DS as a network server (OpenMLS's sample DS contract) for a
    /// room of labs and MLS clients, durable in SQLite; on a terminal, the room
    /// screen shows what it does as it happens.
    Serve(serve::ServeArgs),
    /// Show what a key package or a Welcome is made of, field by field, with the
    /// checks a receiver makes. Exit 0 all checks pass, 1 a check fails, 2 unreadable.
    Inspect(inspect::InspectArgs),
}

impl Cli {
    /// Runs what the command line asks for; the process's exit code.
    pub fn run(self) -> ExitCode {
        match self.command {
            Some(Mode::Run(args)) => args.run(),
            Some(Mode::Present(args)) => args.run(),
            Some(Mode::Scenarios) => scenarios::run(),
            Some(Mode::Explain(args)) => args.run(),
            Some(Mode::Inspect(args)) => args.run(),
            Some(Mode::Serve(args)) => args.run(),
            None => self.lab.run(),
        }
    }
}

/// clap's message for bad arguments (or `--help`, `--version`), printed as plain
/// text line by line with control characters escaped: a bad argument is input
/// too. A stdout that fails (`--help | head`) just ends the text; clap's exit code.
pub fn refuse_arguments(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    if error.use_stderr() {
        text.lines().for_each(stdio::say);
    } else {
        let _ = stdio::write_lines(text.lines());
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// The runtime of a run and of the TUI. One thread: the engine waits for every DS
/// reply, so more threads add only cross-thread wake-ups to each request (see
/// docs/benchmarks.md).
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("mls-lab: cannot start the async runtime: {error}"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::app::ThemeName;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The display options are declared once; `present` changes the theme's
    /// default and its help, and only there.
    #[test]
    fn present_defaults_to_high_contrast_and_the_lab_to_dark() {
        let parse = |args: &[&str]| Cli::try_parse_from(args).expect("parses");
        let Some(Mode::Present(present)) = parse(&["mls-lab", "present", "x"]).command else {
            panic!("present");
        };
        assert_eq!(present.display.theme, ThemeName::HighContrast);
        let lab = parse(&["mls-lab"]);
        assert_eq!(lab.lab.display.theme, ThemeName::Dark);
        let Some(Mode::Present(present)) =
            parse(&["mls-lab", "present", "x", "--theme", "dark"]).command
        else {
            panic!("present");
        };
        assert_eq!(present.display.theme, ThemeName::Dark);

        let help = |args: &[&str]| match Cli::try_parse_from(args) {
            Ok(_) => panic!("--help stops parsing"),
            Err(error) => error.render().to_string(),
        };
        let present = help(&["mls-lab", "present", "--help"]);
        assert!(present.contains("[default: high-contrast]"), "{present}");
        assert!(present.contains("reads best on a projector"), "{present}");
        assert!(present.contains("Record the talk"), "{present}");
        assert!(present.contains("a lesson is always seeded"), "{present}");
        let lab = help(&["mls-lab", "--help"]);
        assert!(lab.contains("[default: dark]"), "{lab}");
        assert!(!lab.contains("high-contrast]"), "{lab}");
        assert!(lab.contains("Record the session"), "{lab}");
    }
}
