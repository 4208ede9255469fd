//! A parsed line as data: [`Command`] and what a client ([`ClientAction`]) or the
//! DS ([`DsAction`]) does, with the options of each verb. The clap attributes
//! here are the grammar the parser reads lines with; `expect` lines are in
//! [`super::expectation`].

use clap::{Args, Subcommand};

use super::expectation::Expectation;
use super::misbehave::{DsPolicy, Switch};
use crate::domain::{Fault, LabDuration, Suite};

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
    /// `clock` prints the lab's time; `clock +30d` moves it forward.
    Clock(Option<LabDuration>),
    /// `expect ...`: an assertion; a failed one makes a scenario run fail.
    Expect(Expectation),
    /// `say "..."`: a caption for the room, without a command: the runner prints
    /// it, a handout shows it, a lesson shows it as a step of its own. Changes
    /// nothing in the lab.
    Say(String),
    /// `export-welcome GROUP --to FILE [--for NAME] [--all]`: the Welcome for
    /// GROUP as a joiner's DS mailbox holds it, to a file.
    ExportWelcome {
        group: String,
        joiner: Option<String>,
        all: bool,
        output: ExportArgs,
    },
    /// `export-mailbox NAME --to DIR`: every message waiting for NAME, to files.
    ExportMailbox {
        client: String,
        dir: String,
        output: EncodingArgs,
    },
    /// `import-key-package FILE --as NAME`: an external client whose key package
    /// comes from FILE (made by another MLS stack).
    ImportKeyPackage { file: String, name: String },
    /// `show inspector|hex|why`: a lesson's direction to the screen. Changes
    /// nothing in the lab; headless it does nothing, a handout names it.
    Show(Show),
    /// `follow NAME REF`: a lesson's direction to highlight one key package
    /// everywhere. Changes nothing in the lab, like [`Command::Show`].
    Follow(KeySelector),
}

/// What `show` puts on the screen of a lesson.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Show {
    /// The inspector, of the step's subject or of NAME's key package REF.
    Inspector {
        #[command(flatten)]
        package: OptionalKeySelector,
    },
    /// The hex view of what the inspector shows, with FIELD selected (a path of
    /// `mls-lab inspect`'s tree or its end, e.g. `init_key`, `new_member`).
    Hex {
        #[arg(value_name = "FIELD")]
        field: Option<String>,
    },
    /// The why pane: what the step's subject is, and why (the default).
    Why,
}

/// One client's key package: NAME and REF (a hex prefix, `@N` or `@last`).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct KeySelector {
    #[arg(value_name = "NAME")]
    pub client: String,
    /// Hex prefix, @N or @last.
    #[arg(value_name = "REF")]
    pub key_package: String,
}

/// A [`KeySelector`] that may be left out (both words, or neither).
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct OptionalKeySelector {
    #[arg(value_name = "NAME", requires = "key_package")]
    pub client: Option<String>,
    /// Hex prefix, @N or @last.
    #[arg(value_name = "REF")]
    pub key_package: Option<String>,
}

impl OptionalKeySelector {
    /// Both words, when given.
    pub fn selector(&self) -> Option<KeySelector> {
        match (&self.client, &self.key_package) {
            (Some(client), Some(key_package)) => Some(KeySelector {
                client: client.clone(),
                key_package: key_package.clone(),
            }),
            (Some(_) | None, None) | (None, Some(_)) => None,
        }
    }
}

impl Command {
    /// The acting client, or `lab`/`ds`.
    pub fn actor(&self) -> &str {
        match self {
            Self::Client { client, .. } => client,
            Self::Ds(_) => "ds",
            Self::Clients(_) | Self::Deliver | Self::Clock(_) | Self::Expect(_) | Self::Say(_) => {
                "lab"
            }
            Self::Show(_) | Self::Follow(_) => "lab",
            Self::ExportWelcome { .. }
            | Self::ExportMailbox { .. }
            | Self::ImportKeyPackage { .. } => "lab",
        }
    }

