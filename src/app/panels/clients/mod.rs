//! The clients panel: one row per client with its counts and the mail waiting
//! for it. Its cursor is the acting client, the one the lab keys act as.

mod draw;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::{Action, App};

/// The acting client.
#[derive(Debug, Clone, Default)]
pub struct ClientsPanel {
    /// Index into the view's clients.
    acting: usize,
    /// The acting client changed since the inspector was last aligned with it.
    changed: bool,
}

impl ClientsPanel {
    pub fn acting(&self) -> usize {
        self.acting
    }

    /// Makes client `index` act; whether that is a change.
    pub(crate) fn set_acting(&mut self, index: usize) -> bool {
        if index == self.acting {
            return false;
        }
        self.acting = index;
        self.changed = true;
        true
    }

    /// Keeps the acting client among the `clients` there are.
    pub(crate) fn clamp(&mut self, clients: usize) {
        self.acting = self.acting.min(clients.saturating_sub(1));
    }

    /// Whether the acting client changed since the last call.
    pub(crate) fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }
}

impl PanelView for ClientsPanel {
    fn title(&self, app: &App) -> String {
        format!("Clients ({})", app.view().clients.len())
    }

    fn rows(&self, app: &App) -> usize {
        app.view().clients.len()
    }

    fn cursor(&self, _app: &App) -> usize {
        self.acting
    }

    fn set_cursor(&mut self, row: usize, _rows: usize) {
        self.set_acting(row);
    }

    fn header_rows(&self) -> u16 {
        1
    }

    /// The acting client's selected key package, as in its storage.
    fn target(&self, app: &App) -> Option<Target> {
        app.panel(Panel::KeyPackages).target(app)
    }

    fn commands(&self) -> &'static [Action] {
        &[Action::NextClient, Action::Generate, Action::Publish]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        draw::render(app, area, buf, theme);
    }
}
