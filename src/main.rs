//! `mls-lab`: the command-line entry point.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mls_lab::app;
use mls_lab::app::ThemeName;
use mls_lab::command::scenario::{self as scenarios, input, Loaded};
use mls_lab::command::steps::{steps, title};
use mls_lab::command::{parse_script, Command, ParsedLine};
use mls_lab::domain::escape_controls;
use mls_lab::engine::{Engine, Randomness};
use mls_lab::runner::output::{Output, Stopped};
use mls_lab::runner::report::{self, print_lines, say, write_lines};
use mls_lab::runner::{self, Progress, Runner};
use mls_lab::start;

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

/// Where a headless run reads its script.
enum Script {
    /// A file (or the built-in default), read and checked whole first.
    Whole { name: String, source: String },
    /// Standard input, run line by line as it arrives.
    Stream,
}

/// `mls-lab run [FILE | -]`: the headless runner. Exit codes: 0 all held (or the
/// reader of stdout went away), 1 a failure or an output error, 2 bad input.
fn headless(file: Option<PathBuf>, json: bool, markdown: bool, randomness: Randomness) -> ExitCode {
    let script = match &file {
        Some(path) if path.as_os_str() == "-" => Script::Stream,
        Some(path) => match scenarios::load(path) {
            Ok(Loaded { name, source }) => Script::Whole { name, source },
            Err(error) => {
                say(&error.message());
                say(&format!("mls-lab: {} was not run", error.name));
                return ExitCode::from(2);
            }
        },
        None => Script::Whole {
            name: runner::DEFAULT_SCENARIO_NAME.to_string(),
            source: runner::DEFAULT_SCENARIO.to_string(),
        },
    };
    if markdown {
        return match script {
            Script::Whole { name, source } => handout(&name, &source, randomness),
            Script::Stream => {
                say("mls-lab: --markdown needs a file or a scenario name, not standard input");
                ExitCode::from(2)
            }
        };
    }
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    runtime.block_on(async move {
        let mut engine = Engine::with_randomness(randomness);
        let mut run = Headless {
            out: Output::new(std::io::stdout().lock()),
            json,
        };
        let (name, runner) = match script {
            Script::Whole { name, source } => match run.whole(&mut engine, &name, &source).await {
                Ok(runner) => (name, runner),
                Err(code) => return code,
            },
            Script::Stream => match run.stream(&mut engine).await {
                Ok(runner) => ("<stdin>".to_string(), runner),
                Err(code) => return code,
            },
        };
        run.finish(&engine, &name, runner).await
    })
}

