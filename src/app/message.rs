//! The message line: a question the next key answers, else the lesson's caption
//! (with the newest toast under it: a toast never covers the caption), else the
//! newest toast, else the hint; and how many lines it needs so that nothing of
//! it is cut.

use super::motion::{Toast, ToastKind};
use super::{App, Caption};
use crate::app::layout::wrap;
use crate::domain::escape_controls;

/// Most lines the caption pane takes; a toast or hint takes up to three.
pub const CAPTION_LINES: u16 = 6;

/// Rows the prompt takes at most: its line and five of its note (a refusal
/// that quotes the line and the usage takes four at 80 columns).
pub const PROMPT_LINES: usize = 6;

/// Most lines a toast under the caption takes.
pub const TOAST_UNDER_CAPTION: u16 = 2;

/// What restarting a lesson asks.
pub const RESTART_QUESTION: &str =
    "Restart the lesson from its title card? 0 restarts, any other key keeps going.";

/// What the message line shows.
#[derive(Debug, Clone)]
pub enum Message<'a> {
    Toast(&'a Toast),
    /// The lesson's caption pane, with the newest toast under it.
    Caption(Caption, Option<&'a Toast>),
    Hint(&'a str),
    /// A question the next key answers.
    Question(&'static str),
}

/// The mark a toast starts with.
pub fn toast_mark(toast: &Toast) -> &'static str {
    match toast.kind {
        ToastKind::Done => "✓ ",
        ToastKind::Error => "✗ ",
        ToastKind::Expected => "✓ expected: ",
    }
}

impl Message<'_> {
    /// The mark a toast starts with.
    pub fn mark(&self) -> &'static str {
        match self {
            Message::Toast(t) => toast_mark(t),
            Message::Caption(..) | Message::Hint(_) | Message::Question(_) => "",
        }
    }

    /// The text as shown: input it quotes escaped ([`escape_controls`]), so
    /// that its layout and its drawing agree.
    pub fn text(&self) -> String {
        match self {
            Message::Toast(t) => escape_controls(&t.text).into_owned(),
            Message::Caption(caption, _) => caption.parts().join(" "),
            Message::Hint(text) => escape_controls(text).into_owned(),
            Message::Question(text) => escape_controls(text).into_owned(),
        }
    }

    /// Lines it takes at `width` columns, each part within its limit.
    fn lines(&self, width: usize) -> usize {
        match self {
            // Each part of a caption starts on a line of its own.
            Message::Caption(caption, toast) => {
                let caption: usize = caption.parts().iter().map(|p| wrap(p, width).len()).sum();
                let toast = toast.map_or(0, |t| {
                    let text = format!("{}{}", toast_mark(t), t.text);
                    wrap(&text, width)
                        .len()
                        .min(usize::from(TOAST_UNDER_CAPTION))
                });
                caption.min(usize::from(CAPTION_LINES)) + toast
            }
            Message::Toast(_) | Message::Hint(_) | Message::Question(_) => {
                let text = format!("{}{}", self.mark(), self.text());
                wrap(&text, width).len().min(3)
            }
        }
    }
}

impl App {
    /// What the message line says when the prompt is closed.
    pub fn message(&self) -> Option<Message<'_>> {
        if self.confirming_restart() {
            return Some(Message::Question(RESTART_QUESTION));
        }
        let toast = self.motion.toasts().last();
        // Presenting, the caption sits with the why pane instead.
        if let Some(caption) = self.caption().filter(|_| !self.presenting()) {
            return Some(Message::Caption(caption, toast));
        }
        if let Some(toast) = toast {
            return Some(Message::Toast(toast));
        }
        // Presenting a lesson, its hint is in the caption pane already.
        if self.presenting() && self.lesson().is_some() {
            return None;
        }
        self.hint.as_deref().map(Message::Hint)
    }

    /// Lines the message needs at `width` columns: a toast or hint wraps onto up
    /// to three, a caption onto up to [`CAPTION_LINES`] with a toast under it,
    /// the prompt onto up to [`PROMPT_LINES`] with its note.
    pub fn message_lines(&self, width: u16) -> u16 {
        if let (None, Some(message)) = (self.prompt(), self.message()) {
            let lines = message.lines(usize::from(width.max(1)));
            return (lines as u16).max(1);
        }
        let Some(prompt) = self.prompt() else {
            return 1;
        };
        // The line itself stays on one (it scrolls); its note follows it,
        // wrapped as it is drawn.
        let note_rows = prompt
            .note()
            .map_or(0, |note| wrap(&note.text(), usize::from(width)).len());
        (1 + note_rows).clamp(1, PROMPT_LINES) as u16
    }
}
