//! Lessons: one step per Space with its comment as the caption.

use crate::harness::*;
use mls_lab::engine::Randomness;

/// The caption pane's text, its parts joined by spaces.
fn caption(lab: &Lab) -> String {
    lab.app
        .caption()
        .map(|c| c.parts().join(" "))
        .unwrap_or_default()
}

#[test]
fn a_lesson_runs_one_step_per_space_with_its_comment_as_caption() {
    let mut lab = lab();
    let lesson = app::lesson_from(
        "lesson",
        "# A lesson\n\n# bob makes a package\nbob generate\n# and uploads it\nbob publish --all\n",
    )
    .unwrap();
    lab.app.load_lesson(lesson);
    assert!(lab.app.hint().unwrap().contains("2 steps"));
    lab.press(KeyCode::Char(' '));
    assert_eq!(caption(&lab), "step 1/2 · bob generate bob makes a package");
    assert_eq!(lab.client("bob").key_packages.len(), 1);
    assert_eq!(lab.client("bob").published, 0);
    assert_eq!(lab.app.actor(), Some("bob"), "the step's actor is shown");
    lab.press(KeyCode::Char(' '));
    assert_eq!(caption(&lab), "step 2/2 · bob publish --all and uploads it");
    assert_eq!(lab.client("bob").published, 1);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("and uploads it"), "{screen}");
    lab.press(KeyCode::Char(' '));
    assert!(lab.app.toasts().last().unwrap().text.contains("over"));
}

#[test]
fn the_default_scenario_loads_as_a_lesson() {
    let lesson = app::lesson_from("default", mls_lab::runner::DEFAULT_SCENARIO).expect("parses");
    assert!(lesson.steps().len() > 20);
    assert!((0..lesson.steps().len()).all(|i| !lesson.caption_of(i).is_empty()));
    // `expect` lines run with the step they check.
    assert!(lesson.steps().iter().any(|step| !step.checks.is_empty()));
}

/// The default lesson stepped with Space until alice's first Welcome is sent.
fn default_lesson_after_first_welcome() -> Lab {
    let mut worker = Worker::spawn().expect("engine thread");
    let mut app = App::new(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        Instant::now(),
    );
    settle(&mut app, &mut worker, Vec::new());
    let lesson = app::lesson_from("default", mls_lab::runner::DEFAULT_SCENARIO).expect("parses");
    app.load_lesson(lesson);
    let mut lab = Lab { app, worker };
    for _ in 0..40 {
        lab.press(KeyCode::Char(' '));
        if lab
            .app
            .events()
            .iter()
            .any(|e| e.kind.name() == "welcome_sent")
        {
            return lab;
        }
    }
    panic!("no Welcome in the default lesson");
}

#[test]
fn nothing_important_is_cut_at_talk_sizes_after_the_first_welcome() {
    let mut lab = default_lesson_after_first_welcome();
    let caption = caption(&lab);
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        // The caption wraps instead of being cut.
        assert!(
            words(&screen).contains(&words(&caption)),
            "{caption}\n{screen}"
        );
        // Mail waits for bob and carol at the DS: visible without peek.
        assert_eq!(screen.matches("↓1").count(), 2, "{screen}");
        // The group shows who is invited, and does not claim to be in sync.
        assert!(screen.contains("team 1 member e1 2 invited"), "{screen}");
        assert_eq!(screen.matches("invited").count(), 3, "{screen}");
        // The essential keys stay on the status bar.
        let status = screen.lines().last().unwrap_or_default();
        for key in ["?  help", ":  command", "q  quit"] {
            assert!(status.contains(key), "{key} in {status}");
        }
        assert!(!screen.contains('…'), "something was cut:\n{screen}");
        insta::assert_snapshot!(
            format!("default_lesson_first_welcome_{width}x{height}"),
            lab.masked(&screen)
        );
    }
}

/// A lab started as the TUI starts a lesson: seeded, the lesson loaded, then
/// the start's clients (none when the scenario has its own `clients` line).
fn lesson_lab(source: &str, clients: Option<&str>) -> Lab {
    let randomness = Randomness::Seeded(9420);
    let mut worker = Worker::spawn_with(randomness).expect("engine thread");
    let mut app = App::new(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        Instant::now(),
    );
    app.set_randomness(randomness);
    app.update(Msg::Resize(100, 30));
    app.load_lesson(app::lesson_from("lesson", source).expect("parses"));
    let mut effects = Vec::new();
    if let Some(clients) = clients {
        let request = App::run_request("start", &[&format!("clients {clients}")]).unwrap();
        effects.push(app.track(request));
    }
    settle(&mut app, &mut worker, effects);
    Lab { app, worker }
}

