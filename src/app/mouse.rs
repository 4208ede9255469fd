//! The mouse: a click lands on what `layout` says is drawn there (the panel gets
//! the keys and its row the cursor), the wheel scrolls the panel under it.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::layout;
use super::{App, Effect};

impl App {
    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if self.console.is_open() || self.panels.help.shown() {
            return Vec::new();
        }
        let areas = self.areas(self.size());
        let position = Position::new(mouse.column, mouse.row);
        let Some((panel, area)) = areas.panels.iter().find(|(_, r)| r.contains(position)) else {
            return Vec::new();
        };
        let (panel, area) = (*panel, *area);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.screen.set_focus(panel);
                self.dirty = true;
                let header_rows = self.panels.get(panel).header_rows();
                let first_row = area.y + 1 + header_rows;
                if mouse.row >= first_row && mouse.row < area.bottom().saturating_sub(1) {
                    let height = layout::body_height(header_rows, area);
                    let len = self.rows(panel);
                    let offset = layout::scroll_offset(self.cursor(panel), len, height);
                    let row = offset + usize::from(mouse.row - first_row);
                    if row < len {
                        self.set_cursor(panel, row);
                    }
                }
                self.follow_selection()
            }
            MouseEventKind::ScrollDown => {
                self.screen.set_focus(panel);
                self.move_cursor(3)
            }
            MouseEventKind::ScrollUp => {
                self.screen.set_focus(panel);
                self.move_cursor(-3)
            }
            // Other buttons, drags and moves do nothing.
            MouseEventKind::Down(_)
            | MouseEventKind::Up(_)
            | MouseEventKind::Drag(_)
            | MouseEventKind::Moved
            | MouseEventKind::ScrollLeft
            | MouseEventKind::ScrollRight => Vec::new(),
        }
    }
}
