//! The one command vocabulary. Scenario files, the headless runner, the TUI's `:`
//! prompt and the tests all speak it, and [`parse_line`] is its only parser:
//! shell-style word splitting (shell-words) and then clap.
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

use clap::{Args, CommandFactory as _, Parser, Subcommand, ValueEnum};

use crate::engine::EngineError;

/// Words that cannot be client names because they start other commands.
pub const RESERVED: &[&str] = &[
    "clients", "ds", "deliver", "expect", "error", "ok", "in-sync", "help", "lab", "all",
];

/// One parsed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `clients NAME...`: create clients and register them at the DS.
    Clients(Vec<String>),
    /// `NAME ACTION ...`: something a client does.
    Client {
        client: String,
        action: ClientAction,
    },
    /// `ds ACTION`: make the Delivery Service misbehave on purpose.
    Ds(DsAction),
    /// `deliver`: every client fetches its mailbox and processes all of it.
    Deliver,
    /// `expect ...`: an assertion; a failed one makes a scenario run fail.
    Expect(Expectation),
}

impl Command {
    /// The acting client, or `lab`/`ds`.
    pub fn actor(&self) -> &str {
        match self {
            Self::Client { client, .. } => client,
            Self::Ds(_) => "ds",
            _ => "lab",
        }
    }

    /// The verb, as written.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Clients(_) => "clients",
            Self::Deliver => "deliver",
            Self::Expect(_) => "expect",
            Self::Ds(DsAction::ReplayWelcome) => "ds replay-welcome",
            Self::Ds(DsAction::ForwardWelcome { .. }) => "ds forward-welcome",
            Self::Client { action, .. } => match action {
                ClientAction::Generate(_) => "generate",
                ClientAction::Publish(_) => "publish",
                ClientAction::Claim { .. } => "claim",
                ClientAction::CreateGroup { .. } => "create-group",
                ClientAction::Add { .. } => "add",
                ClientAction::Peek => "peek",
                ClientAction::Join => "join",
                ClientAction::Sync => "sync",
                ClientAction::SelfUpdate { .. } => "self-update",
                ClientAction::RotateLastResort { .. } => "rotate-last-resort",
            },
        }
    }
}

fn suite_arg() -> clap::builder::RangedI64ValueParser<u16> {
    clap::value_parser!(u16).range(1..=3)
}

/// What a client can do.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ClientAction {
    /// Generate key packages; their private bundles go into the client's storage.
    Generate(GenerateArgs),
    /// Upload key packages to the DS, which validates them.
    Publish(PublishArgs),
    /// Take one of OWNER's key packages from the DS (a normal one, else the last-resort one).
    Claim {
        owner: String,
        /// Ciphersuite to ask for (1, 2 or 3).
        #[arg(long, default_value_t = 1, value_parser = suite_arg())]
        suite: u16,
    },
    /// Create a group with this client as its only member.
    CreateGroup {
        group: String,
        /// Ciphersuite of the group (1, 2 or 3).
        #[arg(long, default_value_t = 1, value_parser = suite_arg())]
        suite: u16,
    },
    /// Add members with claimed key packages (claims one if none is held): Commit + Welcome.
    Add {
        #[arg(required = true)]
        members: Vec<String>,
        /// The group to add them to.
        #[arg(long)]
        to: String,
    },
    /// Fetch the mailbox and show pending Welcomes without consuming anything.
    Peek,
    /// Fetch the mailbox and join through every pending Welcome (StagedWelcome).
    Join,
    /// Fetch the mailbox and process pending Commits.
    Sync,
    /// Commit an update of the own leaf in GROUP, or in every group joined through a last-resort package.
    SelfUpdate { group: Option<String> },
    /// Publish a new last-resort package (the DS replaces the old one) and self-update
    /// where the old one was used (RFC 9750 §5.1).
    RotateLastResort {
        #[arg(long, default_value_t = 1, value_parser = suite_arg())]
        suite: u16,
    },
}

