//! Creating groups, adding members (Commit + Welcome) and self-updates. Group
//! names are one namespace in the lab; underneath, each group has a random MLS
//! `GroupId` and the DS routes by it.

use std::time::Instant;

use openmls::prelude::KeyPackage;

use crate::domain::{validate_name, KeyPackageRef, NameKind, Suite};
use crate::engine::client::ClaimedKeyPackage;
use crate::engine::wire::KeyPackageFormat;
use crate::engine::{Engine, EngineError, EventKind};

impl Engine {
    pub async fn create_group(
        &mut self,
        name: &str,
        group: &str,
        suite: Suite,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        validate_name(NameKind::Group, group)?;
        if let Some(owner) = self.group_creator(group) {
            return Err(EngineError::GroupNameTaken {
                group: group.to_string(),
                owner,
            });
        }
        self.client(name)?;
        // A group in a suite with another signature scheme needs that signer.
        self.ensure_signer(name, suite).await?;
        let clock = self.clock;
        let client = self.client_mut(name)?;
        let view = client.create_group(group, suite, &clock)?;
        let group_id = client.group_id(group).ok_or(EngineError::UnknownGroup {
            client: name.to_string(),
            group: group.to_string(),
        })?;
        self.ds.create_group(&group_id, group, name).await?;
        self.group_labels.insert(group_id, group.to_string());
        let kind = EventKind::GroupCreated {
            group: group.to_string(),
            epoch: view.epoch,
            ciphersuite: view.ciphersuite,
        };
        self.ok(name, kind, started);
        Ok(())
    }

    /// Who created the group with this name, if the name is taken.
    fn group_creator(&self, group: &str) -> Option<String> {
        if !self.group_labels.values().any(|label| label == group) {
            return None;
        }
        let creator = self.events.iter().find_map(|e| match &e.kind {
            EventKind::GroupCreated { group: g, .. } if g == group => Some(e.actor.clone()),
            _ => None,
        });
        Some(creator.unwrap_or_else(|| "another client".into()))
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

    pub async fn add(
        &mut self,
        name: &str,
        members: &[String],
        group: &str,
    ) -> Result<(), EngineError> {
        let suite = self.check_add(name, members, group)?;
        // A held (claimed) package first; the others are claimed all at once, in
        // the group's suite, or none is.
        let to_claim: Vec<String> = members
            .iter()
            .filter(|m| {
                self.clients
                    .get(name)
                    .and_then(|c| c.wallet_holds(m))
                    .is_none()
            })
            .cloned()
            .collect();
        if !to_claim.is_empty() {
            self.claim_all(name, &to_claim, suite, KeyPackageFormat::KeyPackage)
                .await?;
        }
        let mut packages: Vec<ClaimedKeyPackage> = Vec::new();
        for member in members {
            match self.client_mut(name)?.wallet_take(member) {
                Some(p) => packages.push(p),
                None => {
                    self.client_mut(name)?.wallet_return(packages);
                    return Err(EngineError::DsUnavailable);
                }
            }
        }
        let started = Instant::now();
        let key_packages: Vec<KeyPackage> =
            packages.iter().map(|p| p.key_package.clone()).collect();
        let (commit, welcome, view) = match self.client_mut(name)?.add_members(group, &key_packages)
        {
            Ok(out) => out,
            Err(error) => {
                // The claimed packages stay with the adder, as they were.
                self.client_mut(name)?.wallet_return(packages);
                return Err(error);
            }
        };
        for p in &packages {
            if let Some(entry) = self
                .clients
                .get_mut(&p.owner)
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
        let commit_size = commit.len();
        let welcome_size = welcome.len();
        let kept = welcome.clone();
        let routed = self.ds.send_commit(name, commit, Some(welcome)).await?;
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
        self.ok(name, kind, started);
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
        self.ok(name, kind, started);
        self.welcomes.insert(self.last_seq(), kept);
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
        let (commit, view) = self.client_mut(name)?.self_update(group)?;
        let size = commit.len();
        self.ds.send_commit(name, commit, None).await?;
        let kind = EventKind::SelfUpdated {
            group: group.to_string(),
            epoch: view.epoch,
            bytes: size,
        };
        self.ok(name, kind, started);
        self.report_faults().await
    }
}
