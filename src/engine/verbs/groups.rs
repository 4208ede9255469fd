//! Creating groups, adding members (Commit + Welcome) and self-updates. Group
//! names are one namespace in the lab; underneath, each group has a random MLS
//! `GroupId` and the DS routes by it, only from its members. A Commit is made
//! pending, sent, and merged only once the DS routed it: a refusal leaves the
//! group, the claimed packages and the DS as they were.

use std::time::Instant;

use openmls::prelude::KeyPackage;

use crate::domain::{KeyPackageRef, Suite};
use crate::engine::client::ClaimedKeyPackage;
use crate::engine::ds::Routed;
use crate::engine::wire::KeyPackageFormat;
use crate::engine::{Engine, EngineError, EventKind, GroupView};

impl Engine {
    /// `NAME create-group GROUP`: the group is built at the client, then the DS
    /// takes its `GroupId`, then the lab its name; if the DS refuses, the
    /// client forgets the group again.
    pub async fn create_group(
        &mut self,
        name: &str,
        group: &str,
        suite: Suite,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        self.groups.check_new(group)?;
        self.client(name)?;
        // A group in a suite with another signature scheme needs that signer.
        self.ensure_signer(name, suite).await?;
        let clock = self.clock;
        let client = self.roster.get_mut(name)?;
        let view = client.create_group(group, suite, &clock)?;
        let group_id = client.group_id(group).ok_or(EngineError::UnknownGroup {
            client: name.to_string(),
            group: group.to_string(),
        })?;
        let registered = match self.ds.create_group(&group_id, group, name).await {
            Ok(()) => self.groups.name_created(&group_id, group, name),
            Err(error) => Err(error),
        };
        if let Err(error) = registered {
            self.roster.get_mut(name)?.forget_group(group)?;
            return Err(error);
        }
        let kind = EventKind::GroupCreated {
            group: group.to_string(),
            epoch: view.epoch,
            ciphersuite: view.ciphersuite,
        };
        self.log.ok(name, kind, started);
        Ok(())
    }

    /// Asks the DS whether it routes `name`'s Commits to `group`, before anything
    /// is claimed or committed; a refusal is a `commit_refused` event.
    pub(in crate::engine) async fn check_commit(
        &mut self,
        name: &str,
        group: &str,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let group_id =
            self.client(name)?
                .group_id(group)
                .ok_or_else(|| EngineError::UnknownGroup {
                    client: name.to_string(),
                    group: group.to_string(),
                })?;
        let answer = self.ds.may_commit(name, &group_id).await;
        if let Err(error) = &answer {
            self.commit_refused(name, group, error, started);
        }
        answer
    }

    fn commit_refused(&mut self, name: &str, group: &str, error: &EngineError, started: Instant) {
        let kind = EventKind::CommitRefused {
            group: group.to_string(),
            error: error.code(),
            message: error.to_string(),
        };
        self.log.failed(name, kind, started);
    }

    /// Sends `name`'s pending Commit (and its Welcome) to the DS; the Commit takes
    /// effect only once the DS routed it, and is cleared if the DS refuses it.
    async fn send_pending(
        &mut self,
        name: &str,
        group: &str,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
        updated_leaf: bool,
    ) -> Result<(Routed, GroupView), EngineError> {
        let started = Instant::now();
        match self.ds.send_commit(name, commit, welcome).await {
            Ok(routed) => {
                let view = self
                    .roster
                    .get_mut(name)?
                    .merge_pending(group, updated_leaf)?;
                Ok((routed, view))
            }
            Err(error) => {
                self.roster.get_mut(name)?.clear_pending(group)?;
                self.commit_refused(name, group, &error, started);
                Err(error)
            }
        }
    }

