//! `mls-lab`: the command-line entry point.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mls_lab::app;
use mls_lab::command::escape_controls;
use mls_lab::engine::{Engine, Randomness};
use mls_lab::runner::report::{self, print_lines, say};
use mls_lab::runner::scenarios::{self, Loaded};
use mls_lab::runner::{self, Format, Outcome, Script};
use mls_lab::start;
use mls_lab::ui::theme::ThemeName;

#[derive(Parser)]
#[command(
    name = "mls-lab",
    version,
    about = "MLS Onboarding Lab: key packages, references, last-resort reuse and Welcome joins with real OpenMLS",
    // The lab's options before a subcommand would be ignored (`mls-lab --seed 3
    // run`, `--record x.cast present NAME`): refused instead, naming both.
    args_conflicts_with_subcommands = true
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
    /// Run this scenario file or shipped scenario at start (with --step: load it and
    /// run one line per Space). An existing file wins over a shipped name.
    #[arg(long, value_name = "FILE|NAME")]
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
    /// Same seed, same keys, references and group ids (demonstrations only; README).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Record the session as an asciicast v2 file (a new file; asciinema plays it).
    #[arg(long, value_name = "FILE.cast")]
    record: Option<PathBuf>,
}

/// Options of `mls-lab present`.
#[derive(clap::Args)]
struct PresentArgs {
    /// The lesson: a scenario file or the name of a shipped scenario.
    #[arg(value_name = "FILE|NAME")]
    scenario: PathBuf,
    /// Milliseconds a message takes to travel along the timeline; 0 draws it at once.
    #[arg(long, value_name = "MS", default_value_t = app::DEFAULT_SPEED_MS)]
    speed: u64,
    /// Colour theme (high contrast reads best on a projector).
    #[arg(long, value_enum, default_value_t = ThemeName::HighContrast)]
    theme: ThemeName,
    /// No colour: highlights use reversed, bold and underline (also when NO_COLOR is set).
    #[arg(long)]
    no_color: bool,
    /// Same seed, same references as the slides and the handout (a lesson is
    /// always seeded; without N, with a seed of this run's own).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Record the talk as an asciicast v2 file (a new file; asciinema plays it).
    #[arg(long, value_name = "FILE.cast")]
    record: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Mode {
    /// Run a scenario headless (the built-in default without FILE).
    Run {
        /// Scenario file (one command per line, `#` comments), or the name of a
        /// shipped scenario (`mls-lab scenarios`); an existing file wins. `-` reads
        /// standard input.
        #[arg(value_name = "FILE|NAME")]
        file: Option<PathBuf>,
        /// Print one JSON object per event (JSON Lines) instead of the transcript.
        #[arg(long)]
        json: bool,
        /// Same seed, same keys, references and group ids (demonstrations only; README).
        #[arg(long, value_name = "N")]
        seed: Option<u64>,
        /// Print a Markdown handout instead: one section per step (caption, command,
        /// events, checks) and a table of the final state.
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Open a lesson in the projector layout: the clients with the DS, the
    /// timeline, and the caption with the why pane, in high contrast.
    Present(PresentArgs),
    /// List the shipped scenarios, one line each: name and what it shows.
    Scenarios,
    /// Why an event or error happens: what, the OpenMLS call, the RFC section, the DS
    /// rule. Without TOPIC, lists every topic.
    Explain {
        /// An event kind (`group_joined`) or an error code (`NoMatchingKeyPackage`).
        topic: Option<String>,
    },
    /// Show what a key package or a Welcome is made of, field by field, with the
    /// checks a receiver makes. Exit 0 all checks pass, 1 a check fails, 2 unreadable.
    Inspect {
        /// File holding an MLSMessage, a bare KeyPackage or a bare Welcome, as raw
        /// bytes, hex or base64; `-` reads standard input.
        input: PathBuf,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return refuse_arguments(&error),
    };
    match cli.command {
        Some(Mode::Run {
            file,
            json,
            seed,
            markdown,
        }) => headless(file, json, markdown, randomness(seed)),
        Some(Mode::Explain { topic }) => ExitCode::from(report::explain(topic.as_deref())),
        Some(Mode::Scenarios) => {
            ExitCode::from(print_lines(scenarios::listing().iter().map(String::as_str)))
        }
        Some(Mode::Inspect { input, json }) => ExitCode::from(report::inspect(&input, json)),
        Some(Mode::Present(args)) => start::interactive(start::Options {
            scenario: Some(args.scenario),
            step: true,
            present: true,
            speed_ms: args.speed,
            theme: args.theme,
            no_color: args.no_color,
            seed: args.seed,
            record: args.record,
            suite: 1,
            clients: None,
        }),
        None => {
            let args = cli.tui;
            start::interactive(start::Options {
                clients: args.clients,
                suite: args.suite,
                scenario: args.scenario,
                step: args.step,
                speed_ms: args.speed,
                theme: args.theme,
                no_color: args.no_color,
                seed: args.seed,
                record: args.record,
                present: false,
            })
        }
    }
}

/// clap's message for bad arguments (or `--help`, `--version`), printed as plain
/// text line by line with control characters escaped: a bad argument is input too.
fn refuse_arguments(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    if error.use_stderr() {
        text.lines().for_each(say);
    } else {
        let mut stdout = std::io::stdout().lock();
        for line in text.lines() {
            // A closed stdout (`--help | head`) just ends the listing.
            if writeln!(stdout, "{}", escape_controls(line)).is_err() {
                break;
            }
        }
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
}

/// `--seed N`: the lab's randomness.
fn randomness(seed: Option<u64>) -> Randomness {
    seed.map_or(Randomness::System, Randomness::Seeded)
}

/// `mls-lab run [FILE | -]`: the headless run ([`runner::run`]); its messages on
/// stderr and its exit code: 0 all held (or the reader of stdout went away), 1 a
/// failure or an output error, 2 bad input.
fn headless(file: Option<PathBuf>, json: bool, markdown: bool, randomness: Randomness) -> ExitCode {
    let outcome = run_outcome(file, format(json, markdown), randomness);
    for message in outcome.messages() {
        say(&message);
    }
    ExitCode::from(outcome.exit_code())
}

fn format(json: bool, markdown: bool) -> Format {
    match (json, markdown) {
        (_, true) => Format::Handout,
        (true, false) => Format::Json,
        (false, false) => Format::Transcript,
    }
}

fn run_outcome(file: Option<PathBuf>, format: Format, randomness: Randomness) -> Outcome {
    let script = match &file {
        Some(path) if path.as_os_str() == "-" => Script::Stream(Box::new(std::io::stdin().lock())),
        Some(path) => match scenarios::load(path) {
            Ok(Loaded { name, source }) => Script::whole(name, source),
            Err(error) => {
                return Outcome::Refused(vec![
                    error.message(),
                    format!("mls-lab: {} was not run", error.name),
                ])
            }
        },
        None => Script::whole(runner::DEFAULT_SCENARIO_NAME, runner::DEFAULT_SCENARIO),
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(message) => return Outcome::Refused(vec![message]),
    };
    runtime.block_on(async move {
        let mut engine = Engine::with_randomness(randomness);
        runner::run(&mut engine, script, format, std::io::stdout().lock()).await
    })
}

/// One thread: the engine waits for every DS reply, so more threads add only
/// cross-thread wake-ups to each request (see docs/benchmarks.md).
fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("mls-lab: cannot start the async runtime: {error}"))
}
