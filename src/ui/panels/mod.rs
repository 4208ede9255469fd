//! One file per panel; each draws inside the border `ui` gives it and only the
//! rows on screen.

pub(crate) mod clients;
pub(crate) mod ds;
pub(crate) mod groups;
pub(crate) mod inspector;
pub(crate) mod key_packages;
pub(crate) mod timeline;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::App;
use crate::layout::{self, Panel};
use crate::theme::Theme;

/// Paints the cursor row when the panel is focused.
fn highlight_row(app: &App, panel: Panel, area: Rect, y: u16, buf: &mut Buffer, theme: &Theme) {
    if app.focus() == panel {
        buf.set_style(Rect::new(area.x, y, area.width, 1), theme.selected);
    }
}

/// The rows of a table of `len` rows that fit in `height`, keeping the cursor in view.
fn visible(app: &App, panel: Panel, len: usize, height: usize) -> std::ops::Range<usize> {
    let offset = layout::scroll_offset(app.cursor(panel), len, height);
    offset..(offset + height).min(len)
}
