//! A Delivery Service that misbehaves on purpose (`ds fault NAME on|off`), through
//! the engine's API with real OpenMLS: each fault's consequence at the clients,
//! the event that says what the DS did, the check that caught it, and that
//! turning the fault off restores the normal rules.

mod support;
use support::{fails, lab, run};

use mls_lab::command::{parse_line, Command, DsAction, Switch};
use mls_lab::domain::Fault;
use mls_lab::engine::{Engine, EventKind, Outcome};

/// The `ds_fault_acted` events of `fault` since event `from` (0-based index).
fn acts(engine: &Engine, fault: Fault, from: usize) -> Vec<(String, String)> {
    engine.events()[from..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DsFaultActed {
                fault: f,
                did,
                caught_by,
                ..
            } if f == fault.name() => Some((did.clone(), caught_by.clone())),
            _ => None,
        })
        .collect()
}

/// The references `claimer` was handed, in order.
fn claimed_by(engine: &Engine, claimer: &str) -> Vec<mls_lab::domain::KeyPackageRef> {
    engine
        .events()
        .iter()
        .filter(|e| e.actor == claimer)
        .filter_map(|e| match &e.kind {
            EventKind::KeyPackageClaimed { kp_ref, .. } => Some(kp_ref.clone()),
            _ => None,
        })
        .collect()
}

/// The claimer's refusal of what the DS handed out, if any: (error code).
fn refused(engine: &Engine, from: usize) -> Vec<String> {
    engine.events()[from..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::KeyPackageRefused { error, .. } => {
                assert_eq!(e.outcome, Outcome::Error);
                Some(error.to_string())
            }
            _ => None,
        })
        .collect()
}

async fn available(engine: &Engine, owner: &str) -> u64 {
    engine.ds().counts(owner).await.unwrap().available
}

#[tokio::test]
async fn double_handout_gives_two_adders_one_package_and_the_second_welcome_is_an_orphan() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate 3",
        "bob publish --all",
        "alice create-group team",
        "carol create-group club",
        "ds fault double-handout on",
        "alice claim bob",
        "carol claim bob",
    ])
    .await;
    let (alices, carols) = (claimed_by(&engine, "alice"), claimed_by(&engine, "carol"));
    assert_eq!(alices, carols, "both were handed the same package");
    let said = acts(&engine, Fault::DoubleHandout, 0);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].1.contains("NoMatchingKeyPackage"), "{said:?}");
    run(&mut engine, "alice add bob --to team").await;
    run(&mut engine, "carol add bob --to club").await;
    let error = fails(&mut engine, "bob join").await;
    assert_eq!(error.code(), "NoMatchingKeyPackage");
    run(&mut engine, "expect bob member-of team").await;
    run(&mut engine, "expect bob not-member-of club").await;
    // Off: the kept package is withdrawn and hand-outs are one-time again.
    assert_eq!(
        available(&engine, "bob").await,
        3,
        "the fault kept it listed"
    );
    run(&mut engine, "ds fault double-handout off").await;
    assert_eq!(available(&engine, "bob").await, 2);
    run(&mut engine, "alice claim bob").await;
    run(&mut engine, "carol claim bob").await;
    let (alices, carols) = (claimed_by(&engine, "alice"), claimed_by(&engine, "carol"));
    assert_ne!(alices.last(), carols.last());
    assert!(!alices[..1].contains(alices.last().unwrap()));
    let snapshot = engine.ds_snapshot().await.unwrap();
    assert!(snapshot.faults.is_empty());
    assert_eq!(snapshot.fault_hits.get(&Fault::DoubleHandout), Some(&1));
}

#[tokio::test]
async fn tamper_handout_is_caught_by_the_claimers_signature_check() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob publish --all",
        "ds fault tamper-handout on",
    ])
    .await;
    let before = engine.events().len();
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "BadSignature");
    assert_eq!(refused(&engine, before), ["BadSignature"]);
    assert_eq!(acts(&engine, Fault::TamperHandout, before).len(), 1);
    assert_eq!(
        available(&engine, "bob").await,
        1,
        "handed out all the same"
    );
    run(&mut engine, "ds fault tamper-handout off").await;
    let before = engine.events().len();
    run(&mut engine, "alice claim bob").await;
    assert!(refused(&engine, before).is_empty());
    assert!(acts(&engine, Fault::TamperHandout, before).is_empty());
}

