//! Joining through a Welcome: the non-destructive peek and `StagedWelcome`.

use std::time::SystemTime;

use openmls::prelude::*;

use super::*;
use crate::engine::error::EngineError;
use crate::engine::{guard, wire};

/// What a Welcome looks like to a client before it is consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomePeek {
    pub new_members: Vec<KeyPackageRef>,
    /// The first `new_member` whose private bundle is in this client's storage:
    /// the one OpenMLS will use.
    pub own: Option<KeyPackageRef>,
    /// When `own` is `None`: the `new_member` references this client generated but
    /// no longer has a bundle for.
    pub consumed: Vec<KeyPackageRef>,
}

pub(super) fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build()
}

/// A Welcome this client decrypted, its group not built yet: what the DS must
/// agree to (the `GroupId`, the tree) before the group exists here.
pub struct OpenedWelcome {
    pub peek: WelcomePeek,
    /// The own key package named by the Welcome is a last-resort one.
    pub own_last_resort: bool,
    /// Whether the used bundle is still in storage after OpenMLS looked it up
    /// (read from storage; `None` when no bundle matched).
    pub bundle_after: Option<bool>,
    /// The staged group, or why there is none.
    pub staged: Result<StagedGroup, EngineError>,
}

/// A decrypted Welcome's group, ready to be built.
pub struct StagedGroup {
    welcome: StagedWelcome,
    group_id: Vec<u8>,
}

impl StagedGroup {
    /// The MLS `GroupId` the Welcome's `GroupInfo` names.
    pub fn group_id(&self) -> &[u8] {
        &self.group_id
    }

    /// The signature keys of every leaf of the group's ratchet tree.
    pub fn tree_keys(&self) -> Vec<Vec<u8>> {
        self.welcome.members().map(|m| m.signature_key).collect()
    }
}

impl Client {
    /// Reads a Welcome without consuming anything: which references it targets and
    /// which, if any, is this client's.
    pub fn peek_welcome(&self, welcome: &Welcome) -> WelcomePeek {
        let new_members = wire::welcome_new_members(welcome);
        let own = new_members
            .iter()
            .find(|r| self.has_private_bundle(r))
            .cloned();
        // Without a bundle to use, which of the references were ours once?
        let consumed = if own.is_some() {
            Vec::new()
        } else {
            new_members
                .iter()
                .filter(|r| self.entry(&(*r).into()).is_some())
                .cloned()
                .collect()
        };
        WelcomePeek {
            new_members,
            own,
            consumed,
        }
    }

    /// Decrypts a Welcome with `StagedWelcome` (RFC 9420 §12.4.3.1) without
    /// building its group: OpenMLS finds the private bundle through the
    /// reference, and deletes it unless it is last-resort, even if the join goes
    /// no further. Refuses a group this client is in already. The group is built
    /// by [`Self::finish_join`].
    pub fn open_welcome(
        &self,
        bytes: &[u8],
        now: SystemTime,
    ) -> Result<OpenedWelcome, EngineError> {
        let welcome = wire::decode_welcome(bytes)?;
        let peek = self.peek_welcome(&welcome);
        let own_last_resort = peek
            .own
            .as_ref()
            .and_then(|r| self.entry(&r.into()))
            .is_some_and(|e| e.last_resort());
        // A panic inside OpenMLS here is contained: the join fails, nothing of
        // the group exists yet.
        let staged = guard::contain("joining through a Welcome", || {
            self.stage(welcome, &peek, now)
        });
        let bundle_after = peek.own.as_ref().map(|r| self.has_private_bundle(r));
        let staged = match staged {
            // Only now is it known whether OpenMLS consumed the bundle: say so.
            Err(EngineError::AlreadyMember { client, group, .. }) => {
                let bundle = match (&peek.own, bundle_after) {
                    (Some(r), Some(true)) => {
                        format!("bundle {} kept", domain::KeyPackageRef::from(r).short())
                    }
                    (Some(r), _) => format!(
                        "bundle {} consumed all the same",
                        domain::KeyPackageRef::from(r).short()
                    ),
                    (None, _) => "no bundle was used".to_string(),
                };
                Err(EngineError::AlreadyMember {
                    client,
                    group,
                    bundle,
                })
            }
            other => other,
        };
        Ok(OpenedWelcome {
            peek,
            own_last_resort,
            bundle_after,
            staged,
        })
    }

