//! What every panel draws with: the palettes of the app's themes ([`theme`]),
//! tables whose columns fit ([`table`]), and text helpers ([`text`]): the one
//! way a reference is styled, truncation, wrapping, states and outcomes; the
//! terminal's colour depth and palettes brought down to it ([`depth`]).

pub mod depth;
pub mod table;
pub mod text;
pub mod theme;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use theme::Theme;

/// The selected row's style over `row`, except on cells with a background of
/// their own (the followed reference, a flash, a badge, a key): those keep
/// theirs, so the followed reference stays readable on a selected row.
pub fn highlight(row: Rect, buf: &mut Buffer, theme: &Theme) {
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
