//! The header: the URL attendees type, whether a room token is needed, where
//! the state is kept, and the counters. Every line wraps rather than being cut,
//! so the header grows on a narrow screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::draw::text::{escaped, wrap_line};
use crate::app::draw::theme::Theme;
use crate::room::Room;

const TITLE: &str = " mls-lab serve · the room's Delivery Service ";
const HINT: &str = "attendees: mls-lab --ds URL --clients NAME";

/// Rows the header needs at `width` (its border and padding included).
pub fn height(room: &Room, width: u16) -> u16 {
    let inner = usize::from(width.saturating_sub(4));
    let rows: usize = lines(room, inner, &Theme::mono())
        .into_iter()
        .map(|line| wrap_line(line, inner, 2).len())
        .sum();
    rows as u16 + 2
}

pub fn render(room: &Room, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let block = super::frame(Span::styled(TITLE, theme.title), theme.border_focus);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let rows: Vec<Line> = lines(room, width, theme)
        .into_iter()
        .flat_map(|line| wrap_line(line, width, 2))
        .collect();
    Paragraph::new(rows).render(inner, buf);
}

/// The header's lines before wrapping, for a row `width` wide.
fn lines(room: &Room, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let facts = room.facts();
    let url = escaped(facts.attendee_url()).into_owned();
    let mut first = vec![
        Span::styled("URL ", theme.muted),
        Span::styled(url.clone(), theme.title),
    ];
    // The hint only where it fits beside the URL: the URL is what matters.
    if 4 + url.chars().count() + 3 + HINT.len() <= width {
        first.push(Span::raw("   "));
        first.push(Span::styled(HINT, theme.muted));
    }
    let mut second = Vec::new();
    if facts.token_required() {
        second.push(Span::styled(
            "room token required (it is in the URL)",
            theme.ok,
        ));
    } else {
        second.push(Span::styled("no room token", theme.warn));
    }
    second.push(Span::styled(" · db ", theme.muted));
    second.push(Span::raw(escaped(facts.db()).into_owned()));
    if facts.keeps_nothing() {
        second.push(Span::styled(" (keeps nothing)", theme.warn));
    }
    if facts.loopback_only() {
        second.push(Span::styled(" · only this machine can connect", theme.warn));
    }
    vec![
        Line::from(first),
        Line::from(second),
        counters(room, width, theme),
    ]
}

/// The counters, with their long names where one row holds them all.
fn counters(room: &Room, width: usize, theme: &Theme) -> Line<'static> {
    let counters = room.counters();
    let tally = counters.tally;
    let reuse_style = if tally.last_resort_reuses > 0 {
        theme.reuse
    } else {
        theme.title
    };
    let refusal_style = if tally.refusals > 0 {
        theme.error
    } else {
        theme.title
    };
    let items: [(&str, &str, String, Style); 6] = [
        (
            "clients",
            "clients",
            counters.clients.to_string(),
            theme.title,
        ),
        (
            "key packages",
            "packages",
            counters.key_packages.to_string(),
            theme.title,
        ),
        ("claims", "claims", tally.claims.to_string(), theme.title),
        (
            "last-resort reuses",
            "reuses",
            tally.last_resort_reuses.to_string(),
            reuse_style,
        ),
        (
            "Welcomes",
            "Welcomes",
            tally.welcomes.to_string(),
            theme.title,
        ),
        (
            "refusals",
            "refusals",
            tally.refusals.to_string(),
            refusal_style,
        ),
    ];
    let long: usize = items
        .iter()
        .map(|(name, _, value, _)| name.len() + 1 + value.len() + 2)
        .sum::<usize>()
        - 2;
    let mut spans = Vec::new();
    for (i, (name, short, value, style)) in items.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        let name = if long <= width { name } else { short };
        spans.push(Span::styled(format!("{name} "), theme.muted));
        spans.push(Span::styled(value, style));
    }
    Line::from(spans)
}
