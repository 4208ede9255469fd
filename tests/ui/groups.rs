//! The groups panel at talk sizes (80×24 and 100×30): each group line keeps
//! its member count and state, and when members disagree each member row shows
//! its own epoch authenticator (RFC 9420 §8.7), the value `expect in-sync`
//! compares.

use crate::harness::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (100, 30)];

/// alice, bob (joined through his last-resort package, so his row carries the
/// `LR` and `update!` flags) and carol, all at epoch 1 of `team`.
fn three_in_team() -> Lab {
    let mut lab = lab();
    lab.run(&[
        "bob generate --last-resort",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
        "deliver",
        "expect in-sync team",
    ]);
    lab
}

fn group_line(screen: &str) -> String {
    screen
        .lines()
        .find(|line| line.contains("│team "))
        .unwrap_or_default()
        .to_string()
}

/// The row of `member` in the groups panel (the left column of the screen).
fn member_row(screen: &str, member: &str) -> String {
    screen
        .lines()
        .skip_while(|line| !line.contains("│team "))
        .find(|line| line.starts_with(&format!("│ {member} ")))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_group_in_sync_shows_its_member_count_epoch_and_state() {
    let mut lab = three_in_team();
    for (width, height) in SIZES {
        let screen = lab.screen(width, height);
        let line = group_line(&screen);
        for shown in ["3 members", "in sync"] {
            assert!(line.contains(shown), "{width}x{height}: {shown} in {line}");
        }
        assert!(
            line.contains("epoch 1") || line.contains("e1"),
            "{width}x{height}: {line}"
        );
        assert!(!line.contains('…'), "{width}x{height}: {line}");
    }
}

#[test]
fn while_a_welcome_waits_the_line_counts_members_and_the_invited() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "carol generate",
        "bob publish --all",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ]);
    for (width, height) in SIZES {
        let screen = lab.screen(width, height);
        let line = group_line(&screen);
        for shown in ["1 member", "2 invited"] {
            assert!(line.contains(shown), "{width}x{height}: {shown} in {line}");
        }
        assert!(!line.contains("in sync"), "{width}x{height}: {line}");
    }
}

#[test]
fn when_members_disagree_each_row_shows_its_epoch_authenticator() {
    let mut lab = three_in_team();
    // alice moves to epoch 2; bob and carol have not fetched the Commit.
    lab.run(&["alice self-update team"]);
    let team = lab
        .app
        .view()
        .groups
        .iter()
        .find(|group| group.name == "team")
        .expect("team")
        .clone();
    assert!(!team.members_agree());
    let authenticator = |member: &str| {
        team.members
            .iter()
            .find(|m| m.client == member)
            .map(|m| m.epoch_authenticator[..8].to_string())
            .expect("member")
    };
    assert_ne!(authenticator("alice"), authenticator("bob"));
    assert_eq!(authenticator("bob"), authenticator("carol"));
    for (width, height) in SIZES {
        let screen = lab.screen(width, height);
        let line = group_line(&screen);
        for shown in ["3 members", "out of sync"] {
            assert!(line.contains(shown), "{width}x{height}: {shown} in {line}");
        }
        for (member, epoch) in [("alice", "e2"), ("bob", "e1"), ("carol", "e1")] {
            let row = member_row(&screen, member);
            assert!(row.contains(epoch), "{width}x{height}: {epoch} in {row}");
            assert!(
                row.contains(&authenticator(member)),
                "{width}x{height}: {member}'s authenticator in {row}\n{screen}"
            );
        }
        assert!(!screen.contains('…'), "{width}x{height}:\n{screen}");
    }
}
