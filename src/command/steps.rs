//! Steps: how a scenario reads to a room. A step is a command line with the
//! comment lines just above it (its caption); the `expect` lines after it are its
//! checks and run with it, each with the comment above it, if any, as its note;
//! the `show` and `follow` lines after it direct a lesson's screen for it. An
//! `expect` before any command is a step of its own. Handouts (`mls-lab run
//! --markdown`) and lessons are drawn from this one grouping. The file's opening
//! comment is the script's title and introduction ([`Outline`]), not step 1's
//! caption. In a caption an empty string stands for a paragraph break: a blank
//! line between comment lines, or an empty comment line.
//!
//! [`subject`] says which event a step is about: the main protocol event its
//! command produced.

use super::{Command, ParsedLine};
use crate::engine::{Event, EventKind, Outcome};

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The comment lines above the command, without `#`, in order.
    pub caption: Vec<String>,
    pub line: ParsedLine,
    /// The `expect` lines that follow it.
    pub checks: Vec<Check>,
    /// The `show` and `follow` lines that follow it: what a lesson puts on
    /// the screen for it.
    pub directions: Vec<ParsedLine>,
}

/// An `expect` line of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// The comment lines directly above it, if any.
    pub note: Vec<String>,
    pub line: ParsedLine,
}

impl Step {
    /// Every line of the step in source order: the command, its checks and its
    /// directions.
    pub fn lines(&self) -> impl Iterator<Item = &ParsedLine> {
        let mut lines: Vec<&ParsedLine> = std::iter::once(&self.line)
            .chain(self.checks.iter().map(|c| &c.line))
            .chain(&self.directions)
            .collect();
        lines.sort_by_key(|l| l.line_no);
        lines.into_iter()
    }

    /// The lines the lab runs: the command, then its checks (directions run
    /// nothing).
    pub fn run_lines(&self) -> impl Iterator<Item = &ParsedLine> {
        std::iter::once(&self.line).chain(self.checks.iter().map(|c| &c.line))
    }
}

/// A script as a room reads it: its title, its introduction and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// The first comment line, without `#` (empty if none).
    pub title: String,
    /// The paragraph after the title, up to the first break: what the script
    /// is about.
    pub intro: Vec<String>,
    pub steps: Vec<Step>,
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

/// The script's outline; on failure every bad line as `name:line: message`, as
/// [`super::parse_script`] gives them.
pub fn outline(name: &str, source: &str) -> Result<Outline, Vec<String>> {
    let mut steps = grouped(name, source)?;
    let title = title(source).to_string();
    let intro = match steps.first_mut() {
        Some(first) => split_intro(&title, &mut first.caption),
        None => Vec::new(),
    };
    Ok(Outline {
        title,
        intro,
        steps,
    })
}

/// The steps of a script, the title and introduction taken off the first
/// step's caption (see [`outline`]).
pub fn steps(name: &str, source: &str) -> Result<Vec<Step>, Vec<String>> {
    outline(name, source).map(|outline| outline.steps)
}

/// Takes the title and introduction off the first step's caption: when it
/// starts with the title, the title goes and the paragraph after it, up to the
/// first break, is the introduction (returned).
fn split_intro(title: &str, caption: &mut Vec<String>) -> Vec<String> {
    if title.is_empty() || caption.first().map(String::as_str) != Some(title) {
        return Vec::new();
    }
    caption.remove(0);
    match caption.iter().position(String::is_empty) {
        Some(brk) => {
            let intro: Vec<String> = caption.drain(..=brk).collect();
            intro[..brk].to_vec()
        }
        None => Vec::new(),
    }
}

/// The lines of a script grouped into steps, captions whole.
fn grouped(name: &str, source: &str) -> Result<Vec<Step>, Vec<String>> {
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
            (command, Some(step)) if command.directs_screen() => step.directions.push(line),
            _ => steps.push(Step {
                caption: comments,
                line,
                checks: Vec::new(),
                directions: Vec::new(),
            }),
        }
    }
    Ok(steps)
}

/// The event a step is about, among the events its command logged: for a
/// failing command its failure, else its main protocol event (a Welcome over the
/// Commit and the claim of an add, a join over the delivery it came in, an
/// upload over the package it carries). Never an `expect` result, nor an event
/// of the lab itself (its clock): `None` when only those are left.
pub fn subject(events: &[Event]) -> Option<&Event> {
    let candidates = events
        .iter()
        .filter(|e| rank(&e.kind).is_some() && e.actor != "lab");
    if let Some(failure) = candidates.clone().find(|e| e.outcome == Outcome::Error) {
        return Some(failure);
    }
    candidates.min_by_key(|e| rank(&e.kind))
}

