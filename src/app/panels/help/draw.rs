//! The help overlay, generated from the declared actions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

use crate::app::action::{Section, LESSON_KEYS, PROMPT_KEYS};
use crate::app::draw::text::wrap;
use crate::app::draw::theme::Theme;
use crate::app::{App, ACTIONS};
use crate::command::VerbKind;

/// What the tables' short column words and badges mean, for the room.
const LEGENDS: &[&str] = &[
    "Key packages: LR last resort · LR↻N handed out again N times · LR!cap the \
     last-resort capability is missing (receivers reject it) · bundle: the private \
     bundle in storage",
    "DS columns: avl normal packages available · LR last-resort package · cl claims · \
     ↻ reuses · ↓N mail waiting for a client",
    "Groups: eN epoch · 8 hex digits: the epoch authenticator (equal when members \
     agree) · LR joined through a last-resort package · update! should self-update",
    "The : prompt takes scenario lines: bob generate 3 · alice claim bob · alice add \
     bob --to team",
];

/// One entry: its key or verb in a column of `label_width`, its help wrapped
/// beside it (continued lines start under the help, not under the key).
fn entry<'a>(
    label: String,
    label_width: usize,
    help: &str,
    inner: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let label = format!("  {label:<w$}", w = label_width);
    let indent = label.chars().count();
    wrap(help, inner.saturating_sub(indent))
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let head = if i == 0 {
                Span::styled(label.clone(), theme.title)
            } else {
                Span::raw(" ".repeat(indent))
            };
            Line::from(vec![head, Span::raw(text)])
        })
        .collect()
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = area.width.min(84);
    let inner = usize::from(width.saturating_sub(2));
    let mut lines: Vec<Line> = Vec::new();
    for section in Section::ALL {
        lines.push(Line::styled(section.title(), theme.header));
        for spec in ACTIONS.iter().filter(|s| s.section == section) {
            lines.extend(entry(spec.keys_label(), 16, spec.help, inner, theme));
        }
    }
    lines.push(Line::styled("In a lesson", theme.header));
    for (key, action) in LESSON_KEYS {
        let help = action.spec().map_or("", |s| s.help);
        lines.extend(entry(key.label(), 16, help, inner, theme));
    }
    lines.extend(entry(
        ":step N".to_string(),
        16,
        "go to step N of the lesson",
        inner,
        theme,
    ));
    lines.push(Line::styled("At the : prompt", theme.header));
    for (key, _, help) in PROMPT_KEYS {
        lines.extend(entry(key.to_string(), 16, help, inner, theme));
    }
    lines.push(Line::styled(
        "Commands at the : prompt (help VERB shows its usage)",
        theme.header,
    ));
    for verb in crate::command::vocabulary() {
        let name = match verb.kind {
            VerbKind::Client => format!("NAME {}", verb.name),
            VerbKind::Lab | VerbKind::Expect => verb.name.to_string(),
        };
        lines.extend(entry(name, 24, verb.help, inner, theme));
    }
    for legend in LEGENDS {
        lines.extend(
            wrap(legend, inner)
                .into_iter()
                .map(|text| Line::styled(text, theme.muted)),
        );
    }
    let height = (lines.len() as u16 + 2).min(area.height);
    // On a small screen the overlay scrolls; the title says so.
    let room = usize::from(height.saturating_sub(2));
    let scroll = app.help_scroll().min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    let title = if more {
        " Keys (↑↓ scroll, any other key closes) "
    } else {
        " Keys (any key closes) "
    };
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(popup);
    Clear.render(popup, buf);
    buf.set_style(popup, theme.base);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .border_type(BorderType::Double)
                .border_style(theme.border_focus)
                .title(Span::styled(title, theme.title)),
        )
        .render(popup, buf);
}
