//! The log itself: events in order, numbered from 1 without gaps as they are
//! emitted, and the mark a command starts from, so that its end can tell
//! whether any of its steps reported a failure. Events that record nothing
//! lasting are forgotten once they were passed on ([`EventLog::forget_passing`]),
//! so the kept log has gaps in `seq`, never a repeated or reordered one.

use std::time::Instant;

use super::{Event, EventKind, Outcome};

/// Every event, oldest first, by `seq`; gaps where [`EventLog::forget_passing`]
/// dropped an event.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Vec<Event>,
    /// The `seq` of the last event logged, kept or not.
    logged: u64,
    /// How much of `events` holds kept events only (what was forgotten up to).
    settled: usize,
}

/// Where a command started: the `seq` of the last event before it and the
/// time, for [`crate::engine::Engine::finish_command`].
#[derive(Debug, Clone, Copy)]
pub struct CommandStart {
    after_seq: u64,
    started: Instant,
}

impl CommandStart {
    /// When the command started.
    pub fn started(&self) -> Instant {
        self.started
    }
}

impl EventLog {
    /// Every event since the last [`Self::forget_passing`], and before it the
    /// kept ones, oldest first.
    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// Where the event `seq` is in [`Self::all`], if it was kept.
    pub fn position(&self, seq: u64) -> Option<usize> {
        self.events.binary_search_by_key(&seq, |e| e.seq).ok()
    }

    /// The `seq` the next event gets.
    pub fn next_seq(&self) -> u64 {
        self.logged + 1
    }

    /// The `seq` of the last event logged, kept or not (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.logged
    }

    /// Drops the events logged since the last call that record nothing lasting
    /// (a passed expectation, a look at the clock: [`EventKind::is_kept`]).
    /// Costs only the events since the last call.
    pub fn forget_passing(&mut self) {
        let recent: Vec<Event> = self.events.drain(self.settled..).collect();
        self.events
            .extend(recent.into_iter().filter(|e| e.kind.is_kept()));
        self.settled = self.events.len();
    }

    /// An event that took from `started` until now.
    pub fn emit(&mut self, actor: &str, kind: EventKind, started: Instant, outcome: Outcome) {
        let duration_us = started.elapsed().as_micros() as u64;
        self.emit_timed(actor, kind, duration_us, outcome);
    }

    /// An event whose duration was measured by the caller (a share of a batch).
    pub fn emit_timed(&mut self, actor: &str, kind: EventKind, duration_us: u64, outcome: Outcome) {
        self.logged += 1;
        let seq = self.logged;
        self.events.push(Event {
            seq,
            actor: actor.to_string(),
            kind,
            duration_us,
            outcome,
        });
    }

    pub fn ok(&mut self, actor: &str, kind: EventKind, started: Instant) {
        self.emit(actor, kind, started, Outcome::Ok);
    }

    pub fn failed(&mut self, actor: &str, kind: EventKind, started: Instant) {
        self.emit(actor, kind, started, Outcome::Error);
    }

    /// Marks the start of a command.
    pub fn mark(&self) -> CommandStart {
        CommandStart {
            after_seq: self.logged,
            started: Instant::now(),
        }
    }

    /// The events since `start`, oldest first.
    pub fn since(&self, start: CommandStart) -> &[Event] {
        let first = self.events.partition_point(|e| e.seq <= start.after_seq);
        &self.events[first..]
    }

    /// Whether an event since `start` reported a failure.
    pub fn failed_since(&self, start: CommandStart) -> bool {
        self.since(start)
            .iter()
            .any(|e| e.outcome == Outcome::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_numbered_from_one_and_a_mark_sees_only_later_failures() {
        let mut log = EventLog::default();
        let kind = || EventKind::DsReleased {
            recipients: Vec::new(),
        };
        log.failed("ds", kind(), Instant::now());
        let mark = log.mark();
        assert!(!log.failed_since(mark));
        log.ok("ds", kind(), Instant::now());
        assert!(!log.failed_since(mark));
        log.failed("ds", kind(), Instant::now());
        assert!(log.failed_since(mark));
        let seqs: Vec<u64> = log.all().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3]);
        assert_eq!(log.since(mark).len(), 2);
        assert_eq!(log.last_seq(), 3);
    }
}
