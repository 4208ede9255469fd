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

/// What a piece of the heading is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Path,
    Position,
    Value,
    Gap,
}

/// The most rows the heading takes; the bytes get the rest.
const HEADING_ROWS: usize = 4;

/// The heading above the bytes, in rows of at most `width` columns: the
/// field's path (broken after a `.` when it is wider than a row), its
/// position, then its value's words, each going to the next row when the
/// current one is full, so nothing of it is cut at talk sizes (at most
/// [`HEADING_ROWS`]; a word wider than a row goes on over two).
fn heading(path: &str, position: &str, value: &str, width: usize) -> Vec<Vec<(Piece, String)>> {
    let width = width.max(1);
    let mut rows: Vec<Vec<(Piece, String)>> = vec![Vec::new()];
    let segments: Vec<&str> = path.split_inclusive('.').collect();
    let (last, parents) = segments.split_last().unwrap_or((&"", &[]));
    for segment in parents {
        place(&mut rows, Piece::Path, segment, "", width);
    }
    // The field's own name and its position stay on one row when a row holds
    // them: `new_member @8 +33 of 787`.
    let together = last.chars().count() + 1 + position.chars().count();
    let room = rows.last().map_or(0, |row| width.saturating_sub(used(row)));
    if together > room && together <= width && rows.last().is_some_and(|row| !row.is_empty()) {
        rows.push(Vec::new());
    }
    place(&mut rows, Piece::Path, last, "", width);
    place(&mut rows, Piece::Position, position, " ", width);
    // Two spaces between the position and the value; a value that fits a row
    // but not the rest of this one starts the next, whole.
    let length = value.chars().count();
    let room = rows
        .last()
        .map_or(0, |row| width.saturating_sub(used(row) + 2));
    if length > room && length <= width {
        rows.push(Vec::new());
    }
    let mut gap = "  ";
    for word in value.split_whitespace() {
        place(&mut rows, Piece::Value, word, gap, width);
        gap = " ";
    }
    rows.truncate(HEADING_ROWS);
    rows
}

/// Columns a heading row takes.
fn used(row: &[(Piece, String)]) -> usize {
    row.iter().map(|(_, t)| t.chars().count()).sum()
}

/// Puts `word` on the last row after `gap`, or on a new row when it does not
/// fit; a word wider than a row is broken over rows of its own.
fn place(rows: &mut Vec<Vec<(Piece, String)>>, piece: Piece, word: &str, gap: &str, width: usize) {
    let used =
        |row: &Vec<(Piece, String)>| row.iter().map(|(_, t)| t.chars().count()).sum::<usize>();
    let mut word: Vec<char> = word.chars().collect();
    let Some(row) = rows.last_mut() else {
        return;
    };
    let gap = if row.is_empty() { "" } else { gap };
    if gap.len() + word.len() <= width.saturating_sub(used(row)) {
        row.push((Piece::Gap, gap.to_string()));
        row.push((piece, word.into_iter().collect()));
        return;
    }
    while word.len() > width {
        let rest = word.split_off(width);
        rows.push(vec![(piece, word.into_iter().collect())]);
        word = rest;
    }
    rows.push(vec![(piece, word.into_iter().collect())]);
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
    // A field's value can be foreign text (an identity).
    let value = field.value.as_deref().map(escaped).unwrap_or_default();
    let path = escaped(&field.path);
    let rows = heading(&path, &position, &value, usize::from(area.width));
    // One row of bytes stays, however short the panel.
    let heading_rows = rows
        .len()
        .min(usize::from(area.height.saturating_sub(1)).max(1));
    for (row, pieces) in rows.into_iter().take(heading_rows).enumerate() {
        let spans: Vec<Span> = pieces
            .into_iter()
            .map(|(piece, text)| {
                let style = match piece {
                    Piece::Path => theme.header,
                    Piece::Position => theme.muted,
                    Piece::Value | Piece::Gap => theme.base,
                };
                Span::styled(text, style)
            })
            .collect();
        let y = area.y + row as u16;
        Line::from(spans).render(Rect::new(area.x, y, area.width, 1), buf);
    }
    let per_row = bytes_per_row(usize::from(area.width));
    let rows = usize::from(area.height).saturating_sub(heading_rows);
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
        let y = area.y + (heading_rows + row - first) as u16;
        Line::from(spans).render(Rect::new(area.x, y, area.width, 1), buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn text(rows: &[Vec<(Piece, String)>]) -> Vec<String> {
        rows.iter()
            .map(|row| row.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn the_heading_goes_on_the_next_row_instead_of_being_cut() {
        let one = heading("init_key", "@4 +33 of 275", "32 bytes 5a3b", 60);
        assert_eq!(text(&one), ["init_key @4 +33 of 275  32 bytes 5a3b"]);
        let two = heading(
            "leaf_node.lifetime.not_before",
            "@125 +8 of 275",
            "1796598000 = 2026-12-06 23:00 UTC",
            48,
        );
        assert_eq!(
            text(&two),
            [
                "leaf_node.lifetime.not_before @125 +8 of 275",
                "1796598000 = 2026-12-06 23:00 UTC"
            ]
        );
        let narrow = heading(
            "leaf_node.signature",
            "@142 +66 of 275",
            "64 bytes aa bb cc",
            20,
        );
        assert_eq!(
            text(&narrow),
            [
                "leaf_node.signature",
                "@142 +66 of 275",
                "64 bytes aa bb cc"
            ]
        );
        let long = heading(
            "leaf_node.capabilities.credentials.credential_type",
            "@122 +2 of 275",
            "1 (basic)",
            40,
        );
        assert_eq!(
            text(&long),
            [
                "leaf_node.capabilities.credentials.",
                "credential_type @122 +2 of 275",
                "1 (basic)"
            ]
        );
        let member = heading(
            "Welcome.secrets.EncryptedGroupSecrets.new_member",
            "@8 +33 of 787",
            "KeyPackageRef 60ff",
            48,
        );
        assert_eq!(
            text(&member),
            [
                "Welcome.secrets.EncryptedGroupSecrets.",
                "new_member @8 +33 of 787  KeyPackageRef 60ff"
            ]
        );
        for rows in [one, two, narrow, long, member] {
            assert!(rows.len() <= HEADING_ROWS);
        }
    }
}
