//! `mls-lab run [FILE|NAME|-]`: a scenario headless. This file finds the script
//! (a file, a shipped scenario, standard input or the built-in default) and the
//! format, hands them to the library's one run ([`runner::run`]) and turns its
//! [`Outcome`] into stderr and the exit code: the one place a run's exit code is
//! decided.

use std::path::PathBuf;
use std::process::ExitCode;

use super::stdio::say;
use crate::command::scenario::{self as scenarios, Loaded};
use crate::engine::{DsHandle, Engine, Randomness};
use crate::runner::{self, Format, Outcome, Script};
use crate::serve::remote::HttpDs;
use std::sync::Arc;

/// The arguments of `mls-lab run`.
#[derive(clap::Args)]
pub struct RunArgs {
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
    /// Put the clients on a shared DS (`mls-lab serve`) at this URL instead of
    /// the lab's own: `http://HOST:PORT`, with `?room=TOKEN` for a room.
    #[arg(long, value_name = "URL")]
    ds: Option<String>,
}

impl RunArgs {
    /// Runs the script; its messages go to stderr. Exit codes: 0 all held (or the
    /// reader of stdout went away), 1 a failure or an output error, 2 bad input.
    pub fn run(self) -> ExitCode {
        let outcome = self.outcome();
        for message in outcome.messages() {
            say(&message);
        }
        ExitCode::from(outcome.exit_code())
    }

    fn outcome(self) -> Outcome {
        let script = match self.script() {
            Ok(script) => script,
            Err(refused) => return refused,
        };
        let runtime = match super::runtime() {
            Ok(runtime) => runtime,
            Err(message) => return Outcome::Refused(vec![message]),
        };
        let (format, randomness) = (self.format(), self.randomness());
        let remote = match self.ds.as_deref().map(HttpDs::new).transpose() {
            Ok(remote) => remote,
            Err(message) => return Outcome::Refused(vec![format!("mls-lab run: --ds {message}")]),
        };
        runtime.block_on(async move {
            let mut engine = match remote {
                Some(remote) => Engine::with_ds(randomness, DsHandle::remote(Arc::new(remote))),
                None => Engine::with_randomness(randomness),
            };
            runner::run(&mut engine, script, format, std::io::stdout().lock()).await
        })
    }

    /// The script to run; a file or name that cannot be loaded runs nothing.
    fn script(&self) -> Result<Script, Outcome> {
        let Some(path) = &self.file else {
            return Ok(Script::whole(
                runner::DEFAULT_SCENARIO_NAME,
                runner::DEFAULT_SCENARIO,
            ));
        };
        if path.as_os_str() == "-" {
            return Ok(Script::Stream(Box::new(std::io::stdin().lock())));
        }
        match scenarios::load(path) {
            Ok(Loaded { name, source }) => Ok(Script::whole(name, source)),
            Err(error) => Err(Outcome::Refused(vec![
                error.message(),
                format!("mls-lab: {} was not run", error.name),
            ])),
        }
    }

    /// `--markdown` or `--json` (clap refuses both), else the transcript.
    fn format(&self) -> Format {
        match (self.markdown, self.json) {
            (true, _) => Format::Handout,
            (false, true) => Format::Json,
            (false, false) => Format::Transcript,
        }
    }

    /// `--seed N`: the lab's randomness.
    fn randomness(&self) -> Randomness {
        self.seed.map_or(Randomness::System, Randomness::Seeded)
    }
}
