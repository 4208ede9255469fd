//! A client's groups: creating one, adding members, self-updates and processing Commits.

use std::collections::BTreeMap;

use openmls::prelude::*;
use openmls_basic_credential::SignatureKeyPair;
use tls_codec::Deserialize as _;

use super::*;
use crate::domain::{LabClock, Suite};
use crate::engine::error::EngineError;
use crate::engine::wire;

/// A group the client is a member of.
#[derive(Debug)]
pub struct GroupRecord {
    pub group: MlsGroup,
    /// The key package this client joined through (`None` for the creator).
    pub joined_via: Option<KeyPackageRef>,
    pub via_last_resort: bool,
    /// Joined through a last-resort package and has not updated its leaf since
    /// (RFC 9750 §5.1 asks for a prompt self-update).
    pub needs_update: bool,
}

/// A group as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub name: String,
    pub epoch: u64,
    /// The credential identity of each leaf, in tree order (what the tree says;
    /// anyone can choose one: [`crate::engine::TreeMember`] says who it is).
    pub members: Vec<String>,
    /// The signature key of each leaf, in the same order.
    pub member_keys: Vec<Vec<u8>>,
    /// Lowercase hex of the epoch authenticator (RFC 9420 §8.7).
    pub epoch_authenticator: String,
    pub ciphersuite: Suite,
    pub via_last_resort: bool,
    pub needs_update: bool,
}

impl Client {
    pub fn groups(&self) -> &BTreeMap<String, GroupRecord> {
        &self.groups
    }

    pub fn group_view(&self, name: &str) -> Option<GroupView> {
        let record = self.groups.get(name)?;
        Some(view_of(name, record))
    }

    pub fn group_views(&self) -> Vec<GroupView> {
        self.groups.iter().map(|(n, r)| view_of(n, r)).collect()
    }

    /// The provider, the signer for the group's suite and the group, borrowed together.
    pub(super) fn group_parts(
        &mut self,
        name: &str,
    ) -> Result<(&LabProvider, &SignatureKeyPair, &mut GroupRecord), EngineError> {
        let record = self
            .groups
            .get_mut(name)
            .ok_or_else(|| EngineError::UnknownGroup {
                client: self.name.clone(),
                group: name.to_string(),
            })?;
        let signer = signer_for(&self.signers, &self.name, record.group.ciphersuite())?;
        Ok((&self.provider, signer, record))
    }

    /// The label of this client's group with this MLS `GroupId`.
    pub fn group_label(&self, group_id: &[u8]) -> Option<&str> {
        self.groups
            .iter()
            .find(|(_, r)| r.group.group_id().as_slice() == group_id)
            .map(|(label, _)| label.as_str())
    }

    /// The MLS `GroupId` of this client's group `label`.
    pub fn group_id(&self, label: &str) -> Option<Vec<u8>> {
        self.groups
            .get(label)
            .map(|r| r.group.group_id().as_slice().to_vec())
    }

    /// Creates a group with a random `GroupId` from this client's provider (the lab
    /// maps `name` to it), with the ratchet tree in Welcomes so joiners need
    /// nothing else. The creator's leaf gets the lifetime of a default key
    /// package from the lab clock (OpenMLS would read the system clock, and the
    /// leaf is part of the tree hash: a seeded run must not depend on it).
    pub fn create_group(
        &mut self,
        name: &str,
        suite: Suite,
        clock: &LabClock,
    ) -> Result<GroupView, EngineError> {
        if self.groups.contains_key(name) {
            return Err(EngineError::GroupAlreadyExists {
                client: self.name.clone(),
                group: name.to_string(),
            });
        }
        let ciphersuite = wire::ciphersuite(suite)?;
        let credential = self.credential_with_key(ciphersuite)?;
        let (not_before, not_after) = LifetimeChoice::Default.range(clock)?;
        let group = MlsGroup::builder()
            .ciphersuite(ciphersuite)
            .use_ratchet_tree_extension(true)
            .lifetime(Lifetime::init(not_before, not_after))
            .build(&self.provider, self.signer(ciphersuite)?, credential)
            .map_err(|e| EngineError::mls("MlsGroup::build", e))?;
        let record = GroupRecord {
            group,
            joined_via: None,
            via_last_resort: false,
            needs_update: false,
        };
        let view = view_of(name, &record);
        self.groups.insert(name.to_string(), record);
        Ok(view)
    }

