//! The parser: a line becomes words (shell rules; a comment starts at an unquoted
//! `#` that begins a word), then a [`Command`] through clap's derive definitions.
//! clap's errors are turned into [`ParseError`]s naming the argument at fault,
//! with the verb's usage line from the vocabulary; clap's help text never shows.
//!
//! - [`words`]: a line into words; where its comment starts.
//! - `grammar`: the clap lines the parser and the vocabulary share.
//! - `expect`: the words after `expect`.
//! - `clap_error`: clap's errors as [`ParseError`]s.

mod clap_error;
mod expect;
pub(super) mod grammar;
mod lab_line;
pub mod words;

use clap::Parser;

use super::error::{ParseError, Problem};
use super::vocabulary::usage_line;
use super::Command;
use crate::domain::{is_control, RESERVED};
use clap_error::from_clap;
use expect::parse_expect;
use grammar::ClientLine;
use lab_line::parse_lab;
use words::split_words;

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

impl ParsedLine {
    /// Parses line `line_no` of a script: `Ok(None)` for a blank line or a
    /// comment. Lines longer than [`MAX_LINE_BYTES`] are refused. The one rule for a
    /// line, whether it comes in a file ([`parse_script`]) or a stream.
    pub fn parse(line_no: usize, text: &str) -> Result<Option<Self>, ParseError> {
        if text.len() > MAX_LINE_BYTES {
            return Err(ParseError::new(Problem::TooLong {
                limit: MAX_LINE_BYTES,
            }));
        }
        Ok(parse_line(text)?.map(|command| Self {
            line_no,
            text: text.trim().to_string(),
            command,
        }))
    }
}

/// A line of a script that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line number in its source.
    pub line_no: usize,
    /// The line as written, trimmed.
    pub text: String,
    pub error: ParseError,
}

/// `text: message`, the form the prompt and the TUI's messages show.
impl std::fmt::Display for BadLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.text, self.error)
    }
}

impl std::error::Error for BadLine {}

impl BadLine {
    /// `name:line: message`, the form every reader of a file shows.
    pub fn located(&self, name: &str) -> String {
        format!("{name}:{}: {}", self.line_no, self.error)
    }
}

