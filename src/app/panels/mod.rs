//! The panels, one folder each: its state (with the invariants it keeps), its
//! keys, and its drawing. [`PanelView`] is what every panel answers; [`Panels`]
//! holds them and routes a [`Panel`] to its state; the methods on [`App`] here
//! move a panel's cursor and follow what it points at.
//!
//! Adding a panel: a folder here with its state implementing [`PanelView`], a
//! variant of [`Panel`] (its place in the Tab order and the layout), and its
//! arm in [`Panels::get`] and [`Panels::get_mut`].

pub mod clients;
pub mod ds;
pub mod groups;
pub mod help;
pub mod inspector;
pub mod key_packages;
pub mod timeline;
pub mod why;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::draw::theme::Theme;
use super::layout::{self, Panel};
use super::{Action, App, Effect};
use crate::domain::KeyPackageRef;

/// What a panel's cursor points at, for the app to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A key package of `owner`: follow it and inspect it.
    KeyPackage {
        owner: String,
        kp_ref: KeyPackageRef,
    },
    /// A client's row: it becomes the acting client.
    Client(usize),
    /// An event of the timeline.
    Event(u64),
}

/// What the router asks of every panel.
pub trait PanelView {
    /// Its title, in its border.
    fn title(&self, app: &App) -> String;
    /// How many rows it has (for its cursor, paging and the mouse).
    fn rows(&self, app: &App) -> usize;
    /// Its cursor row (the first line shown, for a panel that scrolls).
    fn cursor(&self, app: &App) -> usize;
    /// Puts its cursor on `row`, which is below `rows` (or 0).
    fn set_cursor(&mut self, row: usize, rows: usize);
    /// Rows of column titles inside its border, above the rows.
    fn header_rows(&self) -> u16;
    /// What its cursor points at.
    fn target(&self, app: &App) -> Option<Target>;
    /// Draws it inside its border.
    fn draw(&self, app: &App, area: Rect, buf: &mut Buffer, theme: &Theme);
    /// The actions it offers while it has the keys, most useful first (the
    /// status bar shows them as far as they fit).
    fn commands(&self) -> &'static [Action];
}

/// Every panel's state, and the why pane's and the help overlay's.
#[derive(Debug, Default)]
pub struct Panels {
    pub(super) clients: clients::ClientsPanel,
    pub(super) key_packages: key_packages::KeyPackagesPanel,
    pub(super) ds: ds::DsPanel,
    pub(super) groups: groups::GroupsPanel,
    pub(super) timeline: timeline::TimelinePanel,
    pub(super) inspector: inspector::InspectorPanel,
    pub(super) why: why::WhyPane,
    pub(super) help: help::HelpOverlay,
}

impl Panels {
    /// Every cursor at its start, the timeline following the newest event (a
    /// lesson step then puts them where it shows them).
    pub(crate) fn reset_cursors(&mut self) {
        self.key_packages = key_packages::KeyPackagesPanel::default();
        self.ds = ds::DsPanel::default();
        self.groups = groups::GroupsPanel::default();
        self.timeline.follow_newest();
        self.inspector.reset();
    }

    /// The router: a panel's state by its name.
    pub fn get(&self, panel: Panel) -> &dyn PanelView {
        match panel {
            Panel::Clients => &self.clients,
            Panel::KeyPackages => &self.key_packages,
            Panel::Ds => &self.ds,
            Panel::Groups => &self.groups,
            Panel::Timeline => &self.timeline,
            Panel::Inspector => &self.inspector,
        }
    }

    fn get_mut(&mut self, panel: Panel) -> &mut dyn PanelView {
        match panel {
            Panel::Clients => &mut self.clients,
            Panel::KeyPackages => &mut self.key_packages,
            Panel::Ds => &mut self.ds,
            Panel::Groups => &mut self.groups,
            Panel::Timeline => &mut self.timeline,
            Panel::Inspector => &mut self.inspector,
        }
    }
}

impl App {
    /// A panel's state, to draw it or ask it.
    pub fn panel(&self, panel: Panel) -> &dyn PanelView {
        self.panels.get(panel)
    }

    /// How many rows the panel has.
    pub fn rows(&self, panel: Panel) -> usize {
        self.panels.get(panel).rows(self)
    }

    /// The cursor row of a panel (the first line shown, for the inspector).
    pub fn cursor(&self, panel: Panel) -> usize {
        self.panels.get(panel).cursor(self)
    }

