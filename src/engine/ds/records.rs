//! What the DS hands back: mailbox deliveries, directory entries, the answers to
//! uploads, claims, routing and faults, and the snapshot and counters a display
//! reads.

use std::collections::{BTreeMap, BTreeSet};

use super::ClaimLimit;
use crate::domain::{ClientId, Fault, KeyPackageRef, Suite};

/// A message waiting in a client's DS mailbox. It stays there until the client
/// has processed it ([`DsHandle::ack`]); reading the mailbox removes nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Unique across the DS: each copy of a message has its own.
    pub id: u64,
    pub from: ClientId,
    /// The MLS `GroupId` (RFC 9420 §8.1): read from the Commit itself; for a
    /// Welcome, from the Commit it travelled with.
    pub group_id: Vec<u8>,
    pub kind: DeliveryKind,
    /// The encoded `MLSMessage`.
    pub bytes: Vec<u8>,
    /// Delivered by a misbehaving DS (replayed or misrouted).
    pub misbehaving: bool,
}

/// What a [`Delivery`] carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Welcome,
    Commit,
}

/// One key package in a client's directory at the DS.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectoryEntry {
    pub kp_ref: KeyPackageRef,
    /// The canonical `KeyPackage` encoding, as handed out on a claim.
    pub bytes: Vec<u8>,
    pub ciphersuite: Suite,
    pub last_resort: bool,
    /// How often this package has been handed out (only a last-resort one goes above 1).
    pub handouts: u64,
    /// Its lifetime (RFC 9420 §7.2), Unix seconds.
    pub not_before: u64,
    pub not_after: u64,
}

impl DirectoryEntry {
    /// Valid at `now` (Unix seconds), as `Lifetime::validate_with_time` decides.
    pub fn valid_at(&self, now: u64) -> bool {
        self.not_before <= now && now < self.not_after
    }

    /// Counted as available at `now`: a normal package (a last-resort one is
    /// counted apart, RFC 9420 §16.8) that is valid then.
    pub fn available_at(&self, now: u64) -> bool {
        !self.last_resort && self.valid_at(now)
    }
}

/// A package the DS removed because it expired (normal or last-resort).
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiredEntry {
    pub owner: String,
    pub kp_ref: KeyPackageRef,
    pub last_resort: bool,
}

/// A successful upload.
#[derive(Debug, Clone, PartialEq)]
pub struct Published {
    pub kp_ref: KeyPackageRef,
    pub last_resort: bool,
    /// The last-resort package this upload replaced.
    pub replaced: Option<KeyPackageRef>,
}

/// A successful claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub entry: DirectoryEntry,
    /// A last-resort package that had been handed out before.
    pub last_resort_reuse: bool,
    /// The faults that acted on this hand-out (`ds fault`), in the order they did.
    pub faults: Vec<Fault>,
}

/// Where a Welcome went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WelcomeRouting {
    pub new_members: Vec<KeyPackageRef>,
    pub recipients: Vec<ClientId>,
    pub unroutable: Vec<KeyPackageRef>,
}

/// Where a Commit (and the Welcome that travelled with it) went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Routed {
    /// The other members of the group the Commit names.
    pub commit_recipients: Vec<ClientId>,
    pub welcome: Option<WelcomeRouting>,
}

/// Per-client counters and directory, as the DS sees them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClientDirectory {
    /// Normal packages still available, oldest first.
    pub normal: Vec<DirectoryEntry>,
    /// At most one last-resort package per ciphersuite, by suite.
    pub last_resort: Vec<DirectoryEntry>,
    /// Key packages of this client handed out.
    pub claims: u64,
    /// Hand-outs of a last-resort package beyond its first.
    pub last_resort_reuses: u64,
    /// Messages waiting for this client.
    pub inbox: usize,
}

/// One owner's counters at the DS, for `expect ds OWNER ...`: read in place,
/// without copying the directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DirectoryCounts {
    /// Normal packages valid at the lab's now.
    pub available: u64,
    pub claims: u64,
    pub last_resort_reuses: u64,
    /// Whether any last-resort package is listed.
    pub last_resort: bool,
}

/// The whole DS state, for display.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DsSnapshot {
    pub clients: BTreeMap<String, ClientDirectory>,
    /// The DS's view of each group's members, by the label its creator gave it
    /// (display only: the DS routes by `GroupId`).
    pub groups: BTreeMap<String, BTreeSet<String>>,
    /// The faults that are on (`ds fault NAME on`), in [`Fault::ALL`] order.
    pub faults: Vec<Fault>,
    /// How often each fault has acted.
    pub fault_hits: BTreeMap<Fault, u64>,
    /// Deliveries a fault holds back (`hold-welcome`, `reorder-commits`).
    pub held: usize,
    /// `ds policy claim-limit`, if set.
    pub claim_limit: Option<ClaimLimit>,
    /// `ds policy max-lifetime|key-encoding|grease`: what uploads are judged against.
    pub key_package_policy: crate::inspect::checks::Policy,
    /// A shared DS (`--ds URL`): `clients` is the server's whole directory,
    /// other labs' clients included.
    pub shared: bool,
}

impl ClientDirectory {
    /// The last-resort package of this suite, if one is listed.
    pub fn last_resort_for(&self, suite: Suite) -> Option<&DirectoryEntry> {
        self.last_resort.iter().find(|e| e.ciphersuite == suite)
    }
}

/// What a fault made the DS do, once.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultAct {
    pub fault: Fault,
    /// What the DS did wrong, in one line.
    pub did: String,
    /// The clients it concerns.
    pub clients: Vec<String>,
}

/// The result of `ds fault NAME on|off`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultChange {
    /// The faults on afterwards.
    pub active: Vec<Fault>,
    /// Turned off, the fault's held deliveries went out: to these clients.
    pub released: Vec<String>,
    /// Turned off, `double-handout` withdrew the packages it had kept listed.
    pub withdrawn: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(last_resort: bool) -> DirectoryEntry {
        DirectoryEntry {
            kp_ref: KeyPackageRef::from_bytes(vec![1]),
            bytes: Vec::new(),
            ciphersuite: Suite::DEFAULT,
            last_resort,
            handouts: 0,
            not_before: 10,
            not_after: 20,
        }
    }

    /// Valid from `not_before` up to, not including, `not_after`; available
    /// only if it is also a normal package.
    #[test]
    fn a_normal_valid_package_is_available_and_a_last_resort_one_is_not() {
        let normal = entry(false);
        assert!(!normal.valid_at(9) && normal.valid_at(10) && normal.valid_at(19));
        assert!(!normal.valid_at(20));
        assert!(normal.available_at(15) && !normal.available_at(20));
        assert!(entry(true).valid_at(15) && !entry(true).available_at(15));
    }
}
