//! The timeline as a sequence diagram: one lane for the DS and one per client, one
//! row per event, messages drawn as labelled arrows between lanes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::layout;
use crate::app::{App, FlashKey};
use crate::domain::KeyPackageRef;
use crate::engine::{Endpoint, Event, EventKind, Outcome};
use crate::ui::text::{escaped_spans, outcome_style, ref_span};
use crate::ui::theme::Theme;

const DS: &str = "DS";
/// Fewest columns between two lanes.
const MIN_SPACING: u16 = 8;
const GUTTER: u16 = 5;

/// Who sends and who receives, as lane names: `None` as the target marks a note
/// on the actor's lane (the route is the event's own, see `Event::route`).
pub(crate) fn endpoints(event: &Event) -> (&str, Option<&str>) {
    let route = event.route();
    (lane(route.from), route.to.map(lane))
}

fn lane(endpoint: Endpoint<'_>) -> &str {
    match endpoint {
        Endpoint::Ds => DS,
        Endpoint::Client(name) => name,
    }
}

/// The label of an event: text with the reference it is about, styled.
pub(crate) fn label<'a>(app: &App, event: &'a Event, theme: &Theme) -> Vec<Span<'a>> {
    let r = |kp_ref: &KeyPackageRef| -> Span<'a> { ref_span(app, kp_ref, theme, theme.arrow) };
    let t = |s: String| Span::raw(s);
    let lr = |yes: bool| {
        if yes {
            Span::styled(" LR", theme.last_resort)
        } else {
            Span::raw("")
        }
    };
    match &event.kind {
        EventKind::ClientRegistered { .. } => vec![t("register".into())],
        EventKind::KeyPackageGenerated {
            kp_ref,
            last_resort,
            ..
        } => {
            vec![t("generate ".into()), r(kp_ref), lr(*last_resort)]
        }
        EventKind::KeyPackagePublished {
            kp_ref,
            last_resort,
            ..
        } => {
            vec![t("KeyPackage ".into()), r(kp_ref), lr(*last_resort)]
        }
        EventKind::KeyPackageRejected { kp_ref, error, .. } => {
            let mut spans = vec![t("✗ KeyPackage ".into())];
            if let Some(kp_ref) = kp_ref {
                spans.push(r(kp_ref));
            }
            spans.push(Span::styled(format!(" {error}"), theme.error));
            spans
        }
        EventKind::KeyPackageClaimed {
            kp_ref,
            owner,
            last_resort,
            last_resort_reuse,
            ..
        } => {
            let mut spans = vec![t(format!("{owner}'s ")), r(kp_ref), lr(*last_resort)];
            if *last_resort_reuse {
                spans.push(Span::styled(" ↻ reuse", theme.reuse));
            }
            spans
        }
        // A failure's context is plain text (drawn in the row's error colour),
        // so that a narrow row drops it word by word and keeps the code.
        EventKind::ClaimFailed { owner, error, .. } => {
            vec![
                t(format!("✗ claim {owner}: ")),
                Span::styled(error.to_string(), theme.error),
            ]
        }
        EventKind::GroupCreated { group, .. } => vec![t(format!("create {group}"))],
        EventKind::CommitSent { group, epoch, .. } => vec![t(format!("Commit {group} e{epoch}"))],
        EventKind::WelcomeSent {
            group,
            new_member_refs,
            ..
        } => {
            let mut spans = vec![t(format!("Welcome {group} "))];
            // Show the followed reference if the Welcome names it.
            let shown = new_member_refs
                .iter()
                .find(|x| app.followed() == Some(*x))
                .or(new_member_refs.first());
            if let Some(shown) = shown {
                spans.push(r(shown));
            }
            if new_member_refs.len() > 1 {
                spans.push(t(format!(" +{}", new_member_refs.len() - 1)));
            }
            spans
        }
        EventKind::WelcomeDelivered {
            group,
            kp_ref,
            new_member_refs,
            misbehaving_ds,
            ..
        } => {
            let mut spans = vec![t(format!("Welcome {group} "))];
            // A replayed or misrouted Welcome names no reference of its receiver:
            // show the one it carries.
            if let Some(kp_ref) = kp_ref.as_ref().or(new_member_refs.first()) {
                spans.push(r(kp_ref));
            }
            // The row above says what the DS did (replay-welcome, forward-welcome).
            if *misbehaving_ds {
                spans.push(Span::styled(" (bad DS)", theme.warn));
            }
            spans
        }
        EventKind::GroupJoined {
            group,
            kp_ref,
            last_resort,
            ..
        } => {
            vec![
                t(format!("joined {group} via ")),
                r(kp_ref),
                lr(*last_resort),
            ]
        }
        EventKind::JoinFailed { group, error, .. } => {
            vec![
                t(format!("✗ join {group}: ")),
                Span::styled(error.to_string(), theme.error),
            ]
        }
        EventKind::PrivateBundleDeleted { kp_ref } => {
            vec![t("bundle ".into()), r(kp_ref), t(" deleted".into())]
        }
        EventKind::KeyPackageExpired { kp_ref, owner, .. } => {
            vec![t(format!("{owner}'s ")), r(kp_ref), t(" expired".into())]
        }
        EventKind::Clock { offset, .. } => {
            vec![t(format!("clock +{}", crate::domain::approximate(*offset)))]
        }
        EventKind::KeyPackageSkipped { kp_ref, .. } => {
            vec![t("skip ".into()), r(kp_ref)]
        }
        EventKind::PrivateBundleDiscarded { kp_ref } => {
            vec![
                t("bundle ".into()),
                r(kp_ref),
                t(" deleted on purpose".into()),
            ]
        }
        EventKind::PrivateBundleRetained { kp_ref } => {
            vec![
                t("bundle ".into()),
                r(kp_ref),
                Span::styled(" kept (LR)", theme.last_resort),
            ]
        }
        EventKind::CommitProcessed { group, epoch } => {
            vec![t(format!("Commit {group} → e{epoch}"))]
        }
        EventKind::CommitFailed { group, error, .. } => {
            vec![
                t(format!("✗ Commit {group}: ")),
                Span::styled(error.to_string(), theme.error),
            ]
        }
        EventKind::SelfUpdated { group, epoch, .. } => vec![t(format!("update {group} e{epoch}"))],
        EventKind::DsMisbehaved { action, .. } => vec![Span::styled(action.clone(), theme.warn)],
        EventKind::CommandFailed { command, error, .. } => {
            vec![
                t(format!("✗ {command}: ")),
                Span::styled(error.to_string(), theme.error),
            ]
        }
        EventKind::ExpectPassed { expectation } => {
            vec![Span::styled(format!("✓ expect {expectation}"), theme.ok)]
        }
        EventKind::ExpectFailed { expectation, .. } => {
            vec![Span::styled(format!("✗ expect {expectation}"), theme.error)]
        }
        // The DS's faults and policies.
        EventKind::DsFaultSet { fault, on, .. } => {
            let switch = if *on { "on" } else { "off" };
            vec![Span::styled(format!("fault {fault} {switch}"), theme.warn)]
        }
        EventKind::DsFaultActed { fault, .. } => {
            vec![Span::styled(format!("⚠ {fault}"), theme.warn)]
        }
        EventKind::DsReleased { .. } => vec![Span::styled("release".to_string(), theme.warn)],
        EventKind::KeyPackageRefused {
            kp_ref,
            owner,
            error,
            ..
        } => vec![
            t(format!("✗ {owner}'s ")),
            r(kp_ref),
            Span::styled(format!(" {error}"), theme.error),
        ],
        EventKind::DsPolicySet {
            policy,
            limit,
            per,
            value,
        } => match (limit, per, value) {
            (Some(limit), Some(per), _) => vec![t(format!("{policy} {limit}/{per}"))],
            (_, _, Some(value)) => vec![t(format!("{policy} {value}"))],
            _ => vec![t(format!("{policy} off"))],
        },
        EventKind::PoolSet { target, .. } => match target {
            Some(target) => vec![t(format!("pool {target}"))],
            None => vec![t("pool off".into())],
        },
        EventKind::PoolRefilled { generated, .. } => vec![t(format!("pool +{generated}"))],
        EventKind::KeyPackageExported { kp_ref, .. } => {
            vec![t("export ".into()), r(kp_ref)]
        }
        EventKind::WelcomeExported { group, .. } => vec![t(format!("export Welcome {group}"))],
        EventKind::KeyPackageCrafted { change, .. } => vec![t(format!("craft {change}"))],
        EventKind::MailboxExported { client, files, .. } => {
            vec![t(format!("export mailbox {client} ({})", files.len()))]
        }
        EventKind::KeyPackageImported {
            kp_ref, identity, ..
        } => {
            vec![t("import ".into()), r(kp_ref), t(format!(" as {identity}"))]
        }
        EventKind::WelcomeImported {
            kp_ref,
            new_member_refs,
            ..
        } => {
            let mut spans = vec![t("Welcome from file ".into())];
            if let Some(kp_ref) = kp_ref.as_ref().or(new_member_refs.first()) {
                spans.push(r(kp_ref));
            }
            spans
        }
    }
}

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if area.height < 2 || area.width <= GUTTER + 4 {
        return;
    }
    let body_height = area.height as usize - 1;
    let shown = app.visible_events();
    let range = {
        let offset = layout::scroll_offset(app.timeline_row(), shown, body_height);
        offset..(offset + body_height).min(shown)
    };
    let flight = app
        .flight()
        .filter(|_| app.timeline_follows_newest() && range.len() < body_height + 1)
        .and_then(|f| app.events().get(shown).map(|e| (f, e)));
    let mut rows: Vec<&Event> = app.events()[range.clone()].iter().collect();
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
        let index = (event.seq as usize).saturating_sub(1);
        let selected = !app.timeline_follows_newest() && index == app.timeline_row();
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
        let spans = escaped_spans(label(app, event, theme));
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
                let place = |spans: &[Span]| {
                    let width: u16 = spans.iter().map(|s| s.width() as u16).sum();
                    along(width, lo, hi, area.x + GUTTER, right)
                };
                // In full if it fits somewhere; else without its trailing note;
                // else beside, shortened.
                let (spans, placed) = match place(&spans) {
                    Some(p) => (spans, Some(p)),
                    None => {
                        let spans = without_note(spans);
                        let placed = place(&spans);
                        (spans, placed)
                    }
                };
                let (lx, max) = placed.unwrap_or_else(|| {
                    let width: u16 = spans.iter().map(|s| s.width() as u16).sum();
                    beside(width, lo, hi, area.x + GUTTER, right)
                });
                draw_label(spans, Rect::new(lx, y, max, 1), style, buf);
            }
            (Some(a), _) => {
                let x = lane_x(a);
                let failed = event.outcome == Outcome::Error;
                buf.set_string(x, y, if failed { "✗" } else { "●" }, style);
                // The lane's mark already says it failed: the label does not repeat ✗.
                let spans = if failed { without_cross(spans) } else { spans };
                let text_width: u16 = spans.iter().map(|s| s.width() as u16).sum();
                let (lx, max) = beside(text_width, x, x, area.x + GUTTER, right);
                draw_label(spans, Rect::new(lx, y, max, 1), style, buf);
            }
            (None, _) => {
                let mut all = vec![Span::styled(format!("{}: ", event.actor), theme.muted)];
                all.extend(spans);
                Line::from(all).render(Rect::new(area.x + GUTTER, y, lanes_width, 1), buf);
            }
        }
        if selected && app.focus() == layout::Panel::Timeline {
            super::highlight(Rect::new(area.x, y, area.width, 1), buf, theme);
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
    } else if right_room >= left_room {
        (hi + 2, right_room)
    } else {
        (left_edge, left_room)
    }
}

