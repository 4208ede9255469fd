//! [`ParseError`]: why a line is not a command. Every error names the word or
//! argument at fault and, where a verb was recognised, carries that verb's usage
//! line from the [vocabulary](mod@super::vocabulary). One line, never clap's help text.

use std::fmt;

use crate::domain::escape_controls;
use crate::engine::{EngineError, ErrorCode};

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An unclosed quote or a trailing backslash.
    Words(String),
    /// A word that no line can start with.
    CannotStartLine { word: String },
    /// A client name with nothing after it.
    NeedsVerb { client: String },
    /// A verb (or `expect` form) that does not exist.
    UnknownVerb {
        word: String,
        suggestion: Option<String>,
    },
    /// A required argument is not there.
    Missing { argument: String },
    /// An argument's value does not parse or is out of range.
    BadValue {
        argument: String,
        value: String,
        reason: String,
    },
    /// A word or option the verb does not take.
    Unexpected {
        word: String,
        suggestion: Option<String>,
    },
    /// Two options that exclude each other.
    Conflict { argument: String, other: String },
    /// Anything else clap reports; the text is clap's one-line message.
    Other(String),
    /// Input bytes that are not UTF-8 text.
    NotUtf8,
    /// A line longer than the runner reads.
    TooLong { limit: usize },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = |s: &Option<String>| {
            s.as_ref()
                .map(|s| format!(" (did you mean '{s}'?)"))
                .unwrap_or_default()
        };
        match self {
            Self::Words(detail) => write!(f, "cannot split the line into words: {detail}"),
            Self::CannotStartLine { word } => write!(
                f,
                "'{word}' cannot start a line; try 'clients', 'NAME generate', 'expect' or 'ds'"
            ),
            Self::NeedsVerb { client } => {
                write!(f, "'{client}' needs a verb, e.g. '{client} generate'")
            }
            Self::UnknownVerb { word, suggestion } => {
                write!(f, "unknown verb '{word}'{}", hint(suggestion))
            }
            Self::Missing { argument } => write!(f, "missing {argument}"),
            Self::BadValue {
                argument,
                value,
                reason,
            } => write!(f, "bad {argument} '{value}': {reason}"),
            Self::Unexpected { word, suggestion } => {
                write!(f, "unexpected '{word}'{}", hint(suggestion))
            }
            Self::Conflict { argument, other } => {
                write!(f, "{argument} cannot be used with {other}")
            }
            Self::Other(message) => f.write_str(message),
            Self::NotUtf8 => write!(f, "not UTF-8 text"),
            Self::TooLong { limit } => write!(f, "line longer than {limit} bytes"),
        }
    }
}

/// A line that does not parse: the problem and, when the verb was recognised,
/// its usage line. Display is one line with control characters escaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub problem: Problem,
    pub usage: Option<&'static str>,
}

impl ParseError {
    pub fn new(problem: Problem) -> Self {
        Self {
            problem,
            usage: None,
        }
    }

    pub fn with_usage(mut self, usage: Option<&'static str>) -> Self {
        if self.usage.is_none() {
            self.usage = usage;
        }
        self
    }

    /// The stable code of every parse error, as `expect error Usage` matches it.
    pub fn code(&self) -> ErrorCode {
        ErrorCode::Usage
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = self.problem.to_string();
        let problem = escape_controls(&problem);
        match self.usage {
            Some(usage) => write!(f, "{problem}; usage: {usage}"),
            None => f.write_str(&problem),
        }
    }
}

impl std::error::Error for ParseError {}

/// Why a line of the vocabulary did not run through: it does not parse, or the
/// engine refused it. One [`code`](Self::code) either way, as `expect error`
/// and the transcript name it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl CommandError {
    /// The stable code: `Usage` for a line that does not parse, else the engine's.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Parse(error) => error.code(),
            Self::Engine(error) => error.code(),
        }
    }
}

/// A command error is the engine's error when the engine refused the line.
impl PartialEq<EngineError> for CommandError {
    fn eq(&self, other: &EngineError) -> bool {
        matches!(self, Self::Engine(error) if error == other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_with_usage_and_escaped_words() {
        let error = ParseError::new(Problem::UnknownVerb {
            word: "fl\u{1b}y".into(),
            suggestion: Some("claim".into()),
        })
        .with_usage(Some("NAME VERB ..."));
        assert_eq!(
            error.to_string(),
            "unknown verb 'fl\\u{1b}y' (did you mean 'claim'?); usage: NAME VERB ..."
        );
        let missing = ParseError::new(Problem::Missing {
            argument: "OWNER".into(),
        })
        .with_usage(Some("NAME claim OWNER"))
        .with_usage(Some("ignored: the first usage stays"));
        assert_eq!(
            missing.to_string(),
            "missing OWNER; usage: NAME claim OWNER"
        );
        assert_eq!(missing.code(), "Usage");
    }
}
