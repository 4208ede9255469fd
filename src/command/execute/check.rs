//! `expect` lines: checks of the lab's state and of the last command's result,
//! read through the engine's own accessors; the engine logs each outcome.

use std::time::Instant;

use crate::domain::KeyPackageRef;
use crate::engine::guard::contain_future;
use crate::engine::{Engine, EngineError, GroupView};

use super::super::{BundlePresence, ClientCheck, DsCheck, Expectation, Presence};

/// Checks one expectation and logs `expect_passed` or `expect_failed`.
pub(super) async fn expect(
    engine: &mut Engine,
    expectation: &Expectation,
) -> Result<(), EngineError> {
    let started = Instant::now();
    let text = expectation.to_string();
    // A panic in a check is contained, and logged like any failed expectation.
    let result = contain_future("an expectation", check(engine, expectation)).await;
    engine.record_expectation(text, started, &result);
    result
}

async fn check(engine: &Engine, expectation: &Expectation) -> Result<(), EngineError> {
    let fail = |msg: String| Err(EngineError::ExpectationFailed(msg));
    match expectation {
        Expectation::Ok => match engine.last_result() {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => fail(format!("the last command failed: {} ({})", e, e.code())),
            None => fail("no command has run yet".into()),
        },
        Expectation::Error(code) => match engine.last_result() {
            Some(Err(e)) if e.code().as_str().eq_ignore_ascii_case(code) => Ok(()),
            Some(Err(e)) => fail(format!("expected error {code}, got {} ({e})", e.code())),
            Some(Ok(())) => fail(format!(
                "expected error {code}, but the last command succeeded"
            )),
            None => fail("no command has run yet".into()),
        },
        Expectation::DsFault { fault, switch } => {
            let on = engine.ds().snapshot().await?.faults.contains(fault);
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
            let views: Vec<(String, GroupView)> = engine
                .clients()
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
            let tree = engine.tree_members(first);
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
            let counts = engine.ds().counts(owner).await?;
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
            let c = engine.client(client)?;
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
                            KeyPackageRef::from(&entry.kp_ref).short(),
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
