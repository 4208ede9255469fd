//! The why pane: for the selected timeline event (or inspector row) what
//! happened, the OpenMLS call, the RFC section and the DS rule, from
//! `mls-lab explain`'s data, wrapped. In the projector layout the lesson's
//! caption comes first, so the room reads the step and its reason together.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Widget};

use crate::app::draw::text::{escaped, wrap_line};
use crate::app::draw::theme::Theme;
use crate::app::{App, Caption};

/// Where a wrapped field goes on.
const INDENT: usize = 2;

/// The pane's title.
pub(crate) fn title(app: &App) -> String {
    let why = app
        .why()
        .map(|w| escaped(&w.subject).into_owned())
        .filter(|_| app.shows_why());
    match (app.presenting(), app.caption(), why) {
        (true, Some(caption), Some(subject)) => format!("{} · why: {subject}", caption.step),
        (true, Some(caption), None) => caption.step,
        (true, None, _) => "Lesson".into(),
        (false, _, Some(subject)) => format!("Why: {subject}"),
        (false, _, None) => "Why".into(),
    }
}

/// Draws the pane with its border in `area`.
pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.border)
        .title(Span::styled(format!(" {} ", title(app)), theme.title));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = usize::from(inner.width);
    let mut rows: Vec<Line> = Vec::new();
    if app.presenting() {
        rows.extend(caption_lines(app, theme, width));
    }
    // Presenting, `y` leaves the caption alone in the pane.
    let topic = if app.shows_why() {
        why_lines(app, theme, width, &mut rows)
    } else {
        None
    };
    let height = usize::from(inner.height);
    if rows.len() > height && height > 1 {
        // Pages of whole lines, the last row saying where the rest is.
        let (page, pages, shown) = page_of(rows.len(), height - 1, app.why_page());
        rows = rows
            .into_iter()
            .skip(shown.start)
            .take(shown.len())
            .collect();
        let more = match (page + 1 < pages, topic) {
            (true, Some(topic)) => {
                format!(
                    "… {}/{pages}: . shows more (all: mls-lab explain {topic})",
                    page + 1
                )
            }
            (true, None) => format!("… {}/{pages}: . shows more", page + 1),
            (false, _) => format!("{pages}/{pages}: . goes back to the top"),
        };
        rows.push(Line::styled(more, theme.muted));
    }
    for (row, line) in rows.into_iter().enumerate() {
        line.render(
            Rect::new(inner.x, inner.y + row as u16, inner.width, 1),
            buf,
        );
    }
}

/// The lesson's caption (projector layout): the line run, the comment, what a
/// `say` step says, and why the lab and the lesson disagree.
pub(super) fn caption_lines<'a>(app: &App, theme: &Theme, width: usize) -> Vec<Line<'a>> {
    let Some(caption) = app.caption() else {
        let hint = app
            .hint()
            .unwrap_or("Space runs the first step")
            .to_string();
        return wrap_line(
            Line::styled(escaped(&hint).into_owned(), theme.caption),
            width,
            0,
        );
    };
    let title = caption.is_title();
    let Caption {
        line,
        checks,
        comment,
        said,
        note,
        ..
    } = caption;
    let mut rows = Vec::new();
    if !line.is_empty() {
        let mut spans = vec![
            Span::styled("> ", theme.muted),
            Span::styled(escaped(&line).into_owned(), theme.header),
        ];
        if !checks.is_empty() {
            let style = if checks.contains('✗') {
                theme.error
            } else {
                theme.ok
            };
            spans.push(Span::styled(format!("  {checks}"), style));
        }
        rows.extend(wrap_line(Line::from(spans), width, INDENT));
    }
    let note_style = if title { theme.muted } else { theme.error };
    let comment_style = if title { theme.title } else { theme.caption };
    let said_style = if title { theme.caption } else { theme.title };
    for (text, style) in [
        (Some(comment), comment_style),
        (said, said_style),
        (note, note_style),
    ] {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            rows.extend(wrap_line(
                Line::styled(escaped(&text).into_owned(), style),
                width,
                0,
            ));
        }
    }
    rows.push(Line::raw(""));
    rows
}

/// The explanations of what is selected, appended to `rows`; returns the topic
/// whose text `mls-lab explain` prints in full.
fn why_lines<'a>(
    app: &App,
    theme: &Theme,
    width: usize,
    rows: &mut Vec<Line<'a>>,
) -> Option<&'static str> {
    let Some(why) = app.why() else {
        // A lesson's title card, or a step that logged nothing of its own: its
        // caption says it all.
        if app.lesson().is_some() {
            return None;
        }
        rows.extend(wrap_line(
            Line::styled(
                "Nothing selected yet: run a step, or pick an event on the timeline with Tab and ↑↓.",
                theme.muted,
            ),
            width,
            0,
        ));
        return None;
    };
    // First, one line naming the concept behind it (`explain` has it in full),
    // so that it shows on the pane's first page.
    if let Some(concept) = why.concept {
        rows.extend(wrap_line(
            Line::from(vec![
                Span::styled("concept: ", theme.header),
                Span::styled(
                    format!("{0} (mls-lab explain {0})", concept.topic),
                    theme.muted,
                ),
            ]),
            width,
            INDENT,
        ));
    }
    for (i, explanation) in why.explanations.iter().enumerate() {
        if i > 0 {
            rows.extend(wrap_line(
                Line::styled(
                    format!("{} ({})", explanation.topic, explanation.kind.label()),
                    theme.title,
                ),
                width,
                INDENT,
            ));
        }
        for (label, text) in explanation.fields() {
            rows.extend(wrap_line(
                Line::from(vec![
                    Span::styled(format!("{label}: "), theme.header),
                    Span::styled(escaped(text).into_owned(), theme.base),
                ]),
                width,
                INDENT,
            ));
        }
    }
    why.explanations.last().map(|e| e.topic)
}

/// The page shown of `len` lines in pages of `per_page`, page `asked` counted
/// round: (page, pages, the lines it shows).
pub fn page_of(
    len: usize,
    per_page: usize,
    asked: usize,
) -> (usize, usize, std::ops::Range<usize>) {
    let per_page = per_page.max(1);
    let pages = len.div_ceil(per_page).max(1);
    let page = asked % pages;
    let start = page * per_page;
    (page, pages, start..(start + per_page).min(len))
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn pages_are_whole_and_go_round() {
        assert_eq!(page_of(10, 4, 0), (0, 3, 0..4));
        assert_eq!(page_of(10, 4, 2), (2, 3, 8..10));
        assert_eq!(page_of(10, 4, 3), (0, 3, 0..4));
        assert_eq!(page_of(3, 0, 5), (2, 3, 2..3));
    }
}
