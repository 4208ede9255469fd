//! Drawing only: `impl Widget for &App` routes each screen region to its file
//! (demo2's layout): `panels/` one file per panel, `bars.rs` the header, message
//! line and status bar, `help.rs` the overlay, `text.rs` the shared text helpers,
//! [`theme`] the palettes of the app's themes.

mod bars;
mod help;
pub mod panels;
pub mod table;
pub mod text;

pub mod theme;

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use crate::app::layout::Panel;
use crate::app::{App, MIN_HEIGHT, MIN_WIDTH};
use crate::worker::Inspection;
use theme::Theme;

/// Draws the whole screen.
impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let theme = Theme::of(self.theme());
        buf.set_style(area, theme.base);
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
            match panel {
                Panel::Clients => panels::clients::render(self, inner, buf, &theme),
                Panel::KeyPackages => panels::key_packages::render(self, inner, buf, &theme),
                Panel::Ds => panels::ds::render(self, inner, buf, &theme),
                Panel::Groups => panels::groups::render(self, inner, buf, &theme),
                Panel::Timeline => panels::timeline::render(self, inner, buf, &theme),
                Panel::Inspector if self.shows_hex() => {
                    panels::hex::render(self, inner, buf, &theme)
                }
                Panel::Inspector => panels::inspector::render(self, inner, buf, &theme),
            }
        }
        if let Some(why) = areas.why {
            panels::why::render(self, why, buf, &theme);
        }
        bars::message(self, areas.message, buf, &theme);
        bars::status(self, areas.status, buf, &theme);
        if self.show_help() {
            help::render(self, area, buf, &theme);
        }
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

fn panel_title(app: &App, panel: Panel) -> String {
    match panel {
        Panel::Clients => format!("Clients ({})", app.view().clients.len()),
        Panel::KeyPackages => match app.actor() {
            Some(name) => format!("Key packages of {name} (storage)"),
            None => "Key packages".into(),
        },
        // What a fault holds back is in no mailbox: the title counts it.
        Panel::Ds => match app.view().ds.held {
            0 => "Delivery Service".into(),
            held => format!("Delivery Service · {held} held"),
        },
        Panel::Groups => format!("Groups ({})", app.view().groups.len()),
        Panel::Timeline => format!("Timeline ({})", text::count(app.events().len(), "event")),
        Panel::Inspector => match app.inspection() {
            Some(Inspection::KeyPackage(d)) if app.shows_hex() => {
                format!("Inspector: key package {} (hex)", d.kp_ref.short())
            }
            Some(Inspection::KeyPackage(d)) => {
                format!("Inspector: key package {}", d.kp_ref.short())
            }
            Some(Inspection::Welcome(d)) if app.shows_hex() => {
                format!("Inspector: Welcome to {} (hex)", d.group)
            }
            Some(Inspection::Welcome(d)) => format!("Inspector: Welcome to {}", d.group),
            Some(Inspection::Unavailable(_)) | None => "Inspector".into(),
        },
    }
}

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
            format!(" {} ", text::escaped(&panel_title(app, panel))),
            theme.title,
        ))
}
