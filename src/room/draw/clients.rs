//! The clients table: every registered client, newest first, with what it has
//! at the DS (key packages available, a last-resort one kept, mail waiting) and
//! where it registered from. Columns that do not fit go whole, least needed
//! first; names are escaped and shortened, never the numbers.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::draw::table::{self, Cell, Column};
use crate::app::draw::text::{escaped, truncate};
use crate::app::draw::theme::Theme;
use crate::room::{ClientRow, Room};

/// The longest name shown whole.
const NAME_CHARS: usize = 24;

const COLUMNS: [Column; 5] = [
    Column::left("client", 0),
    Column::right("key packages", 0),
    Column::left("last resort", 0),
    Column::right("mail", 1),
    Column::left("registered from", 2),
];

/// Rows the table needs for `clients` rows: border, titles, one per client
/// (one line saying none yet).
pub fn height_for(clients: usize) -> u16 {
    (clients.max(1) as u16).saturating_add(3)
}

pub fn render(room: &Room, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let rows = room.clients();
    let visible = usize::from(area.height.saturating_sub(3));
    let hidden = rows.len().saturating_sub(visible);
    let mut title = vec![Span::styled(
        format!(" Clients · {} · newest first ", rows.len()),
        theme.title,
    )];
    if hidden > 0 {
        title.push(Span::styled(format!("· {hidden} more below "), theme.warn));
    }
    let block = super::frame(Line::from(title), theme.border);
    let inner = block.inner(area);
    block.render(area, buf);
    if rows.is_empty() {
        let waiting = "Nobody yet: each client appears here as it registers.";
        Paragraph::new(Span::styled(waiting, theme.muted)).render(inner, buf);
        return;
    }
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .rev()
        .take(visible)
        .map(|row| cells(row, theme))
        .collect();
    let widths = table::widths(&COLUMNS, &cells, inner.width);
    let mut lines = vec![table::header(&COLUMNS, &widths, theme.header)];
    lines.extend(
        cells
            .into_iter()
            .map(|cells| table::row(&COLUMNS, &widths, cells)),
    );
    Paragraph::new(lines).render(inner, buf);
}

fn cells<'a>(row: &ClientRow, theme: &Theme) -> Vec<Cell<'a>> {
    let name = truncate(&escaped(row.name()), NAME_CHARS);
    // Nothing left to claim: adding this client fails until it publishes.
    let available_style = match (row.available(), row.last_resort()) {
        (0, false) => theme.error,
        (0, true) => theme.warn,
        _ => theme.base,
    };
    let last_resort = if row.last_resort() {
        Span::styled("kept", theme.last_resort)
    } else {
        Span::styled("none", theme.muted)
    };
    let mail_style = if row.mail() > 0 {
        theme.ok
    } else {
        theme.muted
    };
    let peer = match row.peer() {
        Some(peer) => Span::raw(escaped(peer).into_owned()),
        None => Span::styled("before this start", theme.muted),
    };
    vec![
        vec![Span::styled(name, theme.title)],
        vec![Span::styled(row.available().to_string(), available_style)],
        vec![last_resort],
        vec![Span::styled(row.mail().to_string(), mail_style)],
        vec![peer],
    ]
}
