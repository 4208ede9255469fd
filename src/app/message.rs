//! The message line: the newest toast, else the lesson's caption, else the hint;
//! and how many lines (1 to 3) it needs so that nothing of it is cut.

use super::motion::{Toast, ToastKind};
use super::{App, Caption};
use crate::app::layout::wrap;
use crate::domain::escape_controls;

/// Most lines the caption pane takes; a toast or hint takes up to three.
pub const CAPTION_LINES: u16 = 6;

/// What the message line shows.
#[derive(Debug, Clone)]
pub enum Message<'a> {
    Toast(&'a Toast),
    /// The lesson's caption pane.
    Caption(Caption),
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

    /// The text as shown: input it quotes escaped ([`escape_controls`]), so
    /// that its layout and its drawing agree.
    pub fn text(&self) -> String {
        match self {
            Message::Toast(t) => escape_controls(&t.text).into_owned(),
            Message::Caption(caption) => caption.parts().join(" "),
            Message::Hint(text) => escape_controls(text).into_owned(),
        }
    }

    /// Lines it takes at `width` columns, before any limit.
    fn lines(&self, width: usize) -> usize {
        match self {
            // Each part of a caption starts on a line of its own.
            Message::Caption(caption) => caption.parts().iter().map(|p| wrap(p, width).len()).sum(),
            Message::Toast(_) | Message::Hint(_) => {
                let text = format!("{}{}", self.mark(), self.text());
                wrap(&text, width).len()
            }
        }
    }
}

impl App {
    /// What the message line says when the prompt is closed: the newest toast,
    /// else the lesson's caption, else the hint.
    pub fn message(&self) -> Option<Message<'_>> {
        if let Some(toast) = self.motion.toasts().last() {
            return Some(Message::Toast(toast));
        }
        // Presenting, the caption sits with the why pane instead.
        if let Some(caption) = self.caption().filter(|_| !self.presenting) {
            return Some(Message::Caption(caption));
        }
        // Presenting a lesson, its hint is in the caption pane already.
        if self.presenting && self.lesson.is_some() {
            return None;
        }
        self.hint.as_deref().map(Message::Hint)
    }

    /// Lines the message needs at `width` columns: it wraps onto up to three,
    /// a caption onto up to [`CAPTION_LINES`].
    pub fn message_lines(&self, width: u16) -> u16 {
        if let (None, Some(message)) = (&self.prompt, self.message()) {
            let limit = match message {
                Message::Caption(_) => CAPTION_LINES,
                Message::Toast(_) | Message::Hint(_) => 3,
            };
            let lines = message.lines(usize::from(width.max(1)));
            return (lines.min(usize::from(limit)) as u16).max(1);
        }
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
            (None, Some(_) | None) => 0,
        };
        let width = usize::from(width.max(1));
        chars.div_ceil(width).clamp(1, 3) as u16
    }
}