    /// Adds members with validated key packages. The Commit stays pending until
    /// the DS routed it ([`Self::merge_pending`], else [`Self::clear_pending`]).
    /// Returns the encoded Commit and Welcome.
    pub fn add_members(
        &mut self,
        group: &str,
        key_packages: &[KeyPackage],
    ) -> Result<(Vec<u8>, Vec<u8>), EngineError> {
        let (provider, signer, record) = self.group_parts(group)?;
        let suite = Suite::from(record.group.ciphersuite());
        let (commit, welcome, _group_info) = record
            .group
            .add_members(provider, signer, key_packages)
            .map_err(|e| {
                let debug = format!("{e:?}");
                if debug.contains("InvalidAddProposalCiphersuiteOrVersion") {
                    EngineError::CiphersuiteMismatch {
                        detail: format!(
                            "OpenMLS refused the Add: a key package's ciphersuite differs from the group's (suite {suite})"
                        ),
                    }
                } else {
                    EngineError::mls("add_members", e)
                }
            })?;
        let encoded = commit
            .to_bytes()
            .and_then(|commit| Ok((commit, welcome.to_bytes()?)))
            .map_err(|e| EngineError::mls("encode Commit and Welcome", e));
        if encoded.is_err() {
            self.clear_pending(group)?;
        }
        encoded
    }

    /// Commits an update of the own leaf with fresh keys (RFC 9420 §12.4); the
    /// Commit stays pending as in [`Self::add_members`].
    pub fn self_update(&mut self, group: &str) -> Result<Vec<u8>, EngineError> {
        let (provider, signer, record) = self.group_parts(group)?;
        let bundle = record
            .group
            .self_update(provider, signer, LeafNodeParameters::default())
            .map_err(|e| EngineError::mls("self_update", e))?;
        let encoded = bundle
            .into_commit()
            .to_bytes()
            .map_err(|e| EngineError::mls("encode Commit", e));
        if encoded.is_err() {
            self.clear_pending(group)?;
        }
        encoded
    }

    /// The DS routed the own pending Commit: it takes effect (the next epoch).
    /// `updated_leaf`: it was a self-update, so a last-resort join's leaf is
    /// fresh now (RFC 9750 §5.1).
    pub fn merge_pending(
        &mut self,
        group: &str,
        updated_leaf: bool,
    ) -> Result<GroupView, EngineError> {
        let (provider, _, record) = self.group_parts(group)?;
        record
            .group
            .merge_pending_commit(provider)
            .map_err(|e| EngineError::mls("merge_pending_commit", e))?;
        if updated_leaf {
            record.needs_update = false;
        }
        Ok(view_of(group, record))
    }

    /// The DS refused the own pending Commit: the group stays at its epoch, as
    /// if the Commit had never been made.
    pub fn clear_pending(&mut self, group: &str) -> Result<(), EngineError> {
        let (provider, _, record) = self.group_parts(group)?;
        record
            .group
            .clear_pending_commit(provider.storage())
            .map_err(|e| EngineError::mls("clear_pending_commit", e))
    }

    /// Forgets a group this client just created, from its storage too: the DS
    /// did not take it, so the lab has no such group.
    pub fn forget_group(&mut self, group: &str) -> Result<(), EngineError> {
        let Some(mut record) = self.groups.remove(group) else {
            return Ok(());
        };
        record
            .group
            .delete(self.provider.storage())
            .map_err(|e| EngineError::mls("MlsGroup::delete", e))
    }

    /// Processes and merges a Commit from another member in the group `group`
    /// (the label of the group the Commit's own `GroupId` names).
    pub fn process_commit(&mut self, group: &str, bytes: &[u8]) -> Result<GroupView, EngineError> {
        let message =
            MlsMessageIn::tls_deserialize_exact(bytes).map_err(|e| EngineError::Malformed {
                what: "Commit".into(),
                detail: e.to_string(),
            })?;
        let protocol = message
            .try_into_protocol_message()
            .map_err(|e| EngineError::mls("Commit", e))?;
        let (provider, _, record) = self.group_parts(group)?;
        let processed = record
            .group
            .process_message(provider, protocol)
            .map_err(|e| EngineError::mls("process_message", e))?;
        match processed.into_content() {
            ProcessedMessageContent::StagedCommitMessage(staged) => record
                .group
                .merge_staged_commit(provider, *staged)
                .map_err(|e| EngineError::mls("merge_staged_commit", e))?,
            _ => {
                return Err(EngineError::Malformed {
                    what: "Commit".into(),
                    detail: "the message is not a Commit".into(),
                })
            }
        }
        Ok(view_of(group, record))
    }
}

pub(super) fn view_of(name: &str, record: &GroupRecord) -> GroupView {
    let group = &record.group;
    GroupView {
        name: name.to_string(),
        epoch: group.epoch().as_u64(),
        members: group
            .members()
            .map(|m| wire::credential_identity(&m.credential).unwrap_or_else(|| "?".into()))
            .collect(),
        member_keys: group.members().map(|m| m.signature_key).collect(),
        epoch_authenticator: hex::encode(group.epoch_authenticator().as_slice()),
        ciphersuite: Suite::from(group.ciphersuite()),
        via_last_resort: record.via_last_resort,
        needs_update: record.needs_update,
    }
}
