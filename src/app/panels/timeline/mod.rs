//! The timeline: the event log as a sequence diagram, one row per event. Its
//! cursor follows the newest event until a row is picked.

mod draw;

pub use draw::{endpoints, label};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::{text, theme::Theme};
use crate::app::App;

/// The timeline's cursor.
#[derive(Debug, Clone, Default)]
pub struct TimelinePanel {
    /// `None`: the timeline follows the newest event.
    cursor: Option<usize>,
}

impl TimelinePanel {
    /// Follows the newest event again.
    pub(crate) fn follow_newest(&mut self) {
        self.cursor = None;
    }

    pub(crate) fn follows_newest(&self) -> bool {
        self.cursor.is_none()
    }
}

impl PanelView for TimelinePanel {
    fn title(&self, app: &App) -> String {
        format!("Timeline ({})", text::count(app.events().len(), "event"))
    }

    fn rows(&self, app: &App) -> usize {
        app.visible_events()
    }

    /// The row selected, resolving "follow the newest".
    fn cursor(&self, app: &App) -> usize {
        self.cursor
            .unwrap_or_else(|| app.visible_events().saturating_sub(1))
    }

    /// The last row follows the newest event.
    fn set_cursor(&mut self, row: usize, rows: usize) {
        self.cursor = if row + 1 >= rows { None } else { Some(row) };
    }

    fn header_rows(&self) -> u16 {
        1
    }

    fn target(&self, app: &App) -> Option<Target> {
        app.events()
            .get(self.cursor(app))
            .map(|event| Target::Event(event.seq))
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

    /// The timeline row selected, resolving "follow the newest".
    pub fn timeline_row(&self) -> usize {
        self.panels.timeline.cursor(self)
    }

    /// Events drawn on the timeline: all except those still waiting to travel.
    pub fn visible_events(&self) -> usize {
        let events = self.events().len();
        match self.motion.first_waiting() {
            Some(seq) => (seq as usize).saturating_sub(1).min(events),
            None => events,
        }
    }
}
