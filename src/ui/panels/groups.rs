//! The groups panel: each group and how each member sees it.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{highlight_row, visible};
use crate::app::{App, FlashKey};
use crate::layout::Panel;
use crate::theme::Theme;
use crate::ui::text::{short, truncate};

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let rows = app.group_rows();
    if rows.is_empty() {
        Paragraph::new("No groups yet. Press n to create one, a to add members.")
            .style(theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    for (row, i) in visible(app, Panel::Groups, rows.len(), area.height as usize).enumerate() {
        let y = area.y + row as u16;
        let (g, member) = rows[i];
        let Some(group) = app.view().groups.get(g) else {
            continue;
        };
        let line = match member {
            None => {
                let style = if app.is_flashing(&FlashKey::Group(group.name.clone())) {
                    theme.flash
                } else {
                    theme.title
                };
                let sync = if group.in_sync() {
                    Span::styled(" in sync", theme.ok)
                } else {
                    Span::styled(" out of sync", theme.error)
                };
                Line::from(vec![
                    Span::styled(group.name.clone(), style),
                    Span::styled(format!(" {} members", group.members.len()), theme.muted),
                    sync,
                ])
            }
            Some(m) => {
                let Some(member) = group.members.get(m) else {
                    continue;
                };
                let mut spans = vec![
                    Span::raw(format!("  {:<8}", truncate(&member.client, 8))),
                    Span::raw(format!("e{:<3}", member.epoch)),
                    Span::styled(short(&member.epoch_authenticator).to_string(), theme.muted),
                ];
                if member.via_last_resort {
                    spans.push(Span::styled(" LR", theme.last_resort));
                }
                if member.needs_update {
                    spans.push(Span::styled(" update!", theme.warn));
                }
                Line::from(spans)
            }
        };
        line.render(Rect::new(area.x, y, area.width, 1), buf);
        if i == app.cursor(Panel::Groups) {
            highlight_row(app, Panel::Groups, area, y, buf, theme);
        }
    }
}
