//! The groups panel: each group, how each member sees it, and who is invited.
//! Its cursor points at a group or a member; nothing is followed from it.

mod draw;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::theme::Theme;
use crate::app::{Action, App};

/// The cursor among the groups and their members.
#[derive(Debug, Clone, Default)]
pub struct GroupsPanel {
    cursor: usize,
}

/// Groups panel rows: (group index, member index or `None` for the group line);
/// invited members come after the joined ones, then those outside the lab.
pub fn rows(app: &App) -> Vec<(usize, Option<usize>)> {
    let mut rows = Vec::new();
    for (g, group) in app.view().groups.iter().enumerate() {
        rows.push((g, None));
        let people = group.members.len() + group.invited.len() + group.outside.len();
        rows.extend((0..people).map(|m| (g, Some(m))));
    }
    rows
}

impl PanelView for GroupsPanel {
    fn title(&self, app: &App) -> String {
        format!("Groups ({})", app.view().groups.len())
    }

    fn rows(&self, app: &App) -> usize {
        rows(app).len()
    }

    fn cursor(&self, _app: &App) -> usize {
        self.cursor
    }

    fn set_cursor(&mut self, row: usize, _rows: usize) {
        self.cursor = row;
    }

    fn header_rows(&self) -> u16 {
        0
    }

    fn target(&self, _app: &App) -> Option<Target> {
        None
    }

    fn commands(&self) -> &'static [Action] {
        &[
            Action::CreateGroup,
            Action::AddMember,
            Action::DeliverAndJoin,
        ]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        draw::render(app, area, buf, theme);
    }
}