/// Parses every line of `source`, keeping line numbers; on failure returns every
/// bad line. The one loop over a script's lines: files, lessons and the prompt.
pub fn parse_lines(source: &str) -> Result<Vec<ParsedLine>, Vec<BadLine>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    for (index, text) in source.lines().enumerate() {
        let line_no = index + 1;
        match ParsedLine::parse(line_no, text) {
            Ok(Some(line)) => lines.push(line),
            Ok(None) => {}
            Err(error) => errors.push(BadLine {
                line_no,
                text: text.trim().to_string(),
                error,
            }),
        }
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Parses every line of a script; on failure returns every bad line as
/// `name:line: message` (the message one line, control characters escaped).
pub fn parse_script(name: &str, source: &str) -> Result<Vec<ParsedLine>, Vec<String>> {
    parse_lines(source).map_err(|bad| bad.iter().map(|line| line.located(name)).collect())
}

/// Parses one line. Blank lines and comments give `Ok(None)`.
pub fn parse_line(line: &str) -> Result<Option<Command>, ParseError> {
    let words = split_words(line)?;
    let Some((first, rest)) = words.split_first() else {
        return Ok(None);
    };
    let command = match first.as_str() {
        "clients" | "deliver" | "clock" | "ds" => parse_lab(&words)?,
        "export-welcome" | "export-mailbox" | "import-key-package" => parse_lab(&words)?,
        "show" | "follow" => parse_lab(&words)?,
        "expect" => Command::Expect(parse_expect(rest)?),
        "say" => parse_say(rest)?,
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

/// `say "TEXT"`: the words after `say`, joined by one space (quotes keep a
/// caption's own spacing). Refused empty, or with control characters, which a
/// terminal would obey instead of showing.
fn parse_say(words: &[String]) -> Result<Command, ParseError> {
    let usage = usage_line("say");
    let text = words.join(" ");
    if text.trim().is_empty() {
        return Err(ParseError::new(Problem::Missing {
            argument: "TEXT".into(),
        })
        .with_usage(usage));
    }
    if text.chars().any(is_control) {
        return Err(ParseError::new(Problem::BadValue {
            argument: "TEXT".into(),
            value: text,
            reason: "control characters cannot be shown".into(),
        })
        .with_usage(usage));
    }
    Ok(Command::Say(text))
}

/// What may follow a client's name (a test checks it lists every client verb).
pub(super) const CLIENT_USAGE: &str =
    "NAME generate|publish|claim|create-group|add|peek|join|sync|self-update|rotate-last-resort|delete-bundle|pool|export-key-package|craft ...";

#[cfg(test)]
mod tests {
    use super::super::{ClientAction, GenerateArgs, Problem};
    use super::lab_line::{DS_USAGE, SHOW_USAGE};
    use super::*;
    use crate::command::{KeySelector, Show};
    use crate::domain::LabDuration;

    fn problem(line: &str) -> Problem {
        parse_line(line).unwrap_err().problem
    }

    /// A reserved word after `expect` is no client: `expect clock 5` is an
    /// unknown check, said when the line is read, not an unknown client later.
    #[test]
    fn expect_refuses_a_reserved_word_in_the_clients_place() {
        for word in ["clients", "clock", "say", "lab", "all"] {
            let line = format!("expect {word} inventory 1");
            assert!(
                matches!(problem(&line), Problem::UnknownVerb { word: w, .. } if w == word),
                "{line}: {:?}",
                problem(&line)
            );
        }
        assert!(parse_line("expect carol inventory 1").is_ok());
    }

    #[test]
    fn say_is_a_caption_line_with_its_text() {
        let say = |line: &str| parse_line(line).unwrap();
        assert_eq!(
            say("say \"The DS hands out  one package.\" # note"),
            Some(Command::Say("The DS hands out  one package.".into()))
        );
        assert_eq!(say("say two words"), Some(Command::Say("two words".into())));
        assert_eq!(say("say -- --all"), Some(Command::Say("-- --all".into())));
        assert!(matches!(problem("say"), Problem::Missing { .. }));
        assert!(matches!(problem("say ''"), Problem::Missing { .. }));
        assert!(matches!(
            problem("say \"a\u{1b}[2Jb\""),
            Problem::BadValue { .. }
        ));
        assert!(parse_line("say")
            .unwrap_err()
            .to_string()
            .contains("usage: say"));
        assert_eq!(Command::Say("x".into()).verb(), "say");
    }

    #[test]
    fn show_and_follow_direct_the_screen_and_run_nothing() {
        use super::super::OptionalKeySelector;
        let line = |text: &str| parse_line(text).unwrap().unwrap();
        assert_eq!(
            line("follow bob @1"),
            Command::Follow(KeySelector {
                client: "bob".into(),
                key_package: "@1".into()
            })
        );
        assert_eq!(
            line("show inspector"),
            Command::Show(Show::Inspector {
                package: OptionalKeySelector {
                    client: None,
                    key_package: None
                }
            })
        );
        match line("show inspector bob 6b8f") {
            Command::Show(Show::Inspector { package }) => assert_eq!(
                package.selector().map(|s| s.key_package),
                Some("6b8f".into())
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            line("show hex init_key"),
            Command::Show(Show::Hex {
                field: Some("init_key".into())
            })
        );
        assert_eq!(line("show why"), Command::Show(Show::Why));
        assert!(line("show why").runs_nothing() && line("follow bob @1").directs_screen());
        assert!(!line("bob generate").runs_nothing());
        // Half a selector, an unknown thing to show, a missing REF.
        assert!(matches!(
            problem("show inspector bob"),
            Problem::Missing { .. }
        ));
        assert!(parse_line("show dance")
            .unwrap_err()
            .to_string()
            .contains(SHOW_USAGE));
        assert!(matches!(problem("follow bob"), Problem::Missing { .. }));
    }

    #[test]
    fn the_new_lab_verbs_parse_to_the_contract() {
        let day = LabDuration::from_secs(86_400);
        assert_eq!(parse_line("clock").unwrap(), Some(Command::Clock(None)));
        assert_eq!(
            parse_line("clock +30d").unwrap(),
            Some(Command::Clock(Some(LabDuration::from_secs(30 * 86_400))))
        );
        assert!(
            matches!(problem("clock 30d"), Problem::BadValue { reason, .. } if reason.contains("+DURATION"))
        );
        assert!(matches!(problem("clock +30"), Problem::BadValue { .. }));
        assert_eq!(
            parse_line("bob delete-bundle @1").unwrap(),
            Some(Command::Client {
                client: "bob".into(),
                action: ClientAction::DeleteBundle {
                    selector: "@1".into()
                }
            })
        );
        match parse_line("bob generate --lifetime 1d").unwrap() {
            Some(Command::Client {
                action: ClientAction::Generate(GenerateArgs { lifetime, .. }),
                ..
            }) => assert_eq!(lifetime, Some(day)),
            other => panic!("{other:?}"),
        }
        for bad in [
            "--lifetime 3600",
            "--lifetime 99999999999999999d",
            "--lifetime 1d --expired",
        ] {
            assert!(parse_line(&format!("bob generate {bad}")).is_err(), "{bad}");
        }
    }

    #[test]
    fn errors_name_the_argument_and_carry_the_usage_line() {
        let error = parse_line("alice claim").unwrap_err();
        assert_eq!(
            error.problem,
            Problem::Missing {
                argument: "OWNER".into()
            }
        );
        assert_eq!(error.usage, usage_line("claim"));
        let error = parse_line("bob delete-bundle").unwrap_err();
        assert_eq!(
            error.to_string(),
            "missing REF; usage: NAME delete-bundle REF"
        );
        let error = parse_line("bob generate --lifetime 90").unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("bad --lifetime DURATION '90': give a unit"),
            "{error}"
        );
        assert_eq!(parse_line("ds dance").unwrap_err().usage, Some(DS_USAGE));
        assert_eq!(parse_line("bob fly").unwrap_err().usage, Some(CLIENT_USAGE));
    }

    #[test]
    fn scripts_name_every_bad_line_and_keep_line_numbers() {
        let lines = parse_script("s", "# c\nclients a\n\na generate 2 # two\n").unwrap();
        let numbered: Vec<(usize, &str)> =
            lines.iter().map(|l| (l.line_no, l.text.as_str())).collect();
        assert_eq!(numbered, [(2, "clients a"), (4, "a generate 2 # two")]);
        let long = "a ".repeat(MAX_LINE_BYTES);
        let errors = parse_script("s", &format!("a claim\nok\n{long}\n")).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors[0].starts_with("s:1: missing OWNER"));
        assert!(errors[1].starts_with("s:2: "));
        assert_eq!(
            errors[2],
            format!("s:3: line longer than {MAX_LINE_BYTES} bytes")
        );
    }

    /// Every verb with every kind of bad tail: the error is one line, names
    /// something, and is never clap's help or usage block.
    #[test]
    fn no_bad_line_shows_help_text() {
        let mut heads: Vec<String> = super::super::client_verbs()
            .iter()
            .map(|v| format!("bob {v}"))
            .collect();
        heads.extend(
            [
                "clients",
                "deliver",
                "clock",
                "ds",
                "ds replay-welcome",
                "ds forward-welcome",
                "ds fault",
                "ds fault drop-welcome",
                "ds release",
                "ds policy",
                "ds policy claim-limit",
                "expect",
                "expect ds fault",
                "expect ds bob",
                "expect bob",
                "expect bob epoch",
                "expect error",
            ]
            .map(String::from),
        );
        let tails = [
            "",
            "--help",
            "-h",
            "--version",
            "-V",
            "help",
            "--suite",
            "--suite 0",
            "--to",
            "x y z",
            "--bogus",
            "0",
            "-1",
            "+1x",
            "--all --raw 00",
            "' '",
            "--lifetime",
        ];
        for head in &heads {
            for tail in tails {
                let line = format!("{head} {tail}");
                let Err(error) = parse_line(&line) else {
                    continue;
                };
                let text = error.to_string();
                assert!(!text.contains('\n'), "{line}: {text}");
                for clap_text in [
                    "Usage:",
                    "Options:",
                    "Commands:",
                    "For more information",
                    "[OPTIONS]",
                    "error:",
                ] {
                    assert!(!text.contains(clap_text), "{line}: {text}");
                }
                assert!(
                    !matches!(error.problem, Problem::Other(_)),
                    "{line}: {text}"
                );
            }
        }
    }
}
