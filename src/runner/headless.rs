//! The one headless run, behind `mls-lab run` and every test that replays a
//! script: a whole script is parsed first (a syntax error anywhere runs nothing),
//! a stream runs line by line as it arrives. The events go out as a transcript,
//! as JSON Lines or as a Markdown handout; a transcript ends with the lab's state
//! and a summary. The run ends in an [`Outcome`]: the messages for stderr and the
//! exit code, as values; the caller prints them.

use std::io::{BufRead, Write};

use super::handout;
use super::output::{Output, Stopped};
use super::{event_json, event_text, state_text, Progress, RunReport, Runner};
use crate::command::scenario::input::Lines;
use crate::command::steps::outline;
use crate::command::{parse_script, Command, ParsedLine};
use crate::engine::Engine;

/// What the messages call standard input.
pub const STDIN_NAME: &str = "<stdin>";

/// Where a run reads its script.
pub enum Script {
    /// A file, a shipped scenario or the built-in default, checked whole first.
    Whole { name: String, source: String },
    /// Standard input (or any reader), run line by line as it arrives.
    Stream(Box<dyn BufRead>),
}

impl Script {
    /// A script read whole; `name` is what its `file:line` messages say.
    pub fn whole(name: impl Into<String>, source: impl Into<String>) -> Self {
        Self::Whole {
            name: name.into(),
            source: source.into(),
        }
    }
}

/// How a run writes what happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Each line and its events as text, then the state section and the summary.
    Transcript,
    /// One JSON object per event (JSON Lines), nothing else.
    Json,
    /// A Markdown handout: one section per step and a table of the final state
    /// (`run --markdown`); it needs the whole script, not a stream.
    Handout,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing ran, or a stream stopped at a line that could not be read or
    /// parsed: these messages, exit 2.
    Refused(Vec<String>),
    /// The script ran.
    Ran(Ran),
}

/// A script that ran: its report, and why its output stopped if it did.
#[derive(Debug)]
pub struct Ran {
    /// The script's name in messages (the file, or [`STDIN_NAME`]).
    pub name: String,
    pub report: RunReport,
    pub stopped: Option<Stopped>,
}

impl Outcome {
    /// The run's report, or the messages that refused it.
    pub fn report(&self) -> Result<&RunReport, &[String]> {
        match self {
            Self::Ran(ran) => Ok(&ran.report),
            Self::Refused(messages) => Err(messages),
        }
    }

    /// 0 all held (or the reader of the output went away), 1 a failure or an
    /// output error, 2 bad input.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Refused(_) => 2,
            Self::Ran(ran) => match &ran.stopped {
                Some(Stopped::Closed) => 0,
                Some(Stopped::Failed(_)) => 1,
                None if ran.report.passed() => 0,
                None => 1,
            },
        }
    }

    /// What to tell on stderr: the refusal, the output error, or each failure and
    /// their count. A reader that went away (`| head`) ends the run quietly.
    pub fn messages(&self) -> Vec<String> {
        let ran = match self {
            Self::Refused(messages) => return messages.clone(),
            Self::Ran(ran) => ran,
        };
        match &ran.stopped {
            Some(Stopped::Closed) => Vec::new(),
            Some(Stopped::Failed(error)) => {
                vec![format!("mls-lab: cannot write the output: {error}")]
            }
            None if ran.report.passed() => Vec::new(),
            None => {
                let failures = &ran.report.failures;
                let mut messages = failures.clone();
                messages.push(format!(
                    "mls-lab: {}: {} failure(s)",
                    ran.name,
                    failures.len()
                ));
                messages
            }
        }
    }
}

/// Runs `script` on `engine`, writing to `out` in `format`.
pub async fn run(engine: &mut Engine, script: Script, format: Format, out: impl Write) -> Outcome {
    let mut run = Headless {
        out: Output::new(out),
        json: format == Format::Json,
    };
    match (script, format) {
        (Script::Whole { name, source }, Format::Handout) => {
            run.handout(engine, name, &source).await
        }
        (Script::Stream(_), Format::Handout) => Outcome::Refused(vec![
            "mls-lab: --markdown needs a file or a scenario name, not standard input".to_string(),
        ]),
        (Script::Whole { name, source }, Format::Transcript | Format::Json) => {
            match run.whole(engine, &name, &source).await {
                Ok(runner) => run.finish(engine, name, runner).await,
                Err(refused) => refused,
            }
        }
        (Script::Stream(reader), Format::Transcript | Format::Json) => {
            match run.stream(engine, reader).await {
                Ok(runner) => run.finish(engine, STDIN_NAME.to_string(), runner).await,
                Err(refused) => refused,
            }
        }
    }
}

/// The refusal of a script with syntax errors: each error, then what was not done.
fn syntax_errors(name: &str, mut errors: Vec<String>) -> Outcome {
    errors.push(format!(
        "mls-lab: {name} has syntax errors; nothing was run"
    ));
    Outcome::Refused(errors)
}

