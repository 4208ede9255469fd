//! The help over the room screen: the keys (from their one declaration) and
//! what the screen shows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};

use crate::app::draw::theme::Theme;
use crate::room::ROOM_KEYS;

const ABOUT: &[&str] = &[
    "URL: what attendees put after --ds (mls-lab --ds URL --clients NAME).",
    "Clients: the DS's directory now; a client with 0 key packages and no last resort cannot be added.",
    "Counters: claims, reuses, Welcomes and refusals since this start.",
    "Feed: LAST-RESORT REUSE is a last-resort package handed out again (RFC 9420 §16.8); REFUSED lines carry the refusal's code.",
];

pub fn render(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2).min(16);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    Clear.render(popup, buf);
    let block = super::frame(
        Span::styled(" Help · Esc closes ", theme.title),
        theme.border_focus,
    )
    .style(theme.base);
    let mut lines: Vec<Line> = ROOM_KEYS
        .iter()
        .map(|key| {
            Line::from(vec![
                Span::styled(format!(" {:>6} ", key.label), theme.key),
                Span::raw(format!(" {}", key.help)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.extend(ABOUT.iter().map(|text| Line::raw(*text)));
    Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .render(popup, buf);
}
