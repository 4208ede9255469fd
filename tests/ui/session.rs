//! Saving a session: it replays headless to the same state.

use std::io::sink;

use mls_lab::runner::{run, Format::Transcript, Script};

use crate::harness::*;

#[test]
fn a_saved_session_replays_headless_to_the_same_state() {
    let mut lab = lab();
    lab.select_client("bob");
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('G'));
    lab.press(KeyCode::Char('p'));
    lab.select_client("alice");
    lab.press(KeyCode::Char('n'));
    lab.type_text("team");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('a'));
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('d'));
    // A failure on the way: carol has nothing to claim.
    lab.run(&["alice claim carol"]);
    lab.run(&["expect bob member-of team"]);

    let effects = lab.app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::NONE,
    )));
    let [Effect::SaveSession { contents }] = effects.as_slice() else {
        panic!("w saves: {effects:?}");
    };
    let (lines, final_state) = contents
        .split_once("# The state this session ended in")
        .expect("the final state is written");
    let scenario: Vec<&str> = lines
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    for check in [
        "expect bob inventory 2",
        "expect bob member-of team",
        "expect bob epoch team 1",
        "expect ds bob last-resort present",
        "expect ds bob claims 1",
    ] {
        assert!(final_state.contains(check), "{check} in\n{final_state}");
    }
    assert_eq!(
        scenario,
        [
            "clients alice bob carol dave",
            "bob generate",
            "bob generate --last-resort",
            "bob publish --all",
            "alice create-group team",
            "alice add bob --to team",
            "deliver",
            "alice claim carol",
            "expect error NoKeyPackageAvailable",
            "expect bob member-of team",
        ]
    );
    assert!(contents.contains("# Transcript"));
    assert!(contents.contains("group_joined"));

    // Replayed on a fresh engine, headless, every expectation holds.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut engine = mls_lab::engine::Engine::new();
        let outcome = run(
            &mut engine,
            Script::whole("session", contents),
            Transcript,
            sink(),
        )
        .await;
        let report = outcome.report().expect("the saved session parses");
        assert!(report.passed(), "{:?}", report.failures);
        let bob = engine.client("bob").unwrap();
        assert_eq!(bob.inventory().len(), 2);
        assert!(bob.group_view("team").is_some());

        // A replay that does not reach the same state fails: here one key
        // package fewer.
        let changed = contents.replacen("bob generate\n", "", 1);
        let mut engine = mls_lab::engine::Engine::new();
        let outcome = run(
            &mut engine,
            Script::whole("session", changed),
            Transcript,
            sink(),
        )
        .await;
        let report = outcome.report().expect("parses");
        assert!(!report.passed(), "a different state must not pass");
    });
}

#[test]
fn suite_2_reaches_every_key_that_takes_a_suite() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::ZERO,
            theme: ThemeName::Dark,
            suite: 2,
            ..Settings::default()
        },
        "alice bob",
    );
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("alice").key_packages[0].suite, 2);
    lab.press(KeyCode::Char('n'));
    let prompt = lab.app.prompt().cloned().unwrap();
    assert_eq!(prompt.input(), "alice create-group  --suite 2");
    assert_eq!(prompt.cursor(), "alice create-group ".len());
    lab.type_text("p256");
    lab.press(KeyCode::Enter);
    lab.select_client("bob");
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('p'));
    lab.select_client("alice");
    lab.press(KeyCode::Char('c'));
    assert_eq!(lab.app.prompt().unwrap().input(), "alice claim  --suite 2");
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    assert!(
        lab.app.toasts().iter().all(|t| !t.is_error()),
        "{:?}",
        lab.app.toasts()
    );
    lab.press(KeyCode::Char('a'));
    lab.type_text("bob");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char('d'));
    let group = lab
        .app
        .view()
        .groups
        .iter()
        .find(|g| g.name == "p256")
        .expect("group");
    assert_eq!(group.members.len(), 2);
    assert!(group.in_sync());
    assert!(
        lab.app.toasts().iter().all(|t| !t.is_error()),
        "{:?}",
        lab.app.toasts()
    );
}

#[test]
fn the_inspector_scrolls_within_its_lines() {
    let mut lab = lab();
    lab.press(KeyCode::Char('g'));
    lab.app.set_focus(Panel::Inspector);
    for _ in 0..200 {
        lab.press(KeyCode::Down);
    }
    let len = lab.app.inspector_len();
    assert!(len > 10, "{len}");
    // Down stops at the last page: its last row at the bottom, nothing after it.
    let (_, height) = lab.app.inspector_size();
    assert_eq!(lab.app.inspector_scroll(), len - height);
    lab.press(KeyCode::Up);
    assert_eq!(lab.app.inspector_scroll(), len - height - 1);
    lab.press(KeyCode::Home);
    assert_eq!(lab.app.inspector_scroll(), 0);
}

#[test]
fn following_from_the_timeline_shows_the_owners_storage() {
    let mut lab = lab();
    lab.run(&["carol generate 3", "carol publish --all"]);
    assert_eq!(lab.app.actor(), Some("alice"));
    lab.app.set_focus(Panel::Timeline);
    // The newest event: carol's third upload.
    lab.press(KeyCode::End);
    lab.press(KeyCode::Up);
    lab.press(KeyCode::Down);
    let third = lab.client("carol").key_packages[2].kp_ref.clone();
    assert_eq!(lab.app.followed(), Some(&third));
    assert_eq!(lab.app.actor(), Some("carol"));
    assert_eq!(lab.app.cursor(Panel::KeyPackages), 2);
    // Highlighted in carol's inventory and her DS directory, as well as the timeline.
    let buffer = lab.buffer(160, 48);
    let follow_bg = Theme::of(ThemeName::Dark).follow.bg;
    let places = cells_with(&buffer, &short(&third), |c| Some(c.bg) == follow_bg);
    assert!(places >= 4, "{places}\n{}", text(&buffer));
}

#[test]
fn client_keys_without_clients_say_how_to_make_one_and_change_nothing() {
    let mut app = App::new(Settings::default(), Instant::now());
    for key in ['g', 'G', 'p', 'c', 'n', 'a', 'u', 'r'] {
        let effects = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(key),
            KeyModifiers::NONE,
        )));
        assert!(effects.is_empty(), "{key}: {effects:?}");
        assert!(app.prompt().is_none(), "{key}");
        let toast = app.toasts().last().expect("toast");
        assert!(
            toast.is_error() && toast.text.contains(":clients NAME"),
            "{}",
            toast.text
        );
    }
    assert!(app.session().is_empty());
}
