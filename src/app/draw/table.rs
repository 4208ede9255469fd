//! Tables that fit: every panel declares its columns with a priority, each
//! column is as wide as its widest cell, and when the panel is too narrow whole
//! columns go, lowest priority first (never half a badge or half a number).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// 0 is never dropped; higher numbers go first.
    pub priority: u8,
    pub right: bool,
}

impl Column {
    pub const fn left(title: &'static str, priority: u8) -> Self {
        Self {
            title,
            priority,
            right: false,
        }
    }

    pub const fn right(title: &'static str, priority: u8) -> Self {
        Self {
            title,
            priority,
            right: true,
        }
    }
}

/// A cell: the spans drawn in one column.
pub type Cell<'a> = Vec<Span<'a>>;

fn cell_width(cell: &Cell) -> usize {
    cell.iter().map(|s| s.width()).sum()
}

/// The width of each column that fits in `room` (`None`: dropped). Columns are
/// one space apart.
pub fn widths(columns: &[Column], rows: &[Vec<Cell>], room: u16) -> Vec<Option<usize>> {
    let mut widths: Vec<Option<usize>> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let widest = rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(cell_width)
                .max()
                .unwrap_or(0);
            Some(widest.max(c.title.chars().count()))
        })
        .collect();
    let total = |w: &[Option<usize>]| {
        let shown: Vec<usize> = w.iter().flatten().copied().collect();
        shown.iter().sum::<usize>() + shown.len().saturating_sub(1)
    };
    while total(&widths) > usize::from(room) {
        // The lowest priority still shown, the rightmost of those first.
        let drop = columns
            .iter()
            .enumerate()
            .filter(|(i, c)| widths[*i].is_some() && c.priority > 0)
            .max_by_key(|(i, c)| (c.priority, *i))
            .map(|(i, _)| i);
        match drop {
            Some(i) => widths[i] = None,
            None => break,
        }
    }
    widths
}

/// The column titles, laid out like the rows.
pub fn header<'a>(columns: &[Column], widths: &[Option<usize>], style: Style) -> Line<'a> {
    let cells: Vec<Cell> = columns
        .iter()
        .map(|c| vec![Span::styled(c.title, style)])
        .collect();
    row(columns, widths, cells)
}

/// One row: each shown cell padded to its column's width.
pub fn row<'a>(columns: &[Column], widths: &[Option<usize>], cells: Vec<Cell<'a>>) -> Line<'a> {
    let mut spans = Vec::new();
    let mut first = true;
    for ((column, width), cell) in columns.iter().zip(widths).zip(cells) {
        let Some(width) = *width else {
            continue;
        };
        if !first {
            spans.push(Span::raw(" "));
        }
        first = false;
        let pad = " ".repeat(width.saturating_sub(cell_width(&cell)));
        if column.right {
            spans.push(Span::raw(pad));
            spans.extend(cell);
        } else {
            spans.extend(cell);
            spans.push(Span::raw(pad));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: [Column; 3] = [
        Column::left("client", 0),
        Column::right("kp", 2),
        Column::right("mail", 1),
    ];

    fn rows() -> Vec<Vec<Cell<'static>>> {
        vec![vec![
            vec![Span::raw("alice")],
            vec![Span::raw("10000")],
            vec![Span::raw("↓2")],
        ]]
    }

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        assert_eq!(widths(&COLUMNS, &rows(), 80), [Some(6), Some(5), Some(4)]);
    }

    #[test]
    fn the_lowest_priority_goes_first_and_whole() {
        // 6 + 1 + 5 + 1 + 4 = 17 does not fit in 16: kp (priority 2) goes.
        assert_eq!(widths(&COLUMNS, &rows(), 16), [Some(6), None, Some(4)]);
        assert_eq!(widths(&COLUMNS, &rows(), 5), [Some(6), None, None]);
        let line = row(&COLUMNS, &widths(&COLUMNS, &rows(), 16), rows().remove(0));
        assert_eq!(line.to_string(), "alice    ↓2");
    }
}
