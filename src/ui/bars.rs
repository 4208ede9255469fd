//! The header (counts, following, progress), the message line (prompt, toast,
//! caption, hint) and the status bar (the acting client and the keys).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::action::PROMPT_KEYS;
use crate::app::draw::text::{count, escaped, wrap};
use crate::app::draw::theme::Theme;
use crate::app::message::{toast_mark, TOAST_UNDER_CAPTION};
use crate::app::prompt::PromptNote;
use crate::app::{Action, App, Caption, Message, Toast, ToastKind, ACTIONS};

/// The header: the lab's title, the DS's counts, the followed reference (all
/// 8 hex digits) and the DS's active faults, then work in progress or the
/// theme on the right where room is left. Narrow screens shorten the counts
/// first, then the faults to their first and a count; the title, the reuse
/// counter, the reference and the faults always show.
pub(crate) fn header(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let available: usize = app.view().ds.clients.values().map(|d| d.normal.len()).sum();
    let reuses = app.reuses();
    let clients = count(app.view().clients.len(), "client");
    let faults = &app.view().ds.faults;
    let title = [
        Span::styled(" MLS Onboarding Lab ", theme.title),
        Span::styled("│ ", theme.border),
    ];
    let reuse_style = if reuses > 0 { theme.reuse } else { theme.muted };
    let counts = [
        (
            format!("{clients} · DS {available} available · "),
            format!("last-resort reuses {reuses}"),
        ),
        (
            format!("DS {available} available · "),
            format!("last-resort reuses {reuses}"),
        ),
        (
            format!("DS {available} available · "),
            format!("reuses {reuses}"),
        ),
        (format!("DS {available} avl · "), format!("reuses {reuses}")),
    ];
    let following: Vec<Span> = match app.followed() {
        Some(followed) => vec![
            Span::styled(" │ following ", theme.border),
            Span::styled(followed.short(), theme.follow),
        ],
        None => Vec::new(),
    };
    // The DS's faults that are on: every name if they fit, else the first and a
    // count, else the count.
    let fault_texts: Vec<String> = match faults.first() {
        None => vec![String::new()],
        Some(first) => {
            let names: Vec<&str> = faults.iter().map(|f| f.name()).collect();
            let n = faults.len();
            let plural = if n == 1 { "" } else { "s" };
            vec![
                format!(" │ ⚠ DS fault{plural}: {}", names.join(", ")),
                format!(" │ ⚠ DS faults: {first} +{}", n - 1),
                format!(" │ ⚠ {n} DS fault{plural}"),
            ]
        }
    };
    let width = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    // On the right: work in progress (in full, or its count), else the theme's
    // name, which goes first when room is short.
    let right_texts: Vec<Span> = match app.progress() {
        Some(busy) => {
            let bar_width = 10usize;
            let filled = (busy.done * bar_width)
                .checked_div(busy.total)
                .unwrap_or(0)
                .min(bar_width);
            let bar = format!("[{}{}]", "█".repeat(filled), "░".repeat(bar_width - filled));
            let label: String = escaped(&busy.label).chars().take(24).collect();
            vec![
                Span::styled(
                    format!(" {label} {bar} {}/{} ", busy.done, busy.total),
                    theme.warn,
                ),
                Span::styled(format!(" {bar} {}/{} ", busy.done, busy.total), theme.warn),
                Span::styled(" working… ", theme.warn),
            ]
        }
        None if app.batches_in_flight() > 0 => vec![Span::styled(" working… ", theme.warn)],
        None => vec![
            Span::styled(format!(" theme: {} ", app.theme().label()), theme.muted),
            Span::raw(""),
        ],
    };
    let fixed = width(&title) + width(&following);
    let room = usize::from(area.width);
    let fits = |counts: &(String, String), fault: &String, right: &Span| {
        fixed
            + counts.0.chars().count()
            + counts.1.chars().count()
            + fault.chars().count()
            + right.width()
            <= room
    };
    let last = |n: usize| n.saturating_sub(1);
    // Work in progress stays while the left shortens; the theme's name only
    // shows beside the whole left side, and goes before anything else.
    let busy = app.progress().is_some() || app.batches_in_flight() > 0;
    let (count_text, fault_text, right) = right_texts
        .iter()
        .enumerate()
        .find_map(|(index, right)| {
            let shortenings = if busy || index > 0 { counts.len() } else { 1 };
            let fault_forms = if busy || index > 0 {
                fault_texts.len()
            } else {
                1
            };
            fault_texts.iter().take(fault_forms).find_map(|fault| {
                counts
                    .iter()
                    .take(shortenings)
                    .find(|c| fits(c, fault, right))
                    .map(|c| (c.clone(), fault.clone(), right.clone()))
            })
        })
        .unwrap_or_else(|| {
            (
                counts[last(counts.len())].clone(),
                fault_texts[last(fault_texts.len())].clone(),
                Span::raw(""),
            )
        });
    let mut spans: Vec<Span> = title.to_vec();
    spans.push(Span::raw(count_text.0));
    spans.push(Span::styled(count_text.1, reuse_style));
    spans.extend(following);
    if !fault_text.is_empty() {
        spans.push(Span::styled(fault_text, theme.warn));
    }
    Line::from(spans).render(area, buf);
    // Right-aligned, where it covers nothing of the left.
    let right_width = right.width() as u16;
    if right_width > 0 {
        let x = area.right().saturating_sub(right_width);
        right.render(Rect::new(x, area.y, right_width, 1), buf);
    }
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
        if let Some(note) = prompt.note() {
            let style = match note {
                PromptNote::Error(_) => theme.error,
                PromptNote::Offers(_) => theme.muted,
            };
            // Wrapped as `App::message_lines` sized the area for it.
            let rows: Vec<Line> = wrap(&note.text(), usize::from(area.width))
                .into_iter()
                .map(|row| Line::styled(row, style))
                .collect();
            Paragraph::new(rows).render(below, buf);
        }
        return;
    }
    let Some(message) = app.message() else {
        return;
    };
    let style = match &message {
        Message::Toast(toast) => toast_style(toast, theme),
        Message::Caption(caption, toast) => return caption_pane(caption, *toast, area, buf, theme),
        Message::Hint(_) => theme.caption,
        Message::Question(_) => theme.warn,
    };
    Paragraph::new(Line::styled(
        format!("{}{}", message.mark(), escaped(&message.text())),
        style,
    ))
    .wrap(Wrap { trim: false })
    .render(area, buf);
}

