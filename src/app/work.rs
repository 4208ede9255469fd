//! Batches of lines sent to the engine and not finished yet: how many, the
//! progress the running one reports, and a client to select once it exists.

/// A batch running on the engine thread: `done` of `total` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// What is running on the engine.
#[derive(Debug, Default)]
pub(super) struct Work {
    /// Batches sent and not finished.
    in_flight: usize,
    progress: Option<Progress>,
    /// A client to select once it exists (the actor of a line just sent).
    select_next: Option<String>,
}

impl Work {
    pub(super) fn in_flight(&self) -> usize {
        self.in_flight
    }

    pub(super) fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// A batch was sent.
    pub(super) fn sent(&mut self) {
        self.in_flight += 1;
    }

    /// A batch ended: its progress goes with it.
    pub(super) fn ended(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
        self.progress = None;
    }

    pub(super) fn set_progress(&mut self, progress: Progress) {
        self.progress = Some(progress);
    }

    /// Selects `name` once a view has it.
    pub(super) fn select_later(&mut self, name: String) {
        self.select_next = Some(name);
    }

    /// The client waiting to be selected, taken.
    pub(super) fn take_select(&mut self) -> Option<String> {
        self.select_next.take()
    }

    /// A line finished: its actor is no longer waited for.
    pub(super) fn forget_select(&mut self) {
        self.select_next = None;
    }
}
