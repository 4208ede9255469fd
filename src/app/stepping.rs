//! Stepping through a lesson: forward one step, back one step, to its start or
//! to step N. Each step is a batch of its own, so that its events and its
//! checks are known when it ends. Going back rebuilds the lab: a fresh engine
//! with the same randomness replays the prelude and every step up to the one
//! asked for, quietly (a lesson runs seeded, so the same references, bundles,
//! DS counts and memberships come back; docs/benchmarks.md has what it costs).
//! Jumping forward runs the steps between quietly too. Lines run by hand are not
//! replayed. When the last step of a batch run ends, `stage.rs` puts the screen
//! in the state that step shows, whichever way it was reached.

use super::lesson::{Lesson, StepOutcome};
use super::mirror::Mirror;
use super::motion::{Motion, ToastKind};
use super::session::Session;
use super::work::{Batch, Work};
use super::{App, Effect};
use crate::engine::{EngineError, Randomness};
use crate::worker::Request;

/// The lesson loaded, if any, and what stepping it needs.
#[derive(Debug, Default)]
pub(super) struct Teaching {
    lesson: Option<Lesson>,
    /// The next request tracked is a lesson's own (not ad-libbing).
    stepping: bool,
    /// Where the lab's keys come from: a rebuilt lab starts from the same.
    randomness: Randomness,
    /// `0` was pressed once: the next `0` restarts, any other key keeps going.
    confirming_restart: bool,
    /// What the step running now did so far.
    running: StepOutcome,
}

impl Teaching {
    pub(super) fn lesson(&self) -> Option<&Lesson> {
        self.lesson.as_ref()
    }

    /// Whether the request being tracked is the lesson's own; asked once.
    pub(super) fn take_stepping(&mut self) -> bool {
        std::mem::take(&mut self.stepping)
    }

    /// Whether a restart waits for its confirmation.
    pub(super) fn confirming_restart(&self) -> bool {
        self.confirming_restart
    }

    /// Line `line` of the running step finished: the command (0), whose failure
    /// is noted unless the step expects it, or one of its checks.
    pub(super) fn line_of_step_done(
        &mut self,
        line: usize,
        text: &str,
        error: Option<&EngineError>,
        expected: bool,
    ) {
        match (line, error) {
            (0, Some(error)) if !expected => {
                self.running.failure = Some(format!("{text} failed: {}: {error}", error.code()));
            }
            (0, Some(_) | None) => {}
            (_, error) => {
                self.running.checks.push(Some(error.is_none()));
                if let (Some(error), None) = (error, &self.running.failed_check) {
                    self.running.failed_check = Some((text.to_string(), error.to_string()));
                }
            }
        }
    }

    /// Step `index` ended: what it did, with its subject, is its outcome.
    pub(super) fn step_ended(&mut self, index: usize, subject: Option<u64>) {
        let mut outcome = std::mem::take(&mut self.running);
        outcome.subject = subject;
        if let Some(lesson) = self.lesson.as_mut() {
            lesson.record(index, outcome);
        }
    }
}

impl App {
    /// The randomness a rebuilt lab starts from: the one the lab was started with.
    pub fn set_randomness(&mut self, randomness: Randomness) {
        self.teaching.randomness = randomness;
    }

    /// Loads a lesson to step through with Space; its title card shows first.
    pub fn load_lesson(&mut self, lesson: Lesson) {
        self.hint = Some(format!(
            "Lesson {}: {} steps. Space, → or PgDn runs the next, Backspace, ← or PgUp goes back, ? for help",
            lesson.name(),
            lesson.steps().len()
        ));
        self.teaching.lesson = Some(lesson);
        self.panels.timeline.hide_checks(true, self.mirror.events());
        self.dirty = true;
    }

    /// Whether a restart waits for its confirmation.
    pub fn confirming_restart(&self) -> bool {
        self.teaching.confirming_restart
    }

    /// Space, → and PgDn: runs the next step with its `expect` lines.
    pub(super) fn next_step(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.teaching.lesson.as_mut() else {
            return self.no_lesson();
        };
        let position = lesson.position();
        if position >= lesson.steps().len() {
            let text = format!(
                "{}: the lesson is over (Backspace goes back, 0 restarts)",
                lesson.name()
            );
            self.toast(text, ToastKind::Done);
            return Vec::new();
        }
        lesson.set_position(position + 1);
        lesson.forget_from(position);
        self.hint = None;
        // The room watches this step's messages travel: the timeline follows
        // them until the step has run and its subject is picked.
        self.motion.clear_toasts();
        self.panels.timeline.follow_newest();
        let effects = self.send_step(position, false);
        if let Some(Effect::Send(request)) = effects.first() {
            let request = request.clone();
            self.select_actor_of(&request);
        }
        effects
    }

