//! Keys and the `:` prompt: every lab key acts as the selected client through the scenario syntax.

use crate::harness::*;

#[test]
fn generate_and_publish_keys_act_on_the_selected_client() {
    let mut lab = lab();
    lab.press(KeyCode::Char('g'));
    lab.press(KeyCode::Char('G'));
    assert_eq!(lab.client("alice").key_packages.len(), 2);
    assert!(lab.client("alice").key_packages[1].last_resort);
    assert!(lab.app.hint().is_none(), "the hint goes once the user acts");
    lab.press(KeyCode::Char('p'));
    let dir = &lab.app.view().ds.clients["alice"];
    assert_eq!(dir.normal.len(), 1);
    assert!(!dir.last_resort.is_empty());
    lab.press(KeyCode::Right);
    assert_eq!(lab.app.actor(), Some("bob"));
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("bob").key_packages.len(), 1);
    assert_eq!(lab.client("alice").key_packages.len(), 2);
}

#[test]
fn keys_that_need_an_argument_prefill_the_prompt_with_the_scenario_syntax() {
    let mut lab = lab();
    lab.press(KeyCode::Char('c'));
    assert_eq!(lab.app.prompt().unwrap().input(), "alice claim ");
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char('n'));
    assert_eq!(lab.app.prompt().unwrap().input(), "alice create-group ");
    lab.type_text("team");
    lab.press(KeyCode::Enter);
    assert!(lab.app.prompt().is_none());
    assert_eq!(lab.app.view().groups.len(), 1);
    // `a` knows alice's group and leaves the cursor where the member goes.
    lab.press(KeyCode::Char('a'));
    let prompt = lab.app.prompt().cloned().unwrap();
    assert_eq!(prompt.input(), "alice add  --to team");
    assert_eq!(prompt.cursor(), "alice add ".len());
}

#[test]
fn the_prompt_runs_lines_keeps_history_and_refuses_bad_lines_inline() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate 2");
    lab.press(KeyCode::Enter);
    assert_eq!(lab.client("bob").key_packages.len(), 2);
    assert_eq!(lab.app.history(), ["bob generate 2"]);
    assert_eq!(
        lab.app.actor(),
        Some("bob"),
        "the typed line's actor is shown"
    );

    let events_before = lab.app.events().len();
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob frobnicate");
    lab.press(KeyCode::Enter);
    let prompt = lab
        .app
        .prompt()
        .cloned()
        .expect("a bad line keeps the prompt open");
    let error = prompt.error().map(str::to_string).expect("inline error");
    assert!(error.contains("frobnicate"), "{error}");
    assert_eq!(lab.app.events().len(), events_before, "nothing ran");
    let screen = lab.screen(80, 24);
    assert!(screen.contains("✗"), "{screen}");
    insta::assert_snapshot!("prompt_error", lab.masked(&screen));

    // History: Up recalls the last good line.
    lab.press_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    lab.press(KeyCode::Up);
    assert_eq!(lab.app.prompt().unwrap().input(), "bob generate 2");
    lab.press(KeyCode::Enter);
    assert_eq!(lab.client("bob").key_packages.len(), 4);
}

#[test]
fn a_protocol_failure_is_a_toast_and_a_timeline_entry() {
    let mut lab = lab();
    lab.run(&["alice claim dave"]);
    let toast = lab.app.toasts().last().expect("toast");
    assert!(toast.is_error());
    assert!(toast.text.contains("alice claim dave"), "{}", toast.text);
    let failed = lab
        .app
        .events()
        .iter()
        .any(|e| e.outcome == mls_lab::engine::Outcome::Error);
    assert!(failed);
    let screen = lab.screen(100, 30);
    assert!(screen.contains("✗ claim dave"), "{screen}");
    // Still alive: the next action works.
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.client("alice").key_packages.len(), 1);
}

// ---------------------------------------------------------------- focus model

#[test]
fn left_and_right_change_the_acting_client_whatever_has_focus_and_tab_never_does() {
    let mut lab = lab();
    lab.run(&["alice generate", "bob generate", "carol generate"]);
    for panel in [
        Panel::Clients,
        Panel::KeyPackages,
        Panel::Ds,
        Panel::Groups,
        Panel::Timeline,
        Panel::Inspector,
    ] {
        lab.app.set_focus(panel);
        lab.select_client("alice");
        lab.press(KeyCode::Right);
        assert_eq!(lab.app.actor(), Some("bob"), "→ with {panel:?} focused");
        lab.press(KeyCode::Left);
        assert_eq!(lab.app.actor(), Some("alice"), "← with {panel:?} focused");
    }
    lab.select_client("carol");
    for _ in 0..12 {
        lab.press(KeyCode::Tab);
        assert_eq!(
            lab.app.actor(),
            Some("carol"),
            "Tab to {:?}",
            lab.app.focus()
        );
    }
    for _ in 0..6 {
        lab.press(KeyCode::BackTab);
        assert_eq!(lab.app.actor(), Some("carol"));
    }
}

#[test]
fn the_inspector_never_stays_on_another_clients_package() {
    let mut lab = lab();
    lab.run(&["bob generate", "carol generate"]);
    lab.select_client("bob");
    lab.app.set_focus(Panel::KeyPackages);
    lab.press(KeyCode::Home);
    let owner = |lab: &Lab| match lab.app.inspection() {
        Some(Inspection::KeyPackage(d)) => Some(d.owner.clone()),
        _ => None,
    };
    assert_eq!(owner(&lab).as_deref(), Some("bob"));
    lab.press(KeyCode::Right);
    assert_eq!(owner(&lab).as_deref(), Some("carol"));
    // dave has nothing: the inspector empties instead of showing carol's.
    lab.press(KeyCode::Right);
    assert_eq!(lab.app.actor(), Some("dave"));
    assert_eq!(lab.app.inspection(), None);
    assert_eq!(lab.app.followed(), None);
    // A typed line acting as bob moves the inspector to bob's package.
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate");
    lab.press(KeyCode::Enter);
    assert_eq!(owner(&lab).as_deref(), Some("bob"));
}

