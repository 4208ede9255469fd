//! The timeline as a sequence diagram: one lane for the DS and one per client, one
//! row per event, messages drawn as labelled arrows between lanes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::draw::text::outcome_style;
use crate::app::draw::theme::Theme;
use crate::app::layout;
use crate::app::{App, FlashKey};
use crate::engine::{Endpoint, Event, EventKind, Outcome};

use super::label::{label, Label};

const DS: &str = "DS";
/// Fewest columns between two lanes.
const MIN_SPACING: u16 = 8;
const GUTTER: u16 = 5;

/// Who sends and who receives, as lane names: `None` as the target marks a note
/// on the actor's lane (the route is the event's own, see `Event::route`).
pub fn endpoints(event: &Event) -> (&str, Option<&str>) {
    let route = event.route();
    (lane(route.from), route.to.map(lane))
}

fn lane(endpoint: Endpoint<'_>) -> &str {
    match endpoint {
        Endpoint::Ds => DS,
        Endpoint::Client(name) => name,
    }
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height < 2 || area.width <= GUTTER + 4 {
        return;
    }
    let body_height = area.height as usize - 1;
    let drawn: Vec<&Event> = app.timeline_events().collect();
    let shown = drawn.len();
    let range = {
        let offset = layout::scroll_offset(app.timeline_row(), shown, body_height);
        offset..(offset + body_height).min(shown)
    };
    let flight = app
        .flight()
        .filter(|_| app.timeline_follows_newest() && range.len() < body_height + 1)
        .and_then(|f| {
            app.events()
                .get((f.seq as usize).saturating_sub(1))
                .map(|e| (f, e))
        });
    let mut rows: Vec<&Event> = drawn[range.clone()].to_vec();
    if let Some((_, event)) = flight {
        if rows.len() == body_height {
            rows.remove(0);
        }
        rows.push(event);
    }
    // Lanes: the DS and every client, or only those on screen when they do not fit.
    let lanes_width = area.width - GUTTER;
    let fits = |n: usize| n as u16 * MIN_SPACING <= lanes_width;
    let mut lanes: Vec<String> = vec![DS.to_string()];
    if fits(app.view().clients.len() + 1) {
        lanes.extend(app.view().clients.iter().map(|c| c.name.clone()));
    } else {
        for client in &app.view().clients {
            if rows
                .iter()
                .any(|e| e.actor == client.name || endpoints(e).1 == Some(client.name.as_str()))
            {
                lanes.push(client.name.clone());
            }
            if !fits(lanes.len() + 1) {
                break;
            }
        }
    }
    let spacing = lanes_width / lanes.len() as u16;
    let lane_x = |i: usize| area.x + GUTTER + spacing * i as u16 + spacing / 2;
    let lane_of = |name: &str| lanes.iter().position(|l| l == name);
    // Lane names.
    for (i, name) in lanes.iter().enumerate() {
        let text: String = name
            .chars()
            .take(spacing.saturating_sub(1) as usize)
            .collect();
        let w = text.chars().count() as u16;
        let x = lane_x(i).saturating_sub(w / 2).max(area.x + GUTTER);
        let style = if name == DS { theme.ds } else { theme.header };
        buf.set_string(x, area.y, &text, style);
    }
    let right = area.right();
    for (row, event) in rows.iter().enumerate() {
        let y = area.y + 1 + row as u16;
        let selected = app.timeline_picked() == Some(event.seq);
        for i in 0..lanes.len() {
            if let Some(cell) = buf.cell_mut((lane_x(i), y)) {
                cell.set_symbol("│").set_style(theme.muted);
            }
        }
        let flashing = app.is_flashing(&FlashKey::Event(event.seq));
        let seq_style = if flashing { theme.flash } else { theme.muted };
        buf.set_string(area.x, y, format!("{:>4}", event.seq), seq_style);
        // A message a misbehaving DS delivered travels in the warning colour.
        let misdelivered = matches!(
            event.kind,
            EventKind::WelcomeDelivered {
                misbehaving_ds: true,
                ..
            }
        );
        let style = if misdelivered {
            theme.warn
        } else {
            outcome_style(event.outcome, theme)
        };
        // Labels quote input (names, groups, identities): escaped.
        let label = label(app, event, theme).escaped();
        let (from, to) = endpoints(event);
        // The message moving now is drawn as far as it got.
        let progress = flight
            .filter(|(_, moving)| moving.seq == event.seq)
            .map(|(f, _)| f.progress);
        match (lane_of(from), to.and_then(lane_of)) {
            (Some(a), Some(b)) if a != b => {
                let (xa, xb) = (lane_x(a), lane_x(b));
                let (lo, hi) = (xa.min(xb), xa.max(xb));
                let span = hi - lo;
                let reach = progress.map_or(span, |p| ((span as f32) * p).round() as u16);
                // The shaft, from the sender towards the receiver.
                for step in 1..reach.max(1) {
                    let x = if xa < xb { xa + step } else { xa - step };
                    if let Some(cell) = buf.cell_mut((x, y)) {
                        cell.set_symbol("─").set_style(style);
                    }
                }
                let head_x = if xa < xb {
                    xa + reach.max(1).min(span)
                } else {
                    xa - reach.max(1).min(span)
                };
                let head = match (progress, xa < xb) {
                    (Some(p), _) if p < 1.0 => "●",
                    (_, true) => "▶",
                    (_, false) => "◀",
                };
                buf.set_string(head_x.min(right - 1), y, head, style);
                buf.set_string(xa, y, "├", style);
                // The longest form that fits somewhere along or beside the
                // arrow; else the shortest beside it, cut.
                let place =
                    |form: &Label| along(form.width() as u16, lo, hi, area.x + GUTTER, right);
                let placed = match place(&label) {
                    Some(whole) => Ok((label, whole)),
                    None => {
                        let shorter = label
                            .shorter_forms()
                            .find_map(|form| place(&form).map(|at| (form, at)));
                        shorter.ok_or(label)
                    }
                };
                let (form, (lx, max)) = placed.unwrap_or_else(|label| {
                    let form = label.fit(0);
                    let place = beside(form.width() as u16, lo, hi, area.x + GUTTER, right);
                    (form, place)
                });
                draw_label(form, Rect::new(lx, y, max, 1), style, buf);
            }
            (Some(a), _) => {
                let x = lane_x(a);
                let failed = event.outcome == Outcome::Error;
                buf.set_string(x, y, if failed { "✗" } else { "●" }, style);
                // The lane's mark already says it failed: the label does not repeat ✗.
                let label = if failed { label.without_cross() } else { label };
                let (lx, max) = beside(label.width() as u16, x, x, area.x + GUTTER, right);
                // Where the full label does not fit, the side with more room
                // takes the longest form that fits it.
                let (lx, max) = if usize::from(max) >= label.width() {
                    (lx, max)
                } else {
                    let short = label.clone().fit(usize::from(max));
                    beside(short.width() as u16, x, x, area.x + GUTTER, right)
                };
                draw_label(label, Rect::new(lx, y, max, 1), style, buf);
            }
            (None, _) => {
                let mut all = vec![Span::styled(format!("{}: ", event.actor), theme.muted)];
                all.extend(label.spans());
                Line::from(all).render(Rect::new(area.x + GUTTER, y, lanes_width, 1), buf);
            }
        }
        if selected && app.focus() == layout::Panel::Timeline {
            crate::app::draw::highlight(Rect::new(area.x, y, area.width, 1), buf, theme);
        }
    }
}

