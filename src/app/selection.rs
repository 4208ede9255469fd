//! Selection and focus: which panel has the keys, which client acts, the cursor
//! of every table, and the mouse (a click lands on what `layout` says is drawn).

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::{App, Effect};
use crate::app::layout::{self, Panel};
use crate::engine::ds::DirectoryEntry;

/// Cursors and focus.
#[derive(Debug, Clone)]
pub(super) struct Selection {
    pub(super) focus: Panel,
    /// Index into `view.clients`: the client that acts.
    pub(super) selected_client: usize,
    pub(super) kp_cursor: usize,
    pub(super) ds_cursor: usize,
    pub(super) group_cursor: usize,
    /// `None`: the timeline follows the newest event.
    pub(super) timeline_cursor: Option<usize>,
    pub(super) inspector_scroll: usize,
    pub(super) zoomed: bool,
    pub(super) show_help: bool,
    /// The why pane is shown (`y`).
    pub(super) show_why: bool,
    /// The page of the why pane shown (`.`), for the subject it was asked on.
    pub(super) why_page: (String, usize),
    /// The inspector shows the hex view (`x`), this field selected.
    pub(super) hex: bool,
    pub(super) hex_field: usize,
    /// First line of the help overlay shown (it scrolls on small screens).
    pub(super) help_scroll: usize,
    pub(super) size: Rect,
    /// The acting client changed since the inspector was last aligned with it.
    pub(super) client_changed: bool,
}

impl Selection {
    pub(super) fn new(size: Rect) -> Self {
        Self {
            focus: Panel::KeyPackages,
            selected_client: 0,
            kp_cursor: 0,
            ds_cursor: 0,
            group_cursor: 0,
            timeline_cursor: None,
            inspector_scroll: 0,
            zoomed: false,
            show_help: false,
            show_why: false,
            why_page: (String::new(), 0),
            hex: false,
            hex_field: 0,
            help_scroll: 0,
            size,
            client_changed: false,
        }
    }
}

impl App {
    /// How many rows the panel has.
    pub fn rows(&self, panel: Panel) -> usize {
        match panel {
            Panel::Clients => self.view.clients.len(),
            // Its own packages, then those it claimed and has not used yet.
            Panel::KeyPackages => self
                .view
                .clients
                .get(self.selection.selected_client)
                .map_or(0, |c| c.key_packages.len() + c.claimed.len()),
            Panel::Ds => self.ds_rows().len(),
            Panel::Groups => self.group_rows().len(),
            Panel::Timeline => self.visible_events(),
            Panel::Inspector if self.selection.hex => self.hex_view().map_or(0, |h| h.fields.len()),
            Panel::Inspector => self.inspector_len(),
        }
    }

    /// The cursor row of a panel (the first line shown, for the inspector).
    pub fn cursor(&self, panel: Panel) -> usize {
        let s = &self.selection;
        match panel {
            Panel::Clients => s.selected_client,
            Panel::KeyPackages => s.kp_cursor,
            Panel::Ds => s.ds_cursor,
            Panel::Groups => s.group_cursor,
            Panel::Timeline => self.timeline_row(),
            Panel::Inspector if s.hex => self.hex_field(),
            Panel::Inspector => s.inspector_scroll,
        }
    }

    pub(super) fn set_cursor(&mut self, panel: Panel, row: usize) {
        let len = self.rows(panel);
        let row = row.min(len.saturating_sub(1));
        let s = &mut self.selection;
        match panel {
            Panel::Clients => self.select_client(row),
            Panel::KeyPackages => s.kp_cursor = row,
            Panel::Ds => s.ds_cursor = row,
            Panel::Groups => s.group_cursor = row,
            Panel::Timeline => {
                s.timeline_cursor = if row + 1 >= len { None } else { Some(row) };
            }
            Panel::Inspector if s.hex => s.hex_field = row,
            Panel::Inspector => s.inspector_scroll = row,
        }
    }

    pub(super) fn select_client(&mut self, index: usize) {
        let index = index.min(self.view.clients.len().saturating_sub(1));
        if index != self.selection.selected_client {
            self.selection.selected_client = index;
            self.selection.kp_cursor = 0;
            // The inspector must not stay on another client's package.
            self.selection.client_changed = true;
            self.align_ds_cursor();
        }
        self.dirty = true;
    }

    /// Tab and Shift-Tab: the next panel in `step`'s direction that is on the
    /// screen (the projector layout shows only some of them).
    pub(super) fn move_focus(&mut self, step: fn(Panel) -> Panel) {
        let start = self.selection.focus;
        let mut panel = step(start);
        for _ in 0..Panel::ALL.len() {
            self.selection.focus = panel;
            if self.areas(self.selection.size).get(panel).is_some() {
                break;
            }
            panel = step(panel);
        }
        self.align_ds_cursor();
    }

