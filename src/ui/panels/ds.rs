//! The Delivery Service panel: counters per client, then the acting client's
//! directory entries.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::{highlight_row, visible};
use crate::app::App;
use crate::layout::Panel;
use crate::theme::Theme;
use crate::ui::text::{owned_ref_span, truncate};

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    // Narrow panels get short column names; the help overlay explains them.
    let wide = area.width >= 40;
    let (name_w, avail_w, count_w) = if wide { (10, 6, 7) } else { (7, 4, 3) };
    let heads = if wide {
        ["client", "avail", "LR", "claims", "reuses"]
    } else {
        ["client", "avl", "LR", "cl", "↻"]
    };
    Line::styled(
        format!(
            "{:<name_w$}{:>avail_w$} {:<9}{:>count_w$}{:>count_w$}",
            heads[0], heads[1], heads[2], heads[3], heads[4]
        ),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    let rows = app.ds_rows();
    for (row, i) in visible(app, Panel::Ds, rows.len(), body.height as usize).enumerate() {
        let y = body.y + row as u16;
        let line = match rows[i] {
            (c, None) => {
                let Some(client) = app.view().clients.get(c) else {
                    continue;
                };
                let dir = app.view().ds.clients.get(&client.name);
                let available = dir.map_or(0, |d| d.normal.len());
                let lr = dir
                    .and_then(|d| d.last_resort.first())
                    .map(|e| crate::engine::wire::ref_hex(&e.kp_ref));
                let claims = dir.map_or(0, |d| d.claims);
                let reuses = dir.map_or(0, |d| d.last_resort_reuses);
                let mut spans = vec![
                    Span::styled(
                        format!("{:<name_w$}", truncate(&client.name, name_w - 1)),
                        theme.ds,
                    ),
                    Span::raw(format!("{available:>avail_w$} ")),
                ];
                match &lr {
                    Some(r) => {
                        spans.push(owned_ref_span(app, r, theme, theme.last_resort));
                        spans.push(Span::raw(" "));
                    }
                    None => spans.push(Span::styled(format!("{:<9}", "-"), theme.muted)),
                }
                spans.push(Span::raw(format!("{claims:>count_w$}")));
                spans.push(Span::styled(
                    format!("{reuses:>count_w$}"),
                    if reuses > 0 { theme.reuse } else { theme.base },
                ));
                Line::from(spans)
            }
            (_, Some(e)) => {
                let Some(entry) = app.ds_entry(e) else {
                    continue;
                };
                let full = crate::engine::wire::ref_hex(&entry.kp_ref);
                let owner = app.actor().unwrap_or("?");
                let mut spans = vec![
                    Span::styled(format!("  {owner}/"), theme.muted),
                    owned_ref_span(app, &full, theme, theme.base),
                    Span::raw(format!(
                        " suite {} {}B",
                        entry.ciphersuite,
                        entry.bytes.len()
                    )),
                ];
                if entry.last_resort {
                    spans.push(Span::styled(" LR", theme.last_resort));
                    if entry.handouts > 1 {
                        spans.push(Span::styled(
                            format!(" ↻×{}", entry.handouts - 1),
                            theme.reuse,
                        ));
                    }
                }
                Line::from(spans)
            }
        };
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.cursor(Panel::Ds) {
            highlight_row(app, Panel::Ds, body, y, buf, theme);
        }
    }
}
