//! Every action declared once; the key map of docs/tui.md, requests, quitting, flashes, zoom, completion and more.

use crate::harness::*;

#[test]
fn every_action_is_declared_once_and_no_key_is_bound_twice() {
    let mut seen = Vec::new();
    for spec in ACTIONS {
        assert!(
            !seen.contains(&spec.action),
            "{:?} declared twice",
            spec.action
        );
        seen.push(spec.action);
        for key in spec.keys {
            let event = KeyEvent::new(
                key.code,
                if key.ctrl {
                    KeyModifiers::CONTROL
                } else {
                    KeyModifiers::NONE
                },
            );
            assert_eq!(
                Action::for_key(&event),
                Some(spec.action),
                "{}",
                key.label()
            );
        }
    }
    for required in [
        Action::Generate,
        Action::GenerateLastResort,
        Action::Publish,
        Action::Claim,
        Action::CreateGroup,
        Action::AddMember,
        Action::DeliverAndJoin,
        Action::SelfUpdate,
        Action::RotateLastResort,
    ] {
        assert!(required.spec().is_some(), "{required:?} has no key");
    }
}

#[test]
fn the_documented_key_map_is_the_declared_one() {
    let page =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/tui.md")).unwrap();
    let map = app::action::key_map_markdown();
    assert!(
        page.contains(&map),
        "docs/tui.md's key map is out of date; it should read:\n{map}"
    );
}

#[test]
fn requests_are_built_by_the_one_parser() {
    let error = App::run_request("x", &["bob generate", "bob frobnicate"])
        .unwrap_err()
        .to_string();
    let parser = mls_lab::command::parse_line("bob frobnicate")
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("bob frobnicate: "), "{error}");
    assert!(error.ends_with(&parser), "{error} vs {parser}");
    match App::run_request("x", &["# a comment", "bob generate"]).unwrap() {
        Request::Run { lines, .. } => assert_eq!(lines.len(), 1),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ctrl_c_and_q_quit() {
    let mut lab = lab();
    lab.press_with(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(lab.app.should_quit());
    let mut lab = lab_with(Settings::default(), "alice");
    lab.press(KeyCode::Char(':'));
    lab.press(KeyCode::Char('q'));
    assert!(!lab.app.should_quit(), "q types into the prompt");
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char('q'));
    assert!(lab.app.should_quit());
}

#[test]
fn inspecting_an_unknown_welcome_is_a_clear_message() {
    let mut lab = lab();
    let effects = vec![Effect::Send(Request::InspectWelcome { seq: 1 })];
    settle(&mut lab.app, &mut lab.worker, effects);
    match &lab.app.inspection() {
        Some(Inspection::Unavailable(why)) => assert!(why.contains("#1"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn new_items_flash_until_the_flash_is_over() {
    let mut lab = lab();
    lab.run(&["bob generate"]);
    let fresh = lab.client("bob").key_packages[0].kp_ref.clone();
    assert_ne!(lab.app.followed(), Some(&fresh));
    let flash_bg = Theme::of(ThemeName::Dark).flash.bg;
    lab.select_client("bob");
    lab.press(KeyCode::Esc);
    let buffer = lab.buffer(100, 30);
    assert!(cells_with(&buffer, &short(&fresh), |c| Some(c.bg) == flash_bg) >= 1);
    let later = lab.app.now() + Duration::from_secs(5);
    lab.app.update(Msg::Tick(later));
    let buffer = lab.buffer(100, 30);
    assert_eq!(
        cells_with(&buffer, &short(&fresh), |c| Some(c.bg) == flash_bg),
        0
    );
}

#[test]
fn zoom_gives_the_focused_panel_the_whole_screen() {
    let mut lab = lab();
    lab.app.set_focus(Panel::Timeline);
    lab.press(KeyCode::Char('z'));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Timeline"), "{screen}");
    assert!(!screen.contains("Clients ("), "{screen}");
    lab.press(KeyCode::Esc);
    assert!(!lab.app.zoomed());
}

#[test]
fn a_long_prompt_line_scrolls_to_keep_the_cursor_visible() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    let long = format!("bob publish --raw {}", "ab".repeat(60));
    lab.type_text(&long);
    let screen = lab.screen(80, 24);
    let prompt_line = screen.lines().nth(22).unwrap();
    assert!(prompt_line.ends_with("abab"), "{prompt_line}");
    assert!(!prompt_line.contains("publish"), "{prompt_line}");
    lab.press(KeyCode::Home);
    let screen = lab.screen(80, 24);
    assert!(screen
        .lines()
        .nth(22)
        .unwrap()
        .starts_with(":bob publish --raw"));
    // Bad bytes are refused by the DS with a clear message; nothing is stored.
    lab.press(KeyCode::Enter);
    let toast = lab.app.toasts().last().expect("toast");
    assert!(
        toast.is_error() && toast.text.contains("publish --raw"),
        "{}",
        toast.text
    );
    assert!(lab.app.view().ds.clients["bob"].normal.is_empty());
}

#[test]
fn tab_completes_names_verbs_and_options_from_the_parser() {
    let mut lab = lab();
    lab.run(&["alice create-group team"]);
    lab.press(KeyCode::Char(':'));
    lab.type_text("b");
    lab.press(KeyCode::Tab);
    assert_eq!(lab.app.prompt().unwrap().input(), "bob ");
    lab.type_text("ge");
    lab.press(KeyCode::Tab);
    assert_eq!(lab.app.prompt().unwrap().input(), "bob generate ");
    lab.type_text("--l");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt().unwrap().input(),
        "bob generate --l",
        "--lifetime and --last-resort share '--l'"
    );
    let completions = lab.app.prompt().unwrap().completions().to_vec();
    assert_eq!(completions, ["--last-resort", "--lifetime"]);
    let screen = lab.screen(100, 30);
    assert!(screen.contains("Tab: --last-resort --lifetime"), "{screen}");
    lab.type_text("a");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt().unwrap().input(),
        "bob generate --last-resort "
    );
    lab.press(KeyCode::Enter);
    assert!(lab.client("bob").key_packages[0].last_resort);

    // Group names complete after `--to`.
    lab.press(KeyCode::Char(':'));
    lab.type_text("alice add bob --to t");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt().unwrap().input(),
        "alice add bob --to team "
    );
}
