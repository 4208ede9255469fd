//! The one command vocabulary. Scenario files, the headless runner, the TUI's `:`
//! prompt and the tests all speak it, and [`parse_line`] / [`parse_script`] are its
//! only parser: shell-style word splitting and then clap.
//!
//! ```text
//! clients alice bob carol          # create and register clients
//! bob generate 3                   # three normal key packages
//! bob generate --last-resort       # one last-resort package
//! bob publish --all                # upload everything not yet published
//! alice claim bob                  # take one of bob's packages from the DS
//! alice create-group team
//! alice add bob carol --to team    # Commit + Welcome, routed by the DS
//! bob join                         # peek at the Welcome, then StagedWelcome
//! bob rotate-last-resort           # RFC 9750 §5.1
//! expect bob member-of team
//! ```
//!
//! - [`ast`]: a parsed line as data, [`Command`], with each verb's options.
//! - [`expectation`]: what an `expect` line asserts and its canonical text.
//! - [`parse`]: a line into words, then clap: [`parse_line`], [`parse_script`];
//!   clap's errors turned into ours, `expect` lines read by hand.
//! - [`misbehave`]: the words of a misbehaving or policed DS (`on|off`, limits).
//! - [`error`]: the parse error type, [`ParseError`], and [`CommandError`].
//! - [`mod@execute`]: a command run on the engine ([`execute()`], [`Execute`]).
//! - [`mod@vocabulary`]: every verb's usage line and help.
//! - [`scenario`]: the shipped scenarios, loading one by path or name, and
//!   reading scripts with bounded lines.
//! - [`steps`]: a script as steps (a command, its caption, its checks) for lessons
//!   and handouts.

pub mod ast;
pub mod error;
pub mod execute;
pub mod expectation;
pub mod misbehave;
pub mod parse;
pub mod scenario;
pub mod steps;
pub mod vocabulary;

pub use ast::{
    ClientAction, Command, CraftArgs, CraftKey, CraftKind, CraftPlace, DsAction, EncodingArgs,
    ExportArgs, GenerateArgs, KeySelector, OptionalKeySelector, PublishArgs, Show,
};
pub use expectation::{BundlePresence, ClientCheck, DsCheck, Expectation, Presence};
pub use misbehave::{DsPolicy, GreaseMode, KeyEncodingMode, Limit, MaxLifetime, Switch};

pub use error::{CommandError, ParseError, Problem};
pub use execute::{execute, execute_line, Execute};
pub use parse::{parse_line, parse_lines, parse_script, BadLine, ParsedLine, MAX_LINE_BYTES};
pub use steps::{Check, Step};
pub use vocabulary::{
    client_verb_options, client_verbs, usage, vocabulary, Verb, VerbKind, LAB_VERBS,
};
