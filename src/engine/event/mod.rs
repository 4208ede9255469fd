//! The event log: the one record of what happened, from which the headless
//! transcript (text or JSON Lines) and the TUI's timeline are drawn.

mod log;
mod meaning;
mod text;

pub use log::{CommandStart, EventLog};
pub use meaning::{Endpoint, Route};

use serde::Serialize;

use super::error::ErrorCode;
use crate::domain::{KeyPackageRef, Suite};

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// 1-based, gap-free as events are logged (the engine's log may later
    /// forget an event that recorded nothing lasting: [`EventKind::is_kept`]).
    pub seq: u64,
    /// Who acted: a client's name, or `ds` for the Delivery Service.
    pub actor: String,
    #[serde(flatten)]
    pub kind: EventKind,
    /// Wall-clock time the operation took, in microseconds.
    pub duration_us: u64,
    pub outcome: Outcome,
}

/// Whether the operation behind an event succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Error,
}

/// What happened. References serialize as lowercase hex, full length.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A client was created and registered its name and signature key at the DS.
    ClientRegistered {
        signature_key: String,
        signature_scheme: String,
    },
    /// `KeyPackage::builder().build(..)` wrote a bundle into the client's storage.
    KeyPackageGenerated {
        kp_ref: KeyPackageRef,
        last_resort: bool,
        /// Whether the leaf capabilities list the LastResort extension.
        last_resort_capability: bool,
        ciphersuite: Suite,
        not_before: u64,
        not_after: u64,
        /// Seconds from the lab's now to not_after (negative: already expired).
        expires_in: i64,
        bytes: usize,
    },
    /// The DS validated and stored a key package (RFC 9420 §10.1, RFC 9750 §5.1).
    KeyPackagePublished {
        kp_ref: KeyPackageRef,
        last_resort: bool,
        format: super::wire::KeyPackageFormat,
        bytes: usize,
        /// The last-resort package this one replaced in the directory.
        #[serde(skip_serializing_if = "Option::is_none")]
        replaced: Option<KeyPackageRef>,
    },
    /// `publish --all` left one of the client's unpublished packages out.
    KeyPackageSkipped {
        kp_ref: KeyPackageRef,
        reason: String,
    },
    /// The DS removed an expired package (normal or last-resort) from its directory.
    KeyPackageExpired {
        kp_ref: KeyPackageRef,
        owner: String,
        last_resort: bool,
    },
    /// `clock` (shown) or `clock +30d` (moved): the lab's time in Unix seconds and
    /// how far it is ahead of the system clock.
    Clock {
        now: u64,
        offset: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        moved: Option<u64>,
    },
    /// The DS refused an upload.
    KeyPackageRejected {
        #[serde(skip_serializing_if = "Option::is_none")]
        kp_ref: Option<KeyPackageRef>,
        #[serde(skip_serializing_if = "Option::is_none")]
        last_resort: Option<bool>,
        bytes: usize,
        error: ErrorCode,
        message: String,
    },
    /// The DS handed out one of `owner`'s key packages to the actor (RFC 9420 §16.8).
    KeyPackageClaimed {
        kp_ref: KeyPackageRef,
        owner: String,
        last_resort: bool,
        /// This last-resort package had been handed out before.
        last_resort_reuse: bool,
        /// How often this package has now been handed out.
        handouts: u64,
        bytes: usize,
    },
    /// A claim found nothing to hand out.
    ClaimFailed {
        owner: String,
        error: ErrorCode,
        message: String,
    },
    GroupCreated {
        group: String,
        epoch: u64,
        ciphersuite: Suite,
    },
    /// A Commit left the actor for the DS, which fans it out to `recipients`.
    CommitSent {
        group: String,
        epoch: u64,
        added: Vec<String>,
        recipients: Vec<String>,
        bytes: usize,
    },
    /// A Welcome left the actor; the DS routes it to every client whose key package
    /// reference appears in `secrets[].new_member` (RFC 9420 §12.4.3.1).
    WelcomeSent {
        group: String,
        epoch: u64,
        new_member_refs: Vec<KeyPackageRef>,
        recipients: Vec<String>,
        /// References the DS could not map to any client.
        unroutable: Vec<KeyPackageRef>,
        bytes: usize,
    },
    /// The DS handed a Welcome to the actor, who peeked at it without consuming anything.
    WelcomeDelivered {
        /// The group the sender named when it handed the Welcome to the DS.
        group: String,
        new_member_refs: Vec<KeyPackageRef>,
        /// The reference of the actor's own, if any of them is.
        #[serde(skip_serializing_if = "Option::is_none")]
        kp_ref: Option<KeyPackageRef>,
        bytes: usize,
        /// A misbehaving DS delivered it (replay or misroute).
        misbehaving_ds: bool,
    },
    GroupJoined {
        group: String,
        epoch: u64,
        kp_ref: KeyPackageRef,
        last_resort: bool,
        members: Vec<String>,
    },
    JoinFailed {
        /// The group the sender named when it handed the Welcome to the DS.
        group: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        kp_ref: Option<KeyPackageRef>,
        error: ErrorCode,
        message: String,
    },
    /// After a join, the normal package's private bundle is gone from storage.
    PrivateBundleDeleted {
        kp_ref: KeyPackageRef,
    },
    /// After a join through a last-resort package, its bundle is still in storage.
    PrivateBundleRetained {
        kp_ref: KeyPackageRef,
    },
    /// The owner deleted a private bundle on purpose (`delete-bundle`).
    PrivateBundleDiscarded {
        kp_ref: KeyPackageRef,
    },
    /// An existing member processed and merged a Commit.
    CommitProcessed {
        group: String,
        epoch: u64,
    },
    CommitFailed {
        group: String,
        error: ErrorCode,
        message: String,
    },
    /// The DS refused to route a Commit of this client before it was made: the
    /// DS fans out only its members' Commits (RFC 9750 §5.1), and nothing changed.
    CommitRefused {
        group: String,
        error: ErrorCode,
        message: String,
    },
    /// A self-update Commit (RFC 9420 §12.4, RFC 9750 §5.1 after a last-resort join).
    SelfUpdated {
        group: String,
        epoch: u64,
        bytes: usize,
    },
    /// A misbehaving DS action the user asked for.
    DsMisbehaved {
        action: String,
        recipients: Vec<String>,
    },
    /// A command failed before or outside the protocol steps above.
    CommandFailed {
        command: String,
        error: ErrorCode,
        message: String,
    },
    ExpectPassed {
        expectation: String,
    },
    ExpectFailed {
        expectation: String,
        error: ErrorCode,
        message: String,
    },
    /// `ds fault NAME on|off`: the DS now misbehaves on purpose (or stopped).
    DsFaultSet {
        fault: String,
        on: bool,
        /// What the fault makes the DS do.
        does: String,
        /// Every fault on afterwards.
        active: Vec<String>,
        /// Turned off: clients that got what the fault had held.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        released: Vec<String>,
        /// Turned off, `double-handout` withdrew this many packages it had kept
        /// listed after handing them out.
        #[serde(skip_serializing_if = "is_zero")]
        withdrawn: usize,
    },
    /// A fault made the DS do something wrong; `caught_by` says which check at
    /// the clients catches it, or that none does.
    DsFaultActed {
        fault: String,
        did: String,
        caught_by: String,
        clients: Vec<String>,
    },
    /// `ds release`: the DS delivered what a fault held back.
    DsReleased {
        recipients: Vec<String>,
    },
    /// The claimer's own validation (RFC 9420 §10.1) refused what the DS handed out.
    KeyPackageRefused {
        kp_ref: KeyPackageRef,
        owner: String,
        error: ErrorCode,
        message: String,
    },
    /// `ds policy claim-limit`: the DS's rate limit on claims (RFC 9750 §5.1);
    /// `ds policy max-lifetime|key-encoding|grease`: what uploads are judged by.
    DsPolicySet {
        policy: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<u32>,
        /// The window, e.g. `1h`.
        #[serde(skip_serializing_if = "Option::is_none")]
        per: Option<String>,
        /// A key package policy's new value: `91d`, `off`, `strict`, `refuse`.
        #[serde(skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// `NAME pool --target N --refill-below M` (or `--off`): the client keeps
    /// `target` packages at the DS.
    PoolSet {
        #[serde(skip_serializing_if = "Option::is_none")]
        target: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        refill_below: Option<u32>,
    },
    /// Processing mail, the client found fewer than `refill_below` packages at
    /// the DS and published `generated` new ones.
    PoolRefilled {
        available: u64,
        refill_below: u32,
        target: u32,
        generated: u32,
    },
    // Export and import: bytes that leave or enter the lab through files.
    /// The owner wrote one of its key packages to a file (`export-key-package`).
    KeyPackageExported {
        kp_ref: KeyPackageRef,
        path: String,
        framing: crate::inspect::Framing,
        encoding: crate::inspect::encoding::Encoding,
        /// Bytes written to the file.
        bytes: usize,
    },
    /// `export-mailbox NAME --to DIR`: every message waiting in NAME's DS
    /// mailbox, written to a file each; the mailbox keeps them.
    MailboxExported {
        client: String,
        dir: String,
        /// The files written, in mailbox order.
        files: Vec<String>,
        bytes: usize,
    },
    /// `NAME craft KIND --to FILE`: a key package of NAME with one deliberate
    /// change was written to a file; nothing in the lab changed.
    KeyPackageCrafted {
        /// The change made (`grease`, `lifetime`, …).
        change: String,
        /// Its reference, if its suite has a hash OpenMLS knows.
        #[serde(skip_serializing_if = "Option::is_none")]
        kp_ref: Option<KeyPackageRef>,
        /// Signed again after the change (else its signatures do not verify).
        signed: bool,
        path: String,
        framing: crate::inspect::Framing,
        encoding: crate::inspect::encoding::Encoding,
        bytes: usize,
    },
    /// The last Welcome sent for a group was written to a file (`export-welcome`).
    WelcomeExported {
        group: String,
        path: String,
        framing: crate::inspect::Framing,
        encoding: crate::inspect::encoding::Encoding,
        new_member_refs: Vec<KeyPackageRef>,
        bytes: usize,
    },
    /// An external client was made from a key package read from a file
    /// (`import-key-package`); the DS registered its signature key on first use.
    KeyPackageImported {
        kp_ref: KeyPackageRef,
        /// The identity in the package's credential (may differ from the lab's name).
        identity: String,
        signature_key: String,
        ciphersuite: Suite,
        path: String,
        framing: crate::inspect::Framing,
        encoding: crate::inspect::encoding::Encoding,
        /// Bytes of the key package, decoded.
        bytes: usize,
    },
    /// A client read a Welcome made elsewhere from a file (`join --welcome FILE`)
    /// and peeked at it, consuming nothing yet.
    WelcomeImported {
        path: String,
        framing: crate::inspect::Framing,
        encoding: crate::inspect::encoding::Encoding,
        new_member_refs: Vec<KeyPackageRef>,
        /// The reference of the client's own, if any of them is.
        #[serde(skip_serializing_if = "Option::is_none")]
        kp_ref: Option<KeyPackageRef>,
        bytes: usize,
    },
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl EventKind {
    /// The snake_case name, as in the JSON `kind` field.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ClientRegistered { .. } => "client_registered",
            Self::KeyPackageGenerated { .. } => "key_package_generated",
            Self::KeyPackagePublished { .. } => "key_package_published",
            Self::KeyPackageSkipped { .. } => "key_package_skipped",
            Self::KeyPackageRejected { .. } => "key_package_rejected",
            Self::KeyPackageExpired { .. } => "key_package_expired",
            Self::Clock { .. } => "clock",
            Self::KeyPackageClaimed { .. } => "key_package_claimed",
            Self::ClaimFailed { .. } => "claim_failed",
            Self::GroupCreated { .. } => "group_created",
            Self::CommitSent { .. } => "commit_sent",
            Self::WelcomeSent { .. } => "welcome_sent",
            Self::WelcomeDelivered { .. } => "welcome_delivered",
            Self::GroupJoined { .. } => "group_joined",
            Self::JoinFailed { .. } => "join_failed",
            Self::PrivateBundleDeleted { .. } => "private_bundle_deleted",
            Self::PrivateBundleRetained { .. } => "private_bundle_retained",
            Self::PrivateBundleDiscarded { .. } => "private_bundle_discarded",
            Self::CommitProcessed { .. } => "commit_processed",
            Self::CommitFailed { .. } => "commit_failed",
            Self::CommitRefused { .. } => "commit_refused",
            Self::SelfUpdated { .. } => "self_updated",
            Self::DsMisbehaved { .. } => "ds_misbehaved",
            Self::CommandFailed { .. } => "command_failed",
            Self::ExpectPassed { .. } => "expect_passed",
            Self::ExpectFailed { .. } => "expect_failed",
            Self::DsFaultSet { .. } => "ds_fault_set",
            Self::DsFaultActed { .. } => "ds_fault_acted",
            Self::DsReleased { .. } => "ds_released",
            Self::KeyPackageRefused { .. } => "key_package_refused",
            Self::DsPolicySet { .. } => "ds_policy_set",
            Self::PoolSet { .. } => "pool_set",
            Self::PoolRefilled { .. } => "pool_refilled",
            Self::KeyPackageExported { .. } => "key_package_exported",
            Self::KeyPackageCrafted { .. } => "key_package_crafted",
            Self::MailboxExported { .. } => "mailbox_exported",
            Self::WelcomeExported { .. } => "welcome_exported",
            Self::KeyPackageImported { .. } => "key_package_imported",
            Self::WelcomeImported { .. } => "welcome_imported",
        }
    }

    /// Whether the engine's log keeps this event once it has been passed on
    /// ([`crate::engine::Engine::forget_passing`]). A passed expectation and a
    /// look at the clock record nothing that lasts: a stream of such lines must
    /// keep nothing. Every change, and every failure (what `explain` and the
    /// why pane read back), is kept.
    pub fn is_kept(&self) -> bool {
        match self {
            Self::ExpectPassed { .. } | Self::Clock { moved: None, .. } => false,
            Self::Clock { moved: Some(_), .. }
            | Self::ClientRegistered { .. }
            | Self::KeyPackageGenerated { .. }
            | Self::KeyPackagePublished { .. }
            | Self::KeyPackageSkipped { .. }
            | Self::KeyPackageRejected { .. }
            | Self::KeyPackageExpired { .. }
            | Self::KeyPackageClaimed { .. }
            | Self::ClaimFailed { .. }
            | Self::GroupCreated { .. }
            | Self::CommitSent { .. }
            | Self::WelcomeSent { .. }
            | Self::WelcomeDelivered { .. }
            | Self::GroupJoined { .. }
            | Self::JoinFailed { .. }
            | Self::PrivateBundleDeleted { .. }
            | Self::PrivateBundleRetained { .. }
            | Self::PrivateBundleDiscarded { .. }
            | Self::CommitProcessed { .. }
            | Self::CommitFailed { .. }
            | Self::CommitRefused { .. }
            | Self::SelfUpdated { .. }
            | Self::DsMisbehaved { .. }
            | Self::CommandFailed { .. }
            | Self::ExpectFailed { .. }
            | Self::DsFaultSet { .. }
            | Self::DsFaultActed { .. }
            | Self::DsReleased { .. }
            | Self::KeyPackageRefused { .. }
            | Self::DsPolicySet { .. }
            | Self::PoolSet { .. }
            | Self::PoolRefilled { .. }
            | Self::KeyPackageExported { .. }
            | Self::WelcomeExported { .. }
            | Self::KeyPackageImported { .. }
            | Self::WelcomeImported { .. }
            | Self::MailboxExported { .. }
            | Self::KeyPackageCrafted { .. } => true,
        }
    }

    /// Every kind name, for documentation and tests.
    pub const ALL: &'static [&'static str] = &[
        "client_registered",
        "key_package_generated",
        "key_package_published",
        "key_package_skipped",
        "key_package_rejected",
        "key_package_expired",
        "clock",
        "key_package_claimed",
        "claim_failed",
        "group_created",
        "commit_sent",
        "welcome_sent",
        "welcome_delivered",
        "group_joined",
        "join_failed",
        "private_bundle_deleted",
        "private_bundle_retained",
        "private_bundle_discarded",
        "commit_processed",
        "commit_failed",
        "commit_refused",
        "self_updated",
        "ds_misbehaved",
        "command_failed",
        "expect_passed",
        "expect_failed",
        "ds_fault_set",
        "ds_fault_acted",
        "ds_released",
        "key_package_refused",
        "ds_policy_set",
        "pool_set",
        "pool_refilled",
        "key_package_exported",
        "key_package_crafted",
        "mailbox_exported",
        "welcome_exported",
        "key_package_imported",
        "welcome_imported",
    ];
}
