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
