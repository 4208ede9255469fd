//! Lessons: a scenario stepped through with Space, each step shown with the
//! comment above it as its caption. A step is a command and the `expect` lines
//! that check it; the lesson knows how many steps have run, so that stepping
//! back can rebuild the lab from its start (see `stepping.rs`).

use crate::command::{parse_script, Command, ParsedLine};

/// One step: a command with the comment above it, and the `expect` lines after
/// it, which run together with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The whole comment above the command (the previous one when it has none).
    pub caption: String,
    /// The command first, then its `expect` lines.
    pub lines: Vec<ParsedLine>,
}

impl Step {
    /// The line that acts (`expect` lines only check it).
    pub fn command(&self) -> Option<&ParsedLine> {
        self.lines.first()
    }
}

/// A scenario loaded for stepping.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    pub name: String,
    pub steps: Vec<Step>,
    /// How many steps have run: 0 before the first, `steps.len()` after the last.
    pub position: usize,
    /// Lines run before the first step (the start's clients, lines typed
    /// before it): stepping back replays them first.
    pub(super) prelude: Vec<ParsedLine>,
    /// The first step has run: later lines are not part of the prelude.
    pub(super) started: bool,
    /// Lines were run by hand since the last step.
    pub(super) ad_libbed: bool,
    /// Why the lesson and the lab disagree (an `expect` of the step failed).
    pub(super) note: Option<String>,
}

impl Lesson {
    /// Every line of the first `position` steps, prelude first: the lab after them.
    pub(super) fn lines_until(&self, position: usize) -> Vec<ParsedLine> {
        let mut lines = self.prelude.clone();
        for step in self.steps.iter().take(position) {
            lines.extend(step.lines.iter().cloned());
        }
        lines
    }

    /// The step run last, with its number (1-based).
    pub fn current(&self) -> Option<(usize, &Step)> {
        let index = self.position.checked_sub(1)?;
        self.steps.get(index).map(|step| (self.position, step))
    }

    /// Why the lesson and the lab disagree, if they do.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// The first line of a parser error, for one-line messages.
pub(super) fn error_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string()
}

/// Reads a scenario as a lesson: each command with the comment lines just above it
/// (blank lines between them allowed); a command without comments above it keeps
/// the caption before. Parsed by [`parse_script`], exactly as `mls-lab run` reads it.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    let lines = parse_script(name, source)?;
    let texts: Vec<&str> = source.lines().collect();
    let mut steps: Vec<Step> = Vec::with_capacity(lines.len());
    let mut last = String::new();
    let mut after = 0; // the line number of the previous command
    for line in lines {
        let between = texts.get(after..line.line_no - 1).unwrap_or_default();
        let caption: Vec<&str> = between
            .iter()
            .filter_map(|text| text.trim().strip_prefix('#'))
            .map(str::trim)
            .collect();
        if !caption.is_empty() {
            last = caption.join(" ");
        }
        after = line.line_no;
        // An `expect` line runs with the step it checks (one with a comment of
        // its own is a step: the comment introduces it).
        let checks = matches!(line.command, Command::Expect(_)) && caption.is_empty();
        if let (true, Some(step)) = (checks, steps.last_mut()) {
            step.lines.push(line);
        } else {
            steps.push(Step {
                caption: last.clone(),
                lines: vec![line],
            });
        }
    }
    Ok(Lesson {
        name: name.to_string(),
        steps,
        ..Lesson::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::App;
    use super::*;
    use crate::command::MAX_LINE_BYTES;
    use crate::worker::Request;

    /// A quoted `#` is a word, a comment starts at an unquoted one, trailing
    /// comments and indentation do not count, overlong lines are refused.
    fn script(long: &str) -> String {
        format!(
            "# the lab\nclients alice bob\n\n  # bob's package\nbob generate 2 # two\n\
             bob claim '#alice' --suite 1\nbob publish --all\n{long}\n"
        )
    }

    fn run_lines(request: Request) -> Vec<ParsedLine> {
        match request {
            Request::Run { lines, .. } => lines,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn lessons_and_the_prompt_parse_exactly_as_the_runner() {
        let source = script("bob sync");
        let runner = parse_script("s", &source).expect("parses");
        let lesson = lesson_from("s", &source).expect("parses");
        let stepped: Vec<&ParsedLine> = lesson.steps.iter().flat_map(|s| &s.lines).collect();
        assert_eq!(stepped, runner.iter().collect::<Vec<_>>());
        let captions: Vec<&str> = lesson.steps.iter().map(|s| s.caption.as_str()).collect();
        assert_eq!(
            captions,
            [
                "the lab",
                "bob's package",
                "bob's package",
                "bob's package",
                "bob's package"
            ]
        );
        let texts: Vec<&str> = source.lines().collect();
        assert_eq!(
            run_lines(App::run_request("x", &texts).expect("parses")),
            runner
        );
        for line in &runner {
            let at_prompt = run_lines(App::run_request("x", &[&line.text]).expect("parses"));
            assert_eq!(at_prompt.len(), 1);
            assert_eq!(at_prompt[0].command, line.command, "{}", line.text);
        }
    }

    #[test]
    fn expect_lines_run_with_the_step_they_check() {
        let source = "# make\nbob generate\nexpect bob key-packages 1\nexpect ok\n\
                      # send\nbob publish --all\n# check\nexpect ds bob available 1\n";
        let lesson = lesson_from("s", source).expect("parses");
        let shape: Vec<(&str, usize)> = lesson
            .steps
            .iter()
            .map(|s| (s.caption.as_str(), s.lines.len()))
            .collect();
        // A commented `expect` is a step of its own: the comment introduces it.
        assert_eq!(shape, [("make", 3), ("send", 1), ("check", 1)]);
        assert_eq!(lesson.lines_until(2).len(), 4);
    }

    #[test]
    fn lessons_and_the_prompt_refuse_what_the_runner_refuses() {
        let long = format!("bob generate 1 #{}", "x".repeat(MAX_LINE_BYTES));
        let source = format!("{}alice claim\n", script(&long));
        let runner = parse_script("s", &source).expect_err("two bad lines");
        assert_eq!(runner.len(), 2, "{runner:?}");
        assert!(runner[0].starts_with("s:8: line longer than"), "{runner:?}");
        assert!(runner[1].starts_with("s:9: missing OWNER"), "{runner:?}");
        assert_eq!(lesson_from("s", &source).expect_err("refused"), runner);
        let texts: Vec<&str> = source.lines().collect();
        let error = App::run_request("x", &texts).expect_err("refused");
        assert!(error.ends_with("line longer than 4096 bytes"), "{error}");
        let error = App::run_request("x", &["alice claim"]).expect_err("refused");
        let message = runner[1].trim_start_matches("s:9: ");
        assert_eq!(error, format!("alice claim: {message}"));
    }
}