/// Everything a step can change, without timings: the view and the event log.
fn state(lab: &Lab) -> String {
    let events: Vec<String> = lab
        .app
        .events()
        .iter()
        .map(|e| format!("{} {} {:?} {:?}", e.seq, e.actor, e.kind, e.outcome))
        .collect();
    format!("{:#?}\n{}", lab.app.view(), events.join("\n"))
}

fn steps(lab: &mut Lab, n: usize) {
    for _ in 0..n {
        lab.press(KeyCode::Char(' '));
    }
}

#[test]
fn back_then_forward_in_a_lesson_gives_the_state_of_the_straight_run() {
    let source = mls_lab::runner::DEFAULT_SCENARIO;
    let mut straight = lesson_lab(source, None);
    steps(&mut straight, 10);
    let after_ten = state(&straight);
    steps(&mut straight, 1);
    let after_eleven = state(&straight);
    assert_ne!(after_ten, after_eleven);

    let mut stepped = lesson_lab(source, None);
    steps(&mut stepped, 11);
    assert_eq!(state(&stepped), after_eleven, "the same seed, the same lab");
    // Back: exactly the state before step 11, references and all.
    stepped.press(KeyCode::Backspace);
    assert_eq!(stepped.app.lesson().map(|l| l.position()), Some(10));
    assert_eq!(state(&stepped), after_ten);
    assert!(
        caption(&stepped).starts_with("step 10/"),
        "{}",
        caption(&stepped)
    );
    // ← is back too, → and Space forward.
    stepped.press(KeyCode::Left);
    stepped.press(KeyCode::Right);
    stepped.press(KeyCode::Char(' '));
    assert_eq!(state(&stepped), after_eleven);
    // 0, twice: the start of the lesson, an empty lab (this scenario makes its
    // clients), its title card.
    stepped.press(KeyCode::Char('0'));
    assert_eq!(stepped.app.lesson().map(|l| l.position()), Some(11));
    stepped.press(KeyCode::Char('0'));
    assert_eq!(stepped.app.lesson().map(|l| l.position()), Some(0));
    assert!(stepped.app.view().clients.is_empty());
    assert!(stepped.app.events().is_empty());
    assert!(stepped.app.caption().is_some_and(|c| c.is_title()));
    // :step N jumps, forward and back.
    for (n, expected) in [(11, &after_eleven), (10, &after_ten)] {
        stepped.press(KeyCode::Char(':'));
        stepped.type_text(&format!("step {n}"));
        stepped.press(KeyCode::Enter);
        assert_eq!(&state(&stepped), expected, ":step {n}");
    }
}

#[test]
fn stepping_back_keeps_the_start_clients_and_drops_lines_run_by_hand() {
    let source = "# bob makes one\nbob generate\nexpect bob key-packages 1\n\
                  # and publishes it\nbob publish --all\nexpect ds bob available 1\n";
    let mut lab = lesson_lab(source, Some("alice bob"));
    steps(&mut lab, 1);
    let after_one = state(&lab);
    // Ad-libbing: bob makes another; the next step's expectation still holds,
    // the one after is checked by hand below.
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate");
    lab.press(KeyCode::Enter);
    steps(&mut lab, 1);
    assert_eq!(lab.app.view().ds.clients["bob"].normal.len(), 2);
    let note = lab.app.caption().and_then(|c| c.note).expect("a note");
    assert!(note.contains("expect ds bob available 1"), "{note}");
    assert!(note.contains("Backspace"), "{note}");
    // Once the failure's toast has gone, the caption pane says it.
    let later = lab.app.now() + app::TOAST + Duration::from_secs(1);
    lab.app.update(Msg::Tick(later));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("Backspace goes back"), "{screen}");
    // Back: the lab of step 1, without the line run by hand.
    lab.press(KeyCode::Backspace);
    assert_eq!(state(&lab), after_one);
    assert_eq!(lab.app.view().clients.len(), 2, "the start's clients stay");
    steps(&mut lab, 1);
    assert_eq!(lab.app.caption().and_then(|c| c.note), None);
    assert!(lab.app.toasts().iter().all(|t| !t.is_error()));
}

