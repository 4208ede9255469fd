//! The log itself: events in order, numbered from 1 without gaps as they are
//! emitted, and the mark a command starts from, so that its end can tell
//! whether any of its steps reported a failure.

use std::time::Instant;

use super::{Event, EventKind, Outcome};

/// Every event, oldest first; `seq` is the position plus one.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Vec<Event>,
}

/// Where a command started: the log's length and the time, for
/// [`crate::engine::Engine::finish_command`].
#[derive(Debug, Clone, Copy)]
pub struct CommandStart {
    events: usize,
    started: Instant,
}

impl CommandStart {
    /// When the command started.
    pub fn started(&self) -> Instant {
        self.started
    }
}

impl EventLog {
    /// Every event, oldest first.
    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// The `seq` the next event gets.
    pub fn next_seq(&self) -> u64 {
        self.events.len() as u64 + 1
    }

    /// The `seq` of the last event (0 before the first).
    pub fn last_seq(&self) -> u64 {
        self.events.len() as u64
    }

    /// An event that took from `started` until now.
    pub fn emit(&mut self, actor: &str, kind: EventKind, started: Instant, outcome: Outcome) {
        let duration_us = started.elapsed().as_micros() as u64;
        self.emit_timed(actor, kind, duration_us, outcome);
    }

    /// An event whose duration was measured by the caller (a share of a batch).
    pub fn emit_timed(&mut self, actor: &str, kind: EventKind, duration_us: u64, outcome: Outcome) {
        let seq = self.next_seq();
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
            events: self.events.len(),
            started: Instant::now(),
        }
    }

    /// The events since `start`, oldest first.
    pub fn since(&self, start: CommandStart) -> &[Event] {
        &self.events[start.events.min(self.events.len())..]
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
