//! "Key packages of X (storage)": the acting client's inventory.
//!
//! Columns, by priority (higher goes first when the panel is narrow; 0 stays):
//! ref 0 · state 0 · badge 0 · bundle 1 · life 2 · # 3 · size 4.
//! The state reads in full ("used to join team") when every column fits with
//! it, else in its short words ("joined team", "kept, 2 joins"); only a state
//! wider than the whole panel is cut, with `…`.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::draw::table::{self, Cell, Column};
use crate::app::draw::text::{
    escaped, human, lr_badge, ref_span, short_state, state_style, truncate, BADGE_WIDTH,
};
use crate::app::draw::theme::Theme;
use crate::app::layout::Panel;
use crate::app::panels::{highlight_row, visible};
use crate::app::App;
use crate::engine::{KeyPackageRow, Lifecycle};

const COLUMNS: [Column; 7] = [
    Column::right("#", 3),
    Column::left("ref", 0),
    Column::left("state", 0),
    Column::left("badge", 0),
    Column::left("bundle", 1),
    Column::right("life", 2),
    Column::right("size", 4),
];
const STATE: usize = 2;

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let Some(client) = app.view().clients.get(app.selected_client()) else {
        Paragraph::new("No clients. Type :clients NAME to create one.")
            .style(theme.muted)
            .render(area, buf);
        return;
    };
    if client.key_packages.is_empty() && client.claimed.is_empty() {
        Paragraph::new(format!(
            "{} has no key packages yet. Press g (or G for last resort).",
            escaped(&client.name)
        ))
        .style(theme.muted)
        .wrap(Wrap { trim: true })
        .render(area, buf);
        return;
    }
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    // The DS's last-resort entry of this client: how often it was handed out.
    let lr_at_ds = app
        .view()
        .ds
        .clients
        .get(&client.name)
        .map(|d| {
            d.last_resort
                .iter()
                .map(|e| (e.kp_ref.clone(), e.handouts))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let len = client.key_packages.len() + client.claimed.len();
    let shown: Vec<usize> = visible(app, Panel::KeyPackages, len, body.height as usize).collect();
    let packages: Vec<(usize, &KeyPackageRow)> = shown
        .iter()
        .filter_map(|&i| client.key_packages.get(i).map(|kp| (i, kp)))
        .collect();
    let handouts = |kp: &KeyPackageRow| {
        lr_at_ds
            .iter()
            .find(|(r, _)| *r == kp.kp_ref)
            .map_or(0, |(_, h)| *h)
    };
    // Full states if the whole table fits with them, else the short words.
    let rows_with = |short: bool| -> Vec<Vec<Cell>> {
        packages
            .iter()
            .map(|(i, kp)| cells(app, *i, kp, handouts(kp), short, theme))
            .collect()
    };
    let mut rows = rows_with(false);
    let mut widths = table::widths(&COLUMNS, &rows, area.width);
    if widths.iter().any(Option::is_none) {
        rows = rows_with(true);
        widths = table::widths(&COLUMNS, &rows, area.width);
    }
    // The state takes the room the other shown columns leave; one wider than
    // that (only a state longer than the whole panel) is cut, with `…`.
    let others: usize = widths
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != STATE)
        .filter_map(|(_, w)| *w)
        .map(|w| w + 1)
        .sum();
    let state_room = usize::from(area.width).saturating_sub(others).max(1);
    let widest_state = widths[STATE].unwrap_or(0);
    widths[STATE] = Some(state_room);
    if widest_state > state_room {
        for row in &mut rows {
            let text: String = row[STATE].iter().map(|s| s.content.as_ref()).collect();
            let style = row[STATE].first().map(|s| s.style).unwrap_or_default();
            row[STATE] = vec![Span::styled(truncate(&text, state_room), style)];
        }
    }
    table::header(&COLUMNS, &widths, theme.header)
        .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let mut rows = rows.into_iter();
    for (row, &i) in shown.iter().enumerate() {
        let y = body.y + row as u16;
        let line = match client.key_packages.get(i) {
            Some(_) => match rows.next() {
                Some(cells) => table::row(&COLUMNS, &widths, cells),
                None => continue,
            },
            None => {
                // Another client's package this one claimed and has not used yet.
                let Some((owner, kp_ref)) = client.claimed.get(i - client.key_packages.len())
                else {
                    continue;
                };
                Line::from(vec![
                    Span::styled("← ", theme.muted),
                    ref_span(app, kp_ref, theme, theme.base),
                    Span::styled(
                        format!(" claimed from {}, not used yet", escaped(owner)),
                        theme.warn,
                    ),
                ])
            }
        };
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.cursor(Panel::KeyPackages) {
            highlight_row(app, Panel::KeyPackages, body, y, buf, theme);
        }
    }
}

/// One key package's cells, in the order of [`COLUMNS`].
fn cells<'a>(
    app: &App,
    index: usize,
    kp: &'a KeyPackageRow,
    handouts: u64,
    short: bool,
    theme: &Theme,
) -> Vec<Cell<'a>> {
    let badge = lr_badge(
        kp.last_resort,
        kp.last_resort_capability,
        handouts.saturating_sub(1),
        theme,
    );
    // Every badge takes the same width, so that rows line up whichever they carry.
    let badge_pad = Span::raw(" ".repeat(BADGE_WIDTH.saturating_sub(badge.width())));
    let bundle = if kp.bundle_present {
        Span::styled("present", theme.ok)
    } else {
        Span::styled("deleted", theme.muted)
    };
    // What the owner knows: who claimed a package is the DS's knowledge.
    let known = owner_knows(&kp.state);
    let state = if short {
        short_state(&known)
    } else {
        known.to_string()
    };
    vec![
        vec![Span::styled((index + 1).to_string(), theme.muted)],
        vec![ref_span(app, &kp.kp_ref, theme, theme.base)],
        // A state names clients and groups.
        vec![Span::styled(
            escaped(&state).into_owned(),
            state_style(&known, theme),
        )],
        vec![badge, badge_pad],
        vec![bundle],
        vec![Span::raw(human(kp.lifetime_left))],
        vec![Span::raw(kp.bytes.to_string())],
    ]
}

/// A package's state as its owner knows it: a claim happens at the DS, so the
/// owner still sees its package as published.
fn owner_knows(state: &Lifecycle) -> Lifecycle {
    match state {
        Lifecycle::Claimed { .. } => Lifecycle::Published,
        Lifecycle::Generated
        | Lifecycle::Published
        | Lifecycle::UsedToJoin { .. }
        | Lifecycle::RetainedLastResort { .. }
        | Lifecycle::Expired
        | Lifecycle::NotYetValid
        | Lifecycle::Rejected { .. }
        | Lifecycle::RotatedOut
        | Lifecycle::BundleDeleted => state.clone(),
    }
}
