//! Rule 5, "a failed command changes nothing": the lab's state as a command
//! must leave it when it fails (epochs, members, key packages and their
//! bundles, wallets, the DS's directory, rosters and mailboxes), and which
//! failures the protocol itself lets change something.

use mls_lab::domain::KeyPackageRef;
use mls_lab::engine::{DsSnapshot, Engine, LabView};

/// What a failed command must leave as it was.
#[derive(Debug, PartialEq)]
pub struct State {
    clients: Vec<ClientState>,
    /// Per group, its members.
    groups: Vec<(String, Vec<MemberState>)>,
    ds: DsSnapshot,
}

/// A client's packages (reference, bundle in storage), how many the DS
/// accepted, the claimed packages it holds, and Welcomes it waits for.
#[derive(Debug, PartialEq)]
struct ClientState {
    name: String,
    packages: Vec<(KeyPackageRef, bool)>,
    published: usize,
    claimed: Vec<(String, KeyPackageRef)>,
    pending: usize,
}

/// A member's epoch, epoch authenticator, whether it owes an update, and its
/// tree.
#[derive(Debug, PartialEq)]
struct MemberState {
    client: String,
    epoch: u64,
    epoch_authenticator: String,
    needs_update: bool,
    tree: Vec<String>,
}

impl State {
    pub async fn of(engine: &Engine) -> State {
        State::from_view(engine.view().await.expect("the DS answers"))
    }

    pub fn from_view(view: LabView) -> State {
        let clients = view
            .clients
            .iter()
            .map(|c| {
                let packages = c
                    .key_packages
                    .iter()
                    .map(|r| (r.kp_ref.clone(), r.bundle_present))
                    .collect();
                ClientState {
                    name: c.name.clone(),
                    packages,
                    published: c.published,
                    claimed: c.claimed.clone(),
                    pending: c.pending,
                }
            })
            .collect();
        let groups = view
            .groups
            .iter()
            .map(|g| {
                let members = g
                    .members
                    .iter()
                    .map(|m| MemberState {
                        client: m.client.clone(),
                        epoch: m.epoch,
                        epoch_authenticator: m.epoch_authenticator.clone(),
                        needs_update: m.needs_update,
                        tree: m.tree.clone(),
                    })
                    .collect();
                (g.name.clone(), members)
            })
            .collect();
        State {
            clients,
            groups,
            ds: view.ds,
        }
    }

    /// The owners whose packages the DS handed out since `before`.
    pub fn handed_out_since(&self, before: &State) -> Vec<String> {
        self.ds
            .clients
            .iter()
            .filter(|(owner, now)| {
                before
                    .ds
                    .clients
                    .get(*owner)
                    .is_some_and(|then| now.claims > then.claims)
            })
            .map(|(owner, _)| owner.clone())
            .collect()
    }

    /// `self` without what a claim the claimer refused changed at the DS: the
    /// DS handed out a package of each of `owners` (deleting a normal one,
    /// counting it), which it cannot take back (RFC 9420 §16.8), and a fault
    /// may have acted on the hand-out (`tamper-handout`).
    pub fn without_handouts_of(mut self, owners: &[String]) -> State {
        for owner in owners {
            if let Some(directory) = self.ds.clients.get_mut(owner) {
                let inbox = directory.inbox;
                *directory = Default::default();
                directory.inbox = inbox;
            }
        }
        if !owners.is_empty() {
            self.ds.fault_hits.clear();
        }
        self
    }

    /// `self` without what a failed join may change by the protocol: OpenMLS
    /// deletes the joiner's normal bundle as soon as a Welcome names it, even if
    /// the join then fails (RFC 9420 §16.8).
    pub fn without_bundles_of(mut self, joiner: &str) -> State {
        for client in &mut self.clients {
            if client.name == joiner {
                for (_, present) in client.packages.iter_mut() {
                    *present = false;
                }
            }
        }
        self
    }
}

/// How a failed `line` may have changed the lab: `None` if it must have
/// changed nothing, else the client whose bundles a failed join may consume.
/// Reading the mailbox (`join`, `sync`, `deliver`) processes one message at a
/// time, each processed message leaving it whatever the next one does, so
/// those lines are not atomic by design and are left out.
pub enum Allowed {
    Nothing,
    BundlesOf(String),
    Anything,
}

pub fn allowed(line: &str) -> Allowed {
    match line.split(' ').collect::<Vec<_>>()[..] {
        ["deliver"] | [_, "sync"] | [_, "join"] => Allowed::Anything,
        [who, "join", "--welcome", _] => Allowed::BundlesOf(who.to_string()),
        _ => Allowed::Nothing,
    }
}