    /// Puts a panel's cursor on `row` (or its last row); a new acting client
    /// takes its storage and DS rows with it.
    pub(super) fn set_cursor(&mut self, panel: Panel, row: usize) {
        let rows = self.rows(panel);
        let acting = self.selected_client();
        self.panels
            .get_mut(panel)
            .set_cursor(row.min(rows.saturating_sub(1)), rows);
        if self.selected_client() != acting {
            self.acting_client_changed();
        }
    }

    /// Makes client `index` (or the last one) act.
    pub(super) fn select_client(&mut self, index: usize) {
        let index = index.min(self.view().clients.len().saturating_sub(1));
        if self.panels.clients.set_acting(index) {
            self.acting_client_changed();
        }
        self.dirty = true;
    }

    /// The acting client changed: its storage from the top, the DS cursor on its
    /// counters; the inspector follows (see `align_inspector`).
    fn acting_client_changed(&mut self) {
        self.panels.key_packages.reset();
        self.align_ds_cursor();
    }

    /// Puts the DS panel's cursor on the acting client's counters.
    pub(super) fn align_ds_cursor(&mut self) {
        let client = self.selected_client();
        let rows = ds::rows(self);
        let on_client = rows
            .get(self.cursor(Panel::Ds))
            .is_some_and(|(c, _)| *c == client);
        if !on_client {
            self.panels.ds.set_cursor(client, rows.len());
        }
    }

    /// Tab and Shift-Tab: the next panel in `step`'s direction that is on the
    /// screen (the projector layout shows only some of them).
    pub(super) fn move_focus(&mut self, step: fn(Panel) -> Panel) {
        let start = self.focus();
        let mut panel = step(start);
        for _ in 0..Panel::ALL.len() {
            self.screen.set_focus(panel);
            if self.areas(self.size()).get(panel).is_some() {
                break;
            }
            panel = step(panel);
        }
        self.align_ds_cursor();
    }

    /// Moves the focused panel's cursor by `delta` rows and follows what it
    /// points at.
    pub(super) fn move_cursor(&mut self, delta: i64) -> Vec<Effect> {
        let panel = self.focus();
        let current = self.cursor(panel) as i64;
        let target = current.saturating_add(delta).max(0) as usize;
        self.set_cursor(panel, target);
        self.dirty = true;
        self.follow_selection()
    }

    /// Rows in a page of the focused panel.
    pub(super) fn page(&self) -> usize {
        let areas = self.areas(self.size());
        let focus = self.focus();
        areas
            .panels
            .iter()
            .find(|(p, _)| *p == focus)
            .map_or(10, |(p, r)| {
                layout::body_height(self.panels.get(*p).header_rows(), *r).max(1)
            })
    }

    /// Keeps every cursor on a row that exists.
    pub(super) fn clamp_cursors(&mut self) {
        let clients = self.view().clients.len();
        self.panels.clients.clamp(clients);
        for panel in [Panel::KeyPackages, Panel::Ds, Panel::Groups] {
            let len = self.rows(panel);
            if self.cursor(panel) >= len {
                self.set_cursor(panel, len.saturating_sub(1));
            }
        }
    }

    /// Follows what the focused panel's cursor points at.
    pub(super) fn follow_selection(&mut self) -> Vec<Effect> {
        self.dirty = true;
        match self.panels.get(self.focus()).target(self) {
            Some(Target::KeyPackage { owner, kp_ref }) => self.follow(owner, kp_ref),
            Some(Target::Client(index)) => {
                self.select_client(index);
                Vec::new()
            }
            Some(Target::Event(seq)) => self.follow_event(seq),
            None => Vec::new(),
        }
    }

    /// DS panel rows (see [`ds::rows`]).
    pub fn ds_rows(&self) -> Vec<(usize, Option<usize>)> {
        ds::rows(self)
    }

    /// The clients the DS panel counts (see [`ds::clients`]).
    pub fn ds_clients(&self) -> Vec<&str> {
        ds::clients(self)
    }

    /// Groups panel rows (see [`groups::rows`]).
    pub fn group_rows(&self) -> Vec<(usize, Option<usize>)> {
        groups::rows(self)
    }
}

/// Paints the cursor row when the panel is focused.
fn highlight_row(app: &App, panel: Panel, area: Rect, y: u16, buf: &mut Buffer, theme: &Theme) {
    if app.focus() == panel {
        super::draw::highlight(Rect::new(area.x, y, area.width, 1), buf, theme);
    }
}

/// The rows of a table of `len` rows that fit in `height`, keeping the cursor in view.
fn visible(app: &App, panel: Panel, len: usize, height: usize) -> std::ops::Range<usize> {
    let offset = layout::scroll_offset(app.cursor(panel), len, height);
    offset..(offset + height).min(len)
}
