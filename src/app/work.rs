//! Batches of lines sent to the engine and not finished yet, oldest first: what
//! each is for, where its events start in the log, which of its lines reported
//! last; the progress the running one reports, and a client to select once it
//! exists. The engine runs batches in order and reports a batch's events before
//! its end, so the events between two ends are the later batch's.

use std::collections::VecDeque;

/// A batch running on the engine thread: `done` of `total` steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub label: String,
    pub done: usize,
    pub total: usize,
}

/// What a batch is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Batch {
    /// Lines typed, keyed or preloaded.
    Lines,
    /// A lesson's prelude, replayed into a rebuilt lab.
    Prelude,
    /// Step `index` (0-based) of the lesson; `quiet` when the lab is rebuilt
    /// or jumps: nothing flashes, travels or redraws until the last one ends.
    Step { index: usize, quiet: bool },
}

impl Batch {
    /// Nothing of it flashes, travels, toasts or redraws.
    pub(super) fn quiet(self) -> bool {
        match self {
            Batch::Prelude | Batch::Step { quiet: true, .. } => true,
            Batch::Lines | Batch::Step { quiet: false, .. } => false,
        }
    }

    /// One of the lesson's own batches.
    fn lesson(self) -> bool {
        match self {
            Batch::Prelude | Batch::Step { .. } => true,
            Batch::Lines => false,
        }
    }
}

/// A batch sent and not finished.
#[derive(Debug, Clone)]
struct Running {
    batch: Batch,
    /// How many events the log had when it started (set once it is the first).
    start: Option<usize>,
    /// How many of its lines have reported.
    lines_done: usize,
}

/// What is running on the engine.
#[derive(Debug, Default)]
pub(super) struct Work {
    queue: VecDeque<Running>,
    progress: Option<Progress>,
    /// A client to select once it exists (the actor of a line just sent).
    select_next: Option<String>,
}

impl Work {
    pub(super) fn in_flight(&self) -> usize {
        self.queue.len()
    }

    pub(super) fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// A batch was sent, with the log `events` long.
    pub(super) fn sent(&mut self, batch: Batch, events: usize) {
        let start = self.queue.is_empty().then_some(events);
        self.queue.push_back(Running {
            batch,
            start,
            lines_done: 0,
        });
    }

    /// The batch running now.
    pub(super) fn current(&self) -> Option<Batch> {
        self.queue.front().map(|r| r.batch)
    }

    /// Whether the batch running now is quiet.
    pub(super) fn quiet(&self) -> bool {
        self.current().is_some_and(Batch::quiet)
    }

    /// A line of the running batch reported: the batch and the line's index in it.
    pub(super) fn line_done(&mut self) -> Option<(Batch, usize)> {
        let running = self.queue.front_mut()?;
        let index = running.lines_done;
        running.lines_done += 1;
        Some((running.batch, index))
    }

    /// The running batch ended, with the log `events` long: the batch and where
    /// its events start. The next one starts here.
    pub(super) fn ended(&mut self, events: usize) -> Option<(Batch, usize)> {
        self.progress = None;
        let ended = self.queue.pop_front()?;
        if let Some(next) = self.queue.front_mut() {
            next.start = Some(events);
        }
        Some((ended.batch, ended.start.unwrap_or(events)))
    }

    /// Whether a batch of the lesson's own is still queued.
    pub(super) fn lesson_queued(&self) -> bool {
        self.queue.iter().any(|r| r.batch.lesson())
    }

    /// Whether a quiet batch is queued: the screen waits for the lab.
    pub(super) fn rebuilding(&self) -> bool {
        self.queue.iter().any(|r| r.batch.quiet())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_batch_owns_the_events_after_the_one_before_it() {
        let mut work = Work::default();
        work.sent(Batch::Lines, 3);
        work.sent(
            Batch::Step {
                index: 0,
                quiet: true,
            },
            3,
        );
        assert!(work.rebuilding() && !work.quiet());
        assert_eq!(work.line_done(), Some((Batch::Lines, 0)));
        assert_eq!(work.ended(5), Some((Batch::Lines, 3)));
        assert!(work.quiet() && work.lesson_queued());
        assert_eq!(
            work.line_done(),
            Some((
                Batch::Step {
                    index: 0,
                    quiet: true
                },
                0
            ))
        );
        assert_eq!(
            work.line_done(),
            Some((
                Batch::Step {
                    index: 0,
                    quiet: true
                },
                1
            ))
        );
        assert_eq!(
            work.ended(9),
            Some((
                Batch::Step {
                    index: 0,
                    quiet: true
                },
                5
            ))
        );
        assert_eq!(work.in_flight(), 0);
        assert!(!work.rebuilding());
        assert_eq!(work.ended(9), None);
    }

    #[test]
    fn a_client_to_select_is_taken_once_or_forgotten() {
        let mut work = Work::default();
        assert_eq!(work.take_select(), None);
        work.select_later("zed".into());
        assert_eq!(work.take_select(), Some("zed".into()));
        assert_eq!(work.take_select(), None, "taken once");
        work.select_later("ann".into());
        work.forget_select();
        assert_eq!(work.take_select(), None);
    }
}