    /// Backspace, ← and PgUp: back one step, to the lab as it was after the one before.
    pub(super) fn previous_step(&mut self) -> Vec<Effect> {
        let Some(lesson) = self.teaching.lesson.as_ref() else {
            return self.no_lesson();
        };
        match lesson.position().checked_sub(1) {
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

    /// `0`: asks first; `0` again restarts the lesson from its title card.
    pub(super) fn restart_lesson(&mut self) -> Vec<Effect> {
        if self.teaching.lesson.is_none() {
            return self.no_lesson();
        }
        if !std::mem::take(&mut self.teaching.confirming_restart) {
            self.teaching.confirming_restart = true;
            return Vec::new();
        }
        self.rebuild_at(0)
    }

    /// Any key but `0` while a restart waits: the lesson goes on.
    pub(super) fn keep_going(&mut self) {
        self.teaching.confirming_restart = false;
        self.dirty = true;
    }

    /// `:step N`: the lab after step N (forward by running the steps between
    /// quietly, back by rebuilding).
    pub(super) fn jump_to_step(&mut self, number: usize) -> Vec<Effect> {
        let Some(lesson) = self.teaching.lesson.as_ref() else {
            return self.no_lesson();
        };
        let last = lesson.steps().len();
        if number > last {
            self.toast(
                format!("The lesson has {last} steps: step 0 to {last}"),
                ToastKind::Error,
            );
            return Vec::new();
        }
        let position = lesson.position();
        if number < position || lesson.ad_libbed() {
            return self.rebuild_at(number);
        }
        if number == position {
            return Vec::new();
        }
        self.hint = None;
        self.motion.clear_toasts();
        if let Some(lesson) = self.teaching.lesson.as_mut() {
            lesson.set_position(number);
            lesson.forget_from(position);
        }
        (position..number)
            .flat_map(|index| self.send_step(index, true))
            .collect()
    }

    /// A fresh lab with the prelude and the lesson's steps up to `position`
    /// replayed into it, quietly.
    fn rebuild_at(&mut self, position: usize) -> Vec<Effect> {
        let Some(lesson) = self.teaching.lesson.as_mut() else {
            return Vec::new();
        };
        lesson.set_position(position);
        lesson.forget_from(0);
        lesson.rebuilt();
        let prelude = lesson.prelude().to_vec();
        self.reset_lab();
        let mut effects = vec![Effect::ResetLab {
            randomness: self.teaching.randomness,
        }];
        if !prelude.is_empty() {
            let request = Request::Run {
                label: "rebuilding the lab".into(),
                lines: prelude,
            };
            effects.push(self.track_as(request, Batch::Prelude));
        }
        for index in 0..position {
            effects.extend(self.send_step(index, true));
        }
        if !self.work.lesson_queued() {
            // Nothing to replay: the title card of an empty lab, at once.
            effects.extend(self.stage_step());
        }
        effects
    }

    /// Sends step `index` as a batch of its own.
    fn send_step(&mut self, index: usize, quiet: bool) -> Vec<Effect> {
        let Some(step) = self
            .teaching
            .lesson
            .as_ref()
            .and_then(|l| l.steps().get(index))
        else {
            return Vec::new();
        };
        let request = Request::Run {
            label: match quiet {
                true => format!("step {}", index + 1),
                false => step.line.text.clone(),
            },
            lines: step.run_lines().cloned().collect(),
        };
        if let Some(lesson) = self.teaching.lesson.as_mut() {
            lesson.stepped();
        }
        vec![self.track_as(request, Batch::Step { index, quiet })]
    }

    /// Forgets everything the old lab showed: a fresh one is coming.
    fn reset_lab(&mut self) {
        self.teaching.running = StepOutcome::default();
        self.mirror = Mirror::default();
        self.forget_follow();
        self.motion = Motion::new(self.motion.now(), self.settings.speed);
        self.session = Session::default();
        self.work = Work::default();
        self.panels.timeline.clear();
        self.console.forget_typed();
        self.dirty = true;
    }

    /// Sends a request of the lesson's own: not ad-libbing.
    fn track_as(&mut self, request: Request, batch: Batch) -> Effect {
        self.teaching.stepping = true;
        self.track_batch(request, batch)
    }

    /// A request from anywhere else while a lesson is loaded: before its first
    /// step it belongs to the lesson's start, after it is ad-libbing.
    pub(super) fn note_lines_by_hand(&mut self, request: &Request) {
        let (Some(lesson), Request::Run { lines, .. }) = (self.teaching.lesson.as_mut(), request)
        else {
            return;
        };
        lesson.note_lines_by_hand(lines);
    }

    fn no_lesson(&mut self) -> Vec<Effect> {
        self.toast(
            "No lesson is loaded: start with --scenario FILE --step".into(),
            ToastKind::Error,
        );
        Vec::new()
    }
}
