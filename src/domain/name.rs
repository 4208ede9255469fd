//! The one rule for names that come from input (clients and groups alike),
//! checked by [`validate_name`]: the engine checks group labels with it and the
//! parser keeps client names from clashing with [`RESERVED`] words.

use std::fmt;

use super::text::{escape_controls, is_control};

/// The longest name, in characters: names are lanes and columns in the TUI.
pub const MAX_NAME_LEN: usize = 16;

/// Words that cannot be client names because they start other lines (or are
/// words of the syntax that would make a line ambiguous).
pub const RESERVED: &[&str] = &[
    "clients",
    "ds",
    "deliver",
    "clock",
    "expect",
    "error",
    "ok",
    "in-sync",
    "help",
    "lab",
    "all",
    // `say "..."` starts a caption line; `show` and `follow` direct a lesson's screen.
    "say",
    "show",
    "follow",
    // `import-key-package` starts a line too, but is longer than any name may be.
    "export-welcome",
    "export-mailbox",
];

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Client,
    Group,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Client => "client",
            Self::Group => "group",
        })
    }
}

/// The rule a name breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameRule {
    Empty,
    TooLong {
        chars: usize,
    },
    ControlCharacter,
    Whitespace,
    /// `-` reads as an option, `@` as a key-package selector, `#` as a comment.
    LeadingSymbol(char),
    /// Anything but ASCII letters, digits, `-`, `_` and `.`.
    Character(char),
    /// A word of the syntax (clients only: a client's name starts a line).
    Reserved,
}

impl fmt::Display for NameRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "a name cannot be empty"),
            Self::TooLong { chars } => {
                write!(f, "{chars} characters, at most {MAX_NAME_LEN} allowed")
            }
            Self::ControlCharacter => write!(f, "no control characters"),
            Self::Whitespace => write!(f, "no spaces"),
            Self::LeadingSymbol(c) => write!(f, "cannot start with '{c}'"),
            Self::Character(c) => write!(
                f,
                "'{}' is not allowed: use ASCII letters, digits, '-', '_' or '.'",
                escape_controls(&c.to_string())
            ),
            Self::Reserved => write!(f, "it is a keyword of the scenario syntax"),
        }
    }
}

/// A name that breaks a rule. Its Display escapes the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameError {
    pub kind: NameKind,
    pub name: String,
    pub rule: NameRule,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' cannot be a {} name: {}",
            escape_controls(&self.name),
            self.kind,
            self.rule
        )
    }
}

impl std::error::Error for NameError {}

/// The one rule for names from input: 1 to [`MAX_NAME_LEN`] ASCII letters, digits,
/// `-`, `_` or `.`, not starting with `-`, `@` or `#`; a client's name is not a
/// [`RESERVED`] word. The first rule broken is reported.
pub fn validate_name(kind: NameKind, name: &str) -> Result<(), NameError> {
    let broken = |rule| {
        Err(NameError {
            kind,
            name: name.to_string(),
            rule,
        })
    };
    let chars = name.chars().count();
    if chars == 0 {
        return broken(NameRule::Empty);
    }
    if name.chars().any(is_control) {
        return broken(NameRule::ControlCharacter);
    }
    if name.chars().any(char::is_whitespace) {
        return broken(NameRule::Whitespace);
    }
    if let Some(first @ ('-' | '@' | '#')) = name.chars().next() {
        return broken(NameRule::LeadingSymbol(first));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return broken(NameRule::Character(bad));
    }
    if chars > MAX_NAME_LEN {
        return broken(NameRule::TooLong { chars });
    }
    if kind == NameKind::Client && RESERVED.contains(&name) {
        return broken(NameRule::Reserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: NameKind, name: &str) -> Option<NameRule> {
        validate_name(kind, name).err().map(|e| e.rule)
    }

    #[test]
    fn good_names_pass_for_clients_and_groups() {
        for name in [
            "alice",
            "bob-2",
            "team_a",
            "Team.B",
            "x",
            "a234567890123456",
        ] {
            assert_eq!(rule(NameKind::Client, name), None, "{name}");
            assert_eq!(rule(NameKind::Group, name), None, "{name}");
        }
    }

    #[test]
    fn each_rule_is_named() {
        use NameRule::*;
        let cases = [
            ("", Empty),
            ("a\u{1b}[31m", ControlCharacter),
            ("a\rb", ControlCharacter),
            ("evil\u{202e}", ControlCharacter),
            ("two words", Whitespace),
            ("-x", LeadingSymbol('-')),
            ("@1", LeadingSymbol('@')),
            ("#team", LeadingSymbol('#')),
            ("bad!", Character('!')),
            ("zoë", Character('ë')),
            ("a2345678901234567", TooLong { chars: 17 }),
        ];
        for (name, expected) in cases {
            assert_eq!(
                rule(NameKind::Group, name),
                Some(expected.clone()),
                "{name:?}"
            );
            assert_eq!(rule(NameKind::Client, name), Some(expected), "{name:?}");
        }
    }

    #[test]
    fn reserved_words_are_not_client_names_but_may_name_groups() {
        for word in RESERVED {
            assert_eq!(rule(NameKind::Client, word), Some(NameRule::Reserved));
            assert_eq!(rule(NameKind::Group, word), None);
        }
    }

    #[test]
    fn the_message_names_kind_rule_and_escaped_name() {
        let error = validate_name(NameKind::Group, "a\u{1b}b").unwrap_err();
        assert_eq!(
            error.to_string(),
            "'a\\u{1b}b' cannot be a group name: no control characters"
        );
        let error = validate_name(NameKind::Client, "-v").unwrap_err();
        assert_eq!(
            error.to_string(),
            "'-v' cannot be a client name: cannot start with '-'"
        );
    }
}
