//! Stepping through a lesson: forward one step, back one step, to its start or
//! to step N. Going back rebuilds the lab: a fresh engine with the same
//! randomness replays the lesson's lines up to the step before (a lesson runs
//! seeded, so the same references, bundles, DS counts and memberships come back;
//! docs/benchmarks.md has what it costs). Lines run by hand are not replayed.

use super::lesson::said;
use super::motion::{Motion, ToastKind};
use super::session::Session;
use super::{follow::Follow, App, Effect};
use crate::command::Command;
use crate::domain::escape_controls;
use crate::engine::{LabView, Randomness};
use crate::worker::Request;

/// What the caption pane shows: the step, the line it runs, the whole comment,
/// what a `say` step says, and why the lab and the lesson disagree, if they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caption {
    /// `step 11/46`
    pub step: String,
    /// The step's command as written; empty for a `say` step.
    pub line: String,
    pub comment: String,
    /// The words of a `say` step.
    pub said: Option<String>,
    pub note: Option<String>,
}

impl Caption {
    /// The first part: `step N/M · the line`, or `step N/M` for a `say` step.
    pub fn heading(&self) -> String {
        if self.line.is_empty() {
            self.step.clone()
        } else {
            format!("{} · {}", self.step, self.line)
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
}

impl App {
    /// The randomness a rebuilt lab starts from: the one the lab was started with.
    pub fn set_randomness(&mut self, randomness: Randomness) {
        self.randomness = randomness;
    }

    /// The caption of the step run last; `None` before the first.
    pub fn caption(&self) -> Option<Caption> {
        let lesson = self.lesson.as_ref()?;
        let (number, step) = lesson.current()?;
        let said = said(step).map(str::to_string);
        // A `say` step shows its own comment only: it is a caption itself.
        let comment = match said {
            Some(_) => step
                .caption
                .iter()
                .filter(|l| !l.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            None => lesson.caption_of(number - 1),
        };
        Some(Caption {
            step: format!("step {number}/{}", lesson.steps.len()),
            line: match said {
                Some(_) => String::new(),
                None => step.line.text.clone(),
            },
            comment,
            said,
            note: lesson.note.clone(),
        })
    }

    /// Space and →: runs the next step with its `expect` lines.
    pub(super) fn next_step(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.lesson.as_mut() else {
            return self.no_lesson();
        };
        let Some(step) = lesson.steps.get(lesson.position).cloned() else {
            let text = format!(
                "{}: the lesson is over (Backspace goes back, Home restarts)",
                lesson.name
            );
            self.toast(text, ToastKind::Done);
            return Vec::new();
        };
        lesson.position += 1;
        lesson.note = None;
        self.hint = None;
        let request = Request::Run {
            label: step.line.text.clone(),
            lines: step.lines().cloned().collect(),
        };
        self.select_actor_of(&request);
        self.track_lesson(request)
    }

    /// Backspace and ←: back one step, to the lab as it was before it.
    pub(super) fn previous_step(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.lesson.as_ref() else {
            return self.no_lesson();
        };
        match lesson.position.checked_sub(1) {
            Some(position) => self.rebuild_at(position),
            None => {
                self.toast(
                    "This is the start of the lesson: Space runs its first step".into(),
                    ToastKind::Done,
                );
                Vec::new()
            }
        }
    }

    /// Home: the lesson from its start.
    pub(super) fn restart_lesson(&mut self) -> Vec<Effect> {
        if self.lesson.is_none() {
            return self.no_lesson();
        }
        self.rebuild_at(0)
    }

    /// `:step N`: the lab after step N (forward by running the steps between,
    /// back by rebuilding).
    pub(super) fn jump_to_step(&mut self, number: usize) -> Vec<Effect> {
        let Some(lesson) = self.lesson.as_ref() else {
            return self.no_lesson();
        };
        let last = lesson.steps.len();
        if number > last {
            self.toast(
                format!("The lesson has {last} steps: step 0 to {last}"),
                ToastKind::Error,
            );
            return Vec::new();
        }
        if number < lesson.position || lesson.ad_libbed {
            return self.rebuild_at(number);
        }
        let mut effects = Vec::new();
        while self.lesson.as_ref().is_some_and(|l| l.position < number) {
            effects.extend(self.next_step());
        }
        effects
    }

    /// A fresh lab with the lesson's lines up to `position` replayed into it.
    fn rebuild_at(&mut self, position: usize) -> Vec<Effect> {
        let Some(lesson) = self.lesson.as_mut() else {
            return Vec::new();
        };
        let lines = lesson.lines_until(position);
        lesson.position = position;
        lesson.note = None;
        self.reset_lab();
        let mut effects = vec![Effect::ResetLab {
            randomness: self.randomness,
        }];
        if !lines.is_empty() {
            let request = Request::Run {
                label: format!("rebuilding the lab up to step {position}"),
                lines,
            };
            effects.extend(self.track_lesson(request));
        }
        effects
    }

    /// Forgets everything the old lab showed: a fresh one is coming.
    fn reset_lab(&mut self) {
        self.events.clear();
        self.view = LabView::default();
        self.follow = Follow::default();
        self.motion = Motion::new(self.motion.now(), self.settings.speed);
        self.session = Session::default();
        self.progress = None;
        self.batches_in_flight = 0;
        self.select_next = None;
        self.typed = None;
        self.dirty = true;
    }

    /// Sends a request of the lesson's own: not ad-libbing.
    fn track_lesson(&mut self, request: Request) -> Vec<Effect> {
        self.stepping = true;
        let effect = self.track(request);
        if let Some(lesson) = self.lesson.as_mut() {
            lesson.started = true;
            lesson.ad_libbed = false;
        }
        vec![effect]
    }

    /// A request from anywhere else while a lesson is loaded: before its first
    /// step it belongs to the lesson's start, after it is ad-libbing.
    pub(super) fn note_lines_by_hand(&mut self, request: &Request) {
        let (Some(lesson), Request::Run { lines, .. }) = (self.lesson.as_mut(), request) else {
            return;
        };
        if lesson.started {
            lesson.ad_libbed = true;
        } else {
            lesson.prelude.extend(lines.iter().cloned());
        }
    }

    /// A line failed: if it is an `expect` of the step just run, the caption
    /// says that the lab and the lesson disagree, and how to get back. Whether
    /// it did.
    pub(super) fn note_failed_expectation(&mut self, text: &str, why: &str) -> bool {
        let Some(lesson) = self.lesson.as_mut() else {
            return false;
        };
        let Some((_, step)) = lesson.current() else {
            return false;
        };
        let checked = step
            .lines()
            .any(|l| l.text == text && matches!(l.command, Command::Expect(_)));
        if !checked {
            return false;
        }
        lesson.note = Some(if lesson.ad_libbed {
            format!(
                "✗ {text} did not hold ({why}): lines run by hand changed the lab. \
                 Backspace goes back one step, to the lesson's own state."
            )
        } else {
            format!("✗ {text} did not hold ({why}). Backspace goes back one step.")
        });
        self.dirty = true;
        true
    }

    fn no_lesson(&mut self) -> Vec<Effect> {
        self.toast(
            "No lesson is loaded: start with --scenario FILE --step".into(),
            ToastKind::Error,
        );
        Vec::new()
    }
}
