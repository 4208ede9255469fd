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
    /// The why pane (in the projector layout: the caption with the why pane).
    pub why: Option<Rect>,
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
/// Narrower terminals show the why pane under the focused panel alone.
pub const NARROW: u16 = 100;

/// What the regions depend on besides the terminal's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shape {
    /// One panel takes the whole body.
    pub zoom: Option<Panel>,
    /// The focused panel: with the why pane shown, the right column shows it
    /// (key packages, timeline or inspector) above the why pane.
    pub focus: Option<Panel>,
    pub clients: usize,
    /// Rows the message line takes (1 to 8: a lesson's caption pane takes up to
    /// six, and a toast under it two).
    pub message_lines: u16,
    /// The why pane is shown.
    pub why: bool,
    /// `mls-lab present`: the projector layout.
    pub projector: bool,
    /// The inspector shows the hex view: it gets more of its column.
    pub hex: bool,
    /// Presenting, the inspector takes the why pane's place under the caption.
    pub inspector_pane: bool,
    /// Rows the presented caption takes (with the inspector under it).
    pub caption_rows: u16,
}

/// The regions for a terminal of `area`; `shape.zoom` gives one panel the whole body.
/// The clients panel is as tall as its `clients` need, up to two fifths of the body;
/// the message line takes `message_lines` so that nothing of it is cut.
pub fn compute(area: Rect, shape: Shape) -> Areas {
    let [header, body, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(shape.message_lines.clamp(1, 8)),
        Constraint::Length(1),
    ])
    .areas(area);
    // Rows, column names and borders, within limits.
    let clients_height = (shape.clients.min(usize::from(u16::MAX)) as u16)
        .saturating_add(3)
        .clamp(5, (body.height * 2 / 5).max(5));
    let mut why = None;
    let panels = if let Some(panel) = shape.zoom {
        vec![(panel, body)]
    } else if shape.projector {
        // Fewer, larger panels: the clients beside the DS, the timeline, and
        // the caption with the why pane, which gets the most room.
        let [top, rest] =
            Layout::vertical([Constraint::Length(clients_height), Constraint::Fill(1)]).areas(body);
        let [clients, ds] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Fill(1)]).areas(top);
        // On a projector (30 rows or more) the timeline's arrows get room for
        // a whole step; on a laptop the caption and the first of the why stay
        // on one page.
        let timeline_share = if area.height >= 30 { 40 } else { 30 };
        if shape.inspector_pane {
            // The inspector (or its hex view) under the caption, in the why
            // pane's place: the caption keeps the rows it needs.
            let caption = shape
                .caption_rows
                .saturating_add(2)
                .min(rest.height.saturating_sub(4) / 2);
            let [timeline, pane, inspector] = Layout::vertical([
                Constraint::Percentage(timeline_share),
                Constraint::Length(caption),
                Constraint::Fill(1),
            ])
            .areas(rest);
            why = Some(pane);
            vec![
                (Panel::Clients, clients),
                (Panel::Ds, ds),
                (Panel::Timeline, timeline),
                (Panel::Inspector, inspector),
            ]
        } else {
            let [timeline, pane] =
                Layout::vertical([Constraint::Percentage(timeline_share), Constraint::Fill(1)])
                    .areas(rest);
            why = Some(pane);
            vec![
                (Panel::Clients, clients),
                (Panel::Ds, ds),
                (Panel::Timeline, timeline),
            ]
        }
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
        let (timeline, inspector) = if shape.why {
            let [timeline, inspector, pane] = Layout::vertical([
                Constraint::Percentage(35),
                Constraint::Percentage(25),
                Constraint::Fill(1),
            ])
            .areas(right);
            why = Some(pane);
            (timeline, inspector)
        } else {
            let share = if shape.hex { 40 } else { 60 };
            let [timeline, inspector] = Layout::vertical([
                Constraint::Percentage(share),
                Constraint::Percentage(100 - share),
            ])
            .areas(right);
            (timeline, inspector)
        };
        Panel::ALL
            .into_iter()
            .zip([clients, kps, ds, groups, timeline, inspector])
            .collect()
    } else if shape.why && area.width < NARROW {
        // A laptop's screen: the focused panel above the why pane, both the
        // whole width, so the explanation is read without scrolling.
        let shown = shape.focus.unwrap_or(Panel::Timeline);
        let [top, pane] =
            Layout::vertical([Constraint::Percentage(35), Constraint::Fill(1)]).areas(body);
        why = Some(pane);
        vec![(shown, top)]
    } else {
        let [left, right] =
            Layout::horizontal([Constraint::Length(29), Constraint::Min(0)]).areas(body);
        let [clients, ds, groups] = Layout::vertical([
            Constraint::Length(clients_height),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ])
        .areas(left);
        let left_panels = [
            (Panel::Clients, clients),
            (Panel::Ds, ds),
            (Panel::Groups, groups),
        ];
        if shape.why {
            // The right column shows the focused one of its panels (the timeline
            // unless another of them has the keys) above the why pane.
            let top = match shape.focus {
                Some(panel @ (Panel::KeyPackages | Panel::Inspector)) => panel,
                Some(Panel::Clients | Panel::Ds | Panel::Groups | Panel::Timeline) | None => {
                    Panel::Timeline
                }
            };
            let [shown, pane] =
                Layout::vertical([Constraint::Percentage(30), Constraint::Fill(1)]).areas(right);
            why = Some(pane);
            let mut panels = left_panels.to_vec();
            panels.push((top, shown));
            panels.sort_by_key(|(p, _)| Panel::ALL.iter().position(|q| q == p));
            panels
        } else {
            // The hex view needs rows: the inspector takes half the column.
            let (upper, inspector_share) = if shape.hex { (25, 50) } else { (36, 28) };
            let [kps, timeline, inspector] = Layout::vertical([
                Constraint::Percentage(upper),
                Constraint::Percentage(upper),
                Constraint::Percentage(inspector_share),
            ])
            .areas(right);
            Panel::ALL
                .into_iter()
                .zip([clients, kps, ds, groups, timeline, inspector])
                .collect()
        }
    };
    Areas {
        header,
        panels,
        why,
        message,
        status,
    }
}