    /// Whether the line runs nothing in the lab: a caption (`say`) or a
    /// direction to a lesson's screen (`show`, `follow`). Such a line stands
    /// between a failure and its `expect error` without breaking the pair.
    pub fn runs_nothing(&self) -> bool {
        match self {
            Self::Say(_) | Self::Show(_) | Self::Follow(_) => true,
            Self::Clients(_)
            | Self::Client { .. }
            | Self::Ds(_)
            | Self::Deliver
            | Self::Clock(_)
            | Self::Expect(_)
            | Self::ExportWelcome { .. }
            | Self::ExportMailbox { .. }
            | Self::ImportKeyPackage { .. } => false,
        }
    }

    /// Whether the line directs a lesson's screen (`show`, `follow`).
    pub fn directs_screen(&self) -> bool {
        matches!(self, Self::Show(_) | Self::Follow(_))
    }

    /// The verb, as written.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Clients(_) => "clients",
            Self::Deliver => "deliver",
            Self::Clock(_) => "clock",
            Self::Expect(_) => "expect",
            Self::Say(_) => "say",
            Self::Show(Show::Inspector { .. }) => "show inspector",
            Self::Show(Show::Hex { .. }) => "show hex",
            Self::Show(Show::Why) => "show why",
            Self::Follow(_) => "follow",
            Self::ExportWelcome { .. } => "export-welcome",
            Self::ExportMailbox { .. } => "export-mailbox",
            Self::ImportKeyPackage { .. } => "import-key-package",
            Self::Ds(DsAction::ReplayWelcome) => "ds replay-welcome",
            Self::Ds(DsAction::ForwardWelcome { .. }) => "ds forward-welcome",
            Self::Ds(DsAction::Fault { .. }) => "ds fault",
            Self::Ds(DsAction::Release) => "ds release",
            Self::Ds(DsAction::Policy { .. }) => "ds policy",
            Self::Client { action, .. } => action.verb(),
        }
    }
}

/// `--suite N`: one of the suites the lab's clients can use.
fn suite_arg() -> impl clap::builder::TypedValueParser<Value = Suite> {
    use clap::builder::TypedValueParser as _;
    clap::value_parser!(u16).range(1..=3).map(Suite::new)
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
        #[arg(value_name = "OWNER")]
        owner: String,
        /// Ciphersuite to ask for (1, 2 or 3).
        #[arg(long, default_value_t = Suite::DEFAULT, value_parser = suite_arg(), value_name = "SUITE")]
        suite: Suite,
        /// Ask for the key package framed as an MLSMessage instead of the bare encoding.
        #[arg(long)]
        mls_message: bool,
    },
    /// Create a group with this client as its only member.
    CreateGroup {
        #[arg(value_name = "GROUP")]
        group: String,
        /// Ciphersuite of the group (1, 2 or 3).
        #[arg(long, default_value_t = Suite::DEFAULT, value_parser = suite_arg(), value_name = "SUITE")]
        suite: Suite,
    },
    /// Add members with claimed key packages (claims one if none is held): Commit + Welcome.
    Add {
        #[arg(required = true, value_name = "MEMBER")]
        members: Vec<String>,
        /// The group to add them to.
        #[arg(long, value_name = "GROUP")]
        to: String,
    },
    /// Fetch the mailbox and show pending Welcomes without consuming anything.
    Peek,
    /// Fetch the mailbox and join through every pending Welcome (StagedWelcome);
    /// with `--welcome FILE`, join through a Welcome made elsewhere.
    Join {
        /// A Welcome from a file (raw, hex or base64; MLSMessage or bare).
        #[arg(long, value_name = "FILE")]
        welcome: Option<String>,
    },
    /// Fetch the mailbox and process pending Commits.
    Sync,
    /// Commit an update of the own leaf in GROUP, or in every group joined through a last-resort package.
    SelfUpdate {
        #[arg(value_name = "GROUP")]
        group: Option<String>,
    },
    /// Publish a new last-resort package (the DS replaces the old one) and self-update
    /// where the old one was used (RFC 9750 §5.1).
    RotateLastResort {
        #[arg(long, default_value_t = Suite::DEFAULT, value_parser = suite_arg(), value_name = "SUITE")]
        suite: Suite,
    },
    /// Delete the private bundle of one of the own key packages on purpose; a
    /// Welcome naming it afterwards fails with NoMatchingKeyPackage.
    DeleteBundle {
        /// Hex prefix, @N or @last.
        #[arg(value_name = "REF")]
        selector: String,
    },
    /// Keep TARGET packages at the DS: whenever processing mail finds fewer than
    /// MARK, generate and publish up to TARGET (Wire uses 100 and 50).
    Pool {
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000), value_name = "N", required_unless_present = "off")]
        target: Option<u32>,
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000), value_name = "M", required_unless_present = "off")]
        refill_below: Option<u32>,
        /// Stop keeping a pool.
        #[arg(long, conflicts_with_all = ["target", "refill_below"])]
        off: bool,
    },
    /// Write a key package of this client with one deliberate change to a file.
    Craft(CraftArgs),
    /// Write one of the own key packages to a file, for another MLS stack.
    ExportKeyPackage {
        /// Hex prefix, @N or @last.
        #[arg(value_name = "REF")]
        selector: String,
        #[command(flatten)]
        output: ExportArgs,
    },
}

