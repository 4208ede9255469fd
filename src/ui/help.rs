//! The help overlay, generated from the declared actions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Widget};

use crate::app::action::{Section, PROMPT_KEYS};
use crate::app::{App, ACTIONS};
use crate::command::VerbKind;
use crate::theme::Theme;

pub(crate) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let width = area.width.min(84);
    let mut lines: Vec<Line> = Vec::new();
    for section in Section::ALL {
        lines.push(Line::styled(section.title(), theme.header));
        for spec in ACTIONS.iter().filter(|s| s.section == section) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<16}", spec.keys_label()), theme.title),
                Span::raw(spec.help),
            ]));
        }
    }
    lines.push(Line::styled("At the : prompt", theme.header));
    for (key, _, help) in PROMPT_KEYS {
        lines.push(Line::from(vec![
            Span::styled(format!("  {key:<16}"), theme.title),
            Span::raw(*help),
        ]));
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
        lines.push(Line::from(vec![
            Span::styled(format!("  {name:<24}"), theme.title),
            Span::raw(verb.help),
        ]));
    }
    lines.push(Line::styled(
        "DS columns: avl normal packages available · LR last-resort package · cl claims · ↻ reuses",
        theme.muted,
    ));
    lines.push(Line::styled(
        "The : prompt takes scenario lines: bob generate 3 · alice claim bob · alice add bob --to team",
        theme.muted,
    ));
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
