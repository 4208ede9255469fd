//! The inspector: the fields of the followed key package (with its journey,
//! its private bundle and its reference) or of a Welcome, or, with `x`, their
//! bytes in the hex view. Its state is how far it is scrolled and which field
//! the hex view selects; what it shows is the app's `follow`.
//!
//! - `draw`: the fields, as lines; `bundle` and `fields` lay them out.
//! - `hex_view`: the bytes and fields of what is inspected; `hex` draws them.

mod bundle;
mod draw;
mod fields;
mod hex;
pub mod hex_view;
mod sealing;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::theme::Theme;
use crate::app::{Action, App, ToastKind};
use crate::engine::bundle::BundleDetails;
use crate::engine::Event;
use crate::worker::Inspection;
use hex_view::HexView;

/// How the inspector is scrolled, and the hex view.
#[derive(Debug, Clone, Default)]
pub struct InspectorPanel {
    /// The first line shown.
    scroll: usize,
    /// The hex view is shown (`x`), this field selected.
    hex: bool,
    hex_field: usize,
    /// The field a lesson's `show hex FIELD` asks for, found once the bytes come.
    wanted_field: Option<String>,
}

impl InspectorPanel {
    pub(crate) fn hex(&self) -> bool {
        self.hex
    }

    /// Something new is inspected: from its top, its first field.
    pub(crate) fn reset(&mut self) {
        self.scroll = 0;
        self.hex_field = 0;
    }

    /// New bytes: their first field.
    pub(crate) fn reset_field(&mut self) {
        self.hex_field = 0;
    }

    /// The hex view on or off, with the field whose path ends in `field` to be
    /// selected when the bytes come.
    pub(crate) fn set_hex(&mut self, on: bool, field: Option<String>) {
        self.hex = on;
        self.wanted_field = field;
    }

    /// Selects the wanted field among `hex`'s, if both are there.
    pub(crate) fn find_field<'a>(&mut self, hex: impl FnOnce() -> Option<&'a HexView>) {
        // The fields are laid out only when a field is wanted.
        let Some(wanted) = &self.wanted_field else {
            return;
        };
        let Some(hex) = hex() else {
            return;
        };
        let dotted = format!(".{wanted}");
        if let Some(index) = hex
            .fields
            .iter()
            .position(|f| f.path == *wanted || f.path.ends_with(&dotted))
        {
            self.hex_field = index;
        }
    }
}

impl PanelView for InspectorPanel {
    fn title(&self, app: &App) -> String {
        match app.inspection() {
            Some(Inspection::KeyPackage(d)) if self.hex => {
                format!("Inspector: key package {} (hex)", d.kp_ref.short())
            }
            Some(Inspection::KeyPackage(d)) => {
                format!("Inspector: key package {}", d.kp_ref.short())
            }
            Some(Inspection::Welcome(d)) if self.hex => {
                format!("Inspector: Welcome to {} (hex)", d.group)
            }
            Some(Inspection::Welcome(d)) => format!("Inspector: Welcome to {}", d.group),
            Some(Inspection::Unavailable(_)) | None => "Inspector".into(),
        }
    }

    /// Hex fields; else where its top row can be: down to the last page, so
    /// that paging skips no row and stops at the end.
    fn rows(&self, app: &App) -> usize {
        if self.hex {
            app.hex_view().map_or(0, |h| h.fields.len())
        } else {
            self.top_rows(app, app.inspector_len())
        }
    }

    fn cursor(&self, app: &App) -> usize {
        if self.hex {
            app.hex_field()
        } else {
            self.scroll.min(self.rows(app).saturating_sub(1))
        }
    }

    fn set_cursor(&mut self, row: usize, _rows: usize) {
        if self.hex {
            self.hex_field = row;
        } else {
            self.scroll = row;
        }
    }

    fn header_rows(&self) -> u16 {
        0
    }

    fn target(&self, _app: &App) -> Option<Target> {
        None
    }

    fn commands(&self) -> &'static [Action] {
        &[Action::Hex, Action::Inspector, Action::Zoom]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        if self.hex {
            hex::render(app, area, buf, theme);
        } else {
            draw::render(app, area, buf, theme);
        }
    }
}

impl InspectorPanel {
    /// Of `len` wrapped rows, how many can be the top one: down to the last
    /// page, so that paging skips no row and stops at the end.
    fn top_rows(&self, app: &App, len: usize) -> usize {
        let (_, height) = app.inspector_size();
        len.saturating_sub(height).saturating_add(1)
    }

    /// The top row when the fields wrap to `len` rows.
    fn top_of(&self, app: &App, len: usize) -> usize {
        self.scroll.min(self.top_rows(app, len).saturating_sub(1))
    }
}

