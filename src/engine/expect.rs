//! `expect` lines: checks of the lab's state and of the last command's result.

use std::time::Instant;

use super::client::short;
use super::{Engine, EngineError, EventKind, GroupView};
use crate::command::{BundlePresence, ClientCheck, DsCheck, Expectation, Presence};

impl Engine {
    pub(super) async fn expect(&mut self, expectation: &Expectation) -> Result<(), EngineError> {
        let started = Instant::now();
        let text = expectation.to_string();
        let result = self.check(expectation).await;
        match &result {
            Ok(()) => self.ok(
                "lab",
                EventKind::ExpectPassed { expectation: text },
                started,
            ),
            Err(error) => {
                let kind = EventKind::ExpectFailed {
                    expectation: text,
                    error: error.code(),
                    message: error.to_string(),
                };
                self.failed("lab", kind, started);
            }
        }
        result
    }

    pub(super) async fn check(&self, expectation: &Expectation) -> Result<(), EngineError> {
        let fail = |msg: String| Err(EngineError::ExpectationFailed(msg));
        match expectation {
            Expectation::Ok => match &self.last_result {
                Some(Ok(())) => Ok(()),
                Some(Err(e)) => fail(format!("the last command failed: {} ({})", e, e.code())),
                None => fail("no command has run yet".into()),
            },
            Expectation::Error(code) => match &self.last_result {
                Some(Err(e)) if e.code().eq_ignore_ascii_case(code) => Ok(()),
                Some(Err(e)) => fail(format!("expected error {code}, got {} ({e})", e.code())),
                Some(Ok(())) => fail(format!(
                    "expected error {code}, but the last command succeeded"
                )),
                None => fail("no command has run yet".into()),
            },
            Expectation::DsFault { fault, switch } => {
                let on = self.ds.snapshot().await?.faults.contains(fault);
                if on == switch.is_on() {
                    Ok(())
                } else {
                    fail(format!(
                        "the fault {fault} is {}",
                        if on { "on" } else { "off" }
                    ))
                }
            }
            Expectation::InSync(group) => {
                let views: Vec<(String, GroupView)> = self
                    .clients
                    .iter()
                    .filter_map(|(n, c)| c.group_view(group).map(|v| (n.clone(), v)))
                    .collect();
                let Some((first_name, first)) = views.first() else {
                    return fail(format!("nobody is a member of {group}"));
                };
                for (name, view) in &views[1..] {
                    if view.epoch != first.epoch
                        || view.members != first.members
                        || view.epoch_authenticator != first.epoch_authenticator
                    {
                        return fail(format!(
                            "{name} sees {group} at epoch {} with {:?}, {first_name} at epoch {} with {:?}",
                            view.epoch, view.members, first.epoch, first.members
                        ));
                    }
                }
                // Simulated clients in the tree (by signature key: an identity
                // can be anyone's) that have not joined.
                let tree = self.tree_members(first);
                let missing: Vec<&str> = tree
                    .iter()
                    .filter_map(|m| m.simulated())
                    .filter(|m| !views.iter().any(|(n, _)| n == m))
                    .collect();
                if !missing.is_empty() {
                    return fail(format!(
                        "{missing:?} are in {group}'s tree but have not joined"
                    ));
                }
                Ok(())
            }
            Expectation::Ds { owner, check } => {
                let counts = self.ds.counts(owner).await?;
                let (what, actual, wanted) = match check {
                    DsCheck::Available { count } => (
                        "normal key packages available",
                        counts.available,
                        *count as u64,
                    ),
                    DsCheck::Claims { count } => ("claims", counts.claims, *count),
                    DsCheck::Reuses { count } => {
                        ("last-resort reuses", counts.last_resort_reuses, *count)
                    }
                    DsCheck::LastResort { presence } => (
                        "last-resort packages",
                        counts.last_resort as u64,
                        (*presence == Presence::Present) as u64,
                    ),
                };
                if actual == wanted {
                    Ok(())
                } else {
                    fail(format!(
                        "the DS has {actual} {what} for {owner}, expected {wanted}"
                    ))
                }
            }
            Expectation::Client { client, check } => {
                let c = self.client(client)?;
                match check {
                    ClientCheck::MemberOf { group } => match c.group_view(group) {
                        Some(_) => Ok(()),
                        None => fail(format!("{client} is not a member of {group}")),
                    },
                    ClientCheck::NotMemberOf { group } => match c.group_view(group) {
                        None => Ok(()),
                        Some(v) => fail(format!(
                            "{client} is a member of {group} (epoch {})",
                            v.epoch
                        )),
                    },
                    ClientCheck::KeyPackages { count } => {
                        let actual = c.private_bundles();
                        if actual == *count {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client} has {actual} key package(s) in storage, expected {count}"
                            ))
                        }
                    }
                    ClientCheck::Inventory { count } => {
                        let actual = c.inventory().len();
                        if actual == *count {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client} generated {actual} key package(s), expected {count}"
                            ))
                        }
                    }
                    ClientCheck::Bundle { selector, presence } => {
                        let entry = c.resolve(selector)?;
                        let present = c.has_private_bundle(&entry.kp_ref);
                        let wanted = *presence == BundlePresence::Present;
                        if present == wanted {
                            Ok(())
                        } else {
                            fail(format!(
                                "{client}'s private bundle for {} is {}",
                                short(&entry.kp_ref),
                                if present { "present" } else { "deleted" }
                            ))
                        }
                    }
                    ClientCheck::Epoch { group, epoch } => match c.group_view(group) {
                        Some(v) if v.epoch == *epoch => Ok(()),
                        Some(v) => fail(format!(
                            "{client} is at epoch {} of {group}, expected {epoch}",
                            v.epoch
                        )),
                        None => fail(format!("{client} is not a member of {group}")),
                    },
                }
            }
        }
    }
}
