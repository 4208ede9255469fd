//! On stage: every shipped lesson, every step. Each step's subject is its main
//! protocol event, picked on the timeline, explained in the why pane and
//! followed; arriving at a step forward, back or by `:step N` gives the same
//! screen cell for cell; in `present` the subject's row is on screen at 80×24
//! and 100×30.

use crate::harness::*;
use mls_lab::command::scenario::find;
use mls_lab::engine::{Event, EventKind, Randomness};

/// The lessons a speaker is shipped.
pub const LESSONS: [&str; 6] = [
    "onboarding",
    "one-time-use",
    "last-resort",
    "last-resort-trap",
    "default",
    "generate-many",
];

/// A shipped lesson as the TUI starts it (`--step`, or `present`): seeded, the
/// lesson loaded, no start clients (every shipped lesson makes its own).
pub fn shipped(name: &str, presenting: bool, speed: Duration) -> Lab {
    let scenario = find(name).expect("a shipped scenario");
    let randomness = Randomness::Seeded(7);
    let mut worker = Worker::spawn_with(randomness).expect("engine thread");
    let mut app = App::new(
        Settings {
            speed,
            theme: if presenting {
                ThemeName::HighContrast
            } else {
                ThemeName::Dark
            },
            ..Settings::default()
        },
        Instant::now(),
    );
    app.set_randomness(randomness);
    app.update(Msg::Resize(100, 30));
    app.load_lesson(app::lesson_from(&scenario.label(), scenario.source).expect("parses"));
    if presenting {
        app.present();
    }
    settle(&mut app, &mut worker, Vec::new());
    Lab { app, worker }
}

/// The steps of the lesson loaded.
pub fn step_count(lab: &Lab) -> usize {
    lab.app.lesson().map_or(0, |l| l.steps().len())
}

/// The event a step is about, by its sequence number.
fn event(lab: &Lab, seq: u64) -> Event {
    lab.app.events()[seq as usize - 1].clone()
}

#[test]
fn each_step_picks_explains_and_follows_its_subject() {
    for name in LESSONS {
        let mut lab = shipped(name, false, Duration::ZERO);
        for number in 1..=step_count(&lab) {
            lab.press(KeyCode::Char(' '));
            let step = lab
                .app
                .lesson()
                .and_then(|l| l.current())
                .map(|(_, s)| s.clone());
            let step = step.expect("a step ran");
            let Some(seq) = lab.app.lesson().and_then(|l| l.subject_for(number - 1)) else {
                panic!("{name} step {number} ({}) has no subject", step.line.text);
            };
            let (_, seq) = seq;
            let subject = event(&lab, seq);
            let kind = subject.kind.name();
            assert!(
                !kind.starts_with("expect_") && subject.actor != "lab",
                "{name} step {number}: {kind} by {}",
                subject.actor
            );
            assert_eq!(lab.app.timeline_picked(), Some(seq), "{name} step {number}");
            let why = lab.app.why().expect("the why pane explains the subject");
            assert!(
                why.subject.starts_with(&format!("#{seq} {kind}")),
                "{name} step {number}: why {} for subject #{seq} {kind}",
                why.subject
            );
            // The followed reference is the one the subject carries; a
            // Welcome's is its joiner's.
            let carried = match &subject.kind {
                EventKind::WelcomeSent {
                    new_member_refs, ..
                } => new_member_refs.first().cloned(),
                _ => subject.kp_ref().cloned(),
            };
            if let Some(carried) = carried {
                assert_eq!(
                    lab.app.followed(),
                    Some(&carried),
                    "{name} step {number} ({kind})"
                );
            }
            // A failing command's subject is its failure.
            let failed = lab.app.events()[..]
                .iter()
                .rev()
                .take_while(|e| e.seq >= seq)
                .any(|e| {
                    e.outcome == mls_lab::engine::Outcome::Error
                        && !e.kind.name().starts_with("expect_")
                });
            if failed {
                assert_eq!(
                    subject.outcome,
                    mls_lab::engine::Outcome::Error,
                    "{name} step {number}: the failure is the subject"
                );
            }
        }
    }
}

