//! The groups panel: each group, how each member sees it, and who is invited
//! (in the tree, Welcome not processed yet).
//!
//! Member columns, by priority (higher goes first when narrow):
//! client 0 · epoch 0 · flags 0 · via LR 1 · authenticator 2.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::draw::table::{self, Cell, Column};
use crate::app::draw::text::{count, escaped, short, truncate};
use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::panels::{highlight_row, visible};
use crate::app::{App, FlashKey};
use crate::engine::GroupOverview;

const MEMBERS: [Column; 5] = [
    Column::left("", 0),
    Column::left("", 0),
    Column::left("", 2),
    Column::left("", 1),
    Column::left("", 0),
];

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let rows = app.group_rows();
    if rows.is_empty() {
        Paragraph::new("No groups yet. Press n to create one, a to add members.")
            .style(theme.muted)
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    let shown = visible(app, Panel::Groups, rows.len(), area.height as usize);
    let first = shown.start;
    let mut heads: Vec<(usize, Line)> = Vec::new();
    let mut members: Vec<(usize, Vec<Cell>)> = Vec::new();
    for i in shown {
        let (g, member) = rows[i];
        let Some(group) = app.view().groups.get(g) else {
            continue;
        };
        match member {
            None => heads.push((i, group_line(app, group, area.width, theme))),
            Some(m) => members.push((i, member_cells(group, m, theme))),
        }
    }
    let widths = {
        let cells: Vec<Vec<Cell>> = members.iter().map(|(_, c)| c.clone()).collect();
        table::widths(&MEMBERS, &cells, area.width)
    };
    let lines = heads.into_iter().chain(
        members
            .into_iter()
            .map(|(i, cells)| (i, table::row(&MEMBERS, &widths, cells))),
    );
    for (i, line) in lines {
        let y = area.y + (i - first) as u16;
        line.render(Rect::new(area.x, y, area.width, 1), buf);
        if i == app.cursor(Panel::Groups) {
            highlight_row(app, Panel::Groups, area, y, buf, theme);
        }
    }
}

/// `team 2 members, 1 invited joining`: the group and whether its members agree.
/// When narrow the member count goes first, then the invited count; the state
/// always shows.
fn group_line<'a>(app: &App, group: &GroupOverview, width: u16, theme: &Theme) -> Line<'a> {
    let style = if app.is_flashing(&FlashKey::Group(group.name.clone())) {
        theme.flash
    } else {
        theme.title
    };
    let agree = group.members.windows(2).all(|w| {
        w[0].epoch == w[1].epoch
            && w[0].epoch_authenticator == w[1].epoch_authenticator
            && w[0].tree == w[1].tree
    });
    let state = match (group.in_sync(), agree) {
        (true, _) => Span::styled(" in sync", theme.ok),
        // Members agree, but someone in the tree has not joined yet.
        (false, true) => Span::styled(" joining", theme.warn),
        (false, false) => Span::styled(" out of sync", theme.error),
    };
    let members = format!(" {}", count(group.members.len(), "member"));
    let invited = match group.invited.len() {
        0 => String::new(),
        n if group.members.is_empty() => format!(" {n} invited"),
        n => format!(", {n} invited"),
    };
    let name = truncate(&escaped(&group.name), 16);
    let fits = |parts: &[&str]| {
        name.chars().count()
            + parts.iter().map(|p| p.chars().count()).sum::<usize>()
            + state.width()
            <= usize::from(width)
    };
    let counts = if fits(&[&members, &invited]) {
        format!("{members}{invited}")
    } else if fits(&[&invited]) {
        invited.trim_start_matches(',').to_string()
    } else {
        String::new()
    };
    Line::from(vec![
        Span::styled(name, style),
        Span::styled(counts, theme.muted),
        state,
    ])
}

/// A member row (joined: its epoch and authenticator), an invited one, or one
/// outside the lab (an external client or a foreign stack's member, whose state
/// the lab cannot see).
fn member_cells<'a>(group: &GroupOverview, m: usize, theme: &Theme) -> Vec<Cell<'a>> {
    let Some(member) = group.members.get(m) else {
        let waiting = m - group.members.len();
        // An outsider reads `NAME ext=IDENTITY` (an external client) or
        // `ext=IDENTITY` (a foreign stack's member), escaped.
        let (name, label) = match group.invited.get(waiting) {
            Some(name) => (
                truncate(&escaped(name), 12),
                Span::styled("invited", theme.warn),
            ),
            None => (
                group
                    .outside
                    .get(waiting - group.invited.len())
                    .map(|outsider| truncate(&outsider.to_string(), 18))
                    .unwrap_or_default(),
                Span::styled("outside", theme.muted),
            ),
        };
        return vec![
            vec![Span::raw(format!(" {name}"))],
            vec![label],
            vec![],
            vec![],
            vec![],
        ];
    };
    vec![
        vec![Span::raw(format!(
            " {}",
            truncate(&escaped(&member.client), 12)
        ))],
        vec![Span::raw(format!("e{}", member.epoch))],
        vec![Span::styled(
            short(&member.epoch_authenticator).to_string(),
            theme.muted,
        )],
        if member.via_last_resort {
            vec![Span::styled("LR", theme.last_resort)]
        } else {
            vec![]
        },
        if member.needs_update {
            vec![Span::styled("update!", theme.warn)]
        } else {
            vec![]
        },
    ]
}