    /// Everything an `add` needs is checked here, before any key package is
    /// claimed: the group, each member (known, not the adder, named once, not in
    /// the group yet) and the suite of any package the adder already holds.
    fn check_add(&self, name: &str, members: &[String], group: &str) -> Result<Suite, EngineError> {
        let view =
            self.client(name)?
                .group_view(group)
                .ok_or_else(|| EngineError::UnknownGroup {
                    client: name.to_string(),
                    group: group.to_string(),
                })?;
        for (i, member) in members.iter().enumerate() {
            self.check_peer(member)?;
            if member == name {
                return Err(EngineError::CannotAddSelf(name.to_string()));
            }
            if members[..i].contains(member) {
                return Err(EngineError::MemberNamedTwice(member.clone()));
            }
            // By the member's signature keys: another leaf may carry its name.
            if self.in_tree(&view, member) {
                return Err(EngineError::AlreadyInGroup {
                    member: member.clone(),
                    group: group.to_string(),
                });
            }
            if let Some(held) = self.client(name)?.wallet_holds(member) {
                let held_suite = Suite::from(held.key_package.ciphersuite());
                if held_suite != view.ciphersuite {
                    return Err(EngineError::CiphersuiteMismatch {
                        detail: format!(
                            "{name} holds {member}'s key package {} in suite {held_suite}; {group} uses suite {}",
                            KeyPackageRef::from(&held.kp_ref).short(),
                            view.ciphersuite
                        ),
                    });
                }
            }
        }
        Ok(view.ciphersuite)
    }

    /// `NAME add MEMBER... --to GROUP`: checked (here and at the DS) before any
    /// key package is claimed; the Commit takes effect once the DS routed it.
    pub async fn add(
        &mut self,
        name: &str,
        members: &[String],
        group: &str,
    ) -> Result<(), EngineError> {
        let suite = self.check_add(name, members, group)?;
        self.check_commit(name, group).await?;
        // A held (claimed) package first; the others are claimed all at once, in
        // the group's suite, or none is.
        let adder = self.client(name)?;
        let to_claim: Vec<String> = members
            .iter()
            .filter(|m| adder.wallet_holds(m).is_none())
            .cloned()
            .collect();
        if !to_claim.is_empty() {
            self.claim_all(name, &to_claim, suite, KeyPackageFormat::KeyPackage)
                .await?;
        }
        let mut packages: Vec<ClaimedKeyPackage> = Vec::new();
        for member in members {
            match self.roster.get_mut(name)?.wallet_take(member) {
                Some(p) => packages.push(p),
                None => {
                    self.roster.get_mut(name)?.wallet_return(packages);
                    return Err(EngineError::DsUnavailable);
                }
            }
        }
        let started = Instant::now();
        let key_packages: Vec<KeyPackage> =
            packages.iter().map(|p| p.key_package.clone()).collect();
        let sent = match self.roster.get_mut(name)?.add_members(group, &key_packages) {
            Ok((commit, welcome)) => {
                let sizes = (commit.len(), welcome.len());
                let kept = welcome.clone();
                self.send_pending(name, group, commit, Some(welcome), false)
                    .await
                    .map(|(routed, view)| (routed, view, sizes, kept))
            }
            Err(error) => Err(error),
        };
        let (routed, view, (commit_size, welcome_size), kept) = match sent {
            Ok(sent) => sent,
            Err(error) => {
                // The claimed packages stay with the adder, as they were.
                self.roster.get_mut(name)?.wallet_return(packages);
                return Err(error);
            }
        };
        for p in &packages {
            if let Some(entry) = self
                .roster
                .get_mut(&p.owner)
                .ok()
                .and_then(|c| c.entry_mut(&(&p.kp_ref).into()))
            {
                if let Some(claim) = entry
                    .claims
                    .iter_mut()
                    .rev()
                    .find(|c| c.by == name && c.group.is_none())
                {
                    claim.group = Some(group.to_string());
                }
            }
        }
        let kind = EventKind::CommitSent {
            group: group.to_string(),
            epoch: view.epoch,
            added: members.to_vec(),
            recipients: routed
                .commit_recipients
                .iter()
                .map(ToString::to_string)
                .collect(),
            bytes: commit_size,
        };
        self.log.ok(name, kind, started);
        let started = Instant::now();
        let routing = routed.welcome.unwrap_or_default();
        let kind = EventKind::WelcomeSent {
            group: group.to_string(),
            epoch: view.epoch,
            new_member_refs: routing.new_members.clone(),
            recipients: routing.recipients.iter().map(ToString::to_string).collect(),
            unroutable: routing.unroutable.clone(),
            bytes: welcome_size,
        };
        self.log.ok(name, kind, started);
        self.welcomes.keep(self.log.last_seq(), kept);
        self.report_faults().await
    }

