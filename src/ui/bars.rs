//! The header (counts, following, progress), the message line (prompt, toast,
//! caption, hint) and the status bar (the acting client and the keys).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::action::PROMPT_KEYS;
use crate::app::{App, ToastKind, ACTIONS};
use crate::theme::Theme;
use crate::ui::text::short;

pub(crate) fn header(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let available: usize = app.view().ds.clients.values().map(|d| d.normal.len()).sum();
    let reuses = app.reuses();
    let mut spans = vec![
        Span::styled(" MLS Onboarding Lab ", theme.title),
        Span::styled("│ ", theme.border),
        Span::raw(format!(
            "{} clients · DS {available} available · ",
            app.view().clients.len()
        )),
        Span::styled(
            format!("last-resort reuses {reuses}"),
            if reuses > 0 { theme.reuse } else { theme.muted },
        ),
    ];
    if let Some(followed) = app.followed() {
        spans.push(Span::styled(" │ following ", theme.border));
        spans.push(Span::styled(short(followed), theme.follow));
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
        let label: String = busy.label.chars().take(24).collect();
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
        let room = usize::from(area.width.saturating_sub(2));
        let cursor = prompt.cursor();
        let skip = cursor.saturating_sub(room);
        let shown: String = prompt.input().chars().skip(skip).take(room + 1).collect();
        let mut spans = vec![Span::styled(":", theme.key), Span::raw(shown)];
        if let Some(error) = prompt.error() {
            spans.push(Span::styled(format!("  ✗ {error}"), theme.error));
        } else if !prompt.completions().is_empty() {
            spans.push(Span::styled(
                format!("   Tab: {}", prompt.completions().join(" ")),
                theme.muted,
            ));
        }
        Line::from(spans).render(area, buf);
        let x = area.x + 1 + (cursor - skip) as u16;
        if x < area.right() {
            buf.set_style(
                Rect::new(x, area.y, 1, 1),
                Style::new().add_modifier(Modifier::REVERSED),
            );
        }
        return;
    }
    if let Some(toast) = app.toasts().last() {
        let (style, mark) = match toast.kind {
            ToastKind::Done => (theme.ok, "✓ "),
            ToastKind::Error => (theme.error, "✗ "),
            ToastKind::Expected => (theme.muted, "✓ expected: "),
        };
        Line::styled(format!("{mark}{}", toast.text), style).render(area, buf);
        return;
    }
    if let Some(caption) = app.caption().filter(|c| !c.is_empty()) {
        Line::styled(caption, theme.caption).render(area, buf);
        return;
    }
    if let Some(hint) = app.hint() {
        Line::styled(hint, theme.caption).render(area, buf);
    }
}

pub(crate) fn status(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let mut spans = Vec::new();
    if app.prompt().is_some() {
        for (key, label, _) in PROMPT_KEYS {
            spans.push(Span::styled(format!(" {key} "), theme.key));
            spans.push(Span::raw(format!(" {label} ")));
        }
    } else {
        if let Some(actor) = app.actor() {
            spans.push(Span::styled(format!("{actor}: "), theme.title));
        }
        for spec in ACTIONS.iter().filter(|s| s.status) {
            if let Some(key) = spec.keys.first() {
                spans.push(Span::styled(format!(" {} ", key.label()), theme.key));
                spans.push(Span::raw(format!(" {} ", spec.label)));
            }
        }
    }
    Line::from(spans).render(area, buf);
}
