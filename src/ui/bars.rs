//! The header (counts, following, progress), the message line (prompt, toast,
//! caption, hint) and the status bar (the acting client and the keys).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::action::PROMPT_KEYS;
use crate::app::{Action, App, Caption, Message, ToastKind, ACTIONS};
use crate::ui::text::{count, escaped, wrap};
use crate::ui::theme::Theme;

pub(crate) fn header(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let available: usize = app.view().ds.clients.values().map(|d| d.normal.len()).sum();
    let reuses = app.reuses();
    let clients = count(app.view().clients.len(), "client");
    // Narrow screens drop the title first, then the client count: the DS counts,
    // the reuse counter, the followed reference and the DS's faults always show.
    let faults = &app.view().ds.faults;
    // Active faults take the title's place: a misbehaving DS must never go unseen.
    let full = faults.is_empty() && (area.width >= 100 || app.followed().is_none());
    let mut spans = Vec::new();
    if full {
        spans.push(Span::styled(" MLS Onboarding Lab ", theme.title));
        spans.push(Span::styled("│ ", theme.border));
        spans.push(Span::raw(format!("{clients} · ")));
    } else {
        spans.push(Span::raw(" "));
    }
    spans.push(Span::raw(format!("DS {available} available · ")));
    spans.push(Span::styled(
        format!("last-resort reuses {reuses}"),
        if reuses > 0 { theme.reuse } else { theme.muted },
    ));
    if let Some(followed) = app.followed() {
        spans.push(Span::styled(" │ following ", theme.border));
        spans.push(Span::styled(followed.short(), theme.follow));
    }
    // The DS's faults that are on: every name if they fit, else the first and a
    // count, else the count.
    if let Some(first) = faults.first() {
        let used = Line::from(spans.clone()).width();
        let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
        let count = faults.len();
        let candidates = [
            format!(
                " │ ⚠ DS fault{}: {}",
                if count == 1 { "" } else { "s" },
                names.join(", ")
            ),
            format!(" │ ⚠ DS faults: {first} +{}", count - 1),
            format!(" │ ⚠ {count} DS fault{}", if count == 1 { "" } else { "s" }),
        ];
        let fits = |text: &String| used + text.chars().count() <= usize::from(area.width);
        let text = candidates
            .iter()
            .find(|text| fits(text))
            .unwrap_or(&candidates[2]);
        spans.push(Span::styled(text.clone(), theme.warn));
    }
    let line = Line::from(spans);
    let used = line.width() as u16;
    line.render(area, buf);
    // Right-aligned, drawn last so that it is never cut off: work in progress, or
    // else the theme's name.
    let right = if let Some(busy) = app.progress() {
        let width = 10usize;
        let filled = (busy.done * width)
            .checked_div(busy.total)
            .unwrap_or(0)
            .min(width);
        let label: String = escaped(&busy.label).chars().take(24).collect();
        Span::styled(
            format!(
                " {label} [{}{}] {}/{} ",
                "█".repeat(filled),
                "░".repeat(width - filled),
                busy.done,
                busy.total
            ),
            theme.warn,
        )
    } else if app.batches_in_flight() > 0 {
        Span::styled(" working… ", theme.warn)
    } else if area.width > used + 20 {
        Span::styled(format!(" theme: {} ", app.theme().label()), theme.muted)
    } else {
        return;
    };
    let width = (right.width() as u16).min(area.width);
    let x = area.right() - width;
    right.render(Rect::new(x, area.y, width, 1), buf);
}