#[tokio::test]
async fn serve_expired_is_caught_by_the_claimers_lifetime_check() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate --lifetime 1h",
        "bob publish --all",
        "ds fault serve-expired on",
        "clock +2h",
    ])
    .await;
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "Expired");
    assert_eq!(refused(&engine, 0), ["Expired"]);
    assert_eq!(acts(&engine, Fault::ServeExpired, 0).len(), 1);
    // Without the fault the DS purges an expired package and hands out nothing.
    let mut honest = lab(&[
        "clients alice bob",
        "bob generate --lifetime 1h",
        "bob publish --all",
        "bob generate --lifetime 1h",
        "bob publish @2",
        "clock +2h",
    ])
    .await;
    let error = fails(&mut honest, "alice claim bob").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    // Off: what the fault kept is purged at once.
    run(&mut engine, "bob generate --lifetime 1h").await;
    run(&mut engine, "bob publish @2").await;
    let before = engine.events().len();
    run(&mut engine, "clock +2h").await;
    assert!(engine.events()[before..]
        .iter()
        .all(|e| !matches!(e.kind, EventKind::KeyPackageExpired { .. })));
    run(&mut engine, "ds fault serve-expired off").await;
    assert!(engine.events()[before..]
        .iter()
        .any(|e| matches!(e.kind, EventKind::KeyPackageExpired { .. })));
}

#[tokio::test]
async fn drop_welcome_leaves_the_joiner_unaware_and_nothing_catches_it() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob publish --all",
        "alice create-group team",
        "ds fault drop-welcome on",
        "alice add bob --to team",
    ])
    .await;
    let said = acts(&engine, Fault::DropWelcome, 0);
    assert_eq!(said.len(), 1);
    assert!(said[0].1.starts_with("nothing"), "{said:?}");
    assert_eq!(engine.ds().peek("bob").await.unwrap().len(), 0);
    assert_eq!(
        fails(&mut engine, "bob join").await.code(),
        "NoPendingWelcome"
    );
    run(&mut engine, "expect bob not-member-of team").await;
    run(&mut engine, "ds fault drop-welcome off").await;
    run(&mut engine, "alice create-group club").await;
    run(&mut engine, "alice add bob --to club").await;
    run(&mut engine, "bob join").await;
    run(&mut engine, "expect bob member-of club").await;
}

#[tokio::test]
async fn duplicate_welcome_fails_at_the_second_copy() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "ds fault duplicate-welcome on",
        "alice add bob --to team",
    ])
    .await;
    let inbox = engine.ds().peek("bob").await.unwrap();
    assert_eq!(inbox.len(), 2);
    assert_eq!(inbox[0].bytes, inbox[1].bytes);
    assert!(!inbox[0].misbehaving && inbox[1].misbehaving);
    assert_eq!(
        fails(&mut engine, "bob join").await.code(),
        "NoMatchingKeyPackage"
    );
    run(&mut engine, "expect bob member-of team").await;
    run(&mut engine, "ds fault duplicate-welcome off").await;
    run(&mut engine, "expect ds fault duplicate-welcome off").await;
    // Off: the next Welcome arrives once and joins cleanly.
    run(&mut engine, "clients carol").await;
    run(&mut engine, "carol generate").await;
    run(&mut engine, "carol publish --all").await;
    run(&mut engine, "alice add carol --to team").await;
    assert_eq!(engine.ds().peek("carol").await.unwrap().len(), 1);
    run(&mut engine, "carol join").await;
}

