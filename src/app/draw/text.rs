//! Text helpers every panel shares: the one way a reference is styled (its
//! shortening is [`KeyPackageRef::short`]), truncation, lifetimes, states and
//! outcomes.

use std::borrow::Cow;
use std::time::Duration;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::{App, FlashKey};
use crate::domain::{escape_controls, KeyPackageRef};
use crate::engine::{Lifecycle, Outcome};

/// Text from input (names, identities, file names, messages that quote them,
/// typed lines) as the screen shows it: every character a terminal would obey
/// or hide written as an escape ([`escape_controls`], the one rule). Every span
/// that carries such text is built from this.
pub fn escaped(text: &str) -> Cow<'_, str> {
    escape_controls(text)
}

/// `span` with its text [`escaped`]; a span without such characters is kept.
pub fn escaped_span(span: Span<'_>) -> Span<'_> {
    match escaped(&span.content) {
        Cow::Borrowed(_) => span,
        Cow::Owned(text) => Span::styled(text, span.style),
    }
}

/// `spans` with their text [`escaped`]: an event's label names clients,
/// identities and groups.
pub fn escaped_spans(spans: Vec<Span<'_>>) -> Vec<Span<'_>> {
    spans.into_iter().map(escaped_span).collect()
}

/// `line` with the text of every span [`escaped`], for lines built from input.
pub fn escaped_line(line: Line<'_>) -> Line<'_> {
    let Line {
        spans,
        style,
        alignment,
    } = line;
    Line {
        spans: spans.into_iter().map(escaped_span).collect(),
        style,
        alignment,
    }
}

/// The first 8 characters of a hex value that is not a reference (an epoch
/// authenticator), as long as a short reference.
pub fn short(hex: &str) -> &str {
    let end = hex
        .char_indices()
        .nth(KeyPackageRef::SHORT)
        .map_or(hex.len(), |(i, _)| i);
    &hex[..end]
}

/// A short reference, styled: the followed one stands out everywhere, a new one
/// flashes. Every reference on screen is drawn by this.
pub fn ref_span(app: &App, kp_ref: &KeyPackageRef, theme: &Theme, base: Style) -> Span<'static> {
    Span::styled(kp_ref.short(), ref_style(app, kp_ref, theme, base))
}

fn ref_style(app: &App, kp_ref: &KeyPackageRef, theme: &Theme, base: Style) -> Style {
    if app.followed() == Some(kp_ref) {
        theme.follow
    } else if app.is_flashing(&FlashKey::Ref(kp_ref.clone())) {
        theme.flash
    } else {
        base
    }
}

/// `s` in at most `max` chars, with `…` where it was cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

pub use crate::app::layout::wrap;

/// A styled line in rows of at most `width` columns, broken between words and
/// keeping each word's style; rows after the first start with `indent` spaces
/// (a hanging indent, so that a value continues under itself).
pub fn wrap_line<'a>(line: Line<'a>, width: usize, indent: usize) -> Vec<Line<'a>> {
    let columns: usize = line.spans.iter().map(|s| s.content.chars().count()).sum();
    if columns <= width.max(1) {
        // Most lines fit: one row, the same as breaking it would give, without
        // taking it apart word by word (drawn on every frame).
        return vec![one_row(line)];
    }
    wrap_words(line, width, indent)
}

