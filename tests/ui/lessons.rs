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