#[tokio::test]
async fn hold_welcome_holds_until_release_and_off_releases_too() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "ds fault hold-welcome on",
        "alice add bob --to team",
    ])
    .await;
    assert_eq!(engine.ds_snapshot().await.unwrap().held, 1);
    assert_eq!(
        fails(&mut engine, "bob join").await.code(),
        "NoPendingWelcome"
    );
    run(&mut engine, "ds release").await;
    assert_eq!(engine.ds_snapshot().await.unwrap().held, 0);
    run(&mut engine, "bob join").await;
    run(&mut engine, "expect bob member-of team").await;
    assert_eq!(fails(&mut engine, "ds release").await.code(), "NothingHeld");
    // Off with a Welcome held: it goes out, and the event says to whom.
    run(&mut engine, "alice add carol --to team").await;
    run(&mut engine, "ds fault hold-welcome off").await;
    let released = engine.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::DsFaultSet { released, .. } => Some(released.clone()),
        _ => None,
    });
    assert_eq!(released, Some(vec!["carol".to_string()]));
    run(&mut engine, "deliver").await;
    run(&mut engine, "expect in-sync team").await;
}

#[tokio::test]
async fn reorder_commits_makes_a_member_refuse_the_later_epoch_and_fall_behind() {
    let mut engine = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "ds fault reorder-commits on",
        "alice add carol --to team",
        "alice self-update team",
    ])
    .await;
    // The later Commit arrives first, as sent; the earlier one after it,
    // marked as the misbehaving DS's doing.
    let inbox = engine.ds().peek("bob").await.unwrap();
    let marks: Vec<bool> = inbox.iter().map(|d| d.misbehaving).collect();
    assert_eq!(marks, [false, true]);
    let error = fails(&mut engine, "bob sync").await;
    assert_eq!(error.code(), "ValidationError");
    run(&mut engine, "expect bob epoch team 2").await;
    run(&mut engine, "expect alice epoch team 3").await;
    assert_eq!(acts(&engine, Fault::ReorderCommits, 0).len(), 2);
    // Off with a Commit held: it goes out at once, and later Commits keep order.
    run(&mut engine, "carol join").await;
    run(&mut engine, "carol sync").await;
    run(&mut engine, "expect carol epoch team 3").await;
    run(&mut engine, "alice self-update team").await;
    assert_eq!(engine.ds_snapshot().await.unwrap().held, 1);
    run(&mut engine, "ds fault reorder-commits off").await;
    assert_eq!(engine.ds_snapshot().await.unwrap().held, 0);
    run(&mut engine, "alice self-update team").await;
    let inbox = engine.ds().peek("carol").await.unwrap();
    assert_eq!(inbox.len(), 2, "the held Commit, then the next");
    run(&mut engine, "carol sync").await;
    run(&mut engine, "expect carol epoch team 5").await;
    // Without the fault the same steps keep everyone in sync.
    let mut honest = lab(&[
        "clients alice bob carol",
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
        "alice add carol --to team",
        "alice self-update team",
        "deliver",
        "expect in-sync team",
    ])
    .await;
    run(&mut honest, "expect bob epoch team 3").await;
}

#[tokio::test]
async fn bare_framing_is_caught_by_the_claimers_decoder() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 2",
        "bob publish --all --mls-message",
        "ds fault bare-framing on",
    ])
    .await;
    let error = fails(&mut engine, "alice claim bob").await;
    assert_eq!(error.code(), "Malformed");
    assert_eq!(refused(&engine, 0), ["Malformed"]);
    let bytes = engine.events().iter().find_map(|e| match &e.kind {
        EventKind::KeyPackageClaimed { bytes, .. } => Some(*bytes),
        _ => None,
    });
    let stored = engine.client("bob").unwrap().inventory()[0].bytes;
    assert_eq!(bytes, Some(stored + 4), "the 4-byte MLSMessage header");
    run(&mut engine, "ds fault bare-framing off").await;
    run(&mut engine, "alice claim bob").await;
    // The reverse: asked for an MLSMessage, the DS hands out the bare encoding.
    run(&mut engine, "bob generate 2").await;
    run(&mut engine, "bob publish --all").await;
    run(&mut engine, "alice claim bob --mls-message").await;
    run(&mut engine, "ds fault bare-framing on").await;
    let before = engine.events().len();
    let error = fails(&mut engine, "alice claim bob --mls-message").await;
    assert_eq!(error.code(), "Malformed");
    assert_eq!(refused(&engine, before), ["Malformed"]);
    let said = acts(&engine, Fault::BareFraming, before);
    assert!(
        said[0].0.contains("bare, without the MLSMessage header"),
        "{said:?}"
    );
}