/// Where and how `export-key-package` and `export-welcome` write: an
/// `MLSMessage` (RFC 9420 §6) in raw bytes unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ExportArgs {
    /// The file to write (replaced if it exists; never a directory).
    #[arg(long, value_name = "FILE")]
    pub to: String,
    /// The bare structure, without the MLSMessage header.
    #[arg(long)]
    pub bare: bool,
    /// Lowercase hex text, one line.
    #[arg(long, conflicts_with = "base64")]
    pub hex: bool,
    /// Base64 text (standard alphabet, padded), one line.
    #[arg(long)]
    pub base64: bool,
}

impl ClientAction {
    /// The verb, as written.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::Generate(_) => "generate",
            Self::Publish(_) => "publish",
            Self::Claim { .. } => "claim",
            Self::CreateGroup { .. } => "create-group",
            Self::Add { .. } => "add",
            Self::Peek => "peek",
            Self::Join { .. } => "join",
            Self::Sync => "sync",
            Self::SelfUpdate { .. } => "self-update",
            Self::RotateLastResort { .. } => "rotate-last-resort",
            Self::DeleteBundle { .. } => "delete-bundle",
            Self::Pool { .. } => "pool",
            Self::ExportKeyPackage { .. } => "export-key-package",
            Self::Craft(_) => "craft",
        }
    }
}

/// How `export-mailbox` writes each message: raw bytes unless told otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct EncodingArgs {
    /// Lowercase hex text, one line.
    #[arg(long, conflicts_with = "base64")]
    pub hex: bool,
    /// Base64 text (standard alphabet, padded), one line.
    #[arg(long)]
    pub base64: bool,
}

/// The kinds of `craft`, each probing one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CraftKind {
    Plain,
    Lifetime,
    Grease,
    UnlistedExtension,
    UnlistedCredential,
    InitIsEncryptionKey,
    DuplicateExtension,
    Version,
    CompressedKey,
    NoLastResortCapability,
}

/// Where `craft --at` puts a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CraftPlace {
    KeyPackage,
    Leaf,
    Suites,
    ExtensionTypes,
    Proposals,
    Credentials,
}

/// Which key `craft compressed-key --key` compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CraftKey {
    Init,
    Encryption,
    Signature,
}

