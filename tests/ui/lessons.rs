//! Lessons: one step per Space with its comment as the caption.

use crate::harness::*;

#[test]
fn a_lesson_runs_one_step_per_space_with_its_comment_as_caption() {
    let mut lab = lab();
    let lesson = app::lesson_from(
        "lesson",
        "# bob makes a package\nbob generate\n# and uploads it\nbob publish --all\n",
    )
    .unwrap();
    lab.app.load_lesson(lesson);
    assert!(lab.app.hint().unwrap().contains("2 steps"));
    lab.press(KeyCode::Char(' '));
    assert_eq!(
        lab.app.caption(),
        Some("[1/2] bob makes a package · bob generate")
    );
    assert_eq!(lab.client("bob").key_packages.len(), 1);
    assert_eq!(lab.client("bob").published, 0);
    assert_eq!(lab.app.actor(), Some("bob"), "the step's actor is shown");
    lab.press(KeyCode::Char(' '));
    assert_eq!(
        lab.app.caption(),
        Some("[2/2] and uploads it · bob publish --all")
    );
    assert_eq!(lab.client("bob").published, 1);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("and uploads it"), "{screen}");
    lab.press(KeyCode::Char(' '));
    assert!(lab.app.toasts().last().unwrap().text.contains("over"));
}

#[test]
fn the_default_scenario_loads_as_a_lesson() {
    let lesson = app::lesson_from("default", mls_lab::runner::DEFAULT_SCENARIO).expect("parses");
    assert!(lesson.steps.len() > 20);
    assert!(lesson.steps.iter().all(|(caption, _)| !caption.is_empty()));
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
    let caption = lab.app.caption().expect("a caption").to_string();
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
        assert!(screen.contains("team 2 invited joining"), "{screen}");
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
