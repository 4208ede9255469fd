//! What moves and expires: flashes of new items, messages travelling along the
//! timeline, toasts. It knows the time and when the next frame is due, so an
//! idle lab draws nothing.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::domain::KeyPackageRef;

/// How long a new item stays highlighted.
pub const FLASH: Duration = Duration::from_millis(1500);
/// How long a toast stays.
pub const TOAST: Duration = Duration::from_secs(5);
/// Frame interval while something moves.
pub const FRAME: Duration = Duration::from_millis(33);
/// Frame interval while a batch reports progress.
const PROGRESS_FRAME: Duration = Duration::from_millis(120);
/// At most this many messages wait to travel along the timeline; older ones land at once.
const MAX_FLIGHTS: usize = 6;
/// At most this many toasts are kept; the newest is shown.
const MAX_TOASTS: usize = 3;

/// What flashes: a reference, a group, a client or an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FlashKey {
    Ref(KeyPackageRef),
    Group(String),
    Client(String),
    Event(u64),
}

/// A message travelling along the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Flight {
    pub seq: u64,
    /// 0.0 at the sender, 1.0 at the receiver.
    pub progress: f32,
}

/// What kind of news a toast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    /// Something worked.
    Done,
    /// Something failed.
    Error,
    /// Something failed as a scenario said it would (`expect error`).
    Expected,
}

/// A short message at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub text: String,
    pub kind: ToastKind,
    pub until: Instant,
}

impl Toast {
    pub fn is_error(&self) -> bool {
        self.kind == ToastKind::Error
    }
}

/// Flashes, flights and toasts, and the clock they run on.
#[derive(Debug)]
pub struct Motion {
    now: Instant,
    /// Travel time of one message; zero draws it at once.
    speed: Duration,
    flashes: HashMap<FlashKey, Instant>,
    /// When flashes end, oldest first (each batch of new items ends together), so
    /// the next deadline is found without walking every flash.
    flash_ends: VecDeque<Instant>,
    /// Events waiting to travel, oldest first; the first one is moving.
    flights: VecDeque<u64>,
    flight_started: Option<Instant>,
    toasts: Vec<Toast>,
}

impl Motion {
    pub fn new(now: Instant, speed: Duration) -> Self {
        Self {
            now,
            speed,
            flashes: HashMap::new(),
            flash_ends: VecDeque::new(),
            flights: VecDeque::new(),
            flight_started: None,
            toasts: Vec::new(),
        }
    }

    pub fn now(&self) -> Instant {
        self.now
    }

    pub fn set_now(&mut self, now: Instant) {
        self.now = now;
    }

    /// Moves the clock; `true` when something visible changed or still moves.
    pub fn tick(&mut self, now: Instant) -> bool {
        self.now = now;
        let before = (self.flashes.len(), self.toasts.len(), self.flights.len());
        while self.flash_ends.front().is_some_and(|u| *u <= now) {
            self.flash_ends.pop_front();
            self.flashes.retain(|_, until| *until > now);
        }
        self.toasts.retain(|t| t.until > now);
        self.advance_flights();
        let after = (self.flashes.len(), self.toasts.len(), self.flights.len());
        before != after || !self.flights.is_empty()
    }

    /// Starts a flash period for items that appear now; returns its end.
    pub fn begin_flash(&mut self) -> Instant {
        let until = self.now + FLASH;
        if self.flash_ends.back() != Some(&until) {
            self.flash_ends.push_back(until);
        }
        until
    }

    pub fn flash(&mut self, key: FlashKey, until: Instant) {
        self.flashes.insert(key, until);
    }

    pub fn is_flashing(&self, key: &FlashKey) -> bool {
        self.flashes.get(key).is_some_and(|until| *until > self.now)
    }

    /// Queues an event to travel along the timeline (nothing travels at speed zero).
    pub fn launch(&mut self, seq: u64) {
        if !self.speed.is_zero() {
            self.flights.push_back(seq);
        }
    }

    /// Lands the oldest flights beyond the limit and starts the first one.
    pub fn settle_flights(&mut self) {
        while self.flights.len() > MAX_FLIGHTS {
            self.flights.pop_front();
            self.flight_started = None;
        }
        if self.flight_started.is_none() && !self.flights.is_empty() {
            self.flight_started = Some(self.now);
        }
    }

    /// The first event still waiting to travel (it and later ones are not drawn yet).
    pub fn first_waiting(&self) -> Option<u64> {
        self.flights.front().copied()
    }