#[test]
fn the_add_step_follows_the_joiners_reference_so_new_member_lights_up() {
    let mut lab = shipped("onboarding", false, Duration::ZERO);
    for _ in 0..5 {
        lab.press(KeyCode::Char(' '));
    }
    let caption = lab.app.caption().expect("a caption");
    assert_eq!(caption.line, "alice add bob --to team");
    let why = lab.app.why().expect("explained");
    assert!(why.subject.contains("welcome_sent"), "{why:?}");
    let bob = lab.client("bob").key_packages[0].kp_ref.clone();
    assert_eq!(lab.app.followed(), Some(&bob));
    let Some(Inspection::Welcome(welcome)) = lab.app.inspection() else {
        panic!(
            "the inspector shows the Welcome: {:?}",
            lab.app.inspection()
        );
    };
    assert_eq!(welcome.secrets[0].new_member, bob);
    // new_member is drawn in the followed colour in the inspector.
    let theme = Theme::of(lab.app.theme());
    let buffer = lab.buffer(100, 30);
    let lit = cells_with(&buffer, &short(&bob), |c| Some(c.bg) == theme.follow.bg);
    assert!(lit >= 2, "{lit}\n{}", text(&buffer));
}

/// Forward to every step, then back one at a time, and jumping with `:step N`
/// back and forward: each arrival draws what the straight run drew, cell for
/// cell, at once (nothing travels), and no toast of another step remains.
#[test]
fn back_and_jumps_arrive_at_the_screen_of_the_straight_run() {
    for name in LESSONS {
        // Messages take their usual time to travel: going back must not replay them.
        let mut lab = shipped(name, false, Duration::from_millis(400));
        let steps = step_count(&lab);
        let mut straight = vec![settled(&mut lab)];
        for _ in 0..steps {
            lab.press(KeyCode::Char(' '));
            straight.push(settled(&mut lab));
        }
        for number in (0..steps).rev() {
            lab.press(KeyCode::Backspace);
            assert_arrived(&mut lab, &straight[number], name, number, "back");
            jump(&mut lab, number + 1);
            assert_arrived(
                &mut lab,
                &straight[number + 1],
                name,
                number + 1,
                ":step forward",
            );
            jump(&mut lab, number);
            assert_arrived(&mut lab, &straight[number], name, number, ":step back");
        }
    }
}

/// `:step N` typed at the prompt.
fn jump(lab: &mut Lab, number: usize) {
    lab.press(KeyCode::Char(':'));
    lab.type_text(&format!("step {number}"));
    lab.press(KeyCode::Enter);
}

/// The screen at 100×30 once every message has landed and every flash is
/// over (a toast would still show).
fn settled(lab: &mut Lab) -> Buffer {
    let mut now = lab.app.now();
    while lab.app.flight().is_some() {
        now += app::FRAME;
        lab.app.update(Msg::Tick(now));
    }
    lab.app
        .update(Msg::Tick(now + app::FLASH + Duration::from_millis(100)));
    lab.app.update(Msg::Resize(100, 30));
    lab.buffer(100, 30)
}

fn assert_arrived(lab: &mut Lab, expected: &Buffer, name: &str, number: usize, how: &str) {
    assert_eq!(
        lab.app.flight(),
        None,
        "{name} step {number} ({how}): nothing travels again"
    );
    assert_eq!(
        lab.app.visible_events(),
        lab.app.timeline_events().count(),
        "{name} step {number} ({how}): every row drawn at once"
    );
    let now = lab.app.now();
    lab.app
        .update(Msg::Tick(now + app::FLASH + Duration::from_millis(100)));
    lab.app.update(Msg::Resize(100, 30));
    let arrived = lab.buffer(100, 30);
    if arrived != *expected {
        let diff: Vec<(u16, u16)> = (0..30)
            .flat_map(|y| (0..100).map(move |x| (x, y)))
            .filter(|&(x, y)| arrived[(x, y)] != expected[(x, y)])
            .take(5)
            .collect();
        panic!(
            "{name} step {number} ({how}): the screen differs at {diff:?} (cell {:?} vs {:?})\n\
             arrived:\n{}\nstraight run:\n{}",
            diff.first().map(|&p| &arrived[p]),
            diff.first().map(|&p| &expected[p]),
            text(&arrived),
            text(expected)
        );
    }
}

/// The rows of the timeline panel on a screen of `width`×`height`.
fn timeline_rows(lab: &mut Lab, width: u16, height: u16) -> Vec<String> {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Timeline)
        .expect("the timeline is on screen");
    let buffer = lab.buffer(width, height);
    (area.y + 1..area.bottom() - 1)
        .map(|y| {
            (area.x + 1..area.right() - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect()
        })
        .collect()
}

