//! clap's errors turned into [`ParseError`]s, read from their structured context
//! (the argument, the value, the suggestion) and never from clap's rendered help,
//! so that the message names the argument as the vocabulary writes it.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::super::error::{ParseError, Problem};

/// clap's error as a [`ParseError`], from its structured context only.
pub(super) fn from_clap(error: &clap::Error) -> ParseError {
    let text = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(
            list.iter()
                .map(|s| argument(s))
                .collect::<Vec<_>>()
                .join(", "),
        )
        .filter(|s| !s.is_empty()),
        _ => None,
    };
    let arg = || {
        text(ContextKind::InvalidArg)
            .map(|a| argument(&a))
            .unwrap_or_default()
    };
    let value = || text(ContextKind::InvalidValue).unwrap_or_default();
    let problem = match error.kind() {
        ErrorKind::MissingRequiredArgument => Problem::Missing { argument: arg() },
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            Problem::Missing {
                argument: "VERB".into(),
            }
        }
        ErrorKind::InvalidSubcommand => Problem::UnknownVerb {
            word: text(ContextKind::InvalidSubcommand).unwrap_or_default(),
            suggestion: text(ContextKind::SuggestedSubcommand),
        },
        ErrorKind::InvalidValue => Problem::BadValue {
            argument: arg(),
            value: value(),
            reason: match text(ContextKind::ValidValue) {
                Some(valid) => format!("use {}", valid.replace(", ", " or ")),
                None => "a value is needed".into(),
            },
        },
        ErrorKind::ValueValidation => Problem::BadValue {
            argument: arg(),
            value: value(),
            reason: std::error::Error::source(error)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "invalid".into()),
        },
        ErrorKind::UnknownArgument | ErrorKind::TooManyValues => Problem::Unexpected {
            word: text(ContextKind::InvalidArg)
                .filter(|_| error.kind() == ErrorKind::UnknownArgument)
                .unwrap_or_else(value),
            suggestion: text(ContextKind::SuggestedArg),
        },
        ErrorKind::ArgumentConflict => Problem::Conflict {
            argument: arg(),
            other: text(ContextKind::PriorArg)
                .map(|a| argument(&a))
                .unwrap_or_else(|| "another option".into()),
        },
        // `--help` and `--version` are not options of any verb.
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => Problem::Unexpected {
            word: "--help".into(),
            suggestion: None,
        },
        _ => Problem::Other(first_line(error)),
    };
    ParseError::new(problem)
}

/// clap's own first line, for the rare kinds without structured context.
fn first_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string()
}

/// clap's argument display (`<OWNER>`, `[COUNT]`, `--to <GROUP>`, `<MEMBER>...`)
/// as the vocabulary writes it (`OWNER`, `COUNT`, `--to GROUP`, `MEMBER`).
fn argument(clap_form: &str) -> String {
    clap_form
        .replace(['<', '>', '[', ']'], "")
        .trim_end_matches("...")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::argument;

    #[test]
    fn arguments_are_written_as_the_vocabulary_writes_them() {
        assert_eq!(argument("<OWNER>"), "OWNER");
        assert_eq!(argument("[COUNT]"), "COUNT");
        assert_eq!(argument("--to <GROUP>"), "--to GROUP");
        assert_eq!(argument("<MEMBER>..."), "MEMBER");
    }
}