/// The failure is the step's subject, explained; its `expect error` holds: a ✓
/// on the step, no note, no toast.
#[test]
fn a_failure_a_lesson_step_expects_is_its_subject_and_its_check_holds() {
    let source =
        "# The lesson\n\n# nothing to claim\nalice claim bob\nexpect error NoKeyPackageAvailable\n";
    let mut lab = lesson_lab(source, Some("alice bob"));
    steps(&mut lab, 1);
    assert!(lab.app.toasts().is_empty(), "{:?}", lab.app.toasts());
    let caption = lab.app.caption().expect("a caption");
    assert_eq!(caption.note, None);
    assert_eq!(caption.checks, "✓");
    let why = lab.app.why().expect("the subject");
    assert!(
        why.subject.ends_with("claim_failed: NoKeyPackageAvailable"),
        "{why:?}"
    );
}

#[test]
fn the_caption_pane_shows_the_step_the_whole_comment_and_the_line() {
    let mut lab = default_lesson_after_first_welcome();
    let caption = lab.app.caption().expect("a caption");
    assert!(caption.step.starts_with("step 8/"), "{caption:?}");
    assert_eq!(caption.line, "alice add bob carol --to team");
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words(&screen).contains(&words(&caption.comment)),
            "{screen}"
        );
        assert!(screen.contains(&format!("{} · {}", caption.step, caption.line)));
    }
}

#[test]
fn a_say_step_is_a_caption_without_a_command() {
    let source =
        "# bob makes one\nbob generate\nsay \"Its private bundle is in bob's storage now.\"\n\
                  bob publish --all\n";
    let mut lab = lesson_lab(source, Some("alice bob"));
    steps(&mut lab, 2);
    let caption = lab.app.caption().expect("a caption");
    assert_eq!(caption.step, "step 2/3");
    assert_eq!(caption.line, "", "no command");
    assert_eq!(
        caption.said.as_deref(),
        Some("Its private bundle is in bob's storage now.")
    );
    assert_eq!(lab.client("bob").published, 0, "nothing ran");
    let screen = lab.screen(80, 24);
    assert!(screen.contains("step 2/3\n"), "{screen}");
    assert!(
        screen.contains("Its private bundle is in bob's storage now."),
        "{screen}"
    );
    steps(&mut lab, 1);
    assert_eq!(lab.client("bob").published, 1);
}

#[test]
fn an_error_toast_does_not_hide_a_failed_expectation_note() {
    let source = "# bob makes one\nbob generate\nexpect bob key-packages 2\n";
    let mut lab = lesson_lab(source, Some("alice bob"));
    steps(&mut lab, 1);
    // At once, before any toast would have gone.
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        assert!(screen.contains("did not hold"), "{screen}");
        assert!(screen.contains("Backspace goes back"), "{screen}");
    }
}

/// A failing check two steps in, with nothing run by hand, says only to go back:
/// the lesson's own steps are not lines run by hand.
#[test]
fn a_lessons_own_steps_are_not_lines_run_by_hand() {
    let source =
        "# bob makes one\nbob generate\n# and one more\nbob generate\nexpect bob key-packages 3\n";
    let mut lab = lesson_lab(source, Some("alice bob"));
    steps(&mut lab, 2);
    let note = lab.app.caption().and_then(|c| c.note).expect("a note");
    assert!(note.contains("did not hold"), "{note}");
    assert!(note.ends_with("Backspace goes back one step."), "{note}");
    assert!(!note.contains("by hand"), "{note}");
}

/// In a lesson the status bar offers the focused panel's own keys: the
/// inspector's hex view and zoom, which the clients panel does not have.
#[test]
fn a_lessons_status_bar_offers_the_focused_panels_keys() {
    let mut lab = lesson_lab("# make\nbob generate\n", Some("alice bob"));
    let status = |lab: &mut Lab| {
        let screen = lab.screen(160, 30);
        screen.lines().last().unwrap_or_default().to_string()
    };
    lab.app.set_focus(Panel::Inspector);
    let inspector = status(&mut lab);
    assert!(inspector.contains("x  hex"), "{inspector}");
    assert!(inspector.contains("z  zoom"), "{inspector}");
    lab.app.set_focus(Panel::Clients);
    let clients = status(&mut lab);
    assert!(!clients.contains("x  hex"), "{clients}");
}
