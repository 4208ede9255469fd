//! `mls-lab run FILE --markdown`: the run as a handout. One section per step
//! (see [`crate::command::steps`]): its caption, the command, the events it logged
//! with short references, why its subject happened (`explain`), and its checks;
//! then a sequence diagram of the messages (Mermaid), the OpenMLS calls behind
//! the steps once each, and a table of the final state, one row per client.
//! Markdown is built as plain lines; the caller prints them.

use crate::command::steps::{subject, Outline};
use crate::command::{Command, Step};
use crate::engine::{Endpoint, Engine, Event, EventKind, Outcome};
use crate::explain::{self, Explanation};

use super::{Progress, RunReport, Runner};

/// What one line of a step did.
struct LineRun {
    events: Vec<Event>,
}

/// Runs the steps in order and returns the handout's lines and the run's report.
/// The outline's title heads the page (a scenario's first comment line) and its
/// introduction follows it; `name` is what the run's messages call the script.
pub async fn handout(
    engine: &mut Engine,
    name: &str,
    outline: &Outline,
) -> (Vec<String>, RunReport) {
    let (title, steps) = (outline.title.as_str(), outline.steps.as_slice());
    let mut runner = Runner::new(name);
    let mut runs: Vec<Vec<LineRun>> = Vec::with_capacity(steps.len());
    for step in steps {
        let mut step_runs = Vec::new();
        // The command, then its checks; its directions run nothing and log nothing.
        for line in step.run_lines().chain(&step.directions) {
            let mut events = Vec::new();
            runner
                .step(engine, line, &mut |progress| {
                    if let Progress::Event(event) = progress {
                        events.push(event.clone());
                    }
                })
                .await;
            step_runs.push(LineRun { events });
        }
        runs.push(step_runs);
    }
    let report = runner.finish();
    let mut out = Vec::new();
    out.push(format!("# {}", if title.is_empty() { name } else { title }));
    out.push(String::new());
    // The file's opening comment (title and introduction) heads the page, not step 1.
    for paragraph in paragraphs(&outline.intro) {
        out.push(block_safe(&paragraph));
    }
    if !outline.intro.is_empty() {
        out.push(String::new());
    }
    out.push(format!(
        "Handout of {}: {} steps, run with mls-lab {}. References are shortened to their first 8 hex digits; `mls-lab explain KIND` explains any event kind or error code.",
        code_span(name),
        steps.len(),
        env!("CARGO_PKG_VERSION")
    ));
    for (number, (step, step_runs)) in steps.iter().zip(&runs).enumerate() {
        out.push(String::new());
        section(
            &mut out,
            (number + 1, steps.len()),
            step,
            &step.caption,
            step_runs,
        );
    }
    out.push(String::new());
    diagram(&mut out, &runs);
    out.push(String::new());
    calls(&mut out, &runs);
    out.push(String::new());
    state_table(&mut out, engine).await;
    out.push(String::new());
    if report.passed() {
        out.push(format!(
            "**Result:** {} lines run, all expectations held.",
            report.lines_run
        ));
    } else {
        out.push(format!("**Result:** {} failure(s):", report.failures.len()));
        out.push(String::new());
        for failure in &report.failures {
            out.push(format!("- {}", code_span(failure)));
        }
    }
    (out, report)
}

/// One step: heading, caption, the command and its events, the checks.
fn section(
    out: &mut Vec<String>,
    (number, total): (usize, usize),
    step: &Step,
    caption: &[String],
    runs: &[LineRun],
) {
    let said = match &step.line.command {
        Command::Say(text) => Some(text),
        _ => None,
    };
    match said {
        // A caption without a command: no command to name, nothing ran.
        Some(_) => out.push(format!("## Step {number}/{total}")),
        None => out.push(format!(
            "## Step {number}/{total}: {}",
            code_span(&step.line.text)
        )),
    }
    let caption: Vec<String> = paragraphs(caption).iter().map(|p| block_safe(p)).collect();
    if !caption.is_empty() {
        out.push(String::new());
        out.extend(caption);
    }
    if let Some(text) = said {
        out.push(String::new());
        // Bold, so the room's words stand out; `*` inside cannot end it early.
        out.push(format!("**{}**", text.trim().replace('*', "\\*")));
        checks(out, step, runs);
        return;
    }
    out.push(String::new());
    out.push("```text".to_string());
    out.push(format!("> {}", step.line.text));
    let events = runs
        .first()
        .map(|r| r.events.as_slice())
        .unwrap_or_default();
    if events.is_empty() {
        out.push("  (no events)".to_string());
    }
    out.extend(events.iter().map(Event::text));
    out.push("```".to_string());
    why(out, events);
    checks(out, step, runs);
    directions(out, step);
}

