//! Following a reference through every panel, the journey and the Welcome inspector.

use crate::harness::*;

#[test]
fn a_followed_reference_is_highlighted_in_every_panel_it_appears_in() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "alice add bob --to team",
    ]);
    lab.select_client("bob");
    lab.app.set_focus(Panel::KeyPackages);
    lab.press(KeyCode::Home);
    let bob_ref = lab.client("bob").key_packages[0].kp_ref.clone();
    assert_eq!(lab.app.followed(), Some(&bob_ref));
    match &lab.app.inspection() {
        Some(Inspection::KeyPackage(d)) => {
            assert_eq!(d.kp_ref, bob_ref);
            assert_eq!(d.owner, "bob");
            assert_eq!(d.suite, 1);
            assert!(d.credential.contains("bob"));
            assert!(d.capabilities.iter().any(|(n, _)| n == "extensions"));
        }
        other => panic!("inspector shows {other:?}"),
    }
    let theme = Theme::of(ThemeName::Dark);
    let follow_bg = theme.follow.bg;
    lab.app.update(Msg::Resize(160, 48));
    let buffer = lab.buffer(160, 48);
    let highlighted = cells_with(&buffer, &short(&bob_ref), |c| Some(c.bg) == follow_bg);
    // Inventory row, header, timeline (publish, claim, Welcome), inspector.
    assert!(
        highlighted >= 5,
        "{highlighted} highlighted places\n{}",
        text(&buffer)
    );

    // The Welcome's new_member is the same reference; joining deletes the bundle.
    lab.run(&["deliver"]);
    let row = &lab.client("bob").key_packages[0];
    assert!(!row.bundle_present);
    assert_eq!(
        row.state,
        Lifecycle::UsedToJoin {
            group: "team".into()
        }
    );
    // The inspector tells the reference's journey, from generation to deletion.
    let kinds: Vec<&str> = lab
        .app
        .journey()
        .iter()
        .map(|seq| lab.app.events()[*seq as usize - 1].kind.name())
        .collect();
    assert_eq!(
        kinds,
        [
            "key_package_generated",
            "key_package_published",
            "key_package_claimed",
            "welcome_sent",
            "welcome_delivered",
            "group_joined",
            "private_bundle_deleted"
        ]
    );
    let screen = lab.screen(160, 48);
    assert!(screen.contains("journey (7 events)"), "{screen}");
    assert!(screen.contains("DS → alice"), "claimed by alice\n{screen}");
    let welcome = lab
        .app
        .events()
        .iter()
        .position(|e| e.kind.name() == "welcome_sent")
        .unwrap();
    lab.app.set_focus(Panel::Timeline);
    lab.press(KeyCode::Home);
    for _ in 0..welcome {
        lab.press(KeyCode::Down);
    }
    match &lab.app.inspection() {
        Some(Inspection::Welcome(d)) => {
            assert_eq!(d.group, "team");
            assert_eq!(d.secrets.len(), 1);
            assert_eq!(d.secrets[0].new_member, bob_ref);
            assert_eq!(d.secrets[0].owner.as_deref(), Some("bob"));
            assert_eq!(d.secrets[0].matched_by.as_deref(), Some("bob"));
        }
        other => panic!("inspector shows {other:?}"),
    }
    let screen = lab.screen(160, 48);
    assert!(screen.contains("matched by bob"), "{screen}");
    insta::assert_snapshot!("welcome_inspector_160x48", lab.masked(&screen));
}

/// The rows the inspector draws, zoomed on a tall screen: up to its last
/// non-blank row.
fn rendered_inspector_lines(lab: &mut Lab) -> usize {
    let (width, height) = (160, 100);
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Inspector)
        .expect("the inspector");
    let buffer = lab.buffer(width, height);
    let inner = (area.y + 1..area.bottom() - 1).map(|y| {
        (area.x + 1..area.right() - 1)
            .map(|x| buffer[(x, y)].symbol())
            .collect::<String>()
    });
    let rows: Vec<String> = inner.collect();
    assert!(
        rows.last().is_some_and(|r| r.trim().is_empty()),
        "the inspector fills the zoomed screen: the count is not checked"
    );
    rows.iter()
        .rposition(|r| !r.trim().is_empty())
        .map_or(0, |last| last + 1)
}

