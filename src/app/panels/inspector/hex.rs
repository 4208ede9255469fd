//! The inspector's hex view (`x`): the inspected key package's bytes, the
//! selected field's bytes highlighted (issue "exploratory testing" §1). The
//! fields and their offsets come from `inspect`'s field tree, the same one
//! `mls-lab inspect` prints; ↑↓ picks a field.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::draw::text::escaped;
use crate::app::draw::theme::Theme;
use crate::app::App;

/// Columns before the bytes: the offset (4 hex digits) and two spaces.
const OFFSET_WIDTH: usize = 6;

/// Bytes per row that fit `width` columns (3 columns a byte), a multiple of 4
/// from 4 to 16.
pub fn bytes_per_row(width: usize) -> usize {
    let fit = width.saturating_sub(OFFSET_WIDTH) / 3;
    (fit / 4 * 4).clamp(4, 16)
}

/// The first row shown for the field of `len` bytes at `offset`: its first row,
/// with one row before it when the whole field still fits, and never past the
/// last page.
pub fn first_row(offset: usize, len: usize, per_row: usize, rows: usize, total: usize) -> usize {
    let per_row = per_row.max(1);
    let total_rows = total.div_ceil(per_row);
    let field_row = offset / per_row;
    let field_rows = (offset + len.max(1) - 1) / per_row - field_row + 1;
    let context = usize::from(field_rows < rows);
    let last_start = total_rows.saturating_sub(rows);
    field_row.saturating_sub(context).min(last_start)
}

/// `path`, or its end after `…` when it is longer than `room` characters, so
/// the field's own name and its position always show.
fn path_within(path: &str, room: usize) -> String {
    let length = path.chars().count();
    if length <= room {
        return path.to_string();
    }
    let tail: String = path.chars().skip(length + 1 - room.max(1)).collect();
    format!("…{tail}")
}

/// Draws the view inside the inspector's border.
pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let Some(hex) = app.hex_view() else {
        Line::styled(
            "The hex view shows a key package or a Welcome: pick one in the key packages, DS or timeline panel.",
            theme.muted,
        )
        .render(area, buf);
        return;
    };
    let Some(field) = hex.fields.get(app.hex_field()) else {
        return;
    };
    let position = format!("@{} +{} of {}", field.offset, field.len, hex.bytes.len());
    let room = usize::from(area.width).saturating_sub(position.chars().count() + 1);
    let heading = Line::from(vec![
        Span::styled(
            format!("{} ", escaped(&path_within(&field.path, room))),
            theme.header,
        ),
        Span::styled(position, theme.muted),
        // A field's value can be foreign text (an identity).
        Span::raw(
            field
                .value
                .as_ref()
                .map(|v| format!("  {}", escaped(v)))
                .unwrap_or_default(),
        ),
    ]);
    heading.render(Rect::new(area.x, area.y, area.width, 1), buf);
    let per_row = bytes_per_row(usize::from(area.width));
    let rows = usize::from(area.height.saturating_sub(1));
    let first = first_row(field.offset, field.len, per_row, rows, hex.bytes.len());
    let selected = field.offset..field.offset + field.len;
    for (row, chunk) in hex.bytes.chunks(per_row).enumerate().skip(first).take(rows) {
        let start = row * per_row;
        let mut spans = vec![Span::styled(format!("{start:04x}  "), theme.muted)];
        for (i, byte) in chunk.iter().enumerate() {
            let at = start + i;
            let style = if selected.contains(&at) {
                theme.follow
            } else {
                theme.base
            };
            spans.push(Span::styled(format!("{byte:02x}"), style));
            // The gap inside a field stays highlighted, so the field reads as one.
            let gap = if selected.contains(&at) && selected.contains(&(at + 1)) {
                theme.follow
            } else {
                theme.base
            };
            spans.push(Span::styled(" ", gap));
        }
        let y = area.y + 1 + (row - first) as u16;
        Line::from(spans).render(Rect::new(area.x, y, area.width, 1), buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_path_keeps_its_end() {
        assert_eq!(path_within("a.b.new_member", 20), "a.b.new_member");
        assert_eq!(
            path_within("Welcome.secrets.new_member", 12),
            "….new_member"
        );
        assert_eq!(
            path_within("Welcome.secrets.new_member", 12)
                .chars()
                .count(),
            12
        );
    }

    #[test]
    fn rows_fit_the_width_in_fours() {
        assert_eq!(bytes_per_row(49), 12);
        assert_eq!(bytes_per_row(78), 16);
        assert_eq!(bytes_per_row(10), 4);
        assert_eq!(bytes_per_row(0), 4);
    }

    #[test]
    fn the_field_starts_in_view_with_a_row_of_context() {
        // 300 bytes, 16 a row: 19 rows; 4 shown.
        assert_eq!(first_row(0, 2, 16, 4, 300), 0);
        assert_eq!(first_row(40, 2, 16, 4, 300), 1);
        assert_eq!(first_row(299, 1, 16, 4, 300), 15);
        assert_eq!(first_row(10, 2, 16, 40, 300), 0);
        // Bytes 36 to 68 take rows 3 to 5: in 3 rows no row before them.
        assert_eq!(first_row(36, 33, 12, 3, 300), 3);
        assert_eq!(first_row(36, 33, 12, 4, 300), 2);
    }
}
