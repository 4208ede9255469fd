//! The `:` prompt: editing one line, walking the history, completing a word. Pure:
//! no engine and no view; completion is handed its candidates (see `complete.rs`).
//! Editing is linear in the length of the line: the cursor is a byte offset, so
//! typing or pasting at the end never rescans the line.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::draw::text::escaped;

/// The longest line the prompt takes; longer ones are refused, not cut.
pub const MAX_LINE: usize = 4096;

/// The `:` prompt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    input: String,
    /// Byte offset into `input`, always on a char boundary.
    cursor: usize,
    /// Chars in `input` (kept so that the length check is O(1)).
    chars: usize,
    /// Why the last Enter (or the last insertion) was refused.
    error: Option<String>,
    /// Position while walking the history (`None`: editing a new line).
    history_pos: Option<usize>,
    /// What Tab could complete to, when it is more than one word.
    completions: Vec<String>,
}

/// What shows under the prompt's line: why it was refused, or what Tab offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptNote {
    Error(String),
    Offers(String),
}

impl PromptNote {
    /// The note as drawn (escaped), and so as the message area is sized.
    pub fn text(&self) -> String {
        match self {
            PromptNote::Error(error) => format!("✗ {}", escaped(error)),
            PromptNote::Offers(words) => format!("Tab: {}", escaped(words)),
        }
    }
}

/// What a key did to the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edited {
    /// The line changed or the cursor moved.
    Changed,
    /// The key means nothing here.
    Ignored,
    /// Enter: the line to run (trimmed, never empty).
    Submit(String),
    /// Esc, or Enter on an empty line.
    Close,
}

impl Prompt {
    /// A prompt holding `input` with the cursor after `cursor` chars (the end if `None`).
    pub fn new(input: &str, cursor: Option<usize>) -> Self {
        let mut prompt = Self::default();
        prompt.insert(input);
        if let Some(chars) = cursor {
            prompt.cursor = byte_of(&prompt.input, chars);
        }
        prompt
    }

    pub fn input(&self) -> &str {
        &self.input
    }

    /// The cursor, in chars from the start.
    pub fn cursor(&self) -> usize {
        self.input[..self.cursor].chars().count()
    }

    /// The line up to the cursor.
    pub fn before_cursor(&self) -> &str {
        &self.input[..self.cursor]
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn set_error(&mut self, error: String) {
        self.error = Some(error);
    }

    pub fn completions(&self) -> &[String] {
        &self.completions
    }

    /// The note under the line: its error first, else what Tab offers.
    pub fn note(&self) -> Option<PromptNote> {
        match (&self.error, self.completions.as_slice()) {
            (Some(error), _) => Some(PromptNote::Error(error.clone())),
            (None, []) => None,
            (None, words) => Some(PromptNote::Offers(words.join(" "))),
        }
    }

    /// Inserts `text` at the cursor. Control characters (a pasted newline or tab)
    /// become spaces; a line that would pass [`MAX_LINE`] is refused whole.
    pub fn insert(&mut self, text: &str) {
        let added = text.chars().count();
        if self.chars + added > MAX_LINE {
            self.error = Some(format!(
                "a line holds at most {MAX_LINE} characters; this one would have {}",
                self.chars + added
            ));
            return;
        }
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        self.input.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        self.chars += added;
        self.error = None;
    }

    /// Applies one key (Tab is the caller's: it needs the lab's words).
    pub fn key(&mut self, key: KeyEvent, history: &[String]) -> Edited {
        self.completions.clear();
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return Edited::Close,
            KeyCode::Enter => {
                let text = self.input.trim();
                return if text.is_empty() {
                    Edited::Close
                } else {
                    Edited::Submit(text.to_string())
                };
            }
            KeyCode::Char('u') if ctrl => self.replace(String::new()),
            KeyCode::Char(c) if !ctrl => self.insert(c.encode_utf8(&mut [0; 4])),
            KeyCode::Backspace => {
                let Some(c) = self.input[..self.cursor].chars().next_back() else {
                    return Edited::Ignored;
                };
                self.cursor -= c.len_utf8();
                self.input.remove(self.cursor);
                self.chars -= 1;
                self.error = None;
            }
            KeyCode::Delete => {
                if self.cursor == self.input.len() {
                    return Edited::Ignored;
                }
                self.input.remove(self.cursor);
                self.chars -= 1;
            }
            KeyCode::Left => {
                if let Some(c) = self.input[..self.cursor].chars().next_back() {
                    self.cursor -= c.len_utf8();
                }
            }
            KeyCode::Right => {
                if let Some(c) = self.input[self.cursor..].chars().next() {
                    self.cursor += c.len_utf8();
                }
            }
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.input.len(),
            KeyCode::Up => {
                if history.is_empty() {
                    return Edited::Ignored;
                }
                let pos = match self.history_pos {
                    Some(p) => p.saturating_sub(1),
                    None => history.len() - 1,
                };
                self.history_pos = Some(pos);
                self.replace(history.get(pos).cloned().unwrap_or_default());
            }
            KeyCode::Down => {
                let Some(pos) = self.history_pos else {
                    return Edited::Ignored;
                };
                match history.get(pos + 1) {
                    Some(line) => {
                        self.history_pos = Some(pos + 1);
                        self.replace(line.clone());
                    }
                    None => {
                        self.history_pos = None;
                        self.replace(String::new());
                    }
                }
            }
            // Ctrl with a letter other than u, and keys that do not edit a line.
            KeyCode::Char(_)
            | KeyCode::PageUp
            | KeyCode::PageDown
            | KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Insert
            | KeyCode::F(_)
            | KeyCode::Null
            | KeyCode::CapsLock
            | KeyCode::ScrollLock
            | KeyCode::NumLock
            | KeyCode::PrintScreen
            | KeyCode::Pause
            | KeyCode::Menu
            | KeyCode::KeypadBegin
            | KeyCode::Media(_)
            | KeyCode::Modifier(_) => return Edited::Ignored,
        }
        Edited::Changed
    }