#[tokio::test]
async fn forget_last_resort_makes_the_owner_unreachable() {
    let lines = [
        "clients alice bob carol",
        "bob generate --last-resort",
        "bob publish --all",
        "alice create-group team",
        "carol create-group club",
    ];
    let mut engine = lab(&lines).await;
    run(&mut engine, "ds fault forget-last-resort on").await;
    run(&mut engine, "alice add bob --to team").await;
    run(&mut engine, "bob join").await;
    run(&mut engine, "expect ds bob last-resort absent").await;
    let error = fails(&mut engine, "carol add bob --to club").await;
    assert_eq!(error.code(), "NoKeyPackageAvailable");
    assert!(acts(&engine, Fault::ForgetLastResort, 0)[0]
        .1
        .contains("NoKeyPackageAvailable"));
    // Off: a new last-resort package is kept after its hand-out again.
    run(&mut engine, "ds fault forget-last-resort off").await;
    run(&mut engine, "bob rotate-last-resort").await;
    run(&mut engine, "carol add bob --to club").await;
    run(&mut engine, "expect ds bob last-resort present").await;
    // Without the fault the last-resort package is handed out again.
    let mut honest = lab(&lines).await;
    run(&mut honest, "alice add bob --to team").await;
    run(&mut honest, "carol add bob --to club").await;
    run(&mut honest, "expect ds bob reuses 1").await;
}

#[tokio::test]
async fn bad_toggles_and_names_are_typed_errors_that_change_nothing() {
    let mut engine = lab(&["clients alice bob", "ds fault drop-welcome on"]).await;
    let events = engine.events().len();
    let snapshot = engine.ds_snapshot().await.unwrap();
    assert_eq!(snapshot.faults, [Fault::DropWelcome]);
    let error = fails(&mut engine, "ds fault drop-welcome on").await;
    assert_eq!(error.code(), "FaultUnchanged");
    assert_eq!(
        fails(&mut engine, "ds fault hold-welcome off").await.code(),
        "FaultUnchanged"
    );
    for bad in [
        "ds fault drop-welcom on",
        "ds fault DROP-WELCOME on",
        "ds fault drop-welcome maybe",
        "ds fault drop-welcome",
        "ds fault -- -x on",
        "ds fault 'drop\u{1b}[2J' on",
        "ds release now",
        "expect ds fault drop-welcome sideways",
    ] {
        let error = fails(&mut engine, bad).await;
        assert_eq!(error.code(), "Usage", "{bad}");
        assert!(!error.to_string().contains('\u{1b}'), "{bad}: {error}");
    }
    assert_eq!(fails(&mut engine, "ds release").await.code(), "NothingHeld");
    assert_eq!(engine.ds_snapshot().await.unwrap(), snapshot);
    // Every failure left one failure event and no ds_fault_set.
    assert!(engine.events()[events..]
        .iter()
        .all(|e| !matches!(e.kind, EventKind::DsFaultSet { .. })));
    let error = fails(&mut engine, "expect ds fault drop-welcome off").await;
    assert_eq!(error.code(), "ExpectationFailed");
}

/// What a state machine over commands needs: every fault toggles through a
/// command line, and the snapshot says which are on.
#[tokio::test]
async fn every_fault_toggles_by_command_line_and_shows_in_the_snapshot() {
    let mut engine = lab(&["clients alice"]).await;
    for (i, fault) in Fault::ALL.iter().enumerate() {
        let line = format!("ds fault {fault} on");
        assert_eq!(
            parse_line(&line).unwrap(),
            Some(Command::Ds(DsAction::Fault {
                fault: *fault,
                switch: Switch::On
            }))
        );
        run(&mut engine, &line).await;
        assert_eq!(engine.ds_snapshot().await.unwrap().faults, Fault::ALL[..=i]);
    }
    for fault in Fault::ALL {
        run(&mut engine, &format!("ds fault {fault} off")).await;
    }
    assert!(engine.active_faults().await.unwrap().is_empty());
}
