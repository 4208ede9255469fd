//! `mls-lab` without a subcommand: the interactive lab. Its options ([`LabArgs`],
//! with the display options [`DisplayArgs`] that `present` shares) are checked
//! before the terminal is touched (clients, the scenario or lesson, the
//! recording's file), so every refusal is a clear message and exit 2 even
//! without a terminal; then the TUI runs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::stdio::say;
use crate::app::draw::depth::ColourDepth;
use crate::app::{self, Settings};
use crate::command::Command;
use crate::domain::{validate_name, NameKind};
use crate::engine::Randomness;
// The scenario catalogue, until it moves down beside the command vocabulary.
use crate::app::ThemeName;
use crate::command::scenario::{self as scenarios, Loaded};
use crate::serve::remote::HttpDs;
use crate::terminal::tui::{self, Recording, SharedDs, Start};
use crate::worker::Request;
use std::sync::Arc;

/// The ciphersuite the keys use unless `--suite` says otherwise.
pub const DEFAULT_SUITE: u16 = 1;

/// The options of the interactive lab (no subcommand).
#[derive(clap::Args)]
pub struct LabArgs {
    /// Clients to register at start, comma-separated [default: alice,bob,carol,dave, or
    /// none when the --scenario has its own `clients` line].
    #[arg(long, value_delimiter = ',')]
    pub(super) clients: Option<Vec<String>>,
    /// Ciphersuite the keys use for generate, claim and create-group (1, 2 or 3).
    #[arg(long, default_value_t = DEFAULT_SUITE, value_parser = clap::value_parser!(u16).range(1..=3))]
    pub(super) suite: u16,
    /// Run this scenario file or shipped scenario at start (with --step: load it and
    /// run one line per Space). An existing file wins over a shipped name.
    #[arg(long, value_name = "FILE|NAME")]
    pub(super) scenario: Option<PathBuf>,
    /// Load --scenario as a lesson: Space runs the next line, its comment is the caption.
    #[arg(long, requires = "scenario")]
    pub(super) step: bool,
    /// Put the clients on a shared DS (`mls-lab serve`) at this URL instead of
    /// the lab's own: `http://HOST:PORT`, with `?room=TOKEN` for a room.
    #[arg(long, value_name = "URL")]
    pub(super) ds: Option<String>,
    #[command(flatten)]
    pub(super) display: DisplayArgs,
}

/// How the lab looks and what it keeps: the options `mls-lab` and `mls-lab
/// present` share (`present` changes the theme's default and the help of `--seed`
/// and `--record`).
#[derive(clap::Args)]
pub struct DisplayArgs {
    /// Milliseconds a message takes to travel along the timeline; 0 draws it at once.
    #[arg(long, value_name = "MS", default_value_t = app::DEFAULT_SPEED_MS)]
    pub(super) speed: u64,
    /// Colour theme.
    #[arg(long, value_enum, default_value_t = ThemeName::Dark)]
    pub(super) theme: ThemeName,
    /// No colour: highlights use reversed, bold and underline (also when NO_COLOR is set).
    #[arg(long)]
    pub(super) no_color: bool,
    /// Same seed, same keys, references and group ids (demonstrations only; README).
    #[arg(long, value_name = "N")]
    pub(super) seed: Option<u64>,
    /// Record the session as an asciicast v2 file (a new file; asciinema plays it).
    #[arg(long, value_name = "FILE.cast")]
    pub(super) record: Option<PathBuf>,
}

impl LabArgs {
    /// Runs the interactive lab; the exit code: 0 quit, 1 a terminal or
    /// recording failure, 2 refused options.
    pub fn run(self) -> ExitCode {
        self.start(false)
    }