/// Zooms on the inspector, compares, and zooms back out.
fn assert_counts_agree(lab: &mut Lab, what: &str) {
    let focus = lab.app.focus();
    lab.app.set_focus(Panel::Inspector);
    lab.app.update(Msg::Action(Action::Zoom));
    assert!(lab.app.zoomed());
    assert_eq!(
        lab.app.inspector_len(),
        rendered_inspector_lines(lab),
        "{what}: the app counts another number of inspector lines than are drawn"
    );
    lab.app.update(Msg::Action(Action::Zoom));
    lab.app.set_focus(focus);
}

#[test]
fn the_app_counts_as_many_inspector_lines_as_are_drawn() {
    let mut lab = lab();
    assert_counts_agree(&mut lab, "nothing selected");
    lab.run(&[
        "bob generate 2",
        "bob generate --last-resort",
        "bob publish --all",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ]);
    // A key package with its journey.
    lab.select_client("bob");
    lab.app.set_focus(Panel::KeyPackages);
    lab.press(KeyCode::Home);
    assert!(lab.app.shows_journey());
    assert_counts_agree(&mut lab, "a key package with its journey");
    // The Welcome with its secrets[], one joined.
    lab.run(&["bob join"]);
    lab.app.set_focus(Panel::Timeline);
    let welcome = lab
        .app
        .events()
        .iter()
        .position(|e| e.kind.name() == "welcome_sent")
        .expect("a Welcome");
    lab.press(KeyCode::Home);
    for _ in 0..welcome {
        lab.press(KeyCode::Down);
    }
    match lab.app.inspection() {
        Some(Inspection::Welcome(d)) => assert_eq!(d.secrets.len(), 2),
        other => panic!("inspector shows {other:?}"),
    }
    assert_counts_agree(&mut lab, "a Welcome with two secrets");
    // A DS entry: bob's last-resort package, as the DS holds it.
    lab.select_client("bob");
    lab.app.set_focus(Panel::Ds);
    lab.press(KeyCode::End);
    assert!(
        matches!(lab.app.inspection(), Some(Inspection::KeyPackage(d)) if d.owner == "bob"),
        "{:?}",
        lab.app.inspection()
    );
    assert_counts_agree(&mut lab, "a DS entry");
}

#[test]
fn inspector_lines_wrap_instead_of_being_cut_at_80x24() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "carol generate",
        "carol publish --all",
        "alice create-group team",
        "alice add bob carol --to team",
    ]);
    lab.app.set_focus(Panel::Timeline);
    let welcome = lab
        .app
        .events()
        .iter()
        .position(|e| e.kind.name() == "welcome_sent")
        .expect("a Welcome");
    lab.press(KeyCode::Home);
    for _ in 0..welcome {
        lab.press(KeyCode::Down);
    }
    assert!(matches!(lab.app.inspection(), Some(Inspection::Welcome(_))));
    lab.app.set_focus(Panel::Inspector);
    let area = lab
        .app
        .areas(Rect::new(0, 0, 80, 24))
        .get(Panel::Inspector)
        .expect("the inspector");
    // Every line, scrolled into view one after the other.
    let mut seen = String::new();
    for _ in 0..lab.app.inspector_len() {
        let buffer = lab.buffer(80, 24);
        for y in area.y + 1..area.bottom() - 1 {
            let row: String = (area.x + 1..area.right() - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            seen.push_str(&row);
            seen.push(' ');
        }
        lab.press(KeyCode::Down);
    }
    let seen = seen.split_whitespace().collect::<Vec<_>>().join(" ");
    for owner in ["bob", "carol"] {
        let line = format!("of {owner} 152B not joined yet");
        assert!(seen.contains(&line), "{line} in {seen}");
    }
}
