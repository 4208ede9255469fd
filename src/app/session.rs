//! The session: every line sent to the engine, in order, and how it ended, so
//! that `s` can save it as a scenario that replays exactly. The saved file ends
//! with expectations about the final state (counts, memberships, epochs, the DS
//! counters): a replay either reproduces that state or fails.

use crate::command::{Command, ParsedLine};
use crate::engine::{ErrorCode, Event, LabView};

/// One line sent to the engine in this session, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLine {
    pub text: String,
    pub expect: bool,
    pub outcome: LineOutcome,
}

/// How a line of the session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// Sent, not finished yet (or never started: its batch was stopped).
    Pending,
    Ok,
    /// Failed with this error code.
    Failed(ErrorCode),
    /// Stopped part way: what was actually done, as a line (`carol generate 4918`).
    Stopped(Option<String>),
}

/// Every line sent to the engine, in order.
#[derive(Debug, Clone, Default)]
pub struct Session {
    lines: Vec<SessionLine>,
    /// How many of `lines` have been matched with a report.
    done: usize,
}

impl Session {
    pub fn lines(&self) -> &[SessionLine] {
        &self.lines
    }

    pub fn record(&mut self, lines: &[ParsedLine]) {
        self.lines.extend(lines.iter().map(|line| SessionLine {
            text: line.text.clone(),
            expect: matches!(line.command, Command::Expect(_)),
            outcome: LineOutcome::Pending,
        }));
    }

    /// The next pending line with this text ends with `outcome`. Lines finish in
    /// order; lines of a stopped batch after the stopped one never report.
    /// Returns the line's index in the session.
    pub fn finish(&mut self, text: &str, outcome: LineOutcome) -> Option<usize> {
        let offset = self.lines[self.done..]
            .iter()
            .position(|l| l.text == text && l.outcome == LineOutcome::Pending)?;
        let index = self.done + offset;
        self.lines[index].outcome = outcome;
        self.done = index + 1;
        Some(index)
    }

    /// Whether the line after `index` is `expect error CODE` for this code: the
    /// failure was the point.
    pub fn expects_error_after(&self, index: Option<usize>, code: &ErrorCode) -> bool {
        let Some(next) = index.and_then(|i| self.lines.get(i + 1)) else {
            return false;
        };
        let words: Vec<&str> = next.text.split_whitespace().collect();
        matches!(words.as_slice(), ["expect", "error", c] if c.eq_ignore_ascii_case(code.as_str()))
    }

    /// The session as a scenario file: every line as it happened (`expect error
    /// CODE` after each that failed, a stopped batch as what it did), the final
    /// state as expectations, and the transcript as comments.
    pub fn scenario(&self, events: &[Event], view: &LabView) -> String {
        let mut out = String::from(
            "# An MLS Onboarding Lab session. Replay it with `mls-lab run FILE`,\n\
             # or step through it with `mls-lab --scenario FILE --step`.\n",
        );
        for line in &self.lines {
            match &line.outcome {
                LineOutcome::Ok => out.push_str(&format!("{}\n", line.text)),
                LineOutcome::Failed(_) if line.expect => {
                    out.push_str(&format!("# this expectation did not hold: {}\n", line.text))
                }
                LineOutcome::Failed(code) => {
                    out.push_str(&format!("{}\nexpect error {code}\n", line.text))
                }
                LineOutcome::Stopped(Some(done)) => out.push_str(&format!(
                    "# stopped part way through: {}\n{done}\n",
                    line.text
                )),
                LineOutcome::Stopped(None) | LineOutcome::Pending => {
                    out.push_str(&format!("# stopped before it ran: {}\n", line.text))
                }
            }
        }
        out.push_str("\n# The state this session ended in: a replay must reach it.\n");
        for check in final_state(view) {
            out.push_str(&check);
            out.push('\n');
        }
        out.push_str("\n# Transcript\n");
        for event in events {
            out.push_str(&format!("# {}\n", event.text()));
        }
        out
    }
}

/// Expectations that hold in `view`: per client its inventory, bundles and
/// groups (with epochs), per DS entry its counters.
fn final_state(view: &LabView) -> Vec<String> {
    let mut out = Vec::new();
    for client in &view.clients {
        let name = &client.name;
        out.push(format!(
            "expect {name} inventory {}",
            client.key_packages.len()
        ));
        out.push(format!("expect {name} key-packages {}", client.bundles));
    }
    for group in &view.groups {
        for member in &group.members {
            out.push(format!("expect {} member-of {}", member.client, group.name));
            out.push(format!(
                "expect {} epoch {} {}",
                member.client, group.name, member.epoch
            ));
        }
    }
    for (owner, dir) in &view.ds.clients {
        out.push(format!("expect ds {owner} available {}", dir.normal.len()));
        let presence = if !dir.last_resort.is_empty() {
            "present"
        } else {
            "absent"
        };
        out.push(format!("expect ds {owner} last-resort {presence}"));
        out.push(format!("expect ds {owner} claims {}", dir.claims));
        out.push(format!(
            "expect ds {owner} reuses {}",
            dir.last_resort_reuses
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::parse_lines;

    /// A session of three lines: one that worked, an `expect` that did not
    /// hold, and a command that failed.
    fn session() -> Session {
        let mut session = Session::default();
        let lines = parse_lines("alice generate\nexpect alice key-packages 5\nbob claim zed\n")
            .expect("the lines parse");
        session.record(&lines);
        session.finish("alice generate", LineOutcome::Ok);
        session.finish(
            "expect alice key-packages 5",
            LineOutcome::Failed(ErrorCode::ExpectationFailed),
        );
        session.finish(
            "bob claim zed",
            LineOutcome::Failed(ErrorCode::UnknownClient),
        );
        session
    }

    #[test]
    fn a_saved_session_keeps_failures_as_expectations_and_failed_checks_as_comments() {
        let saved = session().scenario(&[], &LabView::default());
        let body: Vec<&str> = saved
            .lines()
            .filter(|line| !line.starts_with("# An MLS") && !line.starts_with("# or step"))
            .take(4)
            .collect();
        assert_eq!(
            body,
            [
                "alice generate",
                "# this expectation did not hold: expect alice key-packages 5",
                "bob claim zed",
                "expect error UnknownClient",
            ]
        );
    }

    #[test]
    fn a_failure_was_the_point_only_when_the_next_line_expects_its_code() {
        let mut session = Session::default();
        let lines = parse_lines("bob claim zed\nexpect error unknownclient\n").unwrap();
        session.record(&lines);
        assert!(session.expects_error_after(Some(0), &ErrorCode::UnknownClient));
        assert!(!session.expects_error_after(Some(0), &ErrorCode::UnknownGroup));
        assert!(!session.expects_error_after(Some(1), &ErrorCode::UnknownClient));
        assert!(!session.expects_error_after(None, &ErrorCode::UnknownClient));
    }
}
