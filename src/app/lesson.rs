//! Lessons: a scenario stepped through with Space, each step shown with the
//! comment above it as its caption.

use crate::command::parse_line;
use crate::worker::Line;

/// A scenario loaded for stepping: each step is a line with the comment above it.
#[derive(Debug, Clone, Default)]
pub struct Lesson {
    pub name: String,
    pub steps: Vec<(String, Line)>,
    pub next: usize,
}

impl Lesson {
    /// The next step with its caption (`[2/9] caption · line`), advancing; `None`
    /// when the lesson is over.
    pub fn advance(&mut self) -> Option<(String, Line)> {
        let (caption, line) = self.steps.get(self.next).cloned()?;
        self.next += 1;
        // The step number first: it must survive however the caption wraps.
        let number = format!("[{}/{}]", self.next, self.steps.len());
        let shown = if caption.is_empty() {
            format!("{number} {}", line.text)
        } else {
            format!("{number} {caption} · {}", line.text)
        };
        Some((shown, line))
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string()
}

/// The first line of a parser error, for one-line messages.
pub(super) fn error_line(text: &str) -> String {
    first_line(text)
}

/// Reads a scenario as a lesson: each command with the comment lines just above it.
pub fn lesson_from(name: &str, source: &str) -> Result<Lesson, Vec<String>> {
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    let mut caption: Vec<String> = Vec::new();
    let mut last = String::new();
    for (index, text) in source.lines().enumerate() {
        let trimmed = text.trim();
        if let Some(comment) = trimmed.strip_prefix('#') {
            caption.push(comment.trim().to_string());
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        match parse_line(trimmed) {
            Ok(Some(command)) => {
                if !caption.is_empty() {
                    last = caption.join(" ");
                }
                steps.push((
                    last.clone(),
                    Line {
                        text: trimmed.to_string(),
                        command,
                    },
                ));
                caption.clear();
            }
            Ok(None) => {}
            Err(error) => errors.push(format!(
                "{name}:{}: {}",
                index + 1,
                first_line(&error.to_string())
            )),
        }
    }
    if errors.is_empty() {
        Ok(Lesson {
            name: name.to_string(),
            steps,
            next: 0,
        })
    } else {
        Err(errors)
    }
}
