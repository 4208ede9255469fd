//! Joining through a Welcome: the non-destructive peek and `StagedWelcome`.

use std::time::SystemTime;

use openmls::prelude::*;

use super::*;
use crate::engine::error::EngineError;
use crate::engine::wire;

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

/// The outcome of a Welcome join.
#[derive(Debug)]
pub struct JoinReport {
    pub peek: WelcomePeek,
    pub own_last_resort: bool,
    /// Whether the used bundle is still in storage after the join (read from storage;
    /// `None` when no bundle matched).
    pub bundle_after: Option<bool>,
    pub result: Result<GroupView, EngineError>,
}

pub(super) fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build()
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

    /// Joins through a Welcome with `StagedWelcome` (RFC 9420 §12.4.3.1). OpenMLS
    /// finds the private bundle through the reference, and deletes it unless it is
    /// last-resort. `known` names the lab's groups by `GroupId`.
    pub fn join(
        &mut self,
        bytes: &[u8],
        known: impl Fn(&[u8]) -> Option<String>,
        now: SystemTime,
    ) -> Result<JoinReport, EngineError> {
        let welcome = wire::decode_welcome(bytes)?;
        let peek = self.peek_welcome(&welcome);
        let own_last_resort = peek
            .own
            .as_ref()
            .and_then(|r| self.entry(&r.into()))
            .is_some_and(|e| e.last_resort());
        let staged = self.stage(welcome, &peek, known, now);
        let bundle_after = peek.own.as_ref().map(|r| self.has_private_bundle(r));
        let result = match staged {
            Ok((group, name)) => {
                let record = GroupRecord {
                    group,
                    joined_via: peek.own.clone(),
                    via_last_resort: own_last_resort,
                    needs_update: own_last_resort,
                };
                let view = view_of(&name, &record);
                if let Some(entry) = peek.own.as_ref().and_then(|r| self.entry_mut(&r.into())) {
                    entry.joined.push(name.clone());
                    if let Some(claim) = entry.claims.last_mut() {
                        claim.group.get_or_insert(name.clone());
                    }
                }
                self.groups.insert(name, record);
                Ok(view)
            }
            Err(e) => Err(e),
        };
        let result = match result {
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
        Ok(JoinReport {
            peek,
            own_last_resort,
            bundle_after,
            result,
        })
    }

    /// Decrypts the Welcome and builds the group; refuses a group this client is
    /// in already (checked on the decrypted `GroupInfo`, before OpenMLS would).
    fn stage(
        &self,
        welcome: Welcome,
        peek: &WelcomePeek,
        known: impl Fn(&[u8]) -> Option<String>,
        now: SystemTime,
    ) -> Result<(MlsGroup, String), EngineError> {
        let builder = StagedWelcome::build_from_welcome(&self.provider, &join_config(), welcome)
            .map_err(|e| self.join_error(peek, e))?;
        let group_id = builder
            .processed_welcome()
            .unverified_group_info()
            .group_id()
            .as_slice()
            .to_vec();
        let name = known(&group_id).unwrap_or_else(|| foreign_group_label(&group_id));
        // A different group under a label this client already uses (a foreign
        // GroupId that reads like it) gets a label of its own, never the other's.
        let name = match self.group_label(&group_id) {
            Some(_) => name,
            None => free_label(name, |label| self.groups.contains_key(label)),
        };
        if self.group_label(&group_id).is_some() || self.groups.contains_key(&name) {
            return Err(EngineError::AlreadyMember {
                client: self.name.clone(),
                group: name,
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
        let group = builder
            .skip_lifetime_validation()
            .build()
            .and_then(|s| s.into_group(&self.provider))
            .map_err(|e| self.join_error(peek, e))?;
        Ok((group, name))
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

/// The name shown for a group from outside the lab: its `GroupId` as text when
/// that is printable ASCII, else hex.
pub fn foreign_group_label(group_id: &[u8]) -> String {
    match std::str::from_utf8(group_id) {
        Ok(text) if !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()) => {
            text.to_string()
        }
        _ => hex::encode(group_id),
    }
}

/// `label`, or the first of `label~2`, `label~3`, ... that is not `taken`.
pub fn free_label(label: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&label) {
        return label;
    }
    (2u64..)
        .map(|n| format!("{label}~{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or(label)
}

#[cfg(test)]
mod tests {
    use super::{foreign_group_label, free_label};

    #[test]
    fn a_taken_label_gets_the_first_free_suffix() {
        let taken = ["team", "team~2"];
        assert_eq!(free_label("solo".into(), |l| taken.contains(&l)), "solo");
        assert_eq!(free_label("team".into(), |l| taken.contains(&l)), "team~3");
    }

    #[test]
    fn foreign_labels_are_printable_text_or_hex() {
        assert_eq!(foreign_group_label(b"fine"), "fine");
        assert_eq!(foreign_group_label(b"a b"), "612062");
        assert_eq!(foreign_group_label(&[0x1b, 0x5b]), "1b5b");
        assert_eq!(foreign_group_label(b""), "");
    }
}
