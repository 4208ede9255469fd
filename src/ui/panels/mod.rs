//! One file per panel; each draws inside the border `ui` gives it and only the
//! rows on screen.

pub(crate) mod clients;
pub(crate) mod ds;
pub(crate) mod groups;
pub(crate) mod hex;
pub(crate) mod inspector;
pub(crate) mod key_packages;
pub(crate) mod timeline;
pub(crate) mod why;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::layout::{self, Panel};
use crate::app::App;
use crate::ui::theme::Theme;

/// Paints the cursor row when the panel is focused.
fn highlight_row(app: &App, panel: Panel, area: Rect, y: u16, buf: &mut Buffer, theme: &Theme) {
    if app.focus() == panel {
        highlight(Rect::new(area.x, y, area.width, 1), buf, theme);
    }
}

/// The selected row's style over `row`, except on cells with a background of
/// their own (the followed reference, a flash, a badge, a key): those keep
/// theirs, so the followed reference stays readable on a selected row.
pub(crate) fn highlight(row: Rect, buf: &mut Buffer, theme: &Theme) {
    let base_bg = theme.base.bg;
    for x in row.left()..row.right() {
        for y in row.top()..row.bottom() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                let own = cell.bg != ratatui::style::Color::Reset && Some(cell.bg) != base_bg;
                if !own {
                    cell.set_style(theme.selected);
                }
            }
        }
    }
}

/// The rows of a table of `len` rows that fit in `height`, keeping the cursor in view.
fn visible(app: &App, panel: Panel, len: usize, height: usize) -> std::ops::Range<usize> {
    let offset = layout::scroll_offset(app.cursor(panel), len, height);
    offset..(offset + height).min(len)
}
