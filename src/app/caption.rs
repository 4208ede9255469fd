//! What a lesson says on screen: before its first step a title card (the
//! scenario's name, title and introduction, and how to start); after a step, its
//! number, the line it ran with its checks as ✓/✗ marks, its own comment, what a
//! `say` step says, and why the lab and the lesson disagree, if they do.

use super::lesson::{said, Lesson, StepOutcome};
use super::App;
use crate::domain::escape_controls;

/// What the caption pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// `step 11/46`; the lesson's name on its title card.
    pub step: String,
    /// The step's command as written; empty for a `say` step and the title card.
    pub line: String,
    /// Its checks as they ended, one mark each: `✓✓✗`.
    pub checks: String,
    /// The step's own comment; the lesson's title on its title card.
    pub comment: String,
    /// The words of a `say` step; the introduction on the title card.
    pub said: Option<String>,
    /// Why the lab and the lesson disagree; how to start, on the title card.
    pub note: Option<String>,
}

impl Caption {
    /// The first part: `step N/M · the line ✓✓`, or `step N/M` for a `say` step.
    pub fn heading(&self) -> String {
        match (self.line.is_empty(), self.checks.is_empty()) {
            (true, _) => self.step.clone(),
            (false, true) => format!("{} · {}", self.step, self.line),
            (false, false) => format!("{} · {}  {}", self.step, self.line, self.checks),
        }
    }

    /// The pieces in the order they are shown, each wrapped on its own, with
    /// the script's text escaped ([`escape_controls`]) as the pane draws it.
    pub fn parts(&self) -> Vec<String> {
        let mut parts = vec![self.heading()];
        if !self.comment.is_empty() {
            parts.push(self.comment.clone());
        }
        parts.extend(self.said.clone());
        parts.extend(self.note.clone());
        parts
            .iter()
            .map(|part| escape_controls(part).into_owned())
            .collect()
    }

    /// Whether this is the title card, before the first step.
    pub fn is_title(&self) -> bool {
        !self.step.starts_with("step ")
    }
}

/// The marks of a step's checks: ✓ held, ✗ did not, · not reported yet.
fn marks(outcome: Option<&StepOutcome>, checks: usize) -> String {
    (0..checks)
        .map(
            |i| match outcome.and_then(|o| o.checks.get(i).copied().flatten()) {
                Some(true) => '✓',
                Some(false) => '✗',
                None => '·',
            },
        )
        .collect()
}

/// Why the lab and the lesson disagree after the step, with the way back.
fn note(outcome: Option<&StepOutcome>, ad_libbed: bool) -> Option<String> {
    let outcome = outcome?;
    let why = match (&outcome.failed_check, &outcome.failure) {
        (Some((text, why)), _) => format!("✗ {text} did not hold ({why})"),
        (None, Some(failure)) => format!("✗ {failure}"),
        (None, None) => return None,
    };
    Some(if ad_libbed {
        format!(
            "{why}: lines run by hand changed the lab. Backspace goes back one step, to the lesson's own state."
        )
    } else {
        format!("{why}. Backspace goes back one step.")
    })
}

/// The title card of `lesson`.
fn title_card(lesson: &Lesson) -> Caption {
    let intro = lesson.intro();
    Caption {
        step: lesson.name().to_string(),
        line: String::new(),
        checks: String::new(),
        comment: lesson.title().to_string(),
        said: (!intro.is_empty()).then_some(intro),
        note: Some(format!(
            "{} steps. Space, → or PgDn runs step 1; ? lists every key.",
            lesson.steps().len()
        )),
    }
}

impl App {
    /// The caption of the step run last; the title card before the first.
    pub fn caption(&self) -> Option<Caption> {
        let lesson = self.lesson()?;
        let Some((number, step)) = lesson.current() else {
            return Some(title_card(lesson));
        };
        let said = said(step).map(str::to_string);
        let outcome = lesson.outcome(number - 1);
        Some(Caption {
            step: format!("step {number}/{}", lesson.steps().len()),
            line: match said {
                Some(_) => String::new(),
                None => step.line.text.clone(),
            },
            checks: marks(outcome, step.checks.len()),
            comment: lesson.caption_of(number - 1),
            said,
            note: note(outcome, lesson.after_ad_lib()),
        })
    }
}
