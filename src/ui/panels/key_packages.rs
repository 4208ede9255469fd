//! "Key packages of X (storage)": the acting client's inventory.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{highlight_row, visible};
use crate::app::App;
use crate::engine::Lifecycle;
use crate::layout::Panel;
use crate::theme::Theme;
use crate::ui::text::{human, lr_badge, ref_span, short_state, state_style, truncate, BADGE_WIDTH};

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let Some(client) = app.view().clients.get(app.selected_client()) else {
        Paragraph::new("No clients. Type :clients NAME to create one.")
            .style(theme.muted)
            .render(area, buf);
        return;
    };
    let state_width = area.width.saturating_sub(4 + 9 + 7 + 8 + 5 + 5) as usize;
    Line::styled(
        format!(
            "{:>3} {:<9}{:<sw$}{:<7}{:<8}{:>5}{:>5}",
            "#",
            "ref",
            "state",
            "badge",
            "bundle",
            "life",
            "size",
            sw = state_width
        ),
        theme.header,
    )
    .render(Rect::new(area.x, area.y, area.width, 1), buf);
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    if client.key_packages.is_empty() && client.claimed.is_empty() {
        Paragraph::new(format!(
            "{} has no key packages yet. Press g (or G for last resort).",
            client.name
        ))
        .style(theme.muted)
        .wrap(Wrap { trim: true })
        .render(body, buf);
        return;
    }
    // The DS's last-resort entry of this client: how often it was handed out.
    let lr_at_ds = app
        .view()
        .ds
        .clients
        .get(&client.name)
        .map(|d| {
            d.last_resort
                .iter()
                .map(|e| (crate::engine::wire::ref_hex(&e.kp_ref), e.handouts))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let len = client.key_packages.len() + client.claimed.len();
    for (row, i) in visible(app, Panel::KeyPackages, len, body.height as usize).enumerate() {
        let Some(kp) = client.key_packages.get(i) else {
            // Another client's package this one claimed and has not used yet.
            let Some((owner, kp_ref)) = client.claimed.get(i - client.key_packages.len()) else {
                continue;
            };
            let y = body.y + row as u16;
            Line::from(vec![
                Span::styled(format!("{:>3} ", "←"), theme.muted),
                ref_span(app, kp_ref, theme, theme.base),
                Span::styled(format!(" claimed from {owner}, not used yet"), theme.warn),
            ])
            .render(Rect::new(body.x, y, body.width, 1), buf);
            if i == app.cursor(Panel::KeyPackages) {
                highlight_row(app, Panel::KeyPackages, body, y, buf, theme);
            }
            continue;
        };
        let y = body.y + row as u16;
        let handouts = lr_at_ds
            .iter()
            .find(|(r, _)| *r == kp.kp_ref)
            .map_or(0, |(_, h)| *h);
        let badge = lr_badge(
            kp.last_resort,
            kp.last_resort_capability,
            handouts.saturating_sub(1),
            theme,
        );
        let badge_pad = Span::raw(" ".repeat((BADGE_WIDTH + 1).saturating_sub(badge.width())));
        let bundle = if kp.bundle_present {
            Span::styled("present ", theme.ok)
        } else {
            Span::styled("deleted ", theme.muted)
        };
        // What the owner knows: who claimed a package is the DS's knowledge.
        let known = owner_knows(&kp.state);
        let state = match known.to_string() {
            full if full.chars().count() <= state_width => full,
            _ => short_state(&known),
        };
        let line = Line::from(vec![
            Span::styled(format!("{:>3} ", i + 1), theme.muted),
            ref_span(app, &kp.kp_ref, theme, theme.base),
            Span::raw(" "),
            Span::styled(
                format!("{:<sw$}", truncate(&state, state_width), sw = state_width),
                state_style(&known, theme),
            ),
            badge,
            badge_pad,
            bundle,
            Span::raw(format!("{:>5}{:>5}", human(kp.lifetime_left), kp.bytes)),
        ]);
        line.render(Rect::new(body.x, y, body.width, 1), buf);
        if i == app.cursor(Panel::KeyPackages) {
            highlight_row(app, Panel::KeyPackages, body, y, buf, theme);
        }
    }
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