/// A line that fits, as [`wrap_words`] gives it: each span in the line's style.
fn one_row(line: Line<'_>) -> Line<'_> {
    let style = line.style;
    let spans: Vec<Span<'_>> = line
        .spans
        .into_iter()
        .map(|span| Span::styled(span.content, style.patch(span.style)))
        .collect();
    Line::from(spans)
}

/// [`wrap_line`] for a line wider than `width`: word by word.
fn wrap_words<'a>(line: Line<'a>, width: usize, indent: usize) -> Vec<Line<'a>> {
    let width = width.max(1);
    let indent = indent.min(width / 2);
    // Words and the spaces between them, each with its span's style.
    let mut tokens: Vec<(String, Style)> = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        let mut token = String::new();
        let mut spaces = false;
        for c in span.content.chars() {
            if !token.is_empty() && (c == ' ') != spaces {
                tokens.push((std::mem::take(&mut token), style));
            }
            spaces = c == ' ';
            token.push(c);
        }
        if !token.is_empty() {
            tokens.push((token, style));
        }
    }
    let mut rows: Vec<Vec<Span<'a>>> = vec![Vec::new()];
    let mut used = 0;
    let mut row_start = 0;
    // A row ends without the spaces before the break.
    let new_row = |rows: &mut Vec<Vec<Span<'a>>>| {
        if let Some(row) = rows.last_mut() {
            while row.last().is_some_and(|s| s.content.trim().is_empty()) {
                row.pop();
            }
        }
        rows.push(vec![Span::raw(" ".repeat(indent))]);
    };
    for (token, style) in tokens {
        let mut chars: Vec<char> = token.chars().collect();
        if token.starts_with(' ') {
            // Spaces never start a continued row nor overflow one.
            if (rows.len() > 1 && used == row_start) || used + chars.len() > width {
                continue;
            }
        } else if used + chars.len() > width && used > row_start && chars.len() <= width - indent {
            // The word fits on a row of its own: it starts the next row. (One
            // that fits nowhere is broken where it is.)
            new_row(&mut rows);
            (used, row_start) = (indent, indent);
        }
        // A word wider than a row is broken inside.
        while used + chars.len() > width {
            let rest = chars.split_off(width - used);
            if let Some(row) = rows.last_mut() {
                row.push(Span::styled(chars.iter().collect::<String>(), style));
            }
            new_row(&mut rows);
            (used, row_start) = (indent, indent);
            chars = rest;
        }
        used += chars.len();
        if let Some(row) = rows.last_mut() {
            row.push(Span::styled(chars.into_iter().collect::<String>(), style));
        }
    }
    rows.into_iter().map(Line::from).collect()
}

/// A lifetime left, in one unit: `84d`, `5h`, `gone`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0 => "gone".into(),
        // Rounded, not truncated: a fresh 84-day package reads 84d, not 83d.
        s if s >= 86_400 => format!("{}d", (s + 43_200) / 86_400),
        s if s >= 3_600 => format!("{}h", (s + 1_800) / 3_600),
        s if s >= 60 => format!("{}m", (s + 30) / 60),
        s => format!("{s}s"),
    }
}

/// The state in a dozen characters or so, for narrow tables.
pub fn short_state(state: &Lifecycle) -> String {
    match state {
        Lifecycle::Claimed { by, group: None } => format!("claimed:{by}"),
        Lifecycle::Claimed { by, group: Some(g) } => format!("{by}→{g}"),
        Lifecycle::UsedToJoin { group } => format!("joined {group}"),
        Lifecycle::RetainedLastResort { groups } => {
            format!("kept, {}", count(groups.len(), "join"))
        }
        Lifecycle::Rejected { .. } => "rejected".into(),
        // The bundle column says whether it was kept.
        Lifecycle::RotatedOut => "rotated out".into(),
        Lifecycle::Generated
        | Lifecycle::Published
        | Lifecycle::Expired
        | Lifecycle::NotYetValid
        | Lifecycle::BundleDeleted => state.to_string(),
    }
}

pub fn state_style(state: &Lifecycle, theme: &Theme) -> Style {
    match state {
        Lifecycle::Generated => theme.base,
        Lifecycle::Published => theme.ok,
        Lifecycle::Claimed { .. } => theme.warn,
        Lifecycle::UsedToJoin { .. } => theme.muted,
        Lifecycle::RetainedLastResort { .. } => theme.last_resort,
        Lifecycle::Expired | Lifecycle::NotYetValid | Lifecycle::Rejected { .. } => theme.error,
        Lifecycle::RotatedOut | Lifecycle::BundleDeleted => theme.muted,
    }
}

/// The width every badge takes, so that rows line up whichever badge they carry.
pub const BADGE_WIDTH: usize = 6;