#[test]
fn help_verb_shows_its_usage_and_help_alone_opens_the_vocabulary() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    lab.type_text("help claim");
    lab.press(KeyCode::Enter);
    assert!(lab.app.prompt().is_none());
    let toast = lab.app.toasts().last().expect("usage shown");
    assert!(toast.text.contains("NAME claim OWNER"), "{}", toast.text);
    lab.press(KeyCode::Char(':'));
    lab.type_text("help frobnicate");
    lab.press(KeyCode::Enter);
    assert!(lab.app.prompt().and_then(|p| p.error()).is_some());
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char(':'));
    lab.type_text("help");
    lab.press(KeyCode::Enter);
    assert!(lab.app.show_help());
    // The overlay lists the whole vocabulary: page through it all.
    let mut seen = String::new();
    // A page at a time, with room to spare for a longer vocabulary.
    for _ in 0..16 {
        seen.push_str(&lab.screen(100, 30));
        lab.press(KeyCode::PageDown);
    }
    for word in [
        "NAME join",
        "NAME peek",
        "NAME sync",
        "clock",
        "expect in-sync",
        "expect error",
        "expect ds reuses",
        "NAME delete-bundle",
    ] {
        assert!(seen.contains(word), "{word} in the help overlay");
    }
}

#[test]
fn a_huge_paste_is_refused_with_a_message_and_runs_nothing() {
    let mut lab = lab();
    let events = lab.app.events().len();
    lab.app.update(Msg::Paste("x".repeat(100_000)));
    let prompt = lab
        .app
        .prompt()
        .cloned()
        .expect("the paste opens the prompt");
    assert_eq!(prompt.input(), "");
    assert!(prompt.error().is_some_and(|e| e.contains("4096")));
    lab.press(KeyCode::Enter);
    assert_eq!(lab.app.events().len(), events);
    // Typing stops at the limit too, with the same message.
    lab.app.update(Msg::Paste("y".repeat(4096)));
    lab.press(KeyCode::Char('z'));
    let prompt = lab.app.prompt().cloned().expect("open");
    assert_eq!(prompt.input().len(), 4096);
    assert!(prompt.error().is_some());
}

#[test]
fn tab_completion_knows_its_context() {
    let mut lab = lab();
    lab.run(&["alice create-group team", "bob generate"]);
    lab.press(KeyCode::Char(':'));
    lab.type_text("alice claim ");
    lab.press(KeyCode::Tab);
    let offered = lab
        .app
        .prompt()
        .map(|p| p.completions().to_vec())
        .unwrap_or_default();
    assert!(offered.contains(&"bob".to_string()), "{offered:?}");
    assert!(!offered.contains(&"alice".to_string()), "{offered:?}");
    lab.press_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    lab.type_text("alice add bob --to ");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt().map(|p| p.input()),
        Some("alice add bob --to team ")
    );
    lab.press_with(KeyCode::Char('u'), KeyModifiers::CONTROL);
    lab.type_text("expect ");
    lab.press(KeyCode::Tab);
    let offered = lab
        .app
        .prompt()
        .map(|p| p.completions().to_vec())
        .unwrap_or_default();
    for form in ["ok", "error", "in-sync", "ds"] {
        assert!(offered.contains(&form.to_string()), "{form} in {offered:?}");
    }
}

// ---------------------------------------------------------------- toasts

#[test]
fn a_failure_the_scenario_expected_is_shown_as_expected_not_as_a_red_failure() {
    let mut lab = lab();
    lab.run(&["alice claim dave", "expect error NoKeyPackageAvailable"]);
    let toast = lab.app.toasts().last().expect("a toast");
    assert_eq!(toast.kind, app::ToastKind::Expected, "{toast:?}");
    assert!(!toast.is_error());
    let screen = lab.screen(100, 30);
    assert!(
        screen.contains("✓ expected: alice claim dave: NoKeyPackageAvailable"),
        "{screen}"
    );
    // Without the expectation the same failure is an error.
    lab.run(&["alice claim dave"]);
    assert!(lab.app.toasts().last().expect("a toast").is_error());
}

#[test]
fn an_error_toast_is_replaced_when_the_next_command_succeeds() {
    let mut lab = lab();
    lab.run(&["alice claim dave"]);
    assert!(lab.app.toasts().iter().any(|t| t.is_error()));
    lab.press(KeyCode::Char('g'));
    assert!(
        lab.app.toasts().iter().all(|t| !t.is_error()),
        "{:?}",
        lab.app.toasts()
    );
    let message = lab.app.message().map(|m| m.text().to_string());
    assert!(
        message
            .as_deref()
            .is_none_or(|m| !m.contains("NoKeyPackageAvailable")),
        "{message:?}"
    );
}

#[test]
fn a_successful_prompt_line_gives_short_feedback() {
    let mut lab = lab();
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate");
    lab.press(KeyCode::Enter);
    let toast = lab.app.toasts().last().expect("feedback");
    assert_eq!(toast.kind, app::ToastKind::Done);
    assert_eq!(toast.text, "bob generate: done");
    assert!(lab.screen(100, 30).contains("✓ bob generate: done"));
    // A key's action shows on screen by itself: no toast for it.
    lab.press(KeyCode::Char('g'));
    assert_eq!(lab.app.toasts().len(), 1, "{:?}", lab.app.toasts());
}
