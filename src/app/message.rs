//! The message line: the newest toast, else the lesson's caption, else the hint;
//! and how many lines (1 to 3) it needs so that nothing of it is cut.

use super::motion::{Toast, ToastKind};
use super::App;

/// What the message line shows.
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    Toast(&'a Toast),
    Caption(&'a str),
    Hint(&'a str),
}

impl Message<'_> {
    /// The mark a toast starts with.
    pub fn mark(&self) -> &'static str {
        match self {
            Message::Toast(t) => match t.kind {
                ToastKind::Done => "✓ ",
                ToastKind::Error => "✗ ",
                ToastKind::Expected => "✓ expected: ",
            },
            Message::Caption(_) | Message::Hint(_) => "",
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Message::Toast(t) => &t.text,
            Message::Caption(text) | Message::Hint(text) => text,
        }
    }

    /// Columns it takes on one line (wrapping may add a few).
    fn text_width(&self) -> usize {
        self.mark().chars().count() + self.text().chars().count() + 4
    }
}

impl App {
    /// What the message line says when the prompt is closed: the newest toast,
    /// else the lesson's caption, else the hint.
    pub fn message(&self) -> Option<Message<'_>> {
        if let Some(toast) = self.motion.toasts().last() {
            return Some(Message::Toast(toast));
        }
        if let Some(caption) = self.caption.as_deref().filter(|c| !c.is_empty()) {
            return Some(Message::Caption(caption));
        }
        self.hint.as_deref().map(Message::Hint)
    }

    /// Lines the message needs at `width` columns: it wraps onto up to three.
    pub fn message_lines(&self, width: u16) -> u16 {
        let chars = match (&self.prompt, self.message()) {
            (Some(prompt), _) => {
                // The line itself stays on one (it scrolls); its error or the
                // completions follow it.
                let extra = match (prompt.error(), prompt.completions()) {
                    (Some(error), _) => error.chars().count() + 4,
                    (None, []) => 0,
                    (None, words) => words.iter().map(|w| w.chars().count() + 1).sum::<usize>() + 7,
                };
                usize::from(width) + extra
            }
            (None, Some(message)) => message.text_width(),
            (None, None) => 0,
        };
        let width = usize::from(width.max(1));
        chars.div_ceil(width).clamp(1, 3) as u16
    }
}
