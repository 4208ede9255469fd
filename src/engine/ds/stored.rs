//! The DS's state as a store keeps it, and how it changes: the records of the DS's state
//! (clients, tokens, directory, mailboxes, groups, counters, policies, faults,
//! the claim log) and the [`Change`]s a request makes to them. Values are
//! absolute (a counter's new value, not "+1"), so applying a change twice leaves
//! the same state and the DS's core alone decides what they are. The core
//! records them as it changes ([`super::DsCore::take_changes`]); a store
//! (the server's SQLite) applies them.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::domain::ClientId;

/// SHA-256 of a client's auth token: the store never holds the token itself, so
/// a copy of the database file proves no identity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TokenDigest(pub [u8; 32]);

impl TokenDigest {
    /// The digest a client without a token has (a lab's own): no token of the
    /// 32 random bytes the DS issues hashes to it.
    pub const NONE: TokenDigest = TokenDigest([0; 32]);

    pub fn of(token: &[u8]) -> Self {
        Self(Sha256::digest(token).into())
    }

    /// Whether `token` is the one this digest was made from, in constant time.
    pub fn matches(&self, token: &[u8]) -> bool {
        Self::of(token).0.ct_eq(&self.0).into()
    }
}

impl std::fmt::Debug for TokenDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenDigest({}…)", hex::encode(&self.0[..4]))
    }
}

/// A registered client with its counters.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredClient {
    pub client: ClientId,
    pub token_digest: TokenDigest,
    /// The signature keys it registered (the owner check, RFC 9750 §5.1).
    pub signature_keys: Vec<Vec<u8>>,
    /// Its key packages handed out.
    pub claims: u64,
    /// Hand-outs of a last-resort package beyond its first.
    pub last_resort_reuses: u64,
}

/// One key package in the directory.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredKeyPackage {
    /// The `KeyPackageRef` (RFC 9420 §5.2) the DS computed.
    pub kp_ref: Vec<u8>,
    pub owner: ClientId,
    pub ciphersuite: u16,
    pub last_resort: bool,
    /// Lifetime, Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
    pub handouts: u64,
    /// The canonical `KeyPackage` encoding, as handed out.
    pub bytes: Vec<u8>,
}

/// What a mailbox entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Welcome,
    /// A Commit or any other handshake message.
    Handshake,
    Application,
}

impl DeliveryKind {
    pub fn code(self) -> i64 {
        match self {
            DeliveryKind::Welcome => 1,
            DeliveryKind::Handshake => 2,
            DeliveryKind::Application => 3,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(DeliveryKind::Welcome),
            2 => Some(DeliveryKind::Handshake),
            3 => Some(DeliveryKind::Application),
            _ => None,
        }
    }
}

/// One message waiting in a mailbox.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDelivery {
    /// Unique across the DS, given by the DS's core; mail is taken in id order.
    pub id: u64,
    pub recipient: ClientId,
    /// Who sent it, when the DS knows (the contract's sends are anonymous).
    pub sender: Option<ClientId>,
    pub kind: DeliveryKind,
    pub group_id: Vec<u8>,
    /// The `MLSMessage` as its sender encoded it.
    pub bytes: Vec<u8>,
    /// Delivered by a misbehaving DS (a fault).
    pub misbehaving: bool,
    /// The fault holding it back (`hold-welcome`, `reorder-commits`); held mail
    /// is not handed out until released.
    pub held_by: Option<String>,
}

/// A group as the DS knows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredGroup {
    pub label: String,
    /// The newest handshake epoch seen (the sample DS's stale-epoch rule).
    pub epoch: Option<u64>,
    pub members: BTreeSet<ClientId>,
}

/// One claim the claim limit counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredClaim {
    pub claimer: String,
    pub owner: ClientId,
    /// Lab time, Unix seconds.
    pub at: u64,
}

/// A fault's switch and how often it acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoredFault {
    pub active: bool,
    pub hits: u64,
}

/// Everything the store holds, as read at start-up.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredState {
    /// In registration order.
    pub clients: Vec<StoredClient>,
    /// Every reference ever accepted and its owner: routes Welcomes even after
    /// the package left the directory.
    pub references: BTreeMap<Vec<u8>, ClientId>,
    /// In upload order.
    pub directory: Vec<StoredKeyPackage>,
    /// In id order.
    pub mail: Vec<StoredDelivery>,
    pub groups: BTreeMap<Vec<u8>, StoredGroup>,
    pub policies: BTreeMap<String, String>,
    pub faults: BTreeMap<String, StoredFault>,
    /// Oldest first.
    pub claims: Vec<StoredClaim>,
}

/// One change to the DS's state. A request's changes are applied all or none.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    AddClient {
        client: ClientId,
        token_digest: TokenDigest,
    },
    AddSignatureKey {
        client: ClientId,
        key: Vec<u8>,
    },
    SetCounters {
        client: ClientId,
        claims: u64,
        last_resort_reuses: u64,
    },
    /// Into the directory, its reference recorded for good.
    AddKeyPackage(StoredKeyPackage),
    SetHandouts {
        kp_ref: Vec<u8>,
        handouts: u64,
    },
    /// Out of the directory (handed out, expired, replaced); the reference stays.
    RemoveKeyPackage {
        kp_ref: Vec<u8>,
    },
    Deliver(StoredDelivery),
    /// Taken by its recipient.
    RemoveDelivery {
        id: u64,
    },
    /// A held delivery goes out.
    ReleaseDelivery {
        id: u64,
    },
    AddGroup {
        group_id: Vec<u8>,
        label: String,
    },
    AddGroupMember {
        group_id: Vec<u8>,
        member: ClientId,
    },
    SetGroupEpoch {
        group_id: Vec<u8>,
        epoch: u64,
    },
    /// `None` lifts the policy.
    SetPolicy {
        name: String,
        value: Option<String>,
    },
    SetFault {
        name: String,
        fault: StoredFault,
    },
    RecordClaim(StoredClaim),
    /// Claims older than `at` leave the claim limit's window.
    ForgetClaimsBefore {
        at: u64,
    },
    /// Everything goes (between workshop sessions).
    Reset,
}