impl App {
    /// The inspector's top row (never past its last page).
    pub fn inspector_scroll(&self) -> usize {
        let inspector = &self.panels.inspector;
        match inspector.hex {
            true => inspector.scroll.min(inspector.rows(self).saturating_sub(1)),
            false => inspector.top_of(self, self.inspector_len()),
        }
    }

    /// The top row of the fields' view, which wrapped to `len` rows (wrapping
    /// is most of a frame: `draw` does it once).
    fn inspector_top_of(&self, len: usize) -> usize {
        self.panels.inspector.top_of(self, len)
    }

    /// Whether the inspector shows the hex view (`x`).
    pub fn shows_hex(&self) -> bool {
        self.panels.inspector.hex
    }

    /// The inspected key package's or Welcome's bytes and fields, once the engine sent them.
    pub fn hex_view(&self) -> Option<&HexView> {
        self.follow.hex()
    }

    /// The selected field (an index into [`HexView::fields`]).
    pub fn hex_field(&self) -> usize {
        self.panels.inspector.hex_field.min(
            self.hex_view()
                .map_or(0, |h| h.fields.len().saturating_sub(1)),
        )
    }

    /// `x`: the hex view on or off. It shows the inspected key package's bytes,
    /// so the inspector takes the keys (↑↓ then pick a field).
    pub(crate) fn toggle_hex(&mut self) {
        if self.panels.inspector.hex {
            self.panels.inspector.hex = false;
            if self.presenting() {
                self.screen.set_pane(crate::app::lesson::Pane::Inspector);
            }
            return;
        }
        if self.hex_view().is_none() {
            self.toast(
                "The hex view shows a key package or a Welcome: select one (key packages, DS or timeline panel) first"
                    .into(),
                ToastKind::Error,
            );
            return;
        }
        self.panels.inspector.hex = true;
        self.screen.set_focus(crate::app::layout::Panel::Inspector);
        if self.presenting() {
            self.screen.set_pane(crate::app::lesson::Pane::Hex(None));
        }
    }

    /// `i`: the inspector takes the keys. Presenting, it takes the why pane's
    /// place under the caption, and `i` again gives the place back.
    pub(crate) fn toggle_inspector(&mut self) {
        use crate::app::layout::Panel;
        use crate::app::lesson::Pane;
        if !self.presenting() {
            self.screen.set_focus(Panel::Inspector);
            return;
        }
        match self.screen.pane() {
            Pane::Inspector | Pane::Hex(_) => {
                self.screen.set_pane(Pane::Why);
                self.panels.inspector.set_hex(false, None);
                self.screen.set_focus(Panel::Timeline);
            }
            Pane::Why => {
                self.screen.set_pane(Pane::Inspector);
                self.screen.set_focus(Panel::Inspector);
            }
        }
    }

    /// The followed key package's bundle and reference, once the engine sent them.
    pub fn bundle(&self) -> Option<&BundleDetails> {
        self.follow.bundle()
    }

    /// Whether the inspector shows the journey of the followed reference.
    pub fn shows_journey(&self) -> bool {
        match self.inspection() {
            Some(Inspection::KeyPackage(d)) => {
                self.followed() == Some(&d.kp_ref) && !self.journey().is_empty()
            }
            Some(Inspection::Welcome(_) | Inspection::Unavailable(_)) | None => false,
        }
    }

    /// The inspector's size inside its border, where it is on screen (else
    /// the whole screen's, as zoomed).
    pub fn inspector_size(&self) -> (usize, usize) {
        let area = self
            .areas(self.size())
            .get(crate::app::layout::Panel::Inspector)
            .unwrap_or(self.size());
        (
            usize::from(area.width.saturating_sub(2)).max(1),
            usize::from(area.height.saturating_sub(2)).max(1),
        )
    }

    /// How many rows the inspector has at its width: its lines, wrapped as
    /// `draw` draws them.
    pub fn inspector_len(&self) -> usize {
        let (width, _) = self.inspector_size();
        draw::wrapped(self, &Theme::mono(), width).len()
    }

    /// The index of the inspector's line at its top row.
    pub fn inspector_top_line(&self) -> usize {
        let (width, _) = self.inspector_size();
        let rows = draw::wrapped(self, &Theme::mono(), width);
        let scroll = self.cursor(crate::app::layout::Panel::Inspector);
        rows.get(scroll).map_or(0, |(line, _)| *line)
    }

    /// The events of the followed reference's journey.
    pub fn journey_events(&self) -> impl Iterator<Item = &Event> {
        self.journey()
            .iter()
            .filter_map(|seq| self.events().get((*seq as usize).saturating_sub(1)))
    }
}
