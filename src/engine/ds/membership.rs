//! Who may send Commits to a group: the DS routes a Commit only from a member of
//! the group its `GroupId` names (RFC 9750 §5.1), and a group joined from
//! outside the DS's own routing (a Welcome from a file or another stack) is
//! registered at the join, so that its Commits route too. A `GroupId` belongs
//! to one group: a join that names a group the DS routes already, for members
//! the joiner is not among, is refused (a forged Welcome reusing a group's real
//! `GroupId` would put a stranger in it).

use std::collections::BTreeSet;

use super::actor::Request;
use super::state::{DsCore, Roster};
use super::{id, stored, DsHandle};
use crate::domain::ClientId;
use crate::engine::error::EngineError;

/// A client joined a group through a Welcome the DS did not route itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    pub group_id: Vec<u8>,
    /// The lab's name for the group (display only).
    pub label: String,
    pub joiner: ClientId,
    /// The signature keys of every leaf of the group's ratchet tree: the clients
    /// who registered one of them are its members at the DS too.
    pub tree_keys: Vec<Vec<u8>>,
}

impl DsHandle {
    /// Whether the DS would route a Commit of `from` to the group `group_id`,
    /// asked before anything is claimed or committed: `UnknownGroupId` or
    /// `NotGroupMember` if not. A shared DS answers when the Commit is sent.
    pub async fn may_commit(&self, from: &str, group_id: &[u8]) -> Result<(), EngineError> {
        if self.is_remote() {
            return Ok(());
        }
        let (from, group_id) = (id(from)?, group_id.to_vec());
        self.call(|reply| Request::MayCommit {
            from,
            group_id,
            reply,
        })
        .await?
    }

    /// A client joined a group from outside the DS's routing: a `GroupId` the DS
    /// does not know becomes a group whose members are the joiner and the
    /// clients whose signature keys are in its tree; a known one must list the
    /// joiner already (`GroupIdInUse` if not). A shared DS learns groups from
    /// the messages sent to them.
    pub async fn register_join(&self, join: Join) -> Result<(), EngineError> {
        if self.is_remote() {
            return Ok(());
        }
        self.call(|reply| Request::RegisterJoin { join, reply })
            .await?
    }
}

impl DsCore {
    /// The roster a Commit of `from` to `group_id` goes to, if `from` is in it.
    pub(super) fn check_commit(
        &self,
        from: &ClientId,
        group_id: &[u8],
    ) -> Result<&Roster, EngineError> {
        let roster = self
            .groups
            .get(group_id)
            .ok_or_else(|| EngineError::UnknownGroupId(hex::encode(group_id)))?;
        if !roster.members.contains(from) {
            return Err(EngineError::NotGroupMember {
                client: from.to_string(),
                group: roster.label.clone(),
            });
        }
        Ok(roster)
    }

    /// Whether a Commit of `from` to `group_id` would be routed. Changes nothing.
    pub fn may_commit(&self, from: &ClientId, group_id: &[u8]) -> Result<(), EngineError> {
        self.check_commit(from, group_id).map(|_| ())
    }

    /// Registers a group joined from outside the DS's routing; the new group and
    /// its members are recorded, so that they persist and are restored.
    pub fn register_join(&mut self, join: Join) -> Result<(), EngineError> {
        if let Some(roster) = self.groups.get(&join.group_id) {
            return match roster.members.contains(&join.joiner) {
                true => Ok(()),
                false => Err(EngineError::GroupIdInUse {
                    client: join.joiner.to_string(),
                    group: roster.label.clone(),
                }),
            };
        }
        let mut members: BTreeSet<ClientId> = self
            .accounts
            .iter()
            .filter(|(_, a)| a.signature_keys.iter().any(|k| join.tree_keys.contains(k)))
            .map(|(name, _)| name.clone())
            .collect();
        members.insert(join.joiner);
        self.record(stored::Change::AddGroup {
            group_id: join.group_id.clone(),
            label: join.label.clone(),
        });
        for member in &members {
            self.record(stored::Change::AddGroupMember {
                group_id: join.group_id.clone(),
                member: member.clone(),
            });
        }
        let roster = Roster {
            label: join.label,
            members,
            epoch: None,
        };
        self.groups.insert(join.group_id, roster);
        Ok(())
    }
}