    /// Puts the DS panel's cursor on the acting client's counters.
    pub(super) fn align_ds_cursor(&mut self) {
        let client = self.selection.selected_client;
        let on_client = self
            .ds_rows()
            .get(self.selection.ds_cursor)
            .is_some_and(|(c, _)| *c == client);
        if !on_client {
            self.selection.ds_cursor = client;
        }
    }

    pub(super) fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        let panel = self.selection.focus;
        let current = self.cursor(panel) as i64;
        let target = current.saturating_add(delta).max(0) as usize;
        self.set_cursor(panel, target);
        self.dirty = true;
        self.follow_selection()
    }

    /// Rows in a page of the focused panel.
    pub(super) fn page(&self) -> usize {
        let areas = self.areas(self.selection.size);
        areas
            .panels
            .iter()
            .find(|(p, _)| *p == self.selection.focus)
            .map_or(10, |(p, r)| layout::body_height(*p, *r).max(1))
    }

    /// Keeps every cursor on a row that exists.
    pub(super) fn clamp_cursors(&mut self) {
        self.selection.selected_client = self
            .selection
            .selected_client
            .min(self.view.clients.len().saturating_sub(1));
        for panel in [Panel::KeyPackages, Panel::Ds, Panel::Groups] {
            let len = self.rows(panel);
            if self.cursor(panel) >= len {
                self.set_cursor(panel, len.saturating_sub(1));
            }
        }
    }

    /// DS panel rows: one per client with its counters, then the directory entries
    /// of the selected client: (client index, entry index or `None` for the counters).
    pub fn ds_rows(&self) -> Vec<(usize, Option<usize>)> {
        let selected = self.selection.selected_client;
        let mut rows: Vec<(usize, Option<usize>)> =
            (0..self.ds_clients().len()).map(|i| (i, None)).collect();
        if let Some(client) = self.view.clients.get(selected) {
            if let Some(dir) = self.view.ds.clients.get(&client.name) {
                let entries = dir.normal.len() + dir.last_resort.len();
                rows.extend((0..entries).map(|e| (selected, Some(e))));
            }
        }
        rows
    }

    /// The clients the DS panel counts: the lab's, in its order, then on a
    /// shared DS (`--ds URL`) the other clients the server lists.
    pub fn ds_clients(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.view.clients.iter().map(|c| c.name.as_str()).collect();
        if self.view.ds.shared {
            let outside = self.view.ds.clients.keys().map(String::as_str);
            let outside: Vec<&str> = outside.filter(|n| !names.contains(n)).collect();
            names.extend(outside);
        }
        names
    }

    /// The directory entry of the selected client at `index`: normal ones, then
    /// the last-resort one.
    pub fn ds_entry(&self, index: usize) -> Option<&DirectoryEntry> {
        let client = self.view.clients.get(self.selection.selected_client)?;
        let dir = self.view.ds.clients.get(&client.name)?;
        dir.normal.get(index).or_else(|| {
            index
                .checked_sub(dir.normal.len())
                .and_then(|i| dir.last_resort.get(i))
        })
    }

    /// Groups panel rows: (group index, member index or `None` for the group line);
    /// invited members come after the joined ones, then those outside the lab.
    pub fn group_rows(&self) -> Vec<(usize, Option<usize>)> {
        let mut rows = Vec::new();
        for (g, group) in self.view.groups.iter().enumerate() {
            rows.push((g, None));
            let people = group.members.len() + group.invited.len() + group.outside.len();
            rows.extend((0..people).map(|m| (g, Some(m))));
        }
        rows
    }

    pub(super) fn on_mouse(&mut self, mouse: MouseEvent) -> Vec<Effect> {
        if self.prompt.is_some() || self.selection.show_help {
            return Vec::new();
        }
        let areas = self.areas(self.selection.size);
        let position = Position::new(mouse.column, mouse.row);
        let Some((panel, area)) = areas.panels.iter().find(|(_, r)| r.contains(position)) else {
            return Vec::new();
        };
        let (panel, area) = (*panel, *area);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.selection.focus = panel;
                self.dirty = true;
                let first_row = area.y + 1 + layout::header_rows(panel);
                if mouse.row >= first_row && mouse.row < area.bottom().saturating_sub(1) {
                    let height = layout::body_height(panel, area);
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
                self.selection.focus = panel;
                self.move_cursor(3)
            }
            MouseEventKind::ScrollUp => {
                self.selection.focus = panel;
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