fn toast_style(toast: &Toast, theme: &Theme) -> ratatui::style::Style {
    match toast.kind {
        ToastKind::Done => theme.ok,
        ToastKind::Error => theme.error,
        ToastKind::Expected => theme.muted,
    }
}

/// The lesson's caption: `step N/M · the line ✓✓`, the whole comment, and why
/// the lab and the lesson disagree, each part wrapped from a line of its own;
/// the newest toast under it, never over it.
fn caption_pane(
    caption: &Caption,
    toast: Option<&Toast>,
    area: Rect,
    buf: &mut Buffer,
    theme: &Theme,
) {
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
        let style = if caption.is_title() {
            theme.muted
        } else {
            theme.error
        };
        lines.extend(
            wrap(&escaped(note), width)
                .into_iter()
                .map(|text| Line::styled(text, style)),
        );
    }
    let toast_lines: Vec<Line> = toast
        .map(|toast| {
            wrap(&format!("{}{}", toast_mark(toast), toast.text), width)
                .into_iter()
                .take(usize::from(TOAST_UNDER_CAPTION))
                .map(|text| Line::styled(text, toast_style(toast, theme)))
                .collect()
        })
        .unwrap_or_default();
    // The caption takes the rows the toast leaves.
    lines.truncate(usize::from(area.height).saturating_sub(toast_lines.len()));
    lines.extend(toast_lines);
    Paragraph::new(lines).render(area, buf);
}

/// The acting client's name, then the keys: `? help`, `: command` and `q quit`
/// always, the others in their declared order as far as they fit. In a lesson
/// the lesson's keys come first and `? help` and `q quit` always stay, then the
/// focused panel's commands as far as they fit.
pub(crate) fn status(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let key = |label: String, text: &str| -> Vec<Span<'static>> {
        vec![
            Span::styled(format!(" {label} "), theme.key),
            Span::raw(format!(" {text} ")),
        ]
    };
    let spec_item = |action: Action| -> Option<Vec<Span<'static>>> {
        let spec = action.spec()?;
        let binding = spec.keys.first()?;
        Some(key(binding.short_label(), spec.label))
    };
    if app.prompt().is_some() {
        let spans: Vec<Span> = PROMPT_KEYS
            .iter()
            .flat_map(|(label, text, _)| key(label.to_string(), text))
            .collect();
        Line::from(spans).render(area, buf);
        return;
    }
    let actor = app
        .actor()
        .map(|actor| vec![Span::styled(format!("{}: ", escaped(actor)), theme.title)]);
    // (priority, spans), in the order they are shown; 0 always shows.
    let mut items: Vec<(usize, Vec<Span>)> = Vec::new();
    if app.lesson().is_some() {
        items.extend(actor.map(|a| (9, a)));
        for (priority, action) in [
            (1, Action::NextStep),
            (1, Action::PrevStep),
            (3, Action::RestartLesson),
        ] {
            items.extend(spec_item(action).map(|spans| (priority, spans)));
        }
        let focused = app.focus();
        for action in app.panel(focused).commands() {
            items.extend(spec_item(*action).map(|spans| (5, spans)));
        }
        for (priority, action) in [(4, Action::Prompt), (0, Action::Help), (0, Action::Quit)] {
            items.extend(spec_item(action).map(|spans| (priority, spans)));
        }
    } else {
        items.extend(actor.map(|a| (0, a)));
        for (index, spec) in ACTIONS.iter().filter(|s| s.status).enumerate() {
            let essential = matches!(spec.action, Action::Help | Action::Prompt | Action::Quit);
            let priority = if essential { 0 } else { 1 + index };
            items.extend(spec_item(spec.action).map(|spans| (priority, spans)));
        }
    }
    Line::from(fit(items, usize::from(area.width))).render(area, buf);
}

/// The items that fit in `room` columns, most important (lowest) first, shown
/// in their order; those of priority 0 always.
fn fit(items: Vec<(usize, Vec<Span<'_>>)>, room: usize) -> Vec<Span<'_>> {
    let width = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].0, i));
    let mut shown = vec![false; items.len()];
    let mut used = 0;
    for i in order {
        let w = width(&items[i].1);
        if items[i].0 == 0 || used + w <= room {
            used += w;
            shown[i] = true;
        }
    }
    items
        .into_iter()
        .zip(shown)
        .filter(|(_, shown)| *shown)
        .flat_map(|((_, spans), _)| spans)
        .collect()
}