/// A two-byte value in hex (`0x0a0a`) or decimal.
fn two_bytes(text: &str) -> Result<u16, String> {
    let parsed = match text.strip_prefix("0x") {
        Some(digits) => u16::from_str_radix(digits, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| "write a value from 0 to 65535, in decimal or as 0xNNNN".into())
}

/// `+365d`, `-1h`, `0s`: seconds from the lab's now.
fn offset(text: &str) -> Result<i64, String> {
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let duration: LabDuration = rest.parse()?;
    i64::try_from(duration.as_secs())
        .map(|s| sign * s)
        .map_err(|_| "too far from now".into())
}

/// Options of `craft`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct CraftArgs {
    /// What to change.
    #[arg(value_enum, value_name = "KIND")]
    pub kind: CraftKind,
    /// Where a GREASE value or an extension goes.
    #[arg(long, value_enum, value_name = "PLACE")]
    pub at: Option<CraftPlace>,
    /// The GREASE value, extension type or version (0x0a0a or decimal).
    #[arg(long, value_parser = two_bytes, value_name = "VALUE")]
    pub value: Option<u16>,
    /// Which key compressed-key compresses.
    #[arg(long, value_enum, value_name = "KEY")]
    pub key: Option<CraftKey>,
    /// The lifetime's start, from the lab's now: -1h, +1d, 0s.
    #[arg(long, value_parser = offset, allow_hyphen_values = true, value_name = "OFFSET")]
    pub not_before: Option<i64>,
    /// The lifetime's end, from the lab's now: +365d, -1d, 0s.
    #[arg(long, value_parser = offset, allow_hyphen_values = true, value_name = "OFFSET")]
    pub not_after: Option<i64>,
    /// Ciphersuite (1, 2 or 3); compressed-key needs 2 (P-256).
    #[arg(long, default_value_t = Suite::DEFAULT, value_parser = suite_arg(), value_name = "SUITE")]
    pub suite: Suite,
    /// Keep the old signatures, which no longer verify over the change.
    #[arg(long)]
    pub broken_signature: bool,
    #[command(flatten)]
    pub output: ExportArgs,
}

/// Options of `generate`.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct GenerateArgs {
    /// How many (1 to 10000).
    #[arg(default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000), value_name = "COUNT")]
    pub count: u32,
    /// Mark as last resort (the LastResort capability is listed too).
    #[arg(long)]
    pub last_resort: bool,
    /// Leave LastResort out of the capabilities, as the seed page's code does: receivers reject it.
    #[arg(long, requires = "last_resort")]
    pub no_last_resort_capability: bool,
    /// Ciphersuite (1, 2 or 3).
    #[arg(long, default_value_t = Suite::DEFAULT, value_parser = suite_arg(), value_name = "SUITE")]
    pub suite: Suite,
    /// Lifetime with a unit (`90d`, `12h`, `3600s`), starting an hour ago.
    #[arg(long, conflicts_with_all = ["expired", "not_yet_valid"], value_name = "DURATION")]
    pub lifetime: Option<LabDuration>,
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
    #[arg(value_name = "REF")]
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
    #[arg(long, conflicts_with_all = ["refs", "stolen_from"], value_name = "HEX")]
    pub raw: Option<String>,
    /// Upload another client's newest key package as if it were one's own.
    #[arg(long, conflicts_with = "refs", value_name = "NAME")]
    pub stolen_from: Option<String>,
}

/// Deliberate Delivery Service misbehaviour, for exploratory testing.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum DsAction {
    /// Deliver the last Welcome again to the clients it went to.
    ReplayWelcome,
    /// Deliver the last Welcome to a client it was not for.
    ForwardWelcome {
        #[arg(value_name = "NAME")]
        to: String,
    },
    /// Turn one of the DS's faults on or off.
    Fault {
        #[arg(value_name = "FAULT")]
        fault: Fault,
        #[arg(value_name = "SWITCH")]
        switch: Switch,
    },
    /// Deliver what a fault (hold-welcome, reorder-commits) holds back.
    Release,
    /// Set or lift a policy of the DS.
    Policy {
        #[command(subcommand)]
        policy: DsPolicy,
    },
}
