//! "Key packages of X (storage)": the acting client's inventory, then the
//! packages it claimed and has not used yet. Its cursor points at one of them.

mod draw;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::theme::Theme;
use crate::app::{Action, App};

/// The cursor in the acting client's storage.
#[derive(Debug, Clone, Default)]
pub struct KeyPackagesPanel {
    cursor: usize,
}

impl KeyPackagesPanel {
    /// Back to the first row (another client acts).
    pub(crate) fn reset(&mut self) {
        self.cursor = 0;
    }
}

impl PanelView for KeyPackagesPanel {
    fn title(&self, app: &App) -> String {
        match app.actor() {
            Some(name) => format!("Key packages of {name} (storage)"),
            None => "Key packages".into(),
        }
    }

    /// Its own packages, then those it claimed and has not used yet.
    fn rows(&self, app: &App) -> usize {
        app.view()
            .clients
            .get(app.selected_client())
            .map_or(0, |c| c.key_packages.len() + c.claimed.len())
    }

    fn cursor(&self, _app: &App) -> usize {
        self.cursor
    }

    fn set_cursor(&mut self, row: usize, _rows: usize) {
        self.cursor = row;
    }

    fn header_rows(&self) -> u16 {
        1
    }

    /// An own package, or a claimed one (followed from its owner's storage).
    fn target(&self, app: &App) -> Option<Target> {
        let client = app.view().clients.get(app.selected_client())?;
        let (owner, kp_ref) = match client.key_packages.get(self.cursor) {
            Some(row) => (client.name.clone(), row.kp_ref.clone()),
            None => {
                let (owner, kp_ref) = client
                    .claimed
                    .get(self.cursor.checked_sub(client.key_packages.len())?)?;
                (owner.clone(), kp_ref.clone())
            }
        };
        Some(Target::KeyPackage { owner, kp_ref })
    }

    fn commands(&self) -> &'static [Action] {
        &[
            Action::Generate,
            Action::GenerateLastResort,
            Action::Publish,
            Action::Hex,
        ]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        draw::render(app, area, buf, theme);
    }
}
