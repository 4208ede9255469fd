//! Engine reports: new events and a fresh view, lines finished, batches ended,
//! inspections answered. A lesson's step keeps what its lines did as its
//! outcome, not as toasts: its checks are marks on its caption, a failure it
//! did not expect is its note, and its subject is picked when it ends. A quiet
//! batch (a rebuilt lab, a jump) flashes, moves and redraws nothing.

use super::motion::{FlashKey, ToastKind};
use super::session::LineOutcome;
use super::work::Batch;
use super::{App, Effect, Progress};
use crate::command::steps::subject;
use crate::engine::{EngineError, Event, LabView};
use crate::worker::Report;

impl App {
    pub(super) fn on_report(&mut self, report: Report) -> Vec<Effect> {
        if !self.work.quiet() {
            self.dirty = true;
        }
        match report {
            Report::Progress { label, done, total } => {
                self.work.set_progress(Progress { label, done, total });
            }
            Report::Changed { events, view } => self.on_changed(events, *view),
            Report::LineDone { text, error } => {
                self.work.forget_select();
                let outcome = match &error {
                    Some(error) => LineOutcome::Failed(error.code()),
                    None => LineOutcome::Ok,
                };
                let index = self.session.finish(&text, outcome);
                let expected = error
                    .as_ref()
                    .is_some_and(|e| self.session.expects_error_after(index, &e.code()));
                match self.work.line_done() {
                    Some((Batch::Step { .. }, line)) => {
                        self.teaching
                            .line_of_step_done(line, &text, error.as_ref(), expected);
                    }
                    // A rebuilt lab's start says nothing.
                    Some((Batch::Prelude, _)) => {}
                    Some((Batch::Lines, _)) | None => self.line_done(&text, error, expected),
                }
            }
            Report::LineStopped { text, done_as } => {
                self.work.forget_select();
                self.session.finish(&text, LineOutcome::Stopped(done_as));
            }
            Report::Idle { cancelled } => {
                let ended = self.work.ended(self.events().len());
                if cancelled {
                    self.toast("Stopped".into(), ToastKind::Done);
                }
                return match ended {
                    Some((Batch::Step { index, .. }, start)) => {
                        let seq = subject(&self.events()[start.min(self.events().len())..])
                            .map(|e| e.seq);
                        self.teaching.step_ended(index, seq);
                        self.stage_when_done()
                    }
                    Some((Batch::Prelude, _)) => self.stage_when_done(),
                    // Refresh the inspector: states and Welcome matches may have moved on.
                    Some((Batch::Lines, _)) | None => self.refresh_inspection(),
                };
            }
            Report::Inspected(inspection) => {
                self.dirty = true;
                self.on_inspected(inspection);
            }
            Report::Bundle(bundle) => {
                self.dirty = true;
                self.on_bundle(*bundle);
            }
            Report::Stopped { why } => self.engine_stopped = Some(why),
        }
        Vec::new()
    }

    /// The screen of the lesson's step, once no step of its own is left to run.
    fn stage_when_done(&mut self) -> Vec<Effect> {
        if self.work.lesson_queued() {
            return Vec::new();
        }
        self.stage_step()
    }

    /// A line typed, keyed or preloaded finished: a word of feedback.
    fn line_done(&mut self, text: &str, error: Option<EngineError>, expected: bool) {
        match error {
            // A scenario said this would fail: it is shown as expected.
            Some(error) if expected => {
                let code = error.code();
                self.toast(format!("{text}: {code}: {error}"), ToastKind::Expected);
            }
            Some(error) => {
                let code = error.code();
                self.toast(format!("{text}: {code}: {error}"), ToastKind::Error);
            }
            None => {
                // Success replaces an error still on screen; a typed line
                // gets a word of feedback.
                self.motion.clear_errors();
                if self.console.take_typed(text) {
                    self.toast(format!("{text}: done"), ToastKind::Done);
                }
            }
        }
    }

    fn on_changed(&mut self, events: Vec<Event>, view: LabView) {
        if !self.work.quiet() {
            self.flash_news(&events, &view);
        }
        self.follow.extend_journey(&events);
        self.panels.timeline.add(&events);
        self.mirror.apply(events, view);
        if let Some(name) = self.work.take_select() {
            match self.mirror.client_index(&name) {
                Some(index) => self.select_client(index),
                None => self.work.select_later(name),
            }
        }
        self.clamp_cursors();
    }

    /// New clients, groups, events and references flash; messages travel.
    fn flash_news(&mut self, events: &[Event], view: &LabView) {
        let until = self.motion.begin_flash();
        let first_view = self.mirror.is_empty();
        for client in &view.clients {
            if !first_view && self.mirror.client_index(&client.name).is_none() {
                self.motion
                    .flash(FlashKey::Client(client.name.clone()), until);
            }
        }
        for group in &view.groups {
            if !self.view().groups.iter().any(|g| g.name == group.name) {
                self.motion
                    .flash(FlashKey::Group(group.name.clone()), until);
            }
        }
        for event in events {
            self.motion.flash(FlashKey::Event(event.seq), until);
            if let Some(r) = event.kp_ref().cloned() {
                self.motion.flash(FlashKey::Ref(r), until);
            }
            if event.travels() {
                self.motion.launch(event.seq);
            }
        }
        self.motion.settle_flights();
    }
}
