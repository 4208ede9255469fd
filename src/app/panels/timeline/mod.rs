//! The timeline: the event log as a sequence diagram, one row per event. Its
//! state is which events it shows (in a lesson the `expect` results are marks on
//! the step instead, until `e` brings their rows back) and the event picked; with
//! none picked it follows the newest.

mod draw;
pub mod label;

pub use draw::endpoints;
pub use label::label;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::{text, theme::Theme};
use crate::app::{Action, App};
use crate::engine::{Event, EventKind};

/// The events shown and the one picked.
#[derive(Debug, Clone, Default)]
pub struct TimelinePanel {
    /// The events shown, by their sequence number, oldest first.
    shown: Vec<u64>,
    /// `expect` results have no rows (a lesson marks them on its step).
    hides_checks: bool,
    /// The event picked; `None` follows the newest.
    cursor: Option<u64>,
}

/// Whether an event is an `expect` line's result.
fn is_check(event: &Event) -> bool {
    matches!(
        event.kind,
        EventKind::ExpectPassed { .. } | EventKind::ExpectFailed { .. }
    )
}

impl TimelinePanel {
    /// Follows the newest event again.
    pub(crate) fn follow_newest(&mut self) {
        self.cursor = None;
    }

    pub(crate) fn follows_newest(&self) -> bool {
        self.cursor.is_none()
    }

    /// Picks event `seq` (a lesson step's subject), even the newest.
    pub(crate) fn pick(&mut self, seq: u64) {
        self.cursor = Some(seq);
    }

    /// The event picked, if one is.
    pub(crate) fn picked(&self) -> Option<u64> {
        self.cursor
    }

    /// New events of the log: those shown get rows.
    pub(crate) fn add(&mut self, events: &[Event]) {
        let hides = self.hides_checks;
        self.shown.extend(
            events
                .iter()
                .filter(|e| !(hides && is_check(e)))
                .map(|e| e.seq),
        );
    }

    /// A fresh lab: no events.
    pub(crate) fn clear(&mut self) {
        self.shown.clear();
        self.cursor = None;
    }

    /// Whether `expect` results have rows.
    pub(crate) fn hides_checks(&self) -> bool {
        self.hides_checks
    }

    /// Leaves `expect` results out (or brings them back) among `events`, the
    /// whole log.
    pub(crate) fn hide_checks(&mut self, hide: bool, events: &[Event]) {
        self.hides_checks = hide;
        self.shown.clear();
        self.add(events);
        // A picked result that no longer has a row: the newest is followed.
        if let Some(seq) = self.cursor {
            if self.shown.binary_search(&seq).is_err() {
                self.cursor = None;
            }
        }
    }

    /// The events with rows drawn now, by sequence number: those shown, up to
    /// the first one still waiting to travel.
    pub fn rows<'a>(&'a self, app: &App) -> &'a [u64] {
        let end = match app.motion.first_waiting() {
            Some(waiting) => self.shown.partition_point(|seq| *seq < waiting),
            None => self.shown.len(),
        };
        &self.shown[..end]
    }
}

impl PanelView for TimelinePanel {
    fn title(&self, app: &App) -> String {
        format!("Timeline ({})", text::count(app.events().len(), "event"))
    }

    fn rows(&self, app: &App) -> usize {
        self.rows(app).len()
    }

    /// The row selected, resolving "follow the newest".
    fn cursor(&self, app: &App) -> usize {
        let rows = self.rows(app);
        self.cursor
            .and_then(|seq| rows.binary_search(&seq).ok())
            .unwrap_or_else(|| rows.len().saturating_sub(1))
    }

    /// The last row follows the newest event.
    fn set_cursor(&mut self, row: usize, rows: usize) {
        self.cursor = if row + 1 >= rows {
            None
        } else {
            self.shown.get(row).copied()
        };
    }

    fn header_rows(&self) -> u16 {
        1
    }

    fn target(&self, app: &App) -> Option<Target> {
        app.timeline_event().map(|event| Target::Event(event.seq))
    }

    fn commands(&self) -> &'static [Action] {
        &[Action::Inspector, Action::Checks, Action::Why]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        draw::render(app, area, buf, theme);
    }
}

impl App {
    /// Whether the timeline follows the newest event (no row picked).
    pub fn timeline_follows_newest(&self) -> bool {
        self.panels.timeline.follows_newest()
    }

    /// The event picked on the timeline, if one is.
    pub fn timeline_picked(&self) -> Option<u64> {
        self.panels.timeline.picked()
    }

    /// The timeline row selected, resolving "follow the newest".
    pub fn timeline_row(&self) -> usize {
        self.panels.timeline.cursor(self)
    }

    /// The event of the selected timeline row.
    pub fn timeline_event(&self) -> Option<&Event> {
        let seq = *self.panels.timeline.rows(self).get(self.timeline_row())?;
        self.events().get((seq as usize).saturating_sub(1))
    }

    /// Rows drawn on the timeline: every event shown, except those still
    /// waiting to travel.
    pub fn visible_events(&self) -> usize {
        self.panels.timeline.rows(self).len()
    }

    /// The events the timeline draws, oldest first.
    pub fn timeline_events(&self) -> impl Iterator<Item = &Event> {
        self.panels
            .timeline
            .rows(self)
            .iter()
            .filter_map(|seq| self.events().get((*seq as usize).saturating_sub(1)))
    }

    /// `e`: the `expect` results' rows on the timeline, or not.
    pub(crate) fn toggle_checks(&mut self) {
        let hide = !self.panels.timeline.hides_checks();
        self.panels.timeline.hide_checks(hide, self.mirror.events());
    }
}