/// Why the step's subject happened: the explanation of its event kind, and of
/// its error code for a failure (as the why pane shows it).
fn why(out: &mut Vec<String>, events: &[Event]) {
    let explanations = subject_explanations(events);
    if explanations.is_empty() {
        return;
    }
    out.push(String::new());
    let said: Vec<&str> = explanations.iter().map(|e| e.what).collect();
    out.push(format!("**Why:** {}", block_safe(&said.join(" "))));
}

/// The explanations of a step's subject: its kind's, then its error code's.
fn subject_explanations(events: &[Event]) -> Vec<&'static Explanation> {
    let Some(event) = subject(events) else {
        return Vec::new();
    };
    let mut explanations: Vec<&'static Explanation> =
        explain::topic(event.kind.name()).into_iter().collect();
    explanations.extend(event.error_code().and_then(explain::error));
    explanations
}

/// The lesson's messages as a Mermaid sequence diagram: one arrow per event
/// that travels between two endpoints, a crossed one for a refusal.
fn diagram(out: &mut Vec<String>, runs: &[Vec<LineRun>]) {
    let routed: Vec<(&str, &str, &Event)> = runs
        .iter()
        .flatten()
        .flat_map(|run| &run.events)
        .filter_map(|event| {
            let route = event.route();
            Some((lane(route.from), lane(route.to?), event))
        })
        .collect();
    if routed.is_empty() {
        return;
    }
    out.push("## The messages".to_string());
    out.push(String::new());
    out.push("```mermaid".to_string());
    out.push("sequenceDiagram".to_string());
    let mut participants: Vec<&str> = Vec::new();
    for (from, to, _) in &routed {
        for lane in [from, to] {
            if !participants.contains(lane) {
                participants.push(lane);
            }
        }
    }
    for (index, name) in participants.iter().enumerate() {
        out.push(format!("    participant p{index} as {name}"));
    }
    let id = |name: &str| participants.iter().position(|p| *p == name).unwrap_or(0);
    for (from, to, event) in routed {
        let arrow = if event.outcome == Outcome::Error {
            "-x"
        } else {
            "->>"
        };
        let mut text = event.kind.name().to_string();
        if let Some(kp_ref) = event.kp_ref() {
            text.push(' ');
            text.push_str(&kp_ref.short());
        }
        if let Some(code) = event.error_code() {
            text.push_str(&format!(" {code}"));
        }
        out.push(format!(
            "    p{}{arrow}p{}: {}",
            id(from),
            id(to),
            mermaid_text(&text)
        ));
    }
    out.push("```".to_string());
}

/// An endpoint's name in the diagram.
fn lane(endpoint: Endpoint<'_>) -> &str {
    match endpoint {
        Endpoint::Ds => "DS",
        Endpoint::Client(name) => name,
    }
}

/// Message text Mermaid reads as text: no `;`, `#` or line breaks.
fn mermaid_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ';' | '#' | '\n' | '\r' => ' ',
            other => other,
        })
        .collect()
}