/// `mls-lab run FILE --markdown`: the run as a Markdown handout on stdout. Exit
/// codes as for `run`: failures are listed in the handout and on stderr.
fn handout(name: &str, source: &str, randomness: Randomness) -> ExitCode {
    let steps = match steps(name, source) {
        Ok(steps) => steps,
        Err(errors) => {
            for error in errors {
                say(&error);
            }
            say(&format!(
                "mls-lab: {name} has syntax errors; nothing was run"
            ));
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    let (lines, report) = runtime.block_on(async {
        let mut engine = Engine::with_randomness(randomness);
        runner::handout::handout(&mut engine, name, title(source), &steps).await
    });
    match write_lines(lines.iter().map(String::as_str)) {
        // The reader went away (`| head`): end quietly, as `run` does.
        Some(Stopped::Closed) => return ExitCode::SUCCESS,
        Some(Stopped::Failed(error)) => {
            say(&format!("mls-lab: cannot write the output: {error}"));
            return ExitCode::from(1);
        }
        None if report.passed() => return ExitCode::SUCCESS,
        None => {}
    }
    for failure in &report.failures {
        say(failure);
    }
    say(&format!(
        "mls-lab: {name}: {} failure(s)",
        report.failures.len()
    ));
    ExitCode::from(1)
}

/// A headless run's output.
struct Headless<W: Write> {
    out: Output<W>,
    json: bool,
}

impl<W: Write> Headless<W> {
    /// Parses all of `source`, then runs it; a syntax error anywhere runs nothing.
    async fn whole(
        &mut self,
        engine: &mut Engine,
        name: &str,
        source: &str,
    ) -> Result<Runner, ExitCode> {
        let lines = match parse_script(name, source) {
            Ok(lines) => lines,
            Err(errors) => {
                for error in errors {
                    say(&error);
                }
                say(&format!(
                    "mls-lab: {name} has syntax errors; nothing was run"
                ));
                return Err(ExitCode::from(2));
            }
        };
        let mut runner = Runner::new(name);
        for line in &lines {
            if self.out.stopped().is_some() {
                break;
            }
            self.step(engine, &mut runner, name, line).await;
        }
        Ok(runner)
    }

    /// Runs standard input line by line as it arrives, the events of each line
    /// flushed before the next is read. A bad line stops the run there.
    async fn stream(&mut self, engine: &mut Engine) -> Result<Runner, ExitCode> {
        let name = "<stdin>";
        let stdin = std::io::stdin();
        let mut lines = input::Lines::new(stdin.lock());
        let mut runner = Runner::new(name);
        // Output that stopped ends the run before another line is waited for.
        while self.out.stopped().is_none() {
            let Some(next) = lines.next_line() else {
                break;
            };
            let stop = |message: String| {
                say(&message);
                say(&format!("mls-lab: {name}: stopped at this line"));
                Err(ExitCode::from(2))
            };
            let (line_no, text) = match next {
                Ok(line) => line,
                Err(error) => return stop(error.message(name)),
            };
            match ParsedLine::parse(line_no, &text) {
                Ok(Some(line)) => self.step(engine, &mut runner, name, &line).await,
                Ok(None) => {}
                Err(error) => return stop(format!("{name}:{line_no}: {error}")),
            }
        }
        Ok(runner)
    }

    async fn step(
        &mut self,
        engine: &mut Engine,
        script: &mut Runner,
        name: &str,
        line: &ParsedLine,
    ) {
        let (out, json) = (&mut self.out, self.json);
        let mut progress = |progress: Progress<'_>| match progress {
            // A caption is printed as the room reads it.
            Progress::Line(ParsedLine {
                command: Command::Say(text),
                ..
            }) if !json => out.line(&format!("» {text}")),
            Progress::Line(line) if !json => {
                out.line(&format!("{name}:{}> {}", line.line_no, line.text))
            }
            Progress::Line(_) => {}
            Progress::Event(event) if json => out.line(&runner::event_json(event)),
            Progress::Event(event) => out.line(&runner::event_text(event)),
        };
        script.step(engine, line, &mut progress).await;
        self.out.flush();
    }

    /// The state section, the summary, failures and the exit code.
    async fn finish(mut self, engine: &Engine, name: &str, runner: Runner) -> ExitCode {
        let report = runner.finish();
        if self.out.stopped().is_none() && !self.json {
            self.out.line("");
            self.out.line("== state ==");
            for line in runner::state_text(engine).await.lines() {
                self.out.line(line);
            }
            self.out.line("");
            if report.passed() {
                self.out.line(&format!(
                    "{name}: {} lines run, all expectations held",
                    report.lines_run
                ));
            }
        }
        match self.out.finish() {
            // The reader went away (`| head`): end quietly.
            Some(Stopped::Closed) => return ExitCode::SUCCESS,
            Some(Stopped::Failed(error)) => {
                say(&format!("mls-lab: cannot write the output: {error}"));
                return ExitCode::from(1);
            }
            None => {}
        }
        if report.passed() {
            return ExitCode::SUCCESS;
        }
        for failure in &report.failures {
            say(failure);
        }
        say(&format!(
            "mls-lab: {name}: {} failure(s)",
            report.failures.len()
        ));
        ExitCode::from(1)
    }
}

/// One thread: the engine waits for every DS reply, so more threads add only
/// cross-thread wake-ups to each request (see docs/benchmarks.md).
fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| {
            say(&format!("mls-lab: cannot start the async runtime: {error}"));
            ExitCode::from(2)
        })
}
