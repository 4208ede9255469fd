//! One line of the inspector: a field's name in a fixed column and its value,
//! which wraps under itself, or an item continued at the item indent.

use ratatui::text::{Line, Span};

use crate::app::draw::theme::Theme;

/// Columns a field's name takes; its value wraps under itself.
const NAME_WIDTH: usize = 17;
/// Where a continued journey step or secret goes on.
const ITEM_INDENT: usize = 8;

/// A field: its name in the name column, then its value.
pub(super) fn field<'a>(
    name: &str,
    value: impl Into<Span<'a>>,
    theme: &Theme,
) -> (Line<'a>, usize) {
    let line = Line::from(vec![
        Span::styled(format!("{name:<w$}", w = NAME_WIDTH), theme.header),
        value.into(),
    ]);
    (line, NAME_WIDTH)
}

/// A line that is not a field: continued at the item indent.
pub(super) fn item(line: Line<'_>) -> (Line<'_>, usize) {
    (line, ITEM_INDENT)
}
