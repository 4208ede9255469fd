//! `mls-lab`: the command-line entry point.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mls_lab::app::{self, Settings};
use mls_lab::engine::Engine;
use mls_lab::runner::{self, Progress};
use mls_lab::tui::{self, Start};
use mls_lab::ui::theme::ThemeName;

#[derive(Parser)]
#[command(
    name = "mls-lab",
    version,
    about = "MLS Onboarding Lab: key packages, references, last-resort reuse and Welcome joins with real OpenMLS"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Mode>,
    #[command(flatten)]
    tui: TuiArgs,
}

/// Options of the interactive lab (no subcommand).
#[derive(clap::Args)]
struct TuiArgs {
    /// Clients to register at start, comma-separated [default: alice,bob,carol,dave, or
    /// none when the --scenario has its own `clients` line].
    #[arg(long, value_delimiter = ',')]
    clients: Option<Vec<String>>,
    /// Ciphersuite the keys use for generate, claim and create-group (1, 2 or 3).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=3))]
    suite: u16,
    /// Run this scenario file at start (with --step: load it and run one line per Space).
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Load --scenario as a lesson: Space runs the next line, its comment is the caption.
    #[arg(long, requires = "scenario")]
    step: bool,
    /// Milliseconds a message takes to travel along the timeline; 0 draws it at once.
    #[arg(long, value_name = "MS", default_value_t = app::DEFAULT_SPEED_MS)]
    speed: u64,
    /// Colour theme.
    #[arg(long, value_enum, default_value_t = ThemeName::Dark)]
    theme: ThemeName,
    /// No colour: highlights use reversed, bold and underline (also when NO_COLOR is set).
    #[arg(long)]
    no_color: bool,
}

#[derive(Subcommand)]
enum Mode {
    /// Run a scenario file headless (the built-in default without FILE).
    Run {
        /// Scenario file: one command per line, `#` comments; `-` reads standard input.
        file: Option<PathBuf>,
        /// Print one JSON object per event (JSON Lines) instead of the transcript.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (file, json) = match cli.command {
        Some(Mode::Run { file, json }) => (file, json),
        None => return interactive(cli.tui),
    };
    let (name, source) = match &file {
        Some(path) if path.as_os_str() == "-" => {
            let mut source = String::new();
            if let Err(error) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut source) {
                eprintln!("mls-lab: cannot read standard input: {error}");
                return ExitCode::from(2);
            }
            ("<stdin>".to_string(), source)
        }
        Some(path) => match std::fs::read_to_string(path) {
            Ok(source) => (path.display().to_string(), source),
            Err(error) => {
                eprintln!("mls-lab: cannot read {}: {error}", path.display());
                return ExitCode::from(2);
            }
        },
        None => (
            runner::DEFAULT_SCENARIO_NAME.to_string(),
            runner::DEFAULT_SCENARIO.to_string(),
        ),
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let mut engine = Engine::new();
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let result = runner::run_source(&mut engine, &name, &source, |progress| {
            // A closed stdout (e.g. `| head`) must not panic; stop printing instead.
            let _ = match progress {
                Progress::Line(line) if !json => {
                    writeln!(out, "{name}:{}> {}", line.line, line.text)
                }
                Progress::Line(_) => Ok(()),
                Progress::Event(event) if json => writeln!(out, "{}", runner::event_json(event)),
                Progress::Event(event) => writeln!(out, "{}", runner::event_text(event)),
            };
        })
        .await;
        match result {
            Err(errors) => {
                for error in errors {
                    eprintln!("{error}");
                }
                eprintln!("mls-lab: {name} has syntax errors; nothing was run");
                ExitCode::from(2)
            }
            Ok(report) if report.passed() => {
                if !json {
                    println!("\n== state ==\n{}", runner::state_text(&engine).await);
                    println!(
                        "{name}: {} lines run, all expectations held",
                        report.lines_run
                    );
                }
                ExitCode::SUCCESS
            }
            Ok(report) => {
                if !json {
                    println!("\n== state ==\n{}", runner::state_text(&engine).await);
                }
                for failure in &report.failures {
                    eprintln!("{failure}");
                }
                eprintln!("mls-lab: {name}: {} failure(s)", report.failures.len());
                ExitCode::from(1)
            }
        }
    })
}

/// `mls-lab` without a subcommand: the interactive lab.
fn interactive(args: TuiArgs) -> ExitCode {
    use std::io::IsTerminal as _;
    if let Some(bad) = args
        .clients
        .iter()
        .flatten()
        .find(|name| !mls_lab::command::valid_client_name(name))
    {
        eprintln!(
            "mls-lab: --clients: {}",
            mls_lab::engine::EngineError::InvalidClientName(bad.clone())
        );
        return ExitCode::from(2);
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!(
            "mls-lab: the interactive lab needs a terminal; `mls-lab run [FILE]` prints a transcript instead"
        );
        return ExitCode::from(2);
    }
    let theme = ThemeName::choose(
        args.theme,
        args.no_color,
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let settings = Settings {
        speed: std::time::Duration::from_millis(args.speed),
        theme,
        suite: args.suite,
    };
    let default_clients = || ["alice", "bob", "carol", "dave"].map(String::from).to_vec();
    let mut start = Start {
        clients: args.clients.clone().unwrap_or_else(default_clients),
        ..Start::default()
    };
    if let Some(path) = &args.scenario {
        let source = match std::fs::read_to_string(path) {
            Ok(source) => source,
            Err(error) => {
                eprintln!("mls-lab: cannot read {}: {error}", path.display());
                return ExitCode::from(2);
            }
        };
        let name = path.display().to_string();
        let lesson = match app::lesson_from(&name, &source) {
            Ok(lesson) => lesson,
            Err(errors) => {
                for error in errors {
                    eprintln!("{error}");
                }
                eprintln!("mls-lab: {name} has syntax errors");
                return ExitCode::from(2);
            }
        };
        // A scenario that creates its own clients starts from an empty lab.
        let own_clients = lesson
            .steps
            .iter()
            .any(|(_, line)| matches!(line.command, mls_lab::command::Command::Clients(_)));
        if args.clients.is_none() && own_clients {
            start.clients.clear();
        }
        if args.step {
            start.lesson = Some(lesson);
        } else {
            start.preload = Some(mls_lab::worker::Request::Run {
                label: name,
                lines: lesson.steps.into_iter().map(|(_, line)| line).collect(),
            });
        }
    }
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    match runtime.block_on(tui::run(settings, start)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mls-lab: {error}");
            ExitCode::from(1)
        }
    }
}

/// One thread: the engine waits for every DS reply, so more threads add only
/// cross-thread wake-ups to each request (see docs/benchmarks.md).
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            eprintln!("mls-lab: cannot start the async runtime: {error}");
            ExitCode::from(2)
        })
}
