//! The parser: a line becomes words (shell rules; a comment starts at an unquoted
//! `#` that begins a word), then a [`Command`] through clap's derive definitions.
//! clap's errors are turned into [`ParseError`]s naming the argument at fault,
//! with the verb's usage line from the vocabulary; clap's help text never shows.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Parser, Subcommand};

use super::error::{ParseError, Problem};
use super::expect::parse_expect;
use super::vocabulary::usage_line;
use super::{ClientAction, ClientCheck, Command, DsAction, DsCheck, RESERVED};

/// The longest line the runner reads, in bytes. Longer lines are refused, so a
/// stream without newlines cannot make the lab buffer without bound.
pub const MAX_LINE_BYTES: usize = 4096;

/// One executable line of a script, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedLine {
    /// 1-based line number in its source.
    pub line_no: usize,
    /// The line as written, trimmed.
    pub text: String,
    pub command: Command,
}

/// Parses every line of a script; on failure returns every bad line as
/// `name:line: message` (the message one line, control characters escaped).
pub fn parse_script(name: &str, source: &str) -> Result<Vec<ParsedLine>, Vec<String>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in source.lines().enumerate() {
        let line_no = index + 1;
        if text.len() > MAX_LINE_BYTES {
            let error = ParseError::new(Problem::TooLong {
                limit: MAX_LINE_BYTES,
            });
            errors.push(format!("{name}:{line_no}: {error}"));
            continue;
        }
        match parse_line(text) {
            Ok(Some(command)) => lines.push(ParsedLine {
                line_no,
                text: text.trim().to_string(),
                command,
            }),
            Ok(None) => {}
            Err(error) => errors.push(format!("{name}:{line_no}: {error}")),
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Parses one line. Blank lines and comments give `Ok(None)`.
pub fn parse_line(line: &str) -> Result<Option<Command>, ParseError> {
    let words = split_words(line)?;
    let Some((first, rest)) = words.split_first() else {
        return Ok(None);
    };
    let command = match first.as_str() {
        "clients" | "deliver" | "ds" => parse_lab(&words)?,
        "expect" => Command::Expect(parse_expect(rest)?),
        word if RESERVED.contains(&word) => {
            return Err(ParseError::new(Problem::CannotStartLine {
                word: word.to_string(),
            }))
        }
        client => {
            let Some(verb) = rest.first() else {
                return Err(ParseError::new(Problem::NeedsVerb {
                    client: client.to_string(),
                })
                .with_usage(Some(CLIENT_USAGE)));
            };
            let parsed = ClientLine::try_parse_from(rest)
                .map_err(|e| from_clap(&e).with_usage(usage_line(verb).or(Some(CLIENT_USAGE))))?;
            Command::Client {
                client: client.to_string(),
                action: parsed.action,
            }
        }
    };
    Ok(Some(command))
}

/// What may follow a client's name (a test checks it lists every client verb).
pub(super) const CLIENT_USAGE: &str =
    "NAME generate|publish|claim|create-group|add|peek|join|sync|self-update|rotate-last-resort ...";

const DS_USAGE: &str = "ds replay-welcome | ds forward-welcome NAME";

fn parse_lab(words: &[String]) -> Result<Command, ParseError> {
    let key = match words {
        [ds, action, ..] if ds == "ds" => format!("ds {action}"),
        [verb, ..] => verb.clone(),
        [] => String::new(),
    };
    // `ds` alone or with an unknown action: show every `ds` form.
    let usage = match words {
        [ds, ..] if ds == "ds" => usage_line(&key).or(Some(DS_USAGE)),
        _ => usage_line(&key),
    };
    let parsed = GlobalLine::try_parse_from(words).map_err(|e| from_clap(&e).with_usage(usage))?;
    Ok(match parsed.command {
        Global::Clients { names } => Command::Clients(names),
        Global::Ds { action } => Command::Ds(action),
        Global::Deliver => Command::Deliver,
    })
}

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

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "command"
)]
struct GlobalLine {
    #[command(subcommand)]
    command: Global,
}

#[derive(Subcommand)]
enum Global {
    /// Create and register clients.
    Clients {
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// Make the DS misbehave.
    Ds {
        #[command(subcommand)]
        action: DsAction,
    },
    /// Every client processes its whole mailbox.
    Deliver,
}

#[derive(Parser)]
#[command(no_binary_name = true, disable_help_subcommand = true, name = "NAME")]
pub(super) struct ClientLine {
    #[command(subcommand)]
    pub(super) action: ClientAction,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect ds OWNER"
)]
pub(super) struct DsCheckLine {
    #[command(subcommand)]
    pub(super) check: DsCheck,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect NAME"
)]
pub(super) struct ClientCheckLine {
    #[command(subcommand)]
    pub(super) check: ClientCheck,
}
