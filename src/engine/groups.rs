//! Creating groups, adding members (Commit + Welcome) and self-updates.

use std::time::Instant;

use openmls::prelude::KeyPackage;

use super::client::ClaimedKeyPackage;
use super::wire::ref_hex;
use super::{Engine, EngineError, EventKind};
use crate::command::{validate_name, NameKind};

impl Engine {
    pub(super) fn create_group(
        &mut self,
        name: &str,
        group: &str,
        suite: u16,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        validate_name(NameKind::Group, group)?;
        let view = self.client_mut(name)?.create_group(group, suite)?;
        self.ds.create_group(group, name)?;
        let kind = EventKind::GroupCreated {
            group: group.to_string(),
            epoch: view.epoch,
            ciphersuite: view.ciphersuite,
        };
        self.ok(name, kind, started);
        Ok(())
    }

    pub(super) async fn add(
        &mut self,
        name: &str,
        members: &[String],
        group: &str,
    ) -> Result<(), EngineError> {
        let suite = self
            .client(name)?
            .group_view(group)
            .ok_or_else(|| EngineError::UnknownGroup {
                client: name.to_string(),
                group: group.to_string(),
            })?
            .ciphersuite;
        for member in members {
            self.client(member)?;
        }
        // A held (claimed) package first; otherwise claim one in the group's suite.
        let mut packages: Vec<ClaimedKeyPackage> = Vec::new();
        for member in members {
            let held = self.client_mut(name)?.wallet_take(member);
            let package = match held {
                Some(p) => p,
                None => match self.claim(name, member, suite).await {
                    Ok(_) => match self.client_mut(name)?.wallet_take(member) {
                        Some(p) => p,
                        None => return Err(EngineError::DsUnavailable),
                    },
                    Err(error) => {
                        self.client_mut(name)?.wallet_return(packages);
                        return Err(error);
                    }
                },
            };
            packages.push(package);
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
                .and_then(|c| c.entry_mut(&p.kp_ref))
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
        let recipients = self.ds.send_commit(group, name, commit).await?;
        let kind = EventKind::CommitSent {
            group: group.to_string(),
            epoch: view.epoch,
            added: members.to_vec(),
            recipients,
            bytes: commit_size,
        };
        self.ok(name, kind, started);
        let started = Instant::now();
        let welcome_size = welcome.len();
        let kept = welcome.clone();
        let routing = self.ds.send_welcome(group, name, welcome).await?;
        let kind = EventKind::WelcomeSent {
            group: group.to_string(),
            epoch: view.epoch,
            new_member_refs: routing.new_members.iter().map(ref_hex).collect(),
            recipients: routing.recipients,
            unroutable: routing.unroutable.iter().map(ref_hex).collect(),
            bytes: welcome_size,
        };
        self.ok(name, kind, started);
        self.welcomes.insert(self.events.len() as u64, kept);
        Ok(())
    }

    pub(super) async fn self_update(
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

    pub(super) async fn self_update_one(
        &mut self,
        name: &str,
        group: &str,
    ) -> Result<(), EngineError> {
        let started = Instant::now();
        let (commit, view) = self.client_mut(name)?.self_update(group)?;
        let size = commit.len();
        self.ds.send_commit(group, name, commit).await?;
        let kind = EventKind::SelfUpdated {
            group: group.to_string(),
            epoch: view.epoch,
            bytes: size,
        };
        self.ok(name, kind, started);
        Ok(())
    }
}