/// How much an event kind says what a step did, lower first; `None` for what
/// is never a step's subject. Among equals, the first event wins.
fn rank(kind: &EventKind) -> Option<u8> {
    Some(match kind {
        EventKind::WelcomeSent { .. } => 0,
        EventKind::GroupJoined { .. } => 1,
        EventKind::KeyPackageClaimed { .. } => 2,
        EventKind::KeyPackagePublished { .. } => 3,
        EventKind::SelfUpdated { .. } => 4,
        EventKind::CommitSent { .. } => 5,
        EventKind::WelcomeDelivered { .. } | EventKind::WelcomeImported { .. } => 6,
        EventKind::CommitProcessed { .. } => 7,
        EventKind::GroupCreated { .. } => 8,
        EventKind::KeyPackageGenerated { .. }
        | EventKind::KeyPackageCrafted { .. }
        | EventKind::KeyPackageImported { .. } => 9,
        EventKind::PrivateBundleDeleted { .. }
        | EventKind::PrivateBundleRetained { .. }
        | EventKind::PrivateBundleDiscarded { .. } => 10,
        EventKind::KeyPackageExported { .. }
        | EventKind::WelcomeExported { .. }
        | EventKind::MailboxExported { .. } => 11,
        EventKind::ClientRegistered { .. } => 12,
        EventKind::DsMisbehaved { .. }
        | EventKind::DsFaultActed { .. }
        | EventKind::DsReleased { .. }
        | EventKind::DsFaultSet { .. }
        | EventKind::DsPolicySet { .. }
        | EventKind::KeyPackageExpired { .. }
        | EventKind::KeyPackageSkipped { .. }
        | EventKind::PoolSet { .. }
        | EventKind::PoolRefilled { .. } => 13,
        // Failures: only ever the subject as a failure (see `subject`).
        EventKind::KeyPackageRejected { .. }
        | EventKind::ClaimFailed { .. }
        | EventKind::JoinFailed { .. }
        | EventKind::CommitFailed { .. }
        | EventKind::CommitRefused { .. }
        | EventKind::CommandFailed { .. }
        | EventKind::KeyPackageRefused { .. } => 14,
        EventKind::Clock { .. }
        | EventKind::ExpectPassed { .. }
        | EventKind::ExpectFailed { .. } => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The introduction is taken off a caption only when it starts with the
    /// title; any other caption is left whole.
    #[test]
    fn a_caption_without_the_title_keeps_every_line() {
        let lines = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut caption = lines(&["bob builds one.", "", "then more"]);
        assert!(split_intro("Title", &mut caption).is_empty());
        assert_eq!(caption, lines(&["bob builds one.", "", "then more"]));
        let mut caption = lines(&["Title", "what it is", "", "bob builds one."]);
        assert_eq!(split_intro("Title", &mut caption), lines(&["what it is"]));
        assert_eq!(caption, lines(&["bob builds one."]));
    }

    #[test]
    fn a_step_is_a_command_with_its_comment_and_the_checks_after_it() {
        let source = "# Title line.\n\n# bob builds one.\nbob generate\nexpect bob key-packages 1\n\n# and publishes it\n# with a second line\nbob publish --all # trailing\n# the DS has it\nexpect ds bob available 1\nclock\n";
        let steps = steps("s", source).unwrap();
        assert_eq!(steps.len(), 3);
        // The title heads the script, not the first step.
        assert_eq!(steps[0].caption, ["bob builds one."]);
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
    fn the_opening_comment_is_the_title_and_introduction() {
        let outline = outline(
            "s",
            "# The title.\n# What it is about,\n# in two lines.\n\n# bob builds one.\nbob generate\n",
        )
        .unwrap();
        assert_eq!(outline.title, "The title.");
        assert_eq!(outline.intro, ["What it is about,", "in two lines."]);
        assert_eq!(outline.steps[0].caption, ["bob builds one."]);
        // A title straight above the first command: no introduction, the rest
        // of the comment is the step's.
        let outline = super::outline("s", "# Title\n# bob builds one\nbob generate\n").unwrap();
        assert!(outline.intro.is_empty());
        assert_eq!(outline.steps[0].caption, ["bob builds one"]);
    }

    #[test]
    fn show_and_follow_lines_direct_the_step_before_them() {
        let source = "# one\nbob generate\nshow hex init_key\nexpect bob key-packages 1\nfollow bob @1\n# two\nbob publish --all\n";
        let steps = steps("s", source).unwrap();
        assert_eq!(steps.len(), 2);
        let directions: Vec<&str> = steps[0]
            .directions
            .iter()
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(directions, ["show hex init_key", "follow bob @1"]);
        let lines: Vec<usize> = steps[0].lines().map(|l| l.line_no).collect();
        assert_eq!(lines, [2, 3, 4, 5], "in source order");
        let run: Vec<usize> = steps[0].run_lines().map(|l| l.line_no).collect();
        assert_eq!(run, [2, 4], "directions run nothing");
    }

    #[test]
    fn an_expect_before_any_command_is_its_own_step_and_bad_lines_are_reported() {
        let steps_of = steps("s", "# The title\n\n# first\nexpect ok\nclock\n").unwrap();
        assert_eq!(steps_of.len(), 2);
        assert_eq!(steps_of[0].caption, ["first"]);
        let errors = steps("s", "clock\nbob frobnicate\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("s:2: "), "{errors:?}");
    }
}