    fn replace(&mut self, line: String) {
        self.chars = line.chars().count();
        self.input = line;
        self.cursor = self.input.len();
        self.error = None;
    }

    /// Completes the word before the cursor from `candidates`: fully when one
    /// fits, to the longest common prefix (and a list to show) when several do.
    pub fn complete(&mut self, candidates: &[String]) {
        let start = self.input[..self.cursor].rfind(' ').map_or(0, |i| i + 1);
        let partial = &self.input[start..self.cursor];
        let fitting: Vec<&String> = candidates
            .iter()
            .filter(|c| c.starts_with(partial))
            .collect();
        let completed = match fitting.as_slice() {
            [] => return,
            [one] => format!("{one} "),
            several => {
                let mut common = several[0].clone();
                for word in several {
                    while !word.starts_with(&common) {
                        common.pop();
                    }
                }
                self.completions = several.iter().map(|s| s.to_string()).collect();
                common
            }
        };
        let tail = self.input[self.cursor..].to_string();
        self.input.truncate(start);
        self.input.push_str(&completed);
        self.cursor = self.input.len();
        self.input.push_str(&tail);
        self.chars = self.input.chars().count();
    }
}

/// The byte offset of char `chars` (the end when the line is shorter).
fn byte_of(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

/// Lines run at the prompt, oldest first, without repeats in a row.
#[derive(Debug, Clone, Default)]
pub struct History {
    lines: Vec<String>,
}

impl History {
    pub fn push(&mut self, line: String) {
        if self.lines.last() != Some(&line) {
            self.lines.push(line);
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(prompt: &mut Prompt, code: KeyCode) -> Edited {
        prompt.key(KeyEvent::new(code, KeyModifiers::NONE), &[])
    }

    #[test]
    fn editing_moves_by_chars_not_bytes() {
        let mut p = Prompt::new("añb", None);
        assert_eq!(p.cursor(), 3);
        press(&mut p, KeyCode::Left);
        press(&mut p, KeyCode::Backspace);
        assert_eq!((p.input(), p.cursor()), ("ab", 1));
        press(&mut p, KeyCode::Home);
        press(&mut p, KeyCode::Delete);
        assert_eq!(p.input(), "b");
        assert_eq!(press(&mut p, KeyCode::Enter), Edited::Submit("b".into()));
    }

    #[test]
    fn a_line_over_the_limit_is_refused_with_a_message() {
        let mut p = Prompt::new(&"x".repeat(MAX_LINE), None);
        press(&mut p, KeyCode::Char('y'));
        assert_eq!(p.input().len(), MAX_LINE);
        assert!(p.error().is_some_and(|e| e.contains("4096")));
        let mut q = Prompt::default();
        q.insert(&"z".repeat(100_000));
        assert_eq!(q.input(), "");
        assert!(q.error().is_some());
    }

    /// Deleting makes room again: the limit counts what the line holds now.
    #[test]
    fn deleted_characters_no_longer_count_toward_the_limit() {
        let mut p = Prompt::new(&"x".repeat(MAX_LINE), None);
        press(&mut p, KeyCode::Backspace);
        press(&mut p, KeyCode::Home);
        press(&mut p, KeyCode::Delete);
        p.insert("ab");
        assert_eq!(p.error(), None);
        assert_eq!(p.input().chars().count(), MAX_LINE);
        press(&mut p, KeyCode::Char('c'));
        assert!(p.error().is_some(), "full again");
    }

    #[test]
    fn pasted_control_characters_become_spaces() {
        let mut p = Prompt::default();
        p.insert("bob\ngenerate\t2");
        assert_eq!(p.input(), "bob generate 2");
    }

    #[test]
    fn history_walks_back_and_forth() {
        let history = vec!["one".to_string(), "two".to_string()];
        let mut p = Prompt::default();
        let up = KeyEvent::new(KeyCode::Up, KeyModifiers::NONE);
        let down = KeyEvent::new(KeyCode::Down, KeyModifiers::NONE);
        p.key(up, &history);
        assert_eq!(p.input(), "two");
        p.key(up, &history);
        p.key(up, &history);
        assert_eq!(p.input(), "one");
        p.key(down, &history);
        assert_eq!(p.input(), "two");
        p.key(down, &history);
        assert_eq!(p.input(), "");
    }

    #[test]
    fn completion_fills_one_candidate_and_lists_several() {
        let mut p = Prompt::new("bob gen", None);
        p.complete(&["generate".into(), "join".into()]);
        assert_eq!(p.input(), "bob generate ");
        let mut p = Prompt::new("c", None);
        p.complete(&["carol".into(), "claim".into(), "clients".into()]);
        assert_eq!(p.input(), "c");
        assert_eq!(p.completions().len(), 3);
        let mut p = Prompt::new("a  x", Some(1));
        p.complete(&["alice".into()]);
        assert_eq!((p.input(), p.cursor()), ("alice   x", 6));
    }
}
