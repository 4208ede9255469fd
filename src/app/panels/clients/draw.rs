//! The clients panel: one row per client with its counts and the mail waiting
//! for it (at the DS or fetched and not processed: joining is asynchronous).
//!
//! Columns, by priority (higher goes first when the panel is narrow):
//! client 0 · mail 1 · kp 2 · bundle 2 · pub 3.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Widget;

use crate::app::draw::table::{self, Cell, Column};
use crate::app::draw::text::{escaped, truncate};
use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::panels::{highlight_row, visible};
use crate::app::{App, FlashKey};

const COLUMNS: [Column; 5] = [
    Column::left("client", 0),
    Column::right("kp", 2),
    Column::right("pub", 3),
    Column::right("bundle", 2),
    Column::left("mail", 1),
];

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let view = app.view();
    let shown = visible(
        app,
        Panel::Clients,
        view.clients.len(),
        body.height as usize,
    );
    let rows: Vec<(usize, Vec<Cell>)> = shown
        .map(|i| {
            let client = &view.clients[i];
            let selected = i == app.selected_client();
            let name_style = if app.is_flashing(&FlashKey::Client(client.name.clone())) {
                theme.flash
            } else if selected {
                theme.title
            } else {
                theme.base
            };
            let mail = app.mail_for(&client.name);
            let mut name_cell = vec![
                Span::styled(if selected { "▶" } else { " " }, theme.border_focus),
                Span::styled(truncate(&escaped(&client.name), 16), name_style),
            ];
            // An external client: always marked with its credential's identity
            // (foreign text, escaped), as in the groups panel.
            if let Some(identity) = &client.external {
                let mark = format!(" ext={}", truncate(&escaped(identity), 12));
                name_cell.push(Span::styled(mark, theme.muted));
            }
            let cells = vec![
                name_cell,
                vec![Span::raw(client.key_packages.len().to_string())],
                vec![Span::raw(client.published.to_string())],
                vec![Span::raw(client.bundles.to_string())],
                match mail {
                    0 => vec![],
                    n => vec![Span::styled(format!("↓{n}"), theme.warn)],
                },
            ];
            (i, cells)
        })
        .collect();
    let cells: Vec<Vec<Cell>> = rows.iter().map(|(_, c)| c.clone()).collect();
    let widths = table::widths(&COLUMNS, &cells, area.width);
    table::header(&COLUMNS, &widths, theme.header)
        .render(Rect::new(area.x, area.y, area.width, 1), buf);
    for (row, (i, cells)) in rows.into_iter().enumerate() {
        let y = body.y + row as u16;
        table::row(&COLUMNS, &widths, cells).render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.selected_client() {
            highlight_row(app, Panel::Clients, body, y, buf, theme);
        }
    }
}
