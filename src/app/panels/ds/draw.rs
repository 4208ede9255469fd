//! The Delivery Service panel: counters per client, then the acting client's
//! directory entries (what the DS holds and hands out).
//!
//! Counter columns, by priority (higher goes first when narrow):
//! client 0 · avl 0 · ↻ 0 · LR 1 · cl 2.
//! Entry columns: ref 0 · badge 0 · size 1 · suite 2.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Widget;

use crate::app::draw::table::{self, Cell, Column};
use crate::app::draw::text::{escaped, lr_badge, ref_span, truncate};
use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::panels::{highlight_row, visible};
use crate::app::App;

const COUNTERS: [Column; 5] = [
    Column::left("client", 0),
    Column::right("avl", 0),
    Column::left("LR", 1),
    Column::right("cl", 2),
    Column::right("↻", 0),
];

const ENTRIES: [Column; 4] = [
    Column::left("", 0),
    Column::left("", 0),
    Column::right("", 1),
    Column::left("", 2),
];

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = app.ds_rows();
    let shown = visible(app, Panel::Ds, rows.len(), body.height as usize);
    let first = shown.start;
    let mut counters: Vec<(usize, Vec<Cell>)> = Vec::new();
    let mut entries: Vec<(usize, Vec<Cell>)> = Vec::new();
    for i in shown {
        match rows[i] {
            (c, None) => {
                if let Some(cells) = counter_cells(app, c, theme) {
                    counters.push((i, cells));
                }
            }
            (_, Some(e)) => {
                if let Some(cells) = entry_cells(app, e, theme) {
                    entries.push((i, cells));
                }
            }
        }
    }
    let counter_widths = {
        let cells: Vec<Vec<Cell>> = counters.iter().map(|(_, c)| c.clone()).collect();
        table::widths(&COUNTERS, &cells, area.width)
    };
    let entry_widths = {
        let cells: Vec<Vec<Cell>> = entries.iter().map(|(_, c)| c.clone()).collect();
        table::widths(&ENTRIES, &cells, area.width)
    };
    table::header(&COUNTERS, &counter_widths, theme.header)
        .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let lines = counters
        .into_iter()
        .map(|(i, cells)| (i, table::row(&COUNTERS, &counter_widths, cells)))
        .chain(
            entries
                .into_iter()
                .map(|(i, cells)| (i, table::row(&ENTRIES, &entry_widths, cells))),
        );
    for (i, line) in lines {
        let y = body.y + (i - first) as u16;
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.cursor(Panel::Ds) {
            highlight_row(app, Panel::Ds, body, y, buf, theme);
        }
    }
}

/// A client's counters at the DS (another lab's too, on a shared DS).
fn counter_cells<'a>(app: &App, client: usize, theme: &Theme) -> Option<Vec<Cell<'a>>> {
    let name = *app.ds_clients().get(client)?;
    let dir = app.view().ds.clients.get(name);
    let available = dir.map_or(0, |d| d.normal.len());
    let claims = dir.map_or(0, |d| d.claims);
    let reuses = dir.map_or(0, |d| d.last_resort_reuses);
    let lr = match dir.and_then(|d| d.last_resort.first()) {
        Some(e) => vec![ref_span(app, &e.kp_ref, theme, theme.last_resort)],
        None => vec![Span::styled("-", theme.muted)],
    };
    Some(vec![
        vec![Span::styled(truncate(&escaped(name), 16), theme.ds)],
        vec![Span::raw(available.to_string())],
        lr,
        vec![Span::raw(claims.to_string())],
        vec![Span::styled(
            reuses.to_string(),
            if reuses > 0 { theme.reuse } else { theme.base },
        )],
    ])
}

/// One directory entry of the acting client: reference, badge, size, suite.
fn entry_cells<'a>(app: &App, entry: usize, theme: &Theme) -> Option<Vec<Cell<'a>>> {
    let entry = super::entry(app, entry)?;
    let reuses = entry.handouts.saturating_sub(1);
    Some(vec![
        vec![
            Span::raw(" "),
            ref_span(app, &entry.kp_ref, theme, theme.base),
        ],
        vec![lr_badge(entry.last_resort, true, reuses, theme)],
        vec![Span::raw(format!("{}B", entry.bytes.len()))],
        vec![Span::styled(format!("s{}", entry.ciphersuite), theme.muted)],
    ])
}
