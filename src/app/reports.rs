//! Engine reports: new events and a fresh view, lines finished, batches ended,
//! inspections answered.

use super::hex::HexView;
use super::motion::{FlashKey, ToastKind};
use super::session::LineOutcome;
use super::{App, Effect, Progress};
use crate::engine::{Event, LabView};
use crate::worker::{Inspection, Report};

impl App {
    pub(super) fn on_report(&mut self, report: Report) -> Vec<Effect> {
        self.dirty = true;
        match report {
            Report::Progress { label, done, total } => {
                self.progress = Some(Progress { label, done, total });
            }
            Report::Changed { events, view } => self.on_changed(events, *view),
            Report::LineDone { text, error } => {
                self.select_next = None;
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
                        if self.typed.as_deref() == Some(text.as_str()) {
                            self.typed = None;
                            self.toast(format!("{text}: done"), ToastKind::Done);
                        }
                    }
                }
            }
            Report::LineStopped { text, done_as } => {
                self.select_next = None;
                self.session.finish(&text, LineOutcome::Stopped(done_as));
            }
            Report::Idle { cancelled } => {
                self.batches_in_flight = self.batches_in_flight.saturating_sub(1);
                self.progress = None;
                if cancelled {
                    self.toast("Stopped".into(), ToastKind::Done);
                }
                // Refresh the inspector: states and Welcome matches may have moved on.
                return self.refresh_inspection();
            }
            Report::Inspected(inspection) => {
                if let Inspection::Welcome(details) = &inspection {
                    self.follow.hex = HexView::of_welcome_message(&details.encoded);
                    self.selection.hex_field = 0;
                }
                self.follow.inspection = Some(inspection);
            }
            Report::Bundle(bundle) => self.on_bundle(*bundle),
        }
        Vec::new()
    }

    fn on_changed(&mut self, events: Vec<Event>, view: LabView) {
        let until = self.motion.begin_flash();
        let first_view = self.view.clients.is_empty();
        for client in &view.clients {
            if !first_view && !self.view.clients.iter().any(|c| c.name == client.name) {
                self.motion
                    .flash(FlashKey::Client(client.name.clone()), until);
            }
        }
        for group in &view.groups {
            if !self.view.groups.iter().any(|g| g.name == group.name) {
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
        if let Some(followed) = &self.follow.followed {
            self.follow.journey.extend(
                events
                    .iter()
                    .filter(|e| e.mentions(followed))
                    .map(|e| e.seq),
            );
        }
        self.events.extend(events);
        self.view = view;
        if let Some(name) = self.select_next.take() {
            match self.view.clients.iter().position(|c| c.name == name) {
                Some(index) => self.select_client(index),
                None => self.select_next = Some(name),
            }
        }
        self.clamp_cursors();
    }
}
