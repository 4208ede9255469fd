//! The headless runner behind `mls-lab run`: parses a whole scenario first (so a
//! typo changes nothing), executes it line by line, and renders the event log as a
//! text transcript or as JSON Lines.

use crate::command::{parse_line, Command, Expectation};
use std::fmt::Write as _;
use std::time::SystemTime;

use crate::engine::client::{lifetime_left, short};
use crate::engine::{Engine, EngineError, Event};

/// The built-in default scenario, run by `mls-lab run` without a file.
pub const DEFAULT_SCENARIO: &str = include_str!("../assets/scenarios/default.mls");
/// Its name in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "assets/scenarios/default.mls";

/// One executable line of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub text: String,
    pub command: Command,
}

/// Parses every line; on failure returns every bad line as `file:line: message`.
pub fn parse_scenario(name: &str, source: &str) -> Result<Vec<ScenarioLine>, Vec<String>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in source.lines().enumerate() {
        match parse_line(text) {
            Ok(Some(command)) => lines.push(ScenarioLine {
                line: index + 1,
                text: text.trim().to_string(),
                command,
            }),
            Ok(None) => {}
            Err(error) => errors.push(format!("{name}:{}: {error}", index + 1)),
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

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
    Line(&'a ScenarioLine),
    /// The engine logged an event.
    Event(&'a Event),
}

/// Runs parsed lines. A command that fails must be followed by `expect error CODE`
/// (the next line); otherwise the error counts as a failure. Every line runs.
pub async fn run_lines(
    engine: &mut Engine,
    name: &str,
    lines: &[ScenarioLine],
    mut progress: impl FnMut(Progress<'_>),
) -> RunReport {
    let mut report = RunReport::default();
    let mut unexpected: Option<(usize, EngineError)> = None;
    for line in lines {
        progress(Progress::Line(line));
        let seen = engine.events().len();
        let is_expect_error = matches!(line.command, Command::Expect(Expectation::Error(_)));
        if let Some((at, error)) = unexpected.take() {
            if !is_expect_error {
                report.failures.push(format!(
                    "{name}:{at}: unexpected error {}: {error}",
                    error.code()
                ));
            }
        }
        let result = engine.execute(&line.command).await;
        report.lines_run += 1;
        for event in &engine.events()[seen..] {
            progress(Progress::Event(event));
        }
        match (result, &line.command) {
            (Err(error), Command::Expect(_)) => report
                .failures
                .push(format!("{name}:{}: {error}", line.line)),
            (Err(error), _) => unexpected = Some((line.line, error)),
            (Ok(()), _) => {}
        }
    }
    if let Some((at, error)) = unexpected {
        report.failures.push(format!(
            "{name}:{at}: unexpected error {}: {error}",
            error.code()
        ));
    }
    report
}

/// Parses and runs a scenario source; a parse failure runs nothing.
pub async fn run_source(
    engine: &mut Engine,
    name: &str,
    source: &str,
    progress: impl FnMut(Progress<'_>),
) -> Result<RunReport, Vec<String>> {
    let lines = parse_scenario(name, source)?;
    Ok(run_lines(engine, name, &lines, progress).await)
}

/// One event as a JSON object on one line (JSON Lines).
pub fn event_json(event: &Event) -> String {
    serde_json::to_string(event).unwrap_or_else(|e| {
        format!(
            "{{\"kind\":\"serialization_error\",\"error\":{:?}}}",
            e.to_string()
        )
    })
}

/// One event as a line of the text transcript; references are shortened to 8 hex
/// digits.
pub fn event_text(event: &Event) -> String {
    let mut fields = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(event) {
        for (key, value) in map {
            if matches!(
                key.as_str(),
                "seq" | "actor" | "kind" | "duration_us" | "outcome"
            ) {
                continue;
            }
            fields.push(format!("{key}={}", compact(&value)));
        }
    }
    let mark = match event.outcome {
        crate::engine::Outcome::Ok => " ",
        crate::engine::Outcome::Error => "!",
    };
    format!(
        "{mark}{:>4} {:<8} {:<24} {}",
        event.seq,
        event.actor,
        event.kind.name(),
        fields.join(" ")
    )
}

fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s)
            if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            format!("{}…", &s[..8])
        }
        serde_json::Value::String(s) if s.contains(' ') => format!("{s:?}"),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(compact).collect::<Vec<_>>().join(",")
            )
        }
        other => other.to_string(),
    }
}

/// The lab's state as text: every client's key packages (lifecycle, private bundle
/// read from storage, lifetime left, size), its groups, and the DS's directory and
/// counters. `mls-lab run` prints it after the transcript.
pub async fn state_text(engine: &Engine) -> String {
    let now = SystemTime::now();
    let mut out = String::new();
    for (name, client) in engine.clients() {
        let _ = writeln!(
            out,
            "{name}: {} key package(s), {} private bundle(s) in storage, {} claimed package(s) held",
            client.inventory().len(),
            client.private_bundles(),
            client.wallet().len()
        );
        for (i, entry) in client.inventory().iter().enumerate() {
            let bundle = if client.has_private_bundle(&entry.kp_ref) {
                "bundle present"
            } else {
                "bundle deleted"
            };
            let days = lifetime_left(entry, now).as_secs() / 86_400;
            let _ = writeln!(
                out,
                "  @{:<3} {}… suite {} {:<2} {:<40} {bundle:<14} {:>4} B {days:>3}d left",
                i + 1,
                short(&entry.kp_ref),
                entry.ciphersuite(),
                if entry.last_resort() { "LR" } else { "" },
                entry.state(now).to_string(),
                entry.bytes,
            );
        }
        for view in client.group_views() {
            let _ = writeln!(
                out,
                "  group {}: epoch {}, members {}, epoch authenticator {}…{}",
                view.name,
                view.epoch,
                view.members.join(", "),
                view.epoch_authenticator.get(..8).unwrap_or_default(),
                if view.needs_update {
                    " (joined through a last-resort package: self-update due)"
                } else {
                    ""
                }
            );
        }
    }
    match engine.ds_snapshot().await {
        Ok(snapshot) => {
            for (name, dir) in &snapshot.clients {
                let last_resort = dir
                    .last_resort
                    .as_ref()
                    .map(|e| format!("{}… (handed out {}×)", short(&e.kp_ref), e.handouts))
                    .unwrap_or_else(|| "none".into());
                let _ = writeln!(
                    out,
                    "ds {name}: {} normal available, last resort {last_resort}, {} claim(s), {} last-resort reuse(s), {} waiting",
                    dir.normal.len(),
                    dir.claims,
                    dir.last_resort_reuses,
                    dir.inbox
                );
            }
        }
        Err(error) => {
            let _ = writeln!(out, "ds: {error}");
        }
    }
    out
}
