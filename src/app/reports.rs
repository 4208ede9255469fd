//! Engine reports: new events and a fresh view, lines finished, batches ended,
//! inspections answered.

use super::motion::{FlashKey, ToastKind};
use super::session::LineOutcome;
use super::{App, Effect, Progress};
use crate::engine::{Event, LabView};
use crate::worker::Report;

impl App {
    pub(super) fn on_report(&mut self, report: Report) -> Vec<Effect> {
        self.dirty = true;
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
                match error {
                    // A scenario said this would fail: it is shown as expected.
                    Some(error) if self.session.expects_error_after(index, &error.code()) => {
                        let code = error.code();
                        self.toast(format!("{text}: {code}: {error}"), ToastKind::Expected);
                    }
                    // The caption pane says it, with the way back: a toast
                    // over it would hide exactly that.
                    Some(error) if self.note_failed_expectation(&text, &error.to_string()) => {}
                    Some(error) => {
                        let code = error.code();
                        self.toast(format!("{text}: {code}: {error}"), ToastKind::Error);
                    }
                    None => {
                        // Success replaces an error still on screen; a typed line
                        // gets a word of feedback.
                        self.motion.clear_errors();
                        if self.console.take_typed(&text) {
                            self.toast(format!("{text}: done"), ToastKind::Done);
                        }
                    }
                }
            }
            Report::LineStopped { text, done_as } => {
                self.work.forget_select();
                self.session.finish(&text, LineOutcome::Stopped(done_as));
            }
            Report::Idle { cancelled } => {
                self.work.ended();
                if cancelled {
                    self.toast("Stopped".into(), ToastKind::Done);
                }
                // Refresh the inspector: states and Welcome matches may have moved on.
                return self.refresh_inspection();
            }
            Report::Inspected(inspection) => {
                self.on_inspected(inspection);
            }
            Report::Bundle(bundle) => self.on_bundle(*bundle),
        }
        Vec::new()
    }

    fn on_changed(&mut self, events: Vec<Event>, view: LabView) {
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
        for event in &events {
            self.motion.flash(FlashKey::Event(event.seq), until);
            if let Some(r) = event.kp_ref().cloned() {
                self.motion.flash(FlashKey::Ref(r), until);
            }
            if event.travels() {
                self.motion.launch(event.seq);
            }
        }
        self.motion.settle_flights();
        self.follow.extend_journey(&events);
        self.mirror.apply(events, view);
        if let Some(name) = self.work.take_select() {
            match self.mirror.client_index(&name) {
                Some(index) => self.select_client(index),
                None => self.work.select_later(name),
            }
        }
        self.clamp_cursors();
    }
}