/// The last-resort badge: `LR`, `LR↻N` (handed out again N times) or `LR!cap`
/// (the capability is missing, receivers reject it); nothing for a normal one.
/// Pad it to [`BADGE_WIDTH`] outside the span (the reuse style has a background).
pub fn lr_badge(last_resort: bool, capability: bool, reuses: u64, theme: &Theme) -> Span<'static> {
    match (last_resort, capability, reuses) {
        (false, _, _) => Span::raw(""),
        (true, false, _) => Span::styled("LR!cap", theme.error),
        (true, true, 0) => Span::styled("LR", theme.last_resort),
        (true, true, n) => Span::styled(format!("LR↻{n}"), theme.reuse),
    }
}

/// Style of an event by its outcome.
pub fn outcome_style(outcome: Outcome, theme: &Theme) -> Style {
    match outcome {
        Outcome::Ok => theme.arrow,
        Outcome::Error => theme.error,
    }
}

/// `1 member`, `2 members`: a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both rows as a terminal shows them: symbols and styles, cell by cell.
    fn drawn(rows: &[Line<'_>], width: u16) -> ratatui::buffer::Buffer {
        use ratatui::widgets::Widget as _;
        let area = ratatui::layout::Rect::new(0, 0, width, rows.len() as u16);
        let mut buf = ratatui::buffer::Buffer::empty(area);
        for (y, row) in rows.iter().enumerate() {
            row.clone()
                .render(ratatui::layout::Rect::new(0, y as u16, width, 1), &mut buf);
        }
        buf
    }

    #[test]
    fn a_line_that_fits_is_drawn_as_breaking_it_word_by_word_would_draw_it() {
        let red = Style::default().fg(ratatui::style::Color::Red);
        let line = Line::from(vec![
            Span::raw("  init_key  "),
            Span::styled("32 bytes 0a1b", red),
            Span::raw(" "),
        ])
        .style(Style::default().add_modifier(ratatui::style::Modifier::BOLD));
        for width in [26, 30, 80] {
            let fast = wrap_line(line.clone(), width, 4);
            let slow = wrap_words(line.clone(), width, 4);
            assert_eq!(fast.len(), 1);
            assert_eq!(drawn(&fast, width as u16), drawn(&slow, width as u16));
        }
        // At 25 it still fits (a trailing space never overflows); at 24 it breaks.
        assert_eq!(wrap_line(line, 24, 4).len(), 2);
    }

    #[test]
    fn counts_use_the_singular_for_one() {
        assert_eq!(count(1, "member"), "1 member");
        assert_eq!(count(0, "join"), "0 joins");
        assert_eq!(count(3, "event"), "3 events");
    }

    #[test]
    fn wrap_breaks_between_words_and_inside_a_word_too_long() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        assert!(wrap("a b c d e f g h", 3)
            .iter()
            .all(|l| l.chars().count() <= 3));
    }

    #[test]
    fn wrap_line_keeps_styles_and_hangs_its_continuation() {
        let red = Style::new().fg(ratatui::style::Color::Red);
        let line = Line::from(vec![
            Span::raw("name     "),
            Span::styled("one two three", red),
        ]);
        let rows = wrap_line(line, 18, 9);
        let text: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        assert_eq!(text, ["name     one two", "         three"]);
        assert!(rows[1]
            .spans
            .iter()
            .any(|s| s.content == "three" && s.style == red));
        assert!(rows.iter().all(|r| r.width() <= 18));
        // A word wider than a row is broken inside it.
        let long = wrap_line(Line::raw("k abcdefghijklmnop"), 8, 2);
        assert!(long.iter().all(|r| r.width() <= 8), "{long:?}");
        let joined: String = long
            .iter()
            .map(|r| r.to_string().trim().to_string())
            .collect();
        assert_eq!(joined, "k abcdefghijklmnop");
        assert_eq!(wrap_line(Line::raw("fits"), 8, 2).len(), 1);
    }

    #[test]
    fn truncate_marks_the_cut_and_short_takes_eight() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(short("0123456789"), "01234567");
        assert_eq!(human(Duration::from_secs(84 * 86_400 - 5)), "84d");
    }
}