/// Options of `generate`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct GenerateArgs {
    /// How many (1 to 10000).
    #[arg(default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub count: u32,
    /// Mark as last resort (the LastResort capability is listed too).
    #[arg(long)]
    pub last_resort: bool,
    /// Leave LastResort out of the capabilities, as the seed page's code does: receivers reject it.
    #[arg(long, requires = "last_resort")]
    pub no_last_resort_capability: bool,
    /// Ciphersuite (1, 2 or 3).
    #[arg(long, default_value_t = 1, value_parser = suite_arg())]
    pub suite: u16,
    /// Lifetime in seconds (starting an hour ago).
    #[arg(long, conflicts_with_all = ["expired", "not_yet_valid"])]
    pub lifetime: Option<u64>,
    /// A lifetime that ended yesterday.
    #[arg(long, conflicts_with = "not_yet_valid")]
    pub expired: bool,
    /// A lifetime that starts tomorrow.
    #[arg(long)]
    pub not_yet_valid: bool,
}

/// Options of `publish`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct PublishArgs {
    /// Key packages: full or prefix hex reference, `@N` (Nth generated) or `@last`.
    pub refs: Vec<String>,
    /// Every generated key package not yet published.
    #[arg(long, conflicts_with_all = ["refs", "raw", "stolen_from"])]
    pub all: bool,
    /// Wrap each one in an MLSMessage instead of the bare KeyPackage encoding.
    #[arg(long)]
    pub mls_message: bool,
    /// Flip one bit of the signature before uploading.
    #[arg(long)]
    pub tamper: bool,
    /// Upload these bytes (hex) as they are.
    #[arg(long, conflicts_with_all = ["refs", "stolen_from"])]
    pub raw: Option<String>,
    /// Upload another client's newest key package as if it were one's own.
    #[arg(long, conflicts_with = "refs")]
    pub stolen_from: Option<String>,
}

/// Deliberate Delivery Service misbehaviour, for exploratory testing.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DsAction {
    /// Deliver the last Welcome again to the clients it went to.
    ReplayWelcome,
    /// Deliver the last Welcome to a client it was not for.
    ForwardWelcome { to: String },
}

/// An assertion about the state or the last command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expectation {
    /// The last command failed with this code.
    Error(String),
    /// The last command succeeded.
    Ok,
    /// Every member of GROUP sees the same epoch, members and epoch authenticator.
    InSync(String),
    Ds {
        owner: String,
        check: DsCheck,
    },
    Client {
        client: String,
        check: ClientCheck,
    },
}

/// `expect ds OWNER ...`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DsCheck {
    /// Normal key packages of OWNER available at the DS.
    Available { count: usize },
    /// Whether OWNER has a last-resort package at the DS.
    LastResort { presence: Presence },
    /// Key packages of OWNER handed out.
    Claims { count: u64 },
    /// Hand-outs of OWNER's last-resort package beyond the first.
    Reuses { count: u64 },
}

