//! The help overlay, generated from the declared actions: on a screen of 100
//! columns or more the actions in two columns (every one of them on one page at
//! 100×40), then the prompt's keys, the vocabulary and what every column of
//! every panel means, which scroll a line or a page at a time.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

use crate::app::action::{Section, LESSON_KEYS, PROMPT_KEYS};
use crate::app::draw::text::wrap;
use crate::app::draw::theme::Theme;
use crate::app::{App, ACTIONS};
use crate::command::VerbKind;

/// What every panel's columns, short words and badges mean, for the room.
const LEGENDS: &[&str] = &[
    "Clients: kp key packages generated · pub published · bundle private bundles in \
     storage · mail ↓N messages waiting for it (at the DS, or fetched and not yet \
     processed) · ext an external client",
    "Key packages: # generation order (@N) · ref the reference's first 8 hex digits · \
     state as the owner knows it · badge LR last resort, LR↻N handed out again N \
     times, LR!cap the last-resort capability is missing (receivers reject it) · \
     bundle present or deleted: the private bundle in storage · life lifetime left · \
     size bytes",
    "DS columns: avl normal packages available · LR the last-resort package · cl \
     claims · ↻ reuses; under them the acting client's entries: reference, badge, \
     size, suite",
    "Groups: N members, K invited, then in sync, joining or out of sync · per member \
     eN epoch · 8 hex digits: the epoch authenticator (equal when members agree) · \
     LR joined through a last-resort package · update! should self-update · invited: \
     in the tree, Welcome not processed yet · outside: not one of the lab's clients",
    "Timeline: the event's number, a lane per client and the DS; ─▶ a message, ● a \
     note on a lane, ✗ a failure; in a lesson the picked row is the step's subject",
    "The : prompt takes scenario lines: bob generate 3 · alice claim bob · alice add \
     bob --to team",
];

/// Screens at least this wide show the actions in two columns.
const TWO_COLUMNS: u16 = 100;

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

/// The entries of `sections`, in a column `inner` wide.
fn section_lines<'a>(
    sections: &[Section],
    label_width: usize,
    inner: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = Vec::new();
    for section in sections {
        lines.push(Line::styled(section.title(), theme.header));
        for spec in ACTIONS.iter().filter(|s| s.section == *section) {
            lines.extend(entry(
                spec.keys_label(),
                label_width,
                spec.help,
                inner,
                theme,
            ));
        }
        if *section == Section::Lesson {
            // The keys a lesson takes over, as a clicker sends them.
            for (key, action) in LESSON_KEYS {
                let label = action.spec().map_or("", |s| s.label);
                lines.extend(entry(key.label(), label_width, label, inner, theme));
            }
            lines.extend(entry(
                ":step N".to_string(),
                label_width,
                "go to step N, drawn at once",
                inner,
                theme,
            ));
        }
    }
    lines
}

/// Two columns side by side, the left one padded to `width`, a rule between.
fn side_by_side<'a>(
    left: Vec<Line<'a>>,
    right: Vec<Line<'a>>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let rows = left.len().max(right.len());
    let mut left = left.into_iter();
    let mut right = right.into_iter();
    (0..rows)
        .map(|_| {
            let mut spans = left.next().map(|l| l.spans).unwrap_or_default();
            let used: usize = spans.iter().map(|s| s.width()).sum();
            spans.push(Span::raw(" ".repeat(width.saturating_sub(used))));
            spans.push(Span::styled(" │ ", theme.border));
            spans.extend(right.next().map(|l| l.spans).unwrap_or_default());
            Line::from(spans)
        })
        .collect()
}

/// The overlay's width on a screen of `width` columns, and its lines.
fn overlay<'a>(width: u16, theme: &Theme) -> (u16, Vec<Line<'a>>) {
    let two = width >= TWO_COLUMNS;
    let overlay_width = if two { width.min(120) } else { width.min(84) };
    let inner = usize::from(overlay_width.saturating_sub(2));
    let mut lines = if two {
        let column = (inner - 3) / 2;
        side_by_side(
            section_lines(&[Section::Lab, Section::Lesson], 11, column, theme),
            section_lines(&[Section::Navigate, Section::Program], 11, column, theme),
            column,
            theme,
        )
    } else {
        section_lines(&Section::ALL, 16, inner, theme)
    };
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
    lines.push(Line::styled("What the panels show", theme.header));
    for legend in LEGENDS {
        lines.extend(
            wrap(legend, inner)
                .into_iter()
                .map(|text| Line::styled(text, theme.muted)),
        );
    }
    (overlay_width, lines)
}

/// On a screen of `size`: the lines a page of the overlay shows and the
/// furthest it scrolls.
pub(super) fn pages(size: Rect) -> (usize, usize) {
    let (_, lines) = overlay(size.width, &Theme::mono());
    let room = usize::from(size.height.saturating_sub(2)).max(1);
    (room, lines.len().saturating_sub(room))
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let (width, lines) = overlay(area.width, theme);
    let height = (lines.len() as u16 + 2).min(area.height);
    // On a small screen the overlay scrolls; the title says so.
    let room = usize::from(height.saturating_sub(2));
    let scroll = app.help_scroll().min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let lines: Vec<Line> = lines.into_iter().skip(scroll).collect();
    let title = if more {
        " Keys (↑↓ scroll, PgUp PgDn a page; any other key closes) ".to_string()
    } else {
        " Keys (any key closes) ".to_string()
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
