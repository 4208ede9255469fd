//! A line into words, like a shell: quotes and backslashes as shell-words reads
//! them, and a comment from an unquoted `#` that begins a word (so a quoted
//! `'#team'` is a word, and `team#1` is one word).

use super::super::error::{ParseError, Problem};

/// Splits a line into words like a shell. A comment starts at an unquoted `#`
/// that begins a word; a quoted `'#team'` is a word.
pub fn split_words(line: &str) -> Result<Vec<String>, ParseError> {
    let code = &line[..comment_start(line)];
    shell_words::split(code).map_err(|e| ParseError::new(Problem::Words(e.to_string())))
}

/// The byte offset where the line's comment starts (its length if none).
fn comment_start(line: &str) -> usize {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let mut quote = Quote::None;
    let mut escaped = false;
    let mut word_start = true;
    for (at, c) in line.char_indices() {
        if escaped {
            escaped = false;
            word_start = false;
            continue;
        }
        match (&quote, c) {
            (Quote::Single, '\'') | (Quote::Double, '"') => quote = Quote::None,
            (Quote::Single, _) => {}
            (Quote::Double, '\\') => escaped = true,
            (Quote::Double, _) => {}
            (Quote::None, '#') if word_start => return at,
            (Quote::None, '\\') => escaped = true,
            (Quote::None, '\'') => quote = Quote::Single,
            (Quote::None, '"') => quote = Quote::Double,
            (Quote::None, _) => {}
        }
        word_start = quote == Quote::None && !escaped && c.is_whitespace();
    }
    line.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split_words(line).unwrap()
    }

    #[test]
    fn a_comment_starts_at_an_unquoted_hash_that_begins_a_word() {
        assert_eq!(words("a b # c d"), ["a", "b"]);
        assert_eq!(words("# all comment"), Vec::<String>::new());
        assert_eq!(words("a '#b' \"#c\" \\#d #e"), ["a", "#b", "#c", "#d"]);
        assert_eq!(words("a b#c"), ["a", "b#c"]);
        assert_eq!(words("a 'it''s' # x"), ["a", "its"]);
        assert_eq!(words("a \"q \\\" #\" # x"), ["a", "q \" #"]);
        assert!(split_words("a 'open # x").is_err());
        // A quote inside a comment opens nothing.
        assert_eq!(words("a b # it's"), ["a", "b"]);
        assert_eq!(words("a\t#\"x"), ["a"]);
    }
}