/// A run's output.
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
    ) -> Result<Runner, Outcome> {
        let lines = parse_script(name, source).map_err(|errors| syntax_errors(name, errors))?;
        let mut runner = Runner::new(name);
        for line in &lines {
            if self.out.stopped().is_some() || runner.halted() {
                break;
            }
            self.step(engine, &mut runner, name, line).await;
        }
        Ok(runner)
    }

    /// Runs a stream line by line as it arrives, the events of each line flushed
    /// before the next is read. A bad line stops the run there.
    async fn stream(
        &mut self,
        engine: &mut Engine,
        reader: Box<dyn BufRead>,
    ) -> Result<Runner, Outcome> {
        let name = STDIN_NAME;
        let mut lines = Lines::new(reader);
        let mut runner = Runner::new(name);
        // Output that stopped ends the run before another line is waited for.
        while self.out.stopped().is_none() && !runner.halted() {
            let Some(next) = lines.next_line() else {
                break;
            };
            let stop = |message: String| {
                Outcome::Refused(vec![
                    message,
                    format!("mls-lab: {name}: stopped at this line"),
                ])
            };
            let (line_no, text) = next.map_err(|error| stop(error.message(name)))?;
            match ParsedLine::parse(line_no, &text) {
                Ok(Some(line)) => self.step(engine, &mut runner, name, &line).await,
                Ok(None) => {}
                Err(error) => return Err(stop(format!("{name}:{line_no}: {error}"))),
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
            Progress::Event(event) if json => out.line(&event_json(event)),
            Progress::Event(event) => out.line(&event_text(event)),
        };
        script.step(engine, line, &mut progress).await;
        self.out.flush();
    }

    /// The state section and the summary (a transcript only), then the outcome.
    async fn finish(mut self, engine: &Engine, name: String, runner: Runner) -> Outcome {
        let report = runner.finish();
        if self.out.stopped().is_none() && !self.json {
            self.out.line("");
            self.out.line("== state ==");
            for line in state_text(engine).await.lines() {
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
        Outcome::Ran(Ran {
            name,
            report,
            stopped: self.out.finish(),
        })
    }

    /// `run --markdown`: the whole run first, then the handout's lines; failures
    /// are listed in the handout and in the outcome.
    async fn handout(mut self, engine: &mut Engine, name: String, source: &str) -> Outcome {
        let outline = match outline(&name, source) {
            Ok(outline) => outline,
            Err(errors) => return syntax_errors(&name, errors),
        };
        let (lines, report) = handout::handout(engine, &name, &outline).await;
        for line in &lines {
            self.out.line(line);
        }
        Outcome::Ran(Ran {
            name,
            report,
            stopped: self.out.finish(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ran(failures: &[&str], stopped: Option<Stopped>) -> Outcome {
        Outcome::Ran(Ran {
            name: "x.mls".to_string(),
            report: RunReport {
                lines_run: 3,
                failures: failures.iter().map(|f| f.to_string()).collect(),
            },
            stopped,
        })
    }

    #[test]
    fn a_run_that_held_is_exit_0_and_silent() {
        let outcome = ran(&[], None);
        assert_eq!(outcome.exit_code(), 0);
        assert!(outcome.messages().is_empty());
        assert_eq!(outcome.report().map(|r| r.lines_run), Ok(3));
    }

    #[test]
    fn failures_are_exit_1_each_told_then_counted() {
        let outcome = ran(&["x.mls:2: a", "x.mls:3: b"], None);
        assert_eq!(outcome.exit_code(), 1);
        assert_eq!(
            outcome.messages(),
            ["x.mls:2: a", "x.mls:3: b", "mls-lab: x.mls: 2 failure(s)"]
        );
    }

    #[test]
    fn a_closed_reader_ends_quietly_even_after_failures() {
        let outcome = ran(&["x.mls:2: a"], Some(Stopped::Closed));
        assert_eq!(outcome.exit_code(), 0);
        assert!(outcome.messages().is_empty());
    }

    #[test]
    fn an_output_error_is_exit_1_told_once() {
        let error = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let outcome = ran(&["x.mls:2: a"], Some(Stopped::Failed(error)));
        assert_eq!(outcome.exit_code(), 1);
        let messages = outcome.messages();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("mls-lab: cannot write the output: "));
    }

    #[test]
    fn a_refusal_is_exit_2_with_its_messages() {
        let outcome = Outcome::Refused(vec!["x.mls:1: bad".to_string()]);
        assert_eq!(outcome.exit_code(), 2);
        assert_eq!(outcome.messages(), ["x.mls:1: bad"]);
        assert!(outcome.report().is_err());
    }

    /// A run whose DS stops (a test hook ends its task) stops at that line with
    /// one failure that says so, instead of one `DsUnavailable` per line after.
    /// A caption or a direction to the screen counts as a line run, though it
    /// runs no command.
    #[test]
    fn captions_and_directions_count_as_lines_run() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let source = "say \"first\"\nclients alice\nshow why\nalice generate\n";
        let mut out = Vec::new();
        let outcome = runtime.block_on(async {
            let mut engine = Engine::new();
            run(
                &mut engine,
                Script::whole("x.mls", source.to_string()),
                Format::Transcript,
                &mut out,
            )
            .await
        });
        assert_eq!(outcome.report().map(|r| r.lines_run), Ok(4));
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("x.mls: 4 lines run"), "{text}");
    }

    #[test]
    fn a_run_whose_ds_stops_ends_there_with_one_failure() {
        use crate::engine::guard::test_hooks::DS_DIES;
        use crate::engine::Randomness;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let source = format!("clients alice\nclients {DS_DIES}\nclients bob\nexpect ok\n");
        let mut out = Vec::new();
        let outcome = runtime.block_on(async {
            let mut engine = Engine::with_randomness(Randomness::Seeded(1));
            run(
                &mut engine,
                Script::whole("x.mls", source),
                Format::Transcript,
                &mut out,
            )
            .await
        });
        let report = outcome.report().expect("it ran");
        assert_eq!(
            report.lines_run, 2,
            "nothing after the line where the DS stopped"
        );
        assert_eq!(
            report.failures,
            ["x.mls:2: the Delivery Service is not running; the run stops here"]
        );
        assert_eq!(outcome.exit_code(), 1);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("x.mls:3>"), "{text}");
    }
}