    /// Builds the group of an opened Welcome (its `peek` and whether it used a
    /// last-resort package) under the lab's name `name` for it.
    pub fn finish_join(
        &mut self,
        peek: &WelcomePeek,
        own_last_resort: bool,
        staged: StagedGroup,
        name: &str,
    ) -> Result<GroupView, EngineError> {
        let group = guard::contain("joining through a Welcome", || {
            staged
                .welcome
                .into_group(&self.provider)
                .map_err(|e| self.join_error(peek, e))
        })?;
        let record = GroupRecord {
            group,
            joined_via: peek.own.clone(),
            via_last_resort: own_last_resort,
            needs_update: own_last_resort,
        };
        let view = view_of(name, &record);
        if let Some(entry) = peek.own.as_ref().and_then(|r| self.entry_mut(&r.into())) {
            entry.joined.push(name.to_string());
            if let Some(claim) = entry.claims.last_mut() {
                claim.group.get_or_insert(name.to_string());
            }
        }
        self.groups.insert(name.to_string(), record);
        Ok(view)
    }

    /// Decrypts the Welcome and stages the group; refuses a group this client is
    /// in already (checked on the decrypted `GroupInfo`, before OpenMLS would).
    fn stage(
        &self,
        welcome: Welcome,
        peek: &WelcomePeek,
        now: SystemTime,
    ) -> Result<StagedGroup, EngineError> {
        let builder = StagedWelcome::build_from_welcome(&self.provider, &join_config(), welcome)
            .map_err(|e| self.join_error(peek, e))?;
        let group_id = builder
            .processed_welcome()
            .unverified_group_info()
            .group_id()
            .as_slice()
            .to_vec();
        if let Some(label) = self.group_label(&group_id) {
            return Err(EngineError::AlreadyMember {
                client: self.name.clone(),
                group: label.to_string(),
                bundle: String::new(),
            });
        }
        // OpenMLS would check the tree's leaf lifetimes against the system clock;
        // the lab checks the joiner's own key package against the lab clock
        // instead (RFC 9420 §10.1). The bundle is consumed either way.
        if let Some(entry) = peek.own.as_ref().and_then(|r| self.entry(&r.into())) {
            entry
                .key_package
                .life_time()
                .validate_with_time(now)
                .map_err(|e| EngineError::from_verify(KeyPackageVerifyError::LifetimeError(e)))?;
        }
        let welcome = builder
            .skip_lifetime_validation()
            .build()
            .map_err(|e| self.join_error(peek, e))?;
        Ok(StagedGroup { welcome, group_id })
    }

    pub(super) fn join_error<E: std::fmt::Debug + std::fmt::Display>(
        &self,
        peek: &WelcomePeek,
        error: WelcomeError<E>,
    ) -> EngineError {
        match error {
            WelcomeError::NoMatchingKeyPackage => {
                let discarded = peek
                    .consumed
                    .iter()
                    .find(|r| self.entry(&(*r).into()).is_some_and(|e| e.discarded));
                let reason = if let Some(r) = discarded {
                    format!(
                        "{}'s private bundle for {} was deleted on purpose (delete-bundle): an orphan Welcome",
                        self.name,
                        domain::KeyPackageRef::from(r).short()
                    )
                } else if let Some(r) = peek.consumed.first() {
                    format!(
                        "{}'s key package {} was already used: its private bundle is gone (one-time use, RFC 9420 §16.8)",
                        self.name,
                        domain::KeyPackageRef::from(r).short()
                    )
                } else {
                    format!(
                        "none of the Welcome's {} new_member reference(s) is a key package of {}: this Welcome is for someone else",
                        peek.new_members.len(),
                        self.name
                    )
                };
                EngineError::NoMatchingKeyPackage { reason }
            }
            WelcomeError::CiphersuiteMismatch => EngineError::CiphersuiteMismatch {
                detail: "the Welcome's ciphersuite differs from the key package's".into(),
            },
            other => EngineError::join(other),
        }
    }
}
