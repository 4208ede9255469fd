//! The lab as the engine last showed it: the view (clients, DS, groups) and the
//! event log, replaced and extended only by engine reports, and what the screen
//! asks of them (mail waiting, reuses, who owns a reference).

use crate::domain::KeyPackageRef;
use crate::engine::{Event, LabView};

/// The engine's latest view and every event so far.
#[derive(Debug, Default)]
pub(super) struct Mirror {
    view: LabView,
    events: Vec<Event>,
}

impl Mirror {
    pub(super) fn view(&self) -> &LabView {
        &self.view
    }

    pub(super) fn events(&self) -> &[Event] {
        &self.events
    }

    /// The engine reported new events and a fresh view.
    pub(super) fn apply(&mut self, events: Vec<Event>, view: LabView) {
        self.events.extend(events);
        self.view = view;
    }

    /// Whether the view has no clients yet (the first view of a lab).
    pub(super) fn is_empty(&self) -> bool {
        self.view.clients.is_empty()
    }

    /// Messages waiting for `client`: the DS keeps its mailbox until they are
    /// processed, so a fetched message is still counted there (the larger of the
    /// two counts, never their sum).
    pub(super) fn mail_for(&self, client: &str) -> usize {
        let at_ds = self.view.ds.clients.get(client).map_or(0, |d| d.inbox);
        let fetched = self
            .view
            .clients
            .iter()
            .find(|c| c.name == client)
            .map_or(0, |c| c.pending);
        at_ds.max(fetched)
    }

    /// Total last-resort reuses counted by the DS.
    pub(super) fn reuses(&self) -> u64 {
        self.view
            .ds
            .clients
            .values()
            .map(|d| d.last_resort_reuses)
            .sum()
    }

    /// The client that generated this key package.
    pub(super) fn owner_of(&self, kp_ref: &KeyPackageRef) -> Option<String> {
        self.view
            .clients
            .iter()
            .find(|c| c.key_packages.iter().any(|k| k.kp_ref == *kp_ref))
            .map(|c| c.name.clone())
    }

    /// The index of the client called `name`.
    pub(super) fn client_index(&self, name: &str) -> Option<usize> {
        self.view.clients.iter().position(|c| c.name == name)
    }
}
