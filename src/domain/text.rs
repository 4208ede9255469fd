//! Text that comes from input: [`escape_controls`] makes any of it safe to print
//! on a terminal, and [`is_control`] says which characters must never reach one
//! raw.

use std::borrow::Cow;

/// Characters that must never reach a terminal raw: C0/C1 controls (escape
/// sequences, carriage returns) and the invisible direction and width marks that
/// make text read other than it is.
pub fn is_control(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `text` with every control character written as a Rust-style escape (`\n`,
/// `\t`, `\r`, `\u{1b}`), so that input text printed on a terminal shows what it
/// is and does nothing. Text without control characters is returned as it is.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_shows_controls_and_keeps_the_rest() {
        assert!(matches!(escape_controls("plain … ×"), Cow::Borrowed(_)));
        assert_eq!(escape_controls("a\nb\tc\rd"), "a\\nb\\tc\\rd");
        assert_eq!(escape_controls("\u{1b}[2J\u{7}"), "\\u{1b}[2J\\u{7}");
        assert_eq!(escape_controls("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert_eq!(escape_controls("\0"), "\\u{0}");
    }
}