/// Where a label of `width` goes along an arrow spanning `lo..=hi`, if it fits
/// in full: inside with some shaft either side; else beside it; else inside
/// touching its tail and head (the head still shows the direction).
fn along(width: u16, lo: u16, hi: u16, left_edge: u16, right: u16) -> Option<(u16, u16)> {
    let span = hi - lo;
    let (bx, bmax) = beside(width, lo, hi, left_edge, right);
    if width + 4 <= span {
        Some((lo + 1 + (span - width) / 2, width))
    } else if bmax >= width {
        Some((bx, bmax))
    } else if width < span {
        Some((lo + 1 + (span - 1 - width) / 2, width))
    } else {
        None
    }
}

/// Where a label of `width` goes beside an arrow or mark spanning `lo..=hi`: on
/// the right when it fits there, else on the left, else on the side with more
/// room (cut with `…`). Returns its x and the width it may take.
fn beside(width: u16, lo: u16, hi: u16, left_edge: u16, right: u16) -> (u16, u16) {
    let right_room = right.saturating_sub(hi + 2);
    let left_room = lo.saturating_sub(left_edge + 1);
    if width <= right_room {
        (hi + 2, width)
    } else if width <= left_room {
        (lo - 1 - width, width)
    } else if width <= right_room + 1 {
        // Without the space after the mark, the whole label fits.
        (hi + 1, width)
    } else if right_room >= left_room {
        (hi + 2, right_room)
    } else {
        (left_edge, left_room)
    }
}

/// Draws a label in its longest form that fits: the letters keep the label's
/// colour where they cross a lane; a label wider than the row even in its
/// shortest form is cut, with an ellipsis, never silently.
fn draw_label(label: Label, area: Rect, style: Style, buf: &mut Buffer) {
    if area.width == 0 {
        return;
    }
    let form = label.fit(usize::from(area.width));
    buf.set_style(area, style);
    if form.width() <= usize::from(area.width) {
        Line::from(form.into_spans()).render(area, buf);
        return;
    }
    let cut = Rect::new(area.x, area.y, area.width - 1, 1);
    Line::from(form.into_spans()).render(cut, buf);
    buf.set_string(area.right() - 1, area.y, "…", style);
}
