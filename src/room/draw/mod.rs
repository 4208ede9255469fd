//! Drawing the room screen: `impl Widget for &Room` lays the screen out and
//! routes each region to the file that draws it (the header with the URL and
//! the counters, the clients table, the feed, the status bar, the help). It
//! reads the room through its accessors only; text from the network is escaped
//! where each region builds its spans.

mod clients;
mod feed;
mod header;
mod help;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Padding, Paragraph, Widget, Wrap};

use super::{Room, ROOM_KEYS};
use crate::app::draw::theme::Theme;

/// Below this the screen says how large it needs to be.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The frame every region of the room screen sits in: rounded, a column of
/// padding each side, `title` on its top edge.
fn frame<'a>(title: impl Into<Line<'a>>, border: Style) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .padding(Padding::horizontal(1))
        .border_type(BorderType::Rounded)
        .border_style(border)
        .title(title)
}

/// Draws the whole screen.
impl Widget for &Room {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let look = self.look();
        let theme = Theme::at(look.theme, look.colours);
        buf.set_style(area, theme.base);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "mls-lab serve: make the window at least {MIN_WIDTH}×{MIN_HEIGHT} (the server runs on; q quits)"
            );
            Paragraph::new(text)
                .style(theme.base)
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
        let header_height = header::height(self, area.width);
        let status = Rect::new(area.x, area.bottom() - 1, area.width, 1);
        let header = Rect::new(area.x, area.y, area.width, header_height);
        let middle_top = area.y + header_height;
        let middle = Rect::new(
            area.x,
            middle_top,
            area.width,
            status.y.saturating_sub(middle_top),
        );
        // The table takes what its rows need, up to half; the feed the rest.
        let wanted = clients::height_for(self.clients().len());
        let table_height = wanted.min(middle.height / 2).max(4.min(middle.height));
        let table = Rect::new(middle.x, middle.y, middle.width, table_height);
        let feed = Rect::new(
            middle.x,
            middle.y + table_height,
            middle.width,
            middle.height - table_height,
        );
        header::render(self, header, buf, &theme);
        clients::render(self, table, buf, &theme);
        feed::render(self, feed, buf, &theme);
        status_bar(self, status, buf, &theme);
        if self.help_shown() {
            help::render(area, buf, &theme);
        }
    }
}

/// The keys on the left, where the server listens on the right.
fn status_bar(room: &Room, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut spans = Vec::new();
    for key in ROOM_KEYS.iter().filter(|key| !key.short.is_empty()) {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {} ", key.label), theme.key));
        spans.push(Span::styled(format!(" {}", key.short), theme.muted));
    }
    Line::from(spans).render(area, buf);
    let listening = format!("listening on {} ", room.facts().listening());
    let width = listening.chars().count() as u16;
    let used: u16 = ROOM_KEYS
        .iter()
        .filter(|key| !key.short.is_empty())
        .map(|key| (key.label.len() + key.short.len() + 4) as u16)
        .sum();
    if used + width < area.width {
        let right = Rect::new(area.right() - width, area.y, width, 1);
        Span::styled(listening, theme.muted).render(right, buf);
    }
}
