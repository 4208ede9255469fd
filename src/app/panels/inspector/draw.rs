//! The inspector's lines: the fields of one key package (with its journey and,
//! in `bundle`, its private bundle and reference) or one Welcome (with its
//! `secrets[]` and who matched them); `fields` lays out a field's line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::fields::{field, item};
use super::{bundle, sealing};
use crate::app::draw::text::{count, escaped_line, outcome_style, ref_span, wrap_line};
use crate::app::draw::theme::Theme;
use crate::app::panels::timeline;
use crate::app::App;
use crate::worker::Inspection;

/// Draws the rows from the scrolled-to one; a line wider than the panel wraps
/// under itself, and scrolling counts these rows (see `App::inspector_len`).
/// Fields carry foreign text (credentials, extensions, owners): every line is
/// escaped (in `wrapped`, so that what is counted is what is drawn).
pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let rows = wrapped(app, theme, usize::from(area.width));
    let scroll = app.inspector_top_of(rows.len());
    for (row, (_, line)) in rows
        .into_iter()
        .skip(scroll)
        .take(area.height as usize)
        .enumerate()
    {
        line.render(Rect::new(area.x, area.y + row as u16, area.width, 1), buf);
    }
}

/// The inspector's rows at `width` columns, each with the index of the line it
/// belongs to.
pub(super) fn wrapped<'a>(app: &'a App, theme: &Theme, width: usize) -> Vec<(usize, Line<'a>)> {
    inspector_lines(app, theme)
        .into_iter()
        .enumerate()
        .flat_map(|(index, (line, indent))| {
            wrap_line(escaped_line(line), width, indent)
                .into_iter()
                .map(move |row| (index, row))
        })
        .collect()
}

/// The inspector's lines, each with the indent its continuation takes.
fn inspector_lines<'a>(app: &'a App, theme: &Theme) -> Vec<(Line<'a>, usize)> {
    match app.inspection() {
        None => vec![
            item(Line::styled(
                "Pick a key package, a DS entry or a Welcome",
                theme.muted,
            )),
            item(Line::styled(
                "with Tab and ↑↓ to see its fields here.",
                theme.muted,
            )),
        ],
        Some(Inspection::Unavailable(why)) => vec![item(Line::styled(why.clone(), theme.error))],
        Some(Inspection::KeyPackage(d)) => {
            let mut lines = vec![field(
                "reference",
                ref_span(app, &d.kp_ref, theme, theme.base),
                theme,
            )];
            // The journey first: where this reference went, event by event.
            if app.shows_journey() {
                lines.push(item(Line::styled(
                    format!("journey ({})", count(app.journey().len(), "event")),
                    theme.header,
                )));
                for event in app.journey_events() {
                    let seq = event.seq;
                    let (from, to) = timeline::endpoints(event);
                    let route = match to {
                        Some(to) => format!("{from} → {to}"),
                        None => from.to_string(),
                    };
                    let mut spans = vec![
                        Span::styled(format!("  #{seq:<5}"), theme.muted),
                        Span::raw(format!("{route:<16} ")),
                    ];
                    spans.extend(timeline::label(app, event, theme).spans());
                    lines.push(item(
                        Line::from(spans).style(outcome_style(event.outcome, theme)),
                    ));
                }
            }
            lines.extend([
                field(
                    "hash_ref",
                    Span::styled(d.kp_ref.to_string(), theme.muted),
                    theme,
                ),
                field("owner", d.owner.clone(), theme),
                field("version", d.version.clone(), theme),
                field(
                    "cipher_suite",
                    format!("{} ({})", d.suite, d.suite_name),
                    theme,
                ),
                field("init_key", d.init_key.clone(), theme),
                field("encryption_key", d.encryption_key.clone(), theme),
                field("signature_key", d.signature_key.clone(), theme),
                field("credential", d.credential.clone(), theme),
            ]);
            for (name, value) in &d.capabilities {
                lines.push(field(&format!("cap.{name}"), value.clone(), theme));
            }
            lines.push(field(
                "lifetime",
                lifetime(app.view().now, d.not_before, d.not_after),
                theme,
            ));
            lines.push(field(
                "extensions",
                if d.extensions.is_empty() {
                    "none".to_string()
                } else {
                    d.extensions.join(", ")
                },
                theme,
            ));
            lines.push(field(
                "leaf ext.",
                if d.leaf_extensions.is_empty() {
                    "none".to_string()
                } else {
                    d.leaf_extensions.join(", ")
                },
                theme,
            ));
            let sizes = d
                .sizes
                .iter()
                .map(|(n, s)| format!("{n} {s}B"))
                .collect::<Vec<_>>()
                .join(", ");
            lines.push(field("sizes", sizes, theme));
            if let Some(bundle) = app.bundle() {
                lines.extend(bundle::lines(bundle, theme));
            }
            lines
        }
        Some(Inspection::Welcome(d)) => {
            let mut lines = vec![
                field("group", d.group.clone(), theme),
                field("sender", d.sender.clone(), theme),
                field("cipher_suite", d.suite.to_string(), theme),
                field("size", format!("{} bytes", d.bytes), theme),
                item(Line::styled(
                    format!(
                        "secrets[] ({}), HPKE-sealed (RFC 9420 §12.4.3.1)",
                        d.secrets.len()
                    ),
                    theme.header,
                )),
            ];
            for (i, secret) in d.secrets.iter().enumerate() {
                lines.extend(sealing::lines(app, i, secret, theme));
            }
            lines
        }
    }
}

/// A key package's lifetime relative to the lab's clock, never raw Unix seconds:
/// "valid in 1d, expires in 90d", "expires in 84d", "expired 2h ago".
fn lifetime(now: u64, not_before: u64, not_after: u64) -> String {
    let end = crate::domain::relative(now, not_after);
    if not_before > now {
        format!(
            "valid in {}, {end}",
            crate::domain::approximate(not_before - now)
        )
    } else {
        end
    }
}