    /// The message moving now.
    pub fn flight(&self) -> Option<Flight> {
        let seq = *self.flights.front()?;
        let started = self.flight_started?;
        let speed = self.speed.as_secs_f32();
        let progress = if speed <= 0.0 {
            1.0
        } else {
            (self.now.saturating_duration_since(started).as_secs_f32() / speed).min(1.0)
        };
        Some(Flight { seq, progress })
    }

    fn advance_flights(&mut self) {
        while let Some(flight) = self.flight() {
            if flight.progress < 1.0 {
                return;
            }
            self.flights.pop_front();
            self.flight_started = self.flights.front().map(|_| self.now);
        }
        if self.flights.is_empty() {
            self.flight_started = None;
        } else if self.flight_started.is_none() {
            self.flight_started = Some(self.now);
        }
    }

    pub fn toast(&mut self, text: String, kind: ToastKind) {
        self.toasts.push(Toast {
            text,
            kind,
            until: self.now + TOAST,
        });
        if self.toasts.len() > MAX_TOASTS {
            self.toasts.remove(0);
        }
    }

    /// Removes every toast: what they said is about a step gone by.
    pub fn clear_toasts(&mut self) {
        self.toasts.clear();
    }

    /// Removes error toasts: the next success replaces them.
    pub fn clear_errors(&mut self) {
        self.toasts.retain(|t| !t.is_error());
    }

    pub fn toasts(&self) -> &[Toast] {
        &self.toasts
    }

    /// When the next frame is due, if anything moves or expires; `None` when idle.
    pub fn next_deadline(&self, progress_shown: bool) -> Option<Instant> {
        let mut next: Option<Instant> = None;
        let mut consider = |t: Instant| {
            next = Some(next.map_or(t, |n: Instant| n.min(t)));
        };
        if !self.flights.is_empty() {
            consider(self.now + FRAME);
        }
        if progress_shown {
            consider(self.now + PROGRESS_FRAME);
        }
        if let Some(until) = self.flash_ends.iter().find(|u| **u > self.now) {
            consider(*until);
        }
        for toast in &self.toasts {
            consider(toast.until);
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// At most `MAX_FLIGHTS` messages wait to travel: a burst lands its oldest
    /// at once, and the newest are the ones still to move.
    #[test]
    fn a_burst_keeps_only_the_newest_flights_waiting() {
        let t0 = Instant::now();
        let mut m = Motion::new(t0, Duration::from_millis(400));
        for seq in 1..=10 {
            m.launch(seq);
        }
        m.settle_flights();
        assert_eq!(m.first_waiting(), Some(10 - MAX_FLIGHTS as u64 + 1));
        assert_eq!(m.flight().map(|f| f.seq), Some(5));
    }

    #[test]
    fn flashes_and_toasts_expire_and_idle_has_no_deadline() {
        let t0 = Instant::now();
        let mut m = Motion::new(t0, Duration::ZERO);
        let until = m.begin_flash();
        m.flash(FlashKey::Event(1), until);
        m.toast("hi".into(), ToastKind::Done);
        assert!(m.is_flashing(&FlashKey::Event(1)));
        assert!(m.next_deadline(false).is_some());
        m.tick(t0 + TOAST - Duration::from_millis(1));
        assert_eq!(m.toasts().len(), 1, "a toast stays for TOAST");
        m.tick(t0 + TOAST + FLASH);
        assert!(!m.is_flashing(&FlashKey::Event(1)));
        assert!(m.toasts().is_empty());
        assert_eq!(m.next_deadline(false), None);
    }

    #[test]
    fn a_flight_moves_at_the_configured_speed_and_lands() {
        let t0 = Instant::now();
        let mut m = Motion::new(t0, Duration::from_millis(400));
        m.launch(7);
        m.settle_flights();
        m.tick(t0 + Duration::from_millis(200));
        let f = m.flight().map(|f| (f.seq, (f.progress * 10.0).round()));
        assert_eq!(f, Some((7, 5.0)));
        m.tick(t0 + Duration::from_millis(400));
        assert_eq!(m.flight(), None);
    }

    #[test]
    fn the_next_success_replaces_error_toasts() {
        let mut m = Motion::new(Instant::now(), Duration::ZERO);
        m.toast("bad".into(), ToastKind::Error);
        m.clear_errors();
        assert!(m.toasts().is_empty());
    }
}
