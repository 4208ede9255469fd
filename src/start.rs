//! Starting the interactive lab (`mls-lab`, `mls-lab present`): the options are
//! checked before the terminal is touched (clients, the scenario or lesson, the
//! recording's file), so every refusal is a clear message and exit 2 even
//! without a terminal; then the TUI runs.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::app::ThemeName;
use crate::app::{self, Settings};
use crate::command::scenario::{self as scenarios, Loaded};
use crate::command::Command;
use crate::domain::{validate_name, NameKind};
use crate::engine::Randomness;
use crate::runner::report::say;
use crate::terminal::tui::{self, Recording, Start};
use crate::worker::Request;

/// What the interactive lab was asked for on the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--clients`; `None` for the default four (or none when the scenario
    /// makes its own).
    pub clients: Option<Vec<String>>,
    pub suite: u16,
    /// `--scenario FILE|NAME`, or `present`'s scenario.
    pub scenario: Option<PathBuf>,
    /// Load the scenario as a lesson (`--step`, always for `present`).
    pub step: bool,
    pub speed_ms: u64,
    pub theme: ThemeName,
    pub no_color: bool,
    pub seed: Option<u64>,
    /// `--record FILE.cast`.
    pub record: Option<PathBuf>,
    /// `mls-lab present`: the projector layout.
    pub present: bool,
}

/// Runs the interactive lab; the exit code: 0 quit, 1 a terminal or recording
/// failure, 2 refused options.
pub fn interactive(options: Options) -> ExitCode {
    use std::io::IsTerminal as _;
    let (settings, mut start) = match prepare(&options) {
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
    if let Some(path) = &options.record {
        match Recording::create(path) {
            Ok(recording) => start.recording = Some(recording),
            Err(error) => {
                say(&format!("mls-lab: {error}"));
                return ExitCode::from(2);
            }
        }
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            say(&format!("mls-lab: cannot start the async runtime: {error}"));
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
pub fn prepare(options: &Options) -> Result<(Settings, Start), Vec<String>> {
    // Refused before the terminal is touched, with the engine's own rule.
    let names = options.clients.as_deref().unwrap_or_default();
    for (i, name) in names.iter().enumerate() {
        if let Err(error) = validate_name(NameKind::Client, name) {
            return Err(vec![format!("mls-lab: --clients: {error}")]);
        }
        if names[..i].contains(name) {
            return Err(vec![format!("mls-lab: --clients: '{name}' is named twice")]);
        }
    }
    let theme = ThemeName::choose(
        options.theme,
        options.no_color,
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let settings = Settings {
        speed: Duration::from_millis(options.speed_ms),
        theme,
        suite: options.suite,
    };
    let default_clients = || ["alice", "bob", "carol", "dave"].map(String::from).to_vec();
    let mut start = Start {
        clients: options.clients.clone().unwrap_or_else(default_clients),
        randomness: options.seed.map_or(Randomness::System, Randomness::Seeded),
        presenting: options.present,
        ..Start::default()
    };
    let Some(path) = &options.scenario else {
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
    if options.clients.is_none() && own_clients {
        start.clients.clear();
    }
    if options.step || options.present {
        start.lesson = Some(lesson);
    } else {
        start.preload = Some(Request::Run {
            label: name,
            lines: lesson.lines().cloned().collect(),
        });
    }
    Ok((settings, start))
}
