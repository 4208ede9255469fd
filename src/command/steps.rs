//! Steps: how a scenario reads to a room. A step is a command line with the
//! comment lines just above it (its caption); the `expect` lines after it are its
//! checks and run with it, each with the comment above it, if any, as its note.
//! An `expect` before any command is a step of its own. Handouts
//! (`mls-lab run --markdown`) are drawn from this one grouping. In a caption an
//! empty string stands for a paragraph break: a blank line between comment lines,
//! or an empty comment line.

use super::{Command, ParsedLine};

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The comment lines above the command, without `#`, in order.
    pub caption: Vec<String>,
    pub line: ParsedLine,
    /// The `expect` lines that follow it.
    pub checks: Vec<Check>,
}

/// An `expect` line of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The comment lines directly above it, if any.
    pub note: Vec<String>,
    pub line: ParsedLine,
}

impl Step {
    /// Every line of the step in the order it runs: the command, then its checks.
    pub fn lines(&self) -> impl Iterator<Item = &ParsedLine> {
        std::iter::once(&self.line).chain(self.checks.iter().map(|c| &c.line))
    }
}

/// The comment lines among `lines` (command lines are not among them), a blank
/// line between two comments kept as an empty string: a paragraph break.
fn comment_block(lines: &[&str]) -> Vec<String> {
    let mut comments: Vec<String> = Vec::new();
    for text in lines.iter().map(|text| text.trim()) {
        if let Some(comment) = text.strip_prefix('#') {
            comments.push(comment.trim().to_string());
        } else if comments.last().is_some_and(|last| !last.is_empty()) {
            comments.push(String::new());
        }
    }
    while comments.last().is_some_and(String::is_empty) {
        comments.pop();
    }
    comments
}

/// A script's title: its first comment line, without `#` (empty if none).
pub fn title(source: &str) -> &str {
    source
        .lines()
        .map(str::trim)
        .find_map(|line| line.strip_prefix('#'))
        .map(str::trim)
        .unwrap_or("")
}

/// The steps of a script; on failure every bad line as `name:line: message`, as
/// [`super::parse_script`] gives them.
pub fn steps(name: &str, source: &str) -> Result<Vec<Step>, Vec<String>> {
    let lines = super::parse_script(name, source)?;
    let mut steps: Vec<Step> = Vec::new();
    let source_lines: Vec<&str> = source.lines().collect();
    let mut previous = 0;
    for line in lines {
        // The comment lines between the previous command and this one; the
        // parser already took trailing comments off the command lines.
        let between = source_lines
            .get(previous..line.line_no.saturating_sub(1))
            .unwrap_or_default();
        let comments = comment_block(between);
        previous = line.line_no;
        match (&line.command, steps.last_mut()) {
            (Command::Expect(_), Some(step)) => step.checks.push(Check {
                note: comments,
                line,
            }),
            _ => steps.push(Step {
                caption: comments,
                line,
                checks: Vec::new(),
            }),
        }
    }
    Ok(steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_a_command_with_its_comment_and_the_checks_after_it() {
        let source = "# Title line.\n\n# bob builds one.\nbob generate\nexpect bob key-packages 1\n\n# and publishes it\n# with a second line\nbob publish --all # trailing\n# the DS has it\nexpect ds bob available 1\nclock\n";
        let steps = steps("s", source).unwrap();
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].caption, ["Title line.", "", "bob builds one."]);
        assert_eq!(steps[0].line.text, "bob generate");
        assert_eq!(steps[0].checks.len(), 1);
        assert!(steps[0].checks[0].note.is_empty());
        assert_eq!(steps[1].caption, ["and publishes it", "with a second line"]);
        assert_eq!(steps[1].checks[0].note, ["the DS has it"]);
        assert!(steps[2].caption.is_empty());
        let run: Vec<usize> = steps
            .iter()
            .flat_map(Step::lines)
            .map(|l| l.line_no)
            .collect();
        assert_eq!(run, [4, 5, 9, 11, 12]);
    }

    #[test]
    fn an_expect_before_any_command_is_its_own_step_and_bad_lines_are_reported() {
        let steps_of = steps("s", "# first\nexpect ok\nclock\n").unwrap();
        assert_eq!(steps_of.len(), 2);
        assert_eq!(steps_of[0].caption, ["first"]);
        let errors = steps("s", "clock\nbob frobnicate\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("s:2: "), "{errors:?}");
    }
}
