//! The rules the state machine test checks after every line, against the
//! engine's own views and its event log.

use mls_lab::command::CommandError;
use mls_lab::domain::KeyPackageRef;
use std::collections::{BTreeMap, BTreeSet};

use mls_lab::engine::{Engine, EngineError, EventKind, LabView, Lifecycle};

/// Rule 4: a failure names a code the lab documents (or an OpenMLS error passed
/// through by name), with a message, and never means the DS task died.
pub fn typed(line: &str, error: &CommandError) {
    let code = error.code();
    assert_ne!(code, "DsUnavailable", "'{line}' lost the DS: {error}");
    assert!(
        !code.as_str().is_empty() && !error.to_string().is_empty(),
        "'{line}'"
    );
    assert!(
        EngineError::CODES.contains(&code.as_str())
            || matches!(error, CommandError::Engine(EngineError::Mls { .. })),
        "'{line}' failed with an undocumented code {code}: {error}"
    );
}

/// References used by a Welcome at their owner: joined through, or named by a
/// Welcome the owner processed (OpenMLS deletes a normal bundle then even if the
/// join fails).
fn used_references(engine: &Engine) -> BTreeMap<String, BTreeSet<KeyPackageRef>> {
    let mut used: BTreeMap<String, BTreeSet<KeyPackageRef>> = BTreeMap::new();
    for event in engine.events() {
        let kp_ref = match &event.kind {
            EventKind::GroupJoined { kp_ref, .. } => Some(kp_ref),
            EventKind::JoinFailed { kp_ref, .. } => kp_ref.as_ref(),
            _ => None,
        };
        if let Some(kp_ref) = kp_ref {
            used.entry(event.actor.clone())
                .or_default()
                .insert(kp_ref.clone());
        }
    }
    used
}

/// What the event log says about each reference: its lifetime, whether it was
/// published and claimed; and each owner's hand-outs.
#[derive(Default)]
struct Log {
    lifetimes: BTreeMap<KeyPackageRef, (u64, u64)>,
    published: BTreeSet<KeyPackageRef>,
    claimed: BTreeSet<KeyPackageRef>,
    claims: BTreeMap<String, u64>,
}

impl Log {
    fn read(engine: &Engine) -> Self {
        let mut log = Log::default();
        for event in engine.events() {
            match &event.kind {
                EventKind::KeyPackageGenerated {
                    kp_ref,
                    not_before,
                    not_after,
                    ..
                } => {
                    log.lifetimes
                        .insert(kp_ref.clone(), (*not_before, *not_after));
                }
                EventKind::KeyPackagePublished { kp_ref, .. } => {
                    log.published.insert(kp_ref.clone());
                }
                EventKind::KeyPackageClaimed { kp_ref, owner, .. } => {
                    log.claimed.insert(kp_ref.clone());
                    *log.claims.entry(owner.clone()).or_default() += 1;
                }
                _ => {}
            }
        }
        log
    }

    /// Whether the DS should still offer this normal package at `now`.
    fn offered(&self, kp_ref: &KeyPackageRef, now: u64) -> bool {
        let valid = self
            .lifetimes
            .get(kp_ref)
            .is_some_and(|(not_before, not_after)| *not_before <= now && now < *not_after);
        valid && self.published.contains(kp_ref) && !self.claimed.contains(kp_ref)
    }
}

/// `directory_faulty`: a fault that changes what the DS offers is on, so the
/// offered packages are not compared with the owners' views (everything else is).
/// Returns the view the rules were checked on.
pub async fn check(engine: &Engine, directory_faulty: bool) -> LabView {
    // Rule 1.
    let mut joined_normal = BTreeSet::new();
    for event in engine.events() {
        if let EventKind::GroupJoined {
            kp_ref,
            last_resort: false,
            group,
            ..
        } = &event.kind
        {
            assert!(
                joined_normal.insert(kp_ref.clone()),
                "{} joined {group} through normal package {kp_ref} a second time",
                event.actor
            );
        }
    }

    let view = engine.view().await.expect("the DS answers");
    let used = used_references(engine);
    let log = Log::read(engine);
    let no_refs = BTreeSet::new();
    for client in &view.clients {
        let used_here = used.get(&client.name).unwrap_or(&no_refs);
        // Rule 2 (an external client's private bundles are with its own stack).
        let simulated = client.external.is_none();
        for row in client.key_packages.iter().filter(|_| simulated) {
            let expected = match &row.state {
                Lifecycle::BundleDeleted => false,
                Lifecycle::Generated
                | Lifecycle::Published
                | Lifecycle::Claimed { .. }
                | Lifecycle::UsedToJoin { .. }
                | Lifecycle::RetainedLastResort { .. }
                | Lifecycle::Expired
                | Lifecycle::NotYetValid
                | Lifecycle::Rejected { .. }
                | Lifecycle::RotatedOut => row.last_resort || !used_here.contains(&row.kp_ref),
            };
            assert_eq!(
                row.bundle_present, expected,
                "{}'s package {} ({}, last resort: {}): bundle present {}",
                client.name, row.kp_ref, row.state, row.last_resort, row.bundle_present
            );
        }
        // Rule 3.
        let directory = view.ds.clients.get(&client.name);
        let offered: BTreeSet<KeyPackageRef> = directory
            .map(|d| {
                d.normal
                    .iter()
                    .filter(|e| e.valid_at(view.now))
                    .map(|e| e.kp_ref.clone())
                    .collect()
            })
            .unwrap_or_default();
        // A bundle deleted on purpose hides the package's DS state from its owner
        // (the lab does not tell the DS): the log says whether it is still offered.
        let published: BTreeSet<KeyPackageRef> = client
            .key_packages
            .iter()
            .filter(|r| {
                !r.last_resort
                    && match &r.state {
                        Lifecycle::Published => true,
                        // So does a package used for a Welcome from outside
                        // (another stack had it without a claim at this DS).
                        Lifecycle::BundleDeleted | Lifecycle::UsedToJoin { .. } => {
                            log.offered(&r.kp_ref, view.now)
                        }
                        _ => false,
                    }
            })
            .map(|r| r.kp_ref.clone())
            .collect();
        if !directory_faulty {
            assert_eq!(
                offered, published,
                "{}'s normal packages at the DS",
                client.name
            );
        }
        for entry in directory.map(|d| d.last_resort.as_slice()).unwrap_or(&[]) {
            let listed = &entry.kp_ref;
            let row = client.key_packages.iter().find(|r| r.kp_ref == *listed);
            assert!(
                row.is_some_and(|r| r.last_resort && r.state != Lifecycle::RotatedOut),
                "the DS lists {listed} as {}'s last-resort package",
                client.name
            );
        }
        let claimed_in_log = log.claims.get(&client.name).copied().unwrap_or(0);
        assert_eq!(
            directory.map_or(0, |d| d.claims),
            claimed_in_log,
            "{}'s hand-outs at the DS against the log",
            client.name
        );
    }
    view
}
