//! Where each panel goes, as a pure function of the terminal size. The renderer and
//! the mouse hit-testing both use it, so a click lands on what is drawn.

use ratatui::layout::{Constraint, Layout, Rect};

/// The panels, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    Clients,
    KeyPackages,
    Ds,
    Groups,
    Timeline,
    Inspector,
}

impl Panel {
    pub const ALL: [Panel; 6] = [
        Panel::Clients,
        Panel::KeyPackages,
        Panel::Ds,
        Panel::Groups,
        Panel::Timeline,
        Panel::Inspector,
    ];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        let i = Self::ALL.iter().position(|p| *p == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// The screen's regions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Areas {
    pub header: Rect,
    pub panels: Vec<(Panel, Rect)>,
    /// Prompt, toast, caption or hint.
    pub message: Rect,
    pub status: Rect,
}

impl Areas {
    pub fn get(&self, panel: Panel) -> Option<Rect> {
        self.panels
            .iter()
            .find(|(p, _)| *p == panel)
            .map(|(_, r)| *r)
    }
}

/// Wide terminals get three columns.
pub const WIDE: u16 = 150;

/// The regions for a terminal of `area`; `zoom` gives one panel the whole body.
/// The clients panel is as tall as its `clients` need, up to two fifths of the body;
/// the message line takes `message_lines` (1 to 6: a lesson's caption pane takes
/// up to six) so that nothing of it is cut.
pub fn compute(area: Rect, zoom: Option<Panel>, clients: usize, message_lines: u16) -> Areas {
    let [header, body, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(message_lines.clamp(1, 6)),
        Constraint::Length(1),
    ])
    .areas(area);
    // Rows, column names and borders, within limits.
    let clients_height = (clients.min(usize::from(u16::MAX)) as u16)
        .saturating_add(3)
        .clamp(5, (body.height * 2 / 5).max(5));
    let panels = if let Some(panel) = zoom {
        vec![(panel, body)]
    } else if area.width >= WIDE {
        let [left, middle, right] = Layout::horizontal([
            Constraint::Percentage(20),
            Constraint::Percentage(36),
            Constraint::Percentage(44),
        ])
        .areas(body);
        let [clients, groups] =
            Layout::vertical([Constraint::Length(clients_height), Constraint::Fill(1)]).areas(left);
        let [kps, ds] = Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas(middle);
        let [timeline, inspector] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(right);
        Panel::ALL
            .into_iter()
            .zip([clients, kps, ds, groups, timeline, inspector])
            .collect()
    } else {
        let [left, right] =
            Layout::horizontal([Constraint::Length(29), Constraint::Min(0)]).areas(body);
        let [clients, ds, groups] = Layout::vertical([
            Constraint::Length(clients_height),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ])
        .areas(left);
        let [kps, timeline, inspector] = Layout::vertical([
            Constraint::Percentage(36),
            Constraint::Percentage(36),
            Constraint::Percentage(28),
        ])
        .areas(right);
        Panel::ALL
            .into_iter()
            .zip([clients, kps, ds, groups, timeline, inspector])
            .collect()
    };
    Areas {
        header,
        panels,
        message,
        status,
    }
}

/// Header rows inside a panel's border (column titles, lane names).
pub fn header_rows(panel: Panel) -> u16 {
    match panel {
        Panel::Clients | Panel::KeyPackages | Panel::Ds | Panel::Timeline => 1,
        Panel::Groups | Panel::Inspector => 0,
    }
}

/// Rows available for data inside a panel.
pub fn body_height(panel: Panel, area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2 + header_rows(panel)))
}

/// The first row shown so that `cursor` is visible in `height` rows.
pub fn scroll_offset(cursor: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    cursor.saturating_sub(height - 1).min(len - height)
}

/// How text takes rows: `text` in lines of at most `width` columns (used to
/// size the message line and caption pane as well as to draw them).
/// Broken between words (a word longer than a line is broken inside). Never
/// empty: "" gives one empty line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        // A word wider than a line goes on lines of its own.
        while word.len() > width {
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            let rest = word.split_off(width);
            lines.push(word.into_iter().collect());
            word = rest;
        }
        if used > 0 && used + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        if used > 0 {
            line.push(' ');
            used += 1;
        }
        used += word.len();
        line.extend(word);
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}