/// `expect CLIENT ...`
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ClientCheck {
    MemberOf {
        group: String,
    },
    NotMemberOf {
        group: String,
    },
    /// Private bundles present in the client's storage.
    KeyPackages {
        count: usize,
    },
    /// Key packages the client generated.
    Inventory {
        count: usize,
    },
    /// Whether a key package's private bundle is in storage.
    Bundle {
        selector: String,
        presence: Presence,
    },
    /// The client's epoch in GROUP.
    Epoch {
        group: String,
        epoch: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Presence {
    Present,
    #[value(alias = "absent")]
    Deleted,
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
        #[arg(required = true)]
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
#[command(no_binary_name = true, disable_help_subcommand = true, name = "CLIENT")]
struct ClientLine {
    #[command(subcommand)]
    action: ClientAction,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect ds OWNER"
)]
struct DsCheckLine {
    #[command(subcommand)]
    check: DsCheck,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect CLIENT"
)]
struct ClientCheckLine {
    #[command(subcommand)]
    check: ClientCheck,
}

fn clap_error(error: clap::Error) -> EngineError {
    // First line only: clap's own wording, without the usage block.
    let rendered = error.render().to_string();
    let first = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid command")
        .trim_start_matches("error: ")
        .to_string();
    EngineError::Usage(first)
}

/// Parses one line. Blank lines and `# comments` give `Ok(None)`; a `#` word ends
/// the line. Errors are [`EngineError::Usage`] with a one-line message.
pub fn parse_line(line: &str) -> Result<Option<Command>, EngineError> {
    let words = shell_words::split(line)
        .map_err(|e| EngineError::Usage(format!("cannot split the line into words: {e}")))?;
    let words: Vec<String> = words
        .into_iter()
        .take_while(|w| !w.starts_with('#'))
        .collect();
    let Some(first) = words.first() else {
        return Ok(None);
    };
    let rest = &words[1..];
    let command = match first.as_str() {
        "clients" | "ds" | "deliver" => {
            let parsed = GlobalLine::try_parse_from(&words).map_err(clap_error)?;
            match parsed.command {
                Global::Clients { names } => Command::Clients(names),
                Global::Ds { action } => Command::Ds(action),
                Global::Deliver => Command::Deliver,
            }
        }
        "expect" => Command::Expect(parse_expect(rest)?),
        word if RESERVED.contains(&word) => {
            return Err(EngineError::Usage(format!(
                "'{word}' cannot start a line; try 'clients', 'NAME generate', 'expect' or 'ds'"
            )))
        }
        client => {
            if rest.is_empty() {
                return Err(EngineError::Usage(format!(
                    "'{client}' needs an action, e.g. '{client} generate'"
                )));
            }
            let parsed = ClientLine::try_parse_from(rest).map_err(clap_error)?;
            Command::Client {
                client: client.to_string(),
                action: parsed.action,
            }
        }
    };
    Ok(Some(command))
}

fn parse_expect(words: &[String]) -> Result<Expectation, EngineError> {
    let usage = || {
        EngineError::Usage(
            "expect what? 'expect ok', 'expect error CODE', 'expect in-sync GROUP', 'expect ds OWNER ...' or 'expect CLIENT ...'".into(),
        )
    };
    let (first, rest) = words.split_first().ok_or_else(usage)?;
    match first.as_str() {
        "ok" if rest.is_empty() => Ok(Expectation::Ok),
        "error" => match rest {
            [code] => Ok(Expectation::Error(code.clone())),
            _ => Err(EngineError::Usage("usage: expect error CODE".into())),
        },
        "in-sync" => match rest {
            [group] => Ok(Expectation::InSync(group.clone())),
            _ => Err(EngineError::Usage("usage: expect in-sync GROUP".into())),
        },
        "ds" => {
            let (owner, rest) = rest
                .split_first()
                .ok_or_else(|| EngineError::Usage("usage: expect ds OWNER CHECK".into()))?;
            let parsed = DsCheckLine::try_parse_from(rest).map_err(clap_error)?;
            Ok(Expectation::Ds {
                owner: owner.clone(),
                check: parsed.check,
            })
        }
        word if RESERVED.contains(&word) => Err(usage()),
        client => {
            let parsed = ClientCheckLine::try_parse_from(rest).map_err(clap_error)?;
            Ok(Expectation::Client {
                client: client.to_string(),
                check: parsed.check,
            })
        }
    }
}

/// Words that start a line other than a client's name.
pub const LAB_VERBS: &[&str] = &["clients", "deliver", "ds", "expect"];

/// What a client can do (`generate`, `publish`, …), read from the parser's own
/// definition so that completion offers exactly what parses.
pub fn client_verbs() -> Vec<String> {
    ClientLine::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The options of one client verb (`--last-resort`, `--to`, …).
pub fn client_verb_options(verb: &str) -> Vec<String> {
    ClientLine::command()
        .find_subcommand(verb)
        .map(|c| {
            c.get_arguments()
                .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
                .collect()
        })
        .unwrap_or_default()
}

/// A valid client name: lowercase ASCII letters, digits, `-` and `_`, at most 16
/// characters, not a reserved word and not starting with `@` or `#`.
pub fn valid_client_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 16
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && !RESERVED.contains(&name)
}
