//! Groups from outside the lab, joined through a Welcome from a file: each gets
//! one name that obeys the name rule and no other group has; the DS registers
//! the group at the join, so its Commits route; and a Welcome that reuses the
//! `GroupId` of a group the DS routes for others is refused.

mod rules_common;
mod support;

use std::path::Path;

use mls_lab::domain::{validate_name, NameKind};
use mls_lab::engine::Engine;
use rules_common::{Identity, SUITE_1};
use support::{fails, lab, run, seeded_lab};

/// zed, who plays another MLS stack with raw OpenMLS, adds `joiner`'s key
/// package `@index` (1-based) to a group of its own with this `GroupId` and
/// writes the Welcome to a file; returns the file's path.
fn foreign_welcome(
    engine: &Engine,
    joiner: &str,
    index: usize,
    group_id: &[u8],
    dir: &Path,
) -> String {
    let key_package = engine.client(joiner).expect("the joiner").inventory()[index - 1]
        .key_package
        .clone();
    let zed = Identity::new("zed");
    let mut group = zed.create_group_with_id(SUITE_1, group_id);
    let welcome = zed.add(&mut group, &[key_package]);
    let path = dir.join(format!("welcome-{index}"));
    std::fs::write(&path, welcome).expect("the Welcome is written");
    path.to_string_lossy().into_owned()
}

/// The error code of a line that must fail.
async fn refused(engine: &mut Engine, line: &str) -> String {
    fails(engine, line).await.code().to_string()
}

/// The names of `client`'s groups.
fn groups_of(engine: &Engine, client: &str) -> Vec<String> {
    engine
        .client(client)
        .unwrap()
        .groups()
        .keys()
        .cloned()
        .collect()
}

/// A foreign `GroupId` that is no valid name (`#x` reads as a comment, `-x` as
/// an option, the empty one and a 300-character one cannot be typed) or that is
/// a lab group's name gets a name of its own that obeys the rule, so that every
/// group can be addressed, and two groups never share a name.
#[tokio::test]
async fn foreign_groups_get_names_that_obey_the_rule_and_are_taken_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 5",
        "alice create-group team",
    ])
    .await;
    let long = vec![b'a'; 300];
    let ids: [&[u8]; 5] = [b"#x", b"-x", b"", &long, b"team"];
    for (i, id) in ids.iter().enumerate() {
        let file = foreign_welcome(&engine, "bob", i + 1, id, dir.path());
        run(&mut engine, &format!("bob join --welcome {file}")).await;
    }
    let names = groups_of(&engine, "bob");
    assert_eq!(names.len(), ids.len(), "{names:?}");
    for name in &names {
        assert!(validate_name(NameKind::Group, name).is_ok(), "{name:?}");
        assert_ne!(name, "team", "alice's team keeps its name");
        run(&mut engine, &format!("expect bob member-of {name}")).await;
    }
    run(&mut engine, "expect bob not-member-of team").await;
    run(&mut engine, "expect in-sync team").await;
    // A lab group cannot take a foreign group's name either.
    let taken = names
        .iter()
        .find(|n| n.starts_with("team"))
        .expect("team's twin");
    assert_eq!(
        refused(&mut engine, &format!("alice create-group {taken}")).await,
        "GroupNameTaken"
    );
}

/// The DS registers a group joined from a file, so the joiner's Commits route:
/// a self-update and an add succeed, and the added member joins the same group.
/// (They used to fail with `UnknownGroupId` after the epoch had moved, the added
/// member was listed and their key package consumed.)
#[tokio::test]
async fn a_group_joined_from_a_file_routes_its_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = lab(&[
        "clients bob carol",
        "bob generate 1",
        "carol generate 1",
        "carol publish --all",
    ])
    .await;
    let file = foreign_welcome(&engine, "bob", 1, b"side", dir.path());
    run(&mut engine, &format!("bob join --welcome {file}")).await;
    run(&mut engine, "expect bob epoch side 1").await;
    run(&mut engine, "bob self-update side").await;
    run(&mut engine, "expect bob epoch side 2").await;
    run(&mut engine, "bob add carol --to side").await;
    run(&mut engine, "carol join").await;
    run(&mut engine, "expect carol epoch side 3").await;
    run(&mut engine, "expect in-sync side").await;
    run(&mut engine, "carol self-update side").await;
    run(&mut engine, "bob sync").await;
    run(&mut engine, "expect in-sync side").await;
    let ds = engine.ds_snapshot().await.unwrap();
    let members: Vec<&String> = ds.groups["side"].iter().collect();
    assert_eq!(members, ["bob", "carol"]);
}

/// A Welcome that reuses the real `GroupId` of a lab group, made by someone
/// outside it, does not put its joiner in that group: the join is refused
/// (`GroupIdInUse`), the group's name stays its own, and the DS routes the
/// group's Commits to its members only.
#[tokio::test]
async fn a_forged_welcome_reusing_a_lab_groups_group_id_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = lab(&[
        "clients alice bob mallory",
        "bob generate 1",
        "bob publish --all",
        "mallory generate 1",
        "alice create-group team",
        "alice add bob --to team",
        "bob join",
    ])
    .await;
    let team = engine.client("alice").unwrap().group_id("team").unwrap();
    let file = foreign_welcome(&engine, "mallory", 1, &team, dir.path());
    let line = format!("mallory join --welcome {file}");
    assert_eq!(refused(&mut engine, &line).await, "GroupIdInUse");
    assert!(groups_of(&engine, "mallory").is_empty());
    run(&mut engine, "expect mallory not-member-of team").await;
    let ds = engine.ds_snapshot().await.unwrap();
    let members: Vec<&String> = ds.groups["team"].iter().collect();
    assert_eq!(members, ["alice", "bob"]);
    run(&mut engine, "alice self-update team").await;
    run(&mut engine, "bob sync").await;
    run(&mut engine, "expect in-sync team").await;
    assert_eq!(
        engine.ds_snapshot().await.unwrap().clients["mallory"].inbox,
        0
    );
}

/// A saved session replays: the lines typed in a lab with groups from outside
/// (their names made up by the lab: `ext-2378` for `#x`, `team-2` beside the
/// lab's `team`) run again, line by line, in a fresh lab with the same seed and
/// the same files, and every one succeeds. (A label that broke the name rule,
/// `#x` itself, read as a comment and the session stopped replaying.)
#[tokio::test]
async fn a_session_with_groups_from_outside_replays() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prelude = [
        "clients alice bob",
        "bob generate 2",
        "alice create-group team",
    ];
    let first = seeded_lab(7, &prelude).await;
    let hash_x = foreign_welcome(&first, "bob", 1, b"#x", dir.path());
    let team = foreign_welcome(&first, "bob", 2, b"team", dir.path());
    let session = [
        format!("bob join --welcome {hash_x}"),
        format!("bob join --welcome {team}"),
        "bob self-update ext-2378".to_string(),
        "bob self-update team-2".to_string(),
        "expect bob epoch ext-2378 2".to_string(),
        "expect bob epoch team-2 2".to_string(),
        "expect in-sync team".to_string(),
    ];
    for mut engine in [first, seeded_lab(7, &prelude).await] {
        for line in &session {
            run(&mut engine, line).await;
        }
    }
}