/// The OpenMLS calls behind the steps' subjects, once each, in order.
fn calls(out: &mut Vec<String>, runs: &[Vec<LineRun>]) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for step in runs {
        let events = step
            .first()
            .map(|r| r.events.as_slice())
            .unwrap_or_default();
        for explanation in subject_explanations(events) {
            if let Some(call) = explanation.openmls_call {
                if !seen.iter().any(|(_, c)| *c == call) {
                    seen.push((explanation.topic, call));
                }
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    out.push("## The OpenMLS calls".to_string());
    out.push(String::new());
    for (topic, call) in seen {
        out.push(format!("- {}: {}", code_span(topic), code_span(call)));
    }
}

/// The step's `show` and `follow` lines: what a lesson puts on the screen.
fn directions(out: &mut Vec<String>, step: &Step) {
    if step.directions.is_empty() {
        return;
    }
    let lines: Vec<String> = step.directions.iter().map(|l| code_span(&l.text)).collect();
    out.push(String::new());
    out.push(format!("On the screen: {}", lines.join(", ")));
}

/// The step's `expect` lines, each with its note and whether it held.
fn checks(out: &mut Vec<String>, step: &Step, runs: &[LineRun]) {
    if step.checks.is_empty() {
        return;
    }
    out.push(String::new());
    out.push("Checks:".to_string());
    out.push(String::new());
    for (check, run) in step.checks.iter().zip(runs.iter().skip(1)) {
        let failed = run.events.iter().find_map(|e| match &e.kind {
            EventKind::ExpectFailed { message, .. } => Some(message.as_str()),
            _ => None,
        });
        let note = paragraphs(&check.note).join(" ");
        let note = if note.is_empty() {
            String::new()
        } else {
            format!(": {note}")
        };
        out.push(match failed {
            None => format!("- ✓ {}{note}", code_span(&check.line.text)),
            Some(message) => format!(
                "- ✗ {}{note} **Failed:** {message}",
                code_span(&check.line.text)
            ),
        });
    }
}

/// Comment lines as Markdown paragraphs: consecutive lines join with a space, an
/// empty comment line (`#` alone) starts a new paragraph.
fn paragraphs(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in lines {
        if line.is_empty() {
            if !current.is_empty() {
                out.push(current.join(" "));
                out.push(String::new());
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current.join(" "));
    }
    if out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// A paragraph that cannot open a block of its own: a caption starting with `#`,
/// `>`, a fence, a list or table marker is escaped, so the page keeps one heading
/// per step.
fn block_safe(paragraph: &str) -> String {
    match paragraph.chars().next() {
        Some('#' | '>' | '`' | '~' | '|' | '-' | '+' | '*' | '=' | '<') => format!("\\{paragraph}"),
        Some(c) if c.is_ascii_digit() => {
            // `1.` or `1)` starts an ordered list.
            let rest = paragraph.trim_start_matches(|c: char| c.is_ascii_digit());
            match rest.chars().next() {
                Some('.' | ')') => {
                    let digits = paragraph.len() - rest.len();
                    format!("{}\\{rest}", &paragraph[..digits])
                }
                _ => paragraph.to_string(),
            }
        }
        _ => paragraph.to_string(),
    }
}

/// The final state, one row per client: key packages generated, private bundles
/// still in storage (read from storage), groups with epochs, and the DS's counts.
async fn state_table(out: &mut Vec<String>, engine: &Engine) {
    out.push("## Final state".to_string());
    out.push(String::new());
    out.push("| client | key packages | bundles in storage | groups (epoch) | DS available | DS last resort | DS claims | DS reuses |".to_string());
    out.push("|---|---:|---:|---|---:|---|---:|---:|".to_string());
    let snapshot = engine.ds_snapshot().await.ok();
    for (name, client) in engine.clients() {
        let groups: Vec<String> = client
            .group_views()
            .iter()
            .map(|g| format!("{} ({})", g.name, g.epoch))
            .collect();
        let directory = snapshot.as_ref().and_then(|s| s.clients.get(name));
        let (available, last_resort, claims, reuses) = match directory {
            Some(dir) => {
                let listed: Vec<String> = dir
                    .last_resort
                    .iter()
                    .map(|e| format!("{}…", e.kp_ref.short()))
                    .collect();
                (
                    dir.normal.len().to_string(),
                    listed.join(", "),
                    dir.claims.to_string(),
                    dir.last_resort_reuses.to_string(),
                )
            }
            None => ("?".into(), "?".into(), "?".into(), "?".into()),
        };
        out.push(format!(
            "| {} | {} | {} | {} | {available} | {} | {claims} | {reuses} |",
            cell(name),
            client.inventory().len(),
            client.private_bundles(),
            cell(&or_dash(groups.join(", "))),
            cell(&or_dash(last_resort)),
        ));
    }
}

fn or_dash(text: String) -> String {
    if text.is_empty() {
        "–".to_string()
    } else {
        text
    }
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// `text` as inline code, with a delimiter longer than any run of backticks in it
/// (CommonMark), so a quoted argument cannot end the span early.
pub fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{fence}{text}{fence}")
    } else {
        format!("{fence} {text} {fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_outlast_backticks_inside() {
        assert_eq!(code_span("bob join"), "`bob join`");
        assert_eq!(code_span("a `b` c"), "`` a `b` c ``");
        assert_eq!(code_span("x``y"), "``` x``y ```");
    }

    #[test]
    fn captions_cannot_open_blocks() {
        assert_eq!(block_safe("## not a heading"), "\\## not a heading");
        assert_eq!(block_safe("```"), "\\```");
        assert_eq!(block_safe("1. first"), "1\\. first");
        assert_eq!(block_safe("2026 was"), "2026 was");
        assert_eq!(block_safe("plain"), "plain");
    }

    #[test]
    fn comment_lines_become_paragraphs() {
        let lines = [
            "one".to_string(),
            "two".into(),
            String::new(),
            "three".into(),
        ];
        assert_eq!(paragraphs(&lines), ["one two", "", "three"]);
        assert!(paragraphs(&[String::new()]).is_empty());
    }
}
