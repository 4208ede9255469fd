//! The groups panel: each group, how each member sees it, and who is invited
//! (in the tree, Welcome not processed yet).
//!
//! Member columns, by priority (higher goes first when narrow):
//! client 0 · epoch 0 · flags 0 · via LR 1 · authenticator 2; when members of
//! a group on screen disagree their authenticators are what tells them apart,
//! so the authenticator goes to 0 and the flags give way first.

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

/// The member columns when some group on screen is out of sync.
const MEMBERS_DISAGREEING: [Column; 5] = [
    Column::left("", 0),
    Column::left("", 0),
    Column::left("", 0),
    Column::left("", 2),
    Column::left("", 1),
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
    let mut disagreeing = false;
    for i in shown {
        let (g, member) = rows[i];
        let Some(group) = app.view().groups.get(g) else {
            continue;
        };
        match member {
            None => heads.push((i, group_line(app, group, area.width, theme))),
            Some(m) => {
                disagreeing |= !group.members_agree();
                members.push((i, member_cells(group, m, theme)));
            }
        }
    }
    let columns = if disagreeing {
        &MEMBERS_DISAGREEING
    } else {
        &MEMBERS
    };
    let widths = {
        let cells: Vec<Vec<Cell>> = members.iter().map(|(_, c)| c.clone()).collect();
        table::widths(columns, &cells, area.width)
    };
    let lines = heads.into_iter().chain(
        members
            .into_iter()
            .map(|(i, cells)| (i, table::row(columns, &widths, cells))),
    );
    for (i, line) in lines {
        let y = area.y + (i - first) as u16;
        line.render(Rect::new(area.x, y, area.width, 1), buf);
        if i == app.cursor(Panel::Groups) {
            highlight_row(app, Panel::Groups, area, y, buf, theme);
        }
    }
}

/// `team  2 members  epoch 1  in sync`: the group, how many members hold it,
/// and whether they agree. When narrow the spacing tightens, then `epoch 1`
/// becomes `e1`, then goes; the member count and the state always show (the
/// name is shortened first). With a Welcome waiting the state is `2 invited`;
/// when members disagree it is `out of sync` and each member row shows its
/// epoch authenticator.
fn group_line<'a>(app: &App, group: &GroupOverview, width: u16, theme: &Theme) -> Line<'a> {
    let style = if app.is_flashing(&FlashKey::Group(group.name.clone())) {
        theme.flash
    } else {
        theme.title
    };
    let state = match (group.in_sync(), group.members_agree()) {
        (true, _) => Span::styled("in sync", theme.ok),
        // Members agree, but someone in the tree has not joined yet.
        (false, true) => Span::styled(format!("{} invited", group.invited.len()), theme.warn),
        (false, false) => Span::styled("out of sync", theme.error),
    };
    let members = count(group.members.len(), "member");
    // The common epoch, when there is one to state.
    let epoch = match (group.members.first(), group.members_agree()) {
        (Some(first), true) => Some(first.epoch),
        (Some(_), false) | (None, _) => None,
    };
    let width = usize::from(width);
    let name = truncate(&escaped(&group.name), 16);
    let mut layouts: Vec<(&str, Option<String>)> = Vec::new();
    if let Some(epoch) = epoch {
        layouts.extend([
            ("  ", Some(format!("epoch {epoch}"))),
            (" ", Some(format!("epoch {epoch}"))),
            ("  ", Some(format!("e{epoch}"))),
            (" ", Some(format!("e{epoch}"))),
        ]);
    }
    layouts.extend([("  ", None), (" ", None)]);
    let measure = |sep: &str, epoch: &Option<String>| {
        [members.as_str(), epoch.as_deref().unwrap_or_default()]
            .iter()
            .filter(|part| !part.is_empty())
            .map(|part| sep.len() + part.chars().count())
            .sum::<usize>()
            + sep.len()
            + state.width()
    };
    let (sep, epoch, name) = layouts
        .iter()
        .find(|(sep, epoch)| name.chars().count() + measure(sep, epoch) <= width)
        .map(|(sep, epoch)| (*sep, epoch.clone(), name.clone()))
        .unwrap_or_else(|| {
            // Too narrow for the whole name: it gives way to the count and state.
            let room = width.saturating_sub(measure(" ", &None));
            (" ", None, truncate(&escaped(&group.name), room.max(1)))
        });
    let mut spans = vec![
        Span::styled(name, style),
        Span::styled(format!("{sep}{members}"), theme.muted),
    ];
    if let Some(epoch) = epoch {
        spans.push(Span::styled(format!("{sep}{epoch}"), theme.muted));
    }
    spans.push(Span::raw(sep));
    spans.push(state);
    Line::from(spans)
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
            if group.members_agree() {
                theme.muted
            } else {
                theme.warn
            },
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