#[test]
fn presenting_every_steps_subject_row_is_on_screen_and_checks_are_marks() {
    for name in LESSONS {
        let mut lab = shipped(name, true, Duration::ZERO);
        for number in 1..=step_count(&lab) {
            lab.press(KeyCode::Char(' '));
            let caption = lab.app.caption().expect("a caption");
            let checks = lab
                .app
                .lesson()
                .and_then(|l| l.current())
                .map_or(0, |(_, s)| s.checks.len());
            assert_eq!(caption.checks.chars().count(), checks, "{name} {number}");
            assert!(
                !caption.checks.contains('✗'),
                "{name} {number}: {caption:?}"
            );
            let Some((_, seq)) = lab.app.lesson().and_then(|l| l.subject_for(number - 1)) else {
                continue;
            };
            for (width, height) in [(80, 24), (100, 30)] {
                let rows = timeline_rows(&mut lab, width, height);
                let row = format!("{seq:>4} ");
                assert!(
                    rows.iter().any(|r| r.starts_with(&row)),
                    "{name} step {number} at {width}x{height}: subject #{seq} not on screen\n{}",
                    rows.join("\n")
                );
                assert!(
                    rows.iter().all(|r| !r.contains("expect")),
                    "{name} step {number}: checks are marks, not rows\n{}",
                    rows.join("\n")
                );
                let screen = lab.screen(width, height);
                assert!(
                    screen.contains(&format!("> {}", caption.line)) || caption.line.is_empty(),
                    "{screen}"
                );
            }
        }
        // e brings the rows back.
        lab.press(KeyCode::Char('e'));
        let rows = timeline_rows(&mut lab, 100, 30);
        let all = lab.app.timeline_events().count();
        assert_eq!(all, lab.app.events().len(), "{name}: every event has a row");
        let _ = rows;
    }
}

fn words(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '│' || c == '┃')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_title_card_comes_before_step_one_named_as_the_room_knows_the_lesson() {
    for presenting in [false, true] {
        let mut lab = shipped("onboarding", presenting, Duration::ZERO);
        let scenario = find("onboarding").expect("shipped");
        let caption = lab.app.caption().expect("the title card");
        assert!(caption.is_title(), "{caption:?}");
        assert_eq!(caption.step, "onboarding");
        assert_eq!(caption.comment, scenario.title());
        let intro = caption.said.clone().expect("the introduction");
        assert!(
            intro.starts_with("Every line runs real OpenMLS code"),
            "{intro}"
        );
        for (width, height) in [(80, 24), (100, 30)] {
            let screen = lab.screen(width, height);
            let text = words(&screen);
            assert!(text.contains(&words(scenario.title())), "{screen}");
            assert!(text.contains(&words(&intro)), "{screen}");
            assert!(text.contains("runs step 1"), "{screen}");
            assert!(!screen.contains("assets/scenarios"), "{screen}");
        }
        // Step 1 has its own caption, without the title glued on.
        lab.press(KeyCode::Char(' '));
        let caption = lab.app.caption().expect("step 1");
        assert_eq!(caption.step, "step 1/7");
        assert!(
            caption.comment.starts_with("alice and bob are clients"),
            "{caption:?}"
        );
        assert!(
            !caption.comment.contains("Onboarding basics"),
            "{caption:?}"
        );
    }
}

#[test]
fn a_toast_never_covers_the_caption() {
    let mut lab = shipped("one-time-use", false, Duration::ZERO);
    lab.press(KeyCode::Char(' '));
    lab.press(KeyCode::Char(' '));
    let caption = lab.app.caption().expect("a caption");
    // A line typed by hand while the caption shows: its feedback is a toast.
    lab.press(KeyCode::Char(':'));
    lab.type_text("alice generate");
    lab.press(KeyCode::Enter);
    assert!(!lab.app.toasts().is_empty());
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = lab.screen(width, height);
        let text = words(&screen);
        assert!(text.contains(&words(&caption.comment)), "{screen}");
        assert!(text.contains("alice generate: done"), "{screen}");
    }
    // Going on shows the next step's caption, with no toast of the step before.
    lab.press(KeyCode::Char(' '));
    assert!(lab.app.toasts().is_empty(), "{:?}", lab.app.toasts());
}