    /// Runs the lab, in the projector layout when `presenting` (`mls-lab present`).
    pub(super) fn start(self, presenting: bool) -> ExitCode {
        use std::io::IsTerminal as _;
        let (settings, mut start) = match self.prepare(presenting) {
            Ok(prepared) => prepared,
            Err(messages) => {
                messages.iter().for_each(|m| say(m));
                return ExitCode::from(2);
            }
        };
        // Bad options and scenarios are refused first, so they are reported even
        // without a terminal.
        if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
            say("mls-lab: the interactive lab needs a terminal; `mls-lab run [FILE]` prints a transcript instead");
            return ExitCode::from(2);
        }
        if let Some(path) = &self.display.record {
            match Recording::create(path) {
                Ok(recording) => start.recording = Some(recording),
                Err(error) => {
                    say(&format!("mls-lab: {error}"));
                    return ExitCode::from(2);
                }
            }
        }
        let runtime = match super::runtime() {
            Ok(runtime) => runtime,
            Err(message) => {
                say(&message);
                return ExitCode::from(2);
            }
        };
        match runtime.block_on(tui::run(settings, start)) {
            Ok(None) => ExitCode::SUCCESS,
            // The session went on; the recording is incomplete, and the exit says so.
            Ok(Some(stopped)) => {
                say(&format!("mls-lab: {stopped}"));
                ExitCode::from(1)
            }
            Err(error) => {
                say(&format!("mls-lab: {error}"));
                ExitCode::from(1)
            }
        }
    }

    /// The settings and the start, or every reason the options are refused.
    fn prepare(&self, presenting: bool) -> Result<(Settings, Start), Vec<String>> {
        // Refused before the terminal is touched, with the engine's own rule.
        let names = self.clients.as_deref().unwrap_or_default();
        for (i, name) in names.iter().enumerate() {
            if let Err(error) = validate_name(NameKind::Client, name) {
                return Err(vec![format!("mls-lab: --clients: {error}")]);
            }
            if names[..i].contains(name) {
                return Err(vec![format!("mls-lab: --clients: '{name}' is named twice")]);
            }
        }
        let display = &self.display;
        let theme = ThemeName::choose(
            display.theme,
            display.no_color,
            std::env::var_os("NO_COLOR").as_deref(),
        );
        let settings = Settings {
            speed: Duration::from_millis(display.speed),
            theme,
            suite: self.suite,
            colours: ColourDepth::from_env(),
        };
        let default_clients = || ["alice", "bob", "carol", "dave"].map(String::from).to_vec();
        let shared_ds = match self.ds.as_deref().map(HttpDs::new).transpose() {
            Ok(remote) => remote.map(|remote| SharedDs(Arc::new(remote))),
            Err(message) => return Err(vec![format!("mls-lab: --ds {message}")]),
        };
        let mut start = Start {
            shared_ds,
            clients: self.clients.clone().unwrap_or_else(default_clients),
            randomness: display.seed.map_or(Randomness::System, Randomness::Seeded),
            presenting,
            ..Start::default()
        };
        let Some(path) = &self.scenario else {
            return Ok((settings, start));
        };
        let (name, source) = match scenarios::load(path) {
            Ok(Loaded { name, source }) => (name, source),
            Err(error) => return Err(vec![error.message()]),
        };
        let lesson = match app::lesson_from(&name, &source) {
            Ok(lesson) => lesson,
            Err(mut errors) => {
                errors.push(format!("mls-lab: {name} has syntax errors"));
                return Err(errors);
            }
        };
        // A scenario that creates its own clients starts from an empty lab.
        let own_clients = lesson
            .lines()
            .any(|line| matches!(line.command, Command::Clients(_)));
        if self.clients.is_none() && own_clients {
            start.clients.clear();
        }
        if self.step || presenting {
            start.lesson = Some(lesson);
        } else {
            start.preload = Some(Request::Run {
                label: name,
                lines: lesson.lines().cloned().collect(),
            });
        }
        Ok((settings, start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `LabArgs` as the binary parses them.
    #[derive(Parser)]
    struct Line {
        #[command(flatten)]
        lab: LabArgs,
    }

    fn prepared(args: &[&str], presenting: bool) -> Result<(Settings, Start), Vec<String>> {
        let line = Line::try_parse_from(std::iter::once("mls-lab").chain(args.iter().copied()))
            .map_err(|error| vec![error.to_string()])?;
        line.lab.prepare(presenting)
    }

    #[test]
    fn the_command_line_reaches_the_lab_it_starts() {
        let (_, start) = prepared(&["--clients", "ann,ben", "--seed", "7"], true).unwrap();
        assert_eq!(start.clients, ["ann", "ben"]);
        assert_eq!(start.randomness, Randomness::Seeded(7));
        assert!(start.presenting);
        assert!(start.shared_ds.is_none());

        let (_, start) = prepared(&["--ds", "http://127.0.0.1:9"], false).unwrap();
        assert_eq!(start.clients, ["alice", "bob", "carol", "dave"]);
        assert_eq!(start.randomness, Randomness::System);
        assert!(!start.presenting);
        assert!(start.shared_ds.is_some(), "--ds gives the lab a shared DS");
    }

    #[test]
    fn bad_client_lists_and_urls_are_refused_before_the_terminal_is_touched() {
        let twice = prepared(&["--clients", "ann,ann"], false).unwrap_err();
        assert!(twice[0].contains("'ann' is named twice"), "{twice:?}");
        let bad = prepared(&["--clients=-x"], false).unwrap_err();
        assert!(bad[0].starts_with("mls-lab: --clients: "), "{bad:?}");
        let url = prepared(&["--ds", "not a url"], false).unwrap_err();
        assert!(url[0].starts_with("mls-lab: --ds "), "{url:?}");
    }
}