    pub async fn self_update(
        &mut self,
        name: &str,
        group: Option<&str>,
    ) -> Result<(), EngineError> {
        let groups: Vec<String> = match group {
            Some(g) => vec![g.to_string()],
            None => self
                .client(name)?
                .groups()
                .iter()
                .filter(|(_, r)| r.via_last_resort)
                .map(|(n, _)| n.clone())
                .collect(),
        };
        if groups.is_empty() {
            return Err(EngineError::Usage(format!(
                "{name} joined no group through a last-resort package; name a group: '{name} self-update GROUP'"
            )));
        }
        // Every group is checked at the DS before any leaf is updated.
        for group in &groups {
            self.check_commit(name, group).await?;
        }
        for group in groups {
            self.self_update_one(name, &group).await?;
        }
        Ok(())
    }

    pub(in crate::engine) async fn self_update_one(
        &mut self,
        name: &str,
        group: &str,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let commit = self.roster.get_mut(name)?.self_update(group)?;
        let size = commit.len();
        let (_, view) = self.send_pending(name, group, commit, None, true).await?;
        let kind = EventKind::SelfUpdated {
            group: group.to_string(),
            epoch: view.epoch,
            bytes: size,
        };
        self.log.ok(name, kind, started);
        self.report_faults().await
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Suite;
    use crate::engine::{Engine, EventKind, GenerateOptions, Publish, Uploads};

    /// A Commit the DS refuses changes nothing: bob holds a group the DS was
    /// never told of (built at the client alone), so his self-update and his add
    /// are refused, and his epoch, his wallet and carol's package at the DS stay
    /// as they were. (The Commit used to be merged first and the key package
    /// claimed first: the epoch moved and carol's package was gone.)
    #[tokio::test]
    async fn a_commit_the_ds_refuses_changes_nothing() {
        let mut engine = Engine::new();
        let names = ["bob".to_string(), "carol".to_string()];
        engine.add_clients(&names).await.unwrap();
        let options = GenerateOptions::default();
        engine.generate("carol", 1, options).await.unwrap();
        let publish = Publish {
            uploads: Uploads::All,
            ..Publish::own(Vec::new())
        };
        engine.publish("carol", &publish).await.unwrap();
        let clock = engine.clock;
        let bob = engine.roster.get_mut("bob").unwrap();
        bob.create_group("solo", Suite::DEFAULT, &clock).unwrap();
        let before = engine.ds_snapshot().await.unwrap();
        let epoch = |engine: &Engine| {
            engine
                .client("bob")
                .unwrap()
                .group_view("solo")
                .unwrap()
                .epoch
        };

        let error = engine.self_update("bob", Some("solo")).await.unwrap_err();
        assert_eq!(error.code(), "UnknownGroupId");
        assert_eq!(epoch(&engine), 0);
        // Past the check, at the send itself: the pending Commit is cleared.
        let error = engine.self_update_one("bob", "solo").await.unwrap_err();
        assert_eq!(error.code(), "UnknownGroupId");
        assert_eq!(epoch(&engine), 0);
        let error = engine
            .add("bob", &["carol".to_string()], "solo")
            .await
            .unwrap_err();
        assert_eq!(error.code(), "UnknownGroupId");
        assert_eq!(epoch(&engine), 0);
        assert!(engine.client("bob").unwrap().wallet().is_empty());
        let view = engine.client("bob").unwrap().group_view("solo").unwrap();
        assert_eq!(view.members, ["bob"]);
        assert_eq!(engine.ds_snapshot().await.unwrap(), before);
        let refused = engine
            .events()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::CommitRefused { .. }))
            .count();
        assert_eq!(refused, 3);
        // Nothing is left pending: a later Commit the DS takes works as usual.
        let group_id = engine.client("bob").unwrap().group_id("solo").unwrap();
        engine
            .ds
            .create_group(&group_id, "solo", "bob")
            .await
            .unwrap();
        engine.self_update("bob", Some("solo")).await.unwrap();
        assert_eq!(epoch(&engine), 1);
    }
}
