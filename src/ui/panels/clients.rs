//! The clients panel: one row per client with its counts.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{highlight_row, visible};
use crate::app::{App, FlashKey};
use crate::layout::Panel;
use crate::theme::Theme;
use crate::ui::text::truncate;

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    Line::styled(
        format!("{:<10}{:>5}{:>5}{:>7}", "client", "kp", "pub", "bundle"),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let len = app.view().clients.len();
    for (row, i) in visible(app, Panel::Clients, len, body.height as usize).enumerate() {
        let client = &app.view().clients[i];
        let y = body.y + row as u16;
        let marker = if i == app.selected_client() {
            "▶"
        } else {
            " "
        };
        let name_style = if app.is_flashing(&FlashKey::Client(client.name.clone())) {
            theme.flash
        } else if i == app.selected_client() {
            theme.title
        } else {
            theme.base
        };
        let mut spans = vec![
            Span::styled(marker, theme.border_focus),
            Span::styled(format!("{:<9}", truncate(&client.name, 9)), name_style),
            Span::raw(format!(
                "{:>5}{:>5}{:>7}",
                client.key_packages.len(),
                client.published,
                client.bundles
            )),
        ];
        if client.pending > 0 {
            spans.push(Span::styled(format!(" ↓{}", client.pending), theme.warn));
        }
        Line::from(spans).render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.selected_client() {
            highlight_row(app, Panel::Clients, body, y, buf, theme);
        }
    }
}
