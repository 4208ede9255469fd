//! The Delivery Service panel: counters per client, then the acting client's
//! directory entries (what the DS holds and hands out). Its cursor points at a
//! client's counters (that client acts) or at an entry (its package is followed).

mod draw;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{PanelView, Target};
use crate::app::draw::theme::Theme;
use crate::app::{Action, App};
use crate::engine::ds::DirectoryEntry;

/// The cursor among the DS panel's rows.
#[derive(Debug, Clone, Default)]
pub struct DsPanel {
    cursor: usize,
}

/// DS panel rows: one per client with its counters, then the directory entries
/// of the acting client: (client index, entry index or `None` for the counters).
pub fn rows(app: &App) -> Vec<(usize, Option<usize>)> {
    let view = app.view();
    let selected = app.selected_client();
    let mut rows: Vec<(usize, Option<usize>)> =
        (0..clients(app).len()).map(|i| (i, None)).collect();
    if let Some(client) = view.clients.get(selected) {
        if let Some(dir) = view.ds.clients.get(&client.name) {
            let entries = dir.normal.len() + dir.last_resort.len();
            rows.extend((0..entries).map(|e| (selected, Some(e))));
        }
    }
    rows
}

/// The clients the DS panel counts: the lab's, in its order, then on a shared
/// DS (`--ds URL`) the other clients the server lists.
pub fn clients(app: &App) -> Vec<&str> {
    let view = app.view();
    let mut names: Vec<&str> = view.clients.iter().map(|c| c.name.as_str()).collect();
    if view.ds.shared {
        let outside = view.ds.clients.keys().map(String::as_str);
        let outside: Vec<&str> = outside.filter(|n| !names.contains(n)).collect();
        names.extend(outside);
    }
    names
}

/// The directory entry of the acting client at `index`: normal ones, then the
/// last-resort one.
pub fn entry(app: &App, index: usize) -> Option<&DirectoryEntry> {
    let client = app.view().clients.get(app.selected_client())?;
    let dir = app.view().ds.clients.get(&client.name)?;
    dir.normal.get(index).or_else(|| {
        index
            .checked_sub(dir.normal.len())
            .and_then(|i| dir.last_resort.get(i))
    })
}

impl PanelView for DsPanel {
    /// What a fault holds back is in no mailbox: the title counts it.
    fn title(&self, app: &App) -> String {
        match app.view().ds.held {
            0 => "Delivery Service".into(),
            held => format!("Delivery Service · {held} held"),
        }
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
        1
    }

    /// An entry of the acting client's directory (it owns the package), or a
    /// client's counters.
    fn target(&self, app: &App) -> Option<Target> {
        match rows(app).get(self.cursor)? {
            (_, Some(index)) => Some(Target::KeyPackage {
                owner: app.actor()?.to_string(),
                kp_ref: entry(app, *index)?.kp_ref.clone(),
            }),
            // Another lab's client on a shared DS is shown, not selected.
            (client, None) if *client >= app.view().clients.len() => None,
            (client, None) => Some(Target::Client(*client)),
        }
    }

    fn commands(&self) -> &'static [Action] {
        &[Action::Claim, Action::ToggleFault]
    }

    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
        draw::render(app, area, buf, theme);
    }
}
