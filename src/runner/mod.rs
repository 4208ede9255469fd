//! The headless runner behind `mls-lab run` and the tests that replay scripts: a
//! file is parsed whole first (so a typo changes nothing), a stream line by line
//! as it arrives; each line runs on the engine ([`Runner`], here, which keeps the
//! [`RunReport`]) and its events are rendered as a text transcript or as JSON Lines.
//!
//! - [`headless`]: the one run, from a file or a stream to a transcript, JSON
//!   Lines or a handout, ending in an [`Outcome`] (messages and exit code).
//! - [`output`]: writing the transcript; a closed reader ends the run quietly.
//! - [`transcript`]: events and the lab's state as text.
//! - [`handout`]: `run --markdown`, the run as a Markdown handout.

pub mod handout;
pub mod headless;
pub mod output;
pub mod transcript;

pub use headless::{run, Format, Outcome, Ran, Script};
pub use transcript::{event_json, event_text, state_text};

use crate::command::{Command, Expectation, ParsedLine};
use crate::engine::{Engine, EngineError, Event};

/// The built-in default scenario, run by `mls-lab run` without a file.
pub const DEFAULT_SCENARIO: &str = crate::command::scenario::SCENARIOS[0].source;
/// Its name in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "assets/scenarios/default.mls";

/// What a run found wrong: failed expectations and errors nobody expected.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunReport {
    pub lines_run: usize,
    /// `file:line: message`, in order.
    pub failures: Vec<String>,
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Something to tell the caller while running.
pub enum Progress<'a> {
    /// A line is about to run.
    Line(&'a ParsedLine),
    /// The engine logged an event.
    Event(&'a Event),
}

/// Runs lines one at a time, as a file's or a stream's lines come. A command that
/// fails must be followed by `expect error CODE` (the next line); otherwise the
/// error counts as a failure.
#[derive(Debug)]
pub struct Runner {
    name: String,
    report: RunReport,
    /// A failed command's line and error, until the next line says whether it was
    /// expected.
    unexpected: Option<(usize, EngineError)>,
    /// The lab's DS stopped during a line: nothing after it can run.
    halted: bool,
}

impl Runner {
    /// A runner whose failures name `name` (the file, or `<stdin>`).
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            report: RunReport::default(),
            unexpected: None,
            halted: false,
        }
    }

    /// Whether the run must stop: the lab's DS stopped, so every further line
    /// would fail with `DsUnavailable`.
    pub fn halted(&self) -> bool {
        self.halted
    }

    /// Runs one line and tells `progress` about it and each event it logged.
    pub async fn step(
        &mut self,
        engine: &mut Engine,
        line: &ParsedLine,
        progress: &mut impl FnMut(Progress<'_>),
    ) {
        if self.halted {
            return;
        }
        progress(Progress::Line(line));
        // A caption or a direction to a lesson's screen is not a command: a
        // failure before it waits for the `expect error` after it.
        if line.command.runs_nothing() {
            self.report.lines_run += 1;
            return;
        }
        let seen = engine.events().len();
        let is_expect_error = matches!(line.command, Command::Expect(Expectation::Error(_)));
        if let Some((at, error)) = self.unexpected.take() {
            if !is_expect_error {
                self.unexpected_failure(at, &error);
            }
        }
        let result = crate::command::execute(engine, &line.command).await;
        self.report.lines_run += 1;
        for event in &engine.events()[seen..] {
            progress(Progress::Event(event));
        }
        // Told: what records nothing lasting is not kept, so a long stream of
        // lines that change nothing (`expect ok`) costs nothing that stays.
        engine.forget_passing();
        match (result, &line.command) {
            (Err(error), Command::Expect(_)) => self
                .report
                .failures
                .push(format!("{}:{}: {error}", self.name, line.line_no)),
            (Err(error), _) => self.unexpected = Some((line.line_no, error)),
            (Ok(()), _) => {}
        }
        if engine.ds_stopped() {
            // This failure replaces the line's own `DsUnavailable`.
            self.unexpected = None;
            self.halted = true;
            self.report.failures.push(format!(
                "{}:{}: {}; the run stops here",
                self.name,
                line.line_no,
                EngineError::DsUnavailable
            ));
        }
    }

    fn unexpected_failure(&mut self, at: usize, error: &EngineError) {
        self.report.failures.push(format!(
            "{}:{at}: unexpected error {}: {error}",
            self.name,
            error.code()
        ));
    }

    /// The report, counting a failure left without its `expect error`.
    pub fn finish(mut self) -> RunReport {
        if let Some((at, error)) = self.unexpected.take() {
            self.unexpected_failure(at, &error);
        }
        self.report
    }
}
