//! Drawing only: `impl Widget for &App` routes each screen region to what draws
//! it (demo2's layout): each panel draws itself (`app::panels`, one folder per
//! panel with its state and keys), `bars.rs` the header, message line and status
//! bar; the why pane and the help overlay are drawn by their panels too. The
//! palettes and drawing primitives are [`crate::app::draw`]'s, re-exported here.

mod bars;

pub use crate::app::draw::{table, text, theme};

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use crate::app::layout::Panel;
use crate::app::panels::{help, why};
use crate::app::{App, MIN_HEIGHT, MIN_WIDTH};
use theme::Theme;

/// Draws the whole screen.
impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = Theme::at(self.theme(), self.settings().colours);
        paint(area, buf, theme.base);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf, &theme);
            return;
        }
        let areas = self.areas(area);
        bars::header(self, areas.header, buf, &theme);
        for (panel, rect) in &areas.panels {
            let block = panel_block(self, *panel, &theme);
            let inner = block.inner(*rect);
            block.render(*rect, buf);
            self.panel(*panel).draw(self, inner, buf, &theme);
        }
        if let Some(pane) = areas.why {
            why::render(self, pane, buf, &theme);
        }
        bars::message(self, areas.message, buf, &theme);
        bars::status(self, areas.status, buf, &theme);
        if self.show_help() {
            help::render(self, area, buf, &theme);
        }
    }
}

/// `style` on every cell of `area`. The whole frame is painted cell by cell
/// over the buffer's cells: `Buffer::set_style` finds each cell by its position
/// first, which was a tenth of a frame's cost.
fn paint(area: Rect, buf: &mut Buffer, style: ratatui::style::Style) {
    if area == buf.area {
        for cell in &mut buf.content {
            cell.set_style(style);
        }
    } else {
        buf.set_style(area, style);
    }
}

fn too_small(area: Rect, buf: &mut Buffer, theme: &Theme) {
    let text = vec![
        Line::styled("Please enlarge the terminal", theme.title),
        Line::raw(format!("to at least {MIN_WIDTH}×{MIN_HEIGHT}")),
        Line::raw(format!("(now {}×{})", area.width, area.height)),
        Line::styled("q quits", theme.muted),
    ];
    let height = (text.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .render(Rect::new(area.x, y, area.width, height), buf);
}

/// A panel's border: thick and in the focus colour when it has the keys.
fn panel_block<'a>(app: &App, panel: Panel, theme: &Theme) -> Block<'a> {
    let focused = app.focus() == panel;
    let (border, kind) = if focused {
        (theme.border_focus, BorderType::Thick)
    } else {
        (theme.border, BorderType::Rounded)
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(border)
        // Titles name clients and groups: input, escaped.
        .title(Span::styled(
            format!(" {} ", text::escaped(&app.panel(panel).title(app))),
            theme.title,
        ))
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Color, Style};

    use super::*;

    /// Painting the whole frame over its cells styles what `set_style` would,
    /// and a smaller area only its own cells.
    #[test]
    fn painting_styles_exactly_the_area() {
        let style = Style::new().fg(Color::Red).bg(Color::Black);
        let frame = Rect::new(2, 1, 5, 4);
        for area in [frame, Rect::new(3, 2, 2, 1)] {
            let mut painted = Buffer::empty(frame);
            paint(area, &mut painted, style);
            let mut expected = Buffer::empty(frame);
            expected.set_style(area, style);
            assert_eq!(painted, expected, "{area:?}");
            assert_ne!(painted, Buffer::empty(frame), "{area:?}");
        }
    }
}