/// Draws a label: the letters keep the label's colour where they cross a lane.
fn draw_label(spans: Vec<Span>, area: Rect, style: Style, buf: &mut Buffer) {
    if area.width == 0 {
        return;
    }
    let spans = fit(spans, usize::from(area.width));
    let width: usize = spans.iter().map(|s| s.width()).sum();
    buf.set_style(area, style);
    if width <= usize::from(area.width) {
        Line::from(spans).render(area, buf);
        return;
    }
    // Too long for any side: cut with an ellipsis, never silently.
    let cut = Rect::new(area.x, area.y, area.width - 1, 1);
    Line::from(spans).render(cut, buf);
    buf.set_string(area.right() - 1, area.y, "…", style);
}

/// The spans of a failure's label without its leading `✗ `.
fn without_cross(mut spans: Vec<Span>) -> Vec<Span> {
    if let Some(first) = spans.first_mut() {
        if let Some(rest) = first.content.strip_prefix("✗ ") {
            first.content = rest.to_string().into();
        }
    }
    spans
}

/// A label without its trailing note in parentheses ("(bad DS)": the arrow's
/// colour and the row above say it too).
fn without_note(mut spans: Vec<Span>) -> Vec<Span> {
    if spans.last().is_some_and(|s| s.content.starts_with(" (")) {
        spans.pop();
    }
    spans
}

/// Shortens a label that is wider than `room`: a trailing note goes first,
/// then words of its leading plain text ("Welcome team 3fa2b7c1" becomes
/// "team 3fa2b7c1", then "3fa2b7c1"): the reference is the last thing to go.
fn fit(mut spans: Vec<Span>, room: usize) -> Vec<Span> {
    let width = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    if width(&spans) > room {
        spans = without_note(spans);
    }
    while width(&spans) > room {
        let Some(first) = spans.first_mut() else {
            break;
        };
        if first.style != Style::default() {
            break;
        }
        let text = first.content.trim_start();
        match text.split_once(' ') {
            Some((_, rest)) if !rest.trim().is_empty() => first.content = rest.to_string().into(),
            Some(_) | None => {
                spans.remove(0);
            }
        }
    }
    spans
}