/// Rows available for data inside a panel's border below its `header_rows`.
pub fn body_height(header_rows: u16, area: Rect) -> usize {
    usize::from(area.height.saturating_sub(2 + header_rows))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_order_visits_every_panel_once_both_ways() {
        let mut forward = vec![Panel::Clients];
        while forward.len() < Panel::ALL.len() + 1 {
            forward.push(forward[forward.len() - 1].next());
        }
        assert_eq!(forward[..Panel::ALL.len()], Panel::ALL);
        assert_eq!(forward[Panel::ALL.len()], Panel::Clients, "wraps around");
        for panel in Panel::ALL {
            assert_eq!(panel.next().prev(), panel);
        }
        assert_eq!(Panel::Clients.prev(), Panel::Inspector);
    }

    #[test]
    fn scrolling_keeps_the_cursor_on_the_last_row_until_the_end() {
        assert_eq!(scroll_offset(3, 5, 0), 0, "no rows");
        assert_eq!(scroll_offset(4, 5, 5), 0, "everything fits");
        assert_eq!(scroll_offset(4, 10, 5), 0, "cursor on the last row");
        assert_eq!(scroll_offset(5, 10, 5), 1);
        assert_eq!(scroll_offset(9, 10, 5), 5, "the end fills the view");
        assert_eq!(scroll_offset(50, 10, 5), 5, "never past the end");
    }

    #[test]
    fn wrapping_fills_lines_exactly_and_breaks_only_what_does_not_fit() {
        // "ab cd" is exactly 5 columns: one line, not two.
        assert_eq!(wrap("ab cd", 5), ["ab cd"]);
        assert_eq!(wrap("ab cde", 5), ["ab", "cde"]);
        // A word as wide as the line is not broken; a wider one is.
        assert_eq!(wrap("abcde fg", 5), ["abcde", "fg"]);
        assert_eq!(wrap("x abcdefgh y", 5), ["x", "abcde", "fgh y"]);
        // Runs of spaces and newlines count as one break; nothing gives one line.
        assert_eq!(wrap("  a \n  b  ", 3), ["a b"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("abc", 0), ["a", "b", "c"], "width 0 is taken as 1");
    }
}
