//! `mls-lab`: the command-line entry point.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mls_lab::engine::Engine;
use mls_lab::runner::{self, Progress};

#[derive(Parser)]
#[command(
    name = "mls-lab",
    version,
    about = "MLS Onboarding Lab: key packages, references, last-resort reuse and Welcome joins with real OpenMLS"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Mode>,
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
        None => (None, false),
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
    // One thread: the engine waits for every DS reply, so more threads add only
    // cross-thread wake-ups to each request (see docs/benchmarks.md).
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mls-lab: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
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