pub(crate) fn message(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    if let Some(prompt) = app.prompt() {
        // A line longer than the screen scrolls so that the cursor stays visible.
        // Typed and pasted text is shown escaped; the cursor stays before the
        // character it was before.
        let room = usize::from(area.width.saturating_sub(2));
        let before = escaped(prompt.before_cursor());
        let after = escaped(&prompt.input()[prompt.before_cursor().len()..]);
        let cursor = before.chars().count();
        let skip = cursor.saturating_sub(room);
        let shown: String = before
            .chars()
            .chain(after.chars())
            .skip(skip)
            .take(room + 1)
            .collect();
        Line::from(vec![Span::styled(":", theme.key), Span::raw(shown)])
            .render(Rect::new(area.x, area.y, area.width, 1), buf);
        let x = area.x + 1 + (cursor - skip) as u16;
        if x < area.right() {
            buf.set_style(
                Rect::new(x, area.y, 1, 1),
                Style::new().add_modifier(Modifier::REVERSED),
            );
        }
        // Its error, or what Tab offers, on the lines below.
        let below = Rect::new(
            area.x,
            area.y + 1,
            area.width,
            area.height.saturating_sub(1),
        );
        let note = match (prompt.error(), prompt.completions()) {
            (Some(error), _) => Some(Span::styled(format!("✗ {}", escaped(error)), theme.error)),
            (None, []) => None,
            (None, words) => Some(Span::styled(
                format!("Tab: {}", escaped(&words.join(" "))),
                theme.muted,
            )),
        };
        if let Some(note) = note {
            Paragraph::new(Line::from(note))
                .wrap(Wrap { trim: false })
                .render(below, buf);
        }
        return;
    }
    let Some(message) = app.message() else {
        return;
    };
    let style = match &message {
        Message::Toast(toast) => match toast.kind {
            ToastKind::Done => theme.ok,
            ToastKind::Error => theme.error,
            ToastKind::Expected => theme.muted,
        },
        Message::Caption(caption) => return caption_pane(caption, area, buf, theme),
        Message::Hint(_) => theme.caption,
    };
    Paragraph::new(Line::styled(
        format!("{}{}", message.mark(), escaped(&message.text())),
        style,
    ))
    .wrap(Wrap { trim: false })
    .render(area, buf);
}

/// The lesson's caption: `step N/M · the line`, the whole comment, and why the
/// lab and the lesson disagree, each part wrapped from a line of its own.
fn caption_pane(caption: &Caption, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = usize::from(area.width);
    let mut lines: Vec<Line> = Vec::new();
    for (i, text) in wrap(&escaped(&caption.heading()), width)
        .into_iter()
        .enumerate()
    {
        // The step number stands out; the line run is drawn like a command.
        match text.split_once(" · ").filter(|_| i == 0) {
            Some((step, line)) => lines.push(Line::from(vec![
                Span::styled(step.to_string(), theme.key),
                Span::styled(" · ", theme.muted),
                Span::styled(line.to_string(), theme.header),
            ])),
            None => lines.push(Line::styled(text, theme.header)),
        }
    }
    if !caption.comment.is_empty() {
        lines.extend(
            wrap(&escaped(&caption.comment), width)
                .into_iter()
                .map(|text| Line::styled(text, theme.caption)),
        );
    }
    if let Some(said) = &caption.said {
        lines.extend(
            wrap(&escaped(said), width)
                .into_iter()
                .map(|text| Line::styled(text, theme.title)),
        );
    }
    if let Some(note) = &caption.note {
        lines.extend(
            wrap(&escaped(note), width)
                .into_iter()
                .map(|text| Line::styled(text, theme.error)),
        );
    }
    Paragraph::new(lines).render(area, buf);
}

/// The acting client's name, then the keys: `? help`, `: command` and `q quit`
/// always, the others in their declared order as far as they fit.
pub(crate) fn status(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let key = |label: String, text: &str| {
        [
            Span::styled(format!(" {label} "), theme.key),
            Span::raw(format!(" {text} ")),
        ]
    };
    let mut spans = Vec::new();
    if app.prompt().is_some() {
        for (label, text, _) in PROMPT_KEYS {
            spans.extend(key(label.to_string(), text));
        }
        Line::from(spans).render(area, buf);
        return;
    }
    if let Some(actor) = app.actor() {
        spans.push(Span::styled(format!("{}: ", escaped(actor)), theme.title));
    }
    let items: Vec<(bool, [Span; 2])> = ACTIONS
        .iter()
        .filter(|s| s.status)
        .filter_map(|spec| {
            let essential = matches!(spec.action, Action::Help | Action::Prompt | Action::Quit);
            spec.keys
                .first()
                .map(|k| (essential, key(k.label(), spec.label)))
        })
        .collect();
    let width = |pair: &[Span; 2]| pair.iter().map(|s| s.width()).sum::<usize>();
    let mut used: usize = spans.iter().map(|s| s.width()).sum::<usize>()
        + items
            .iter()
            .filter(|(e, _)| *e)
            .map(|(_, p)| width(p))
            .sum::<usize>();
    let room = usize::from(area.width);
    for (essential, pair) in items {
        if essential {
            spans.extend(pair);
        } else if used + width(&pair) <= room {
            used += width(&pair);
            spans.extend(pair);
        }
    }
    Line::from(spans).render(area, buf);
}
