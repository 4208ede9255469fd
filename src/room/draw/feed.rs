//! The feed: what the DS did, one line per event in words, newest at the
//! bottom and always in view (unless paused); long lines wrap under
//! themselves instead of being cut. Last-resort reuse and refusals stand out.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::draw::text::{escaped, wrap_line};
use crate::app::draw::theme::Theme;
use crate::room::{FeedLine, Room, Tone};

/// The width of the time column, its space included.
const TIME_WIDTH: usize = 8;

pub fn render(room: &Room, area: Rect, buf: &mut Buffer, theme: &Theme) {
    let feed = room.feed();
    // Paused, the title says so in the room the time's note leaves.
    let title = if feed.paused() {
        vec![
            Span::styled(" What the DS did ", theme.title),
            Span::styled(
                format!(" PAUSED: {} new below · p follows ", feed.unseen()),
                theme.warn,
            ),
        ]
    } else {
        vec![Span::styled(
            " What the DS did · newest last · time since start ",
            theme.title,
        )]
    };
    let block = super::frame(Line::from(title), theme.border);
    let inner = block.inner(area);
    block.render(area, buf);
    if feed.shown().next().is_none() {
        let waiting = if feed.paused() {
            "Paused before the first event: p follows the feed."
        } else {
            "Waiting for the room: registrations, claims and Welcomes appear here."
        };
        Paragraph::new(Span::styled(waiting, theme.muted)).render(inner, buf);
        return;
    }
    // From the newest back, as many rows as fit; drawn oldest first.
    let width = usize::from(inner.width);
    let height = usize::from(inner.height);
    let mut rows: Vec<Line> = Vec::new();
    for line in feed.shown().rev() {
        let mut wrapped = wrap_line(styled(room, line, theme), width, TIME_WIDTH);
        if rows.len() + wrapped.len() > height {
            // The oldest line shown may lose its first rows, never the newest.
            let room_left = height - rows.len();
            wrapped.drain(..wrapped.len() - room_left);
            wrapped.extend(rows);
            rows = wrapped;
            break;
        }
        wrapped.extend(rows);
        rows = wrapped;
    }
    Paragraph::new(rows).render(inner, buf);
}

/// One event: the time since start, then the words in the line's tone.
fn styled<'a>(room: &Room, line: &FeedLine, theme: &Theme) -> Line<'a> {
    let since = line.at_ms().saturating_sub(room.facts().started_ms()) / 1000;
    let time = match since / 3600 {
        0 => format!("{:02}:{:02}", since / 60, since % 60),
        hours => format!("{hours}:{:02}:{:02}", since / 60 % 60, since % 60),
    };
    Line::from(vec![
        Span::styled(format!("{time:>7} "), theme.muted),
        Span::styled(
            escaped(line.text()).into_owned(),
            tone_style(line.tone(), theme),
        ),
    ])
}

fn tone_style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Arrival => theme.ds,
        Tone::Step => theme.base,
        Tone::Welcome => theme.ok,
        Tone::Reuse => theme.reuse,
        Tone::Refusal => theme.error,
        Tone::Notice => theme.warn,
    }
}
