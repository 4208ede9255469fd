//! Lessons: a scenario stepped through with Space, each step shown with the
//! comment above it as its caption. The steps are [`crate::command::steps`]'s,
//! the grouping the handout uses: a command (or a `say` caption) with the comment
//! above it and the `expect` lines that check it, which run together with it. The
//! lesson knows how many steps have run, so that stepping back can rebuild the lab
//! from its start (see `stepping.rs`).

use crate::command::steps::steps;
use crate::command::{Command, ParsedLine, Step};

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
            lines.extend(step.lines().cloned());
        }
        lines
    }

    /// The step run last, with its number (1-based).
    pub fn current(&self) -> Option<(usize, &Step)> {
        let index = self.position.checked_sub(1)?;
        self.steps.get(index).map(|step| (self.position, step))
    }

    /// Every line the lesson runs, in order.
    pub fn lines(&self) -> impl Iterator<Item = &ParsedLine> {
        self.steps.iter().flat_map(Step::lines)
    }

    /// The caption step `index` shows: its comment, or, for a step without one,
    /// the comment of the nearest step before it that has one (a comment stands
    /// over the commands that follow it); paragraphs joined by spaces.
    pub fn caption_of(&self, index: usize) -> String {
        self.steps
            .iter()
            .take(index.saturating_add(1))
            .rev()
            .map(|step| joined(&step.caption))
            .find(|caption| !caption.is_empty())
            .unwrap_or_default()
    }

    /// Why the lesson and the lab disagree, if they do.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }
}

/// Comment lines as one text: the paragraph breaks (empty lines) dropped.
fn joined(lines: &[String]) -> String {
    lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a step says on its own: the text of a `say` line, `None` for a command.
pub fn said(step: &Step) -> Option<&str> {
    match &step.line.command {
        Command::Say(text) => Some(text),
        _ => None,
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

/// Reads a scenario as a lesson, grouped by [`steps`] exactly as a handout is,
/// and parsed exactly as `mls-lab run` reads it.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    Ok(Lesson {
        name: name.to_string(),
        steps: steps(name, source)?,
        ..Lesson::default()
    })
}

#[cfg(test)]
mod tests {
    use super::super::App;
    use super::*;
    use crate::command::{parse_script, MAX_LINE_BYTES};
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
        let stepped: Vec<&ParsedLine> = lesson.lines().collect();
        assert_eq!(stepped, runner.iter().collect::<Vec<_>>());
        let captions: Vec<String> = (0..lesson.steps.len())
            .map(|i| lesson.caption_of(i))
            .collect();
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
    fn a_lesson_steps_as_the_handout_groups() {
        let source = "# make\nbob generate\nexpect bob key-packages 1\nexpect ok\n\
                      # send\nbob publish --all\n# check\nexpect ds bob available 1\n\
                      say \"The DS holds it now.\"\nbob generate\n";
        let lesson = lesson_from("s", source).expect("parses");
        // The grouping is command::steps's, the one the handout uses.
        assert_eq!(lesson.steps, steps("s", source).expect("parses"));
        let shape: Vec<(String, usize, Option<&str>)> = (0..lesson.steps.len())
            .map(|i| {
                let step = &lesson.steps[i];
                (lesson.caption_of(i), step.lines().count(), said(step))
            })
            .collect();
        // A commented `expect` checks the step before it (its comment is its note);
        // a `say` line is a step of its own; a step without a comment keeps the one before.
        assert_eq!(
            shape,
            [
                ("make".to_string(), 3, None),
                ("send".to_string(), 2, None),
                ("send".to_string(), 1, Some("The DS holds it now.")),
                ("send".to_string(), 1, None),
            ]
        );
        assert_eq!(lesson.lines_until(2).len(), 5);
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
        let error = App::run_request("x", &texts)
            .expect_err("refused")
            .to_string();
        assert!(error.ends_with("line longer than 4096 bytes"), "{error}");
        let error = App::run_request("x", &["alice claim"])
            .expect_err("refused")
            .to_string();
        let message = runner[1].trim_start_matches("s:9: ");
        assert_eq!(error, format!("alice claim: {message}"));
    }
}
