//! `mls-lab present`: the projector layout, the caption with the why pane.

use crate::harness::*;
use mls_lab::engine::Randomness;

fn words(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The lesson in `source` presented, seeded, at its start.
fn presenting(label: &str, source: &str) -> Lab {
    let randomness = Randomness::Seeded(7);
    let mut worker = Worker::spawn_with(randomness).expect("engine thread");
    let mut app = App::new(
        Settings {
            speed: Duration::ZERO,
            theme: ThemeName::HighContrast,
            ..Settings::default()
        },
        Instant::now(),
    );
    app.set_randomness(randomness);
    app.load_lesson(app::lesson_from(label, source).expect("parses"));
    app.present();
    settle(&mut app, &mut worker, Vec::new());
    Lab { app, worker }
}

/// The default lesson presented, after `steps` steps.
fn presented(steps: usize) -> Lab {
    let mut lab = presenting("default", mls_lab::runner::DEFAULT_SCENARIO);
    for _ in 0..steps {
        lab.press(KeyCode::Char(' '));
    }
    lab
}

#[test]
fn the_projector_layout_has_fewer_larger_panels_and_the_caption_with_why() {
    let mut lab = presented(8);
    let caption = lab.app.caption().expect("a caption");
    for (width, height) in [(100, 30), (80, 24)] {
        let areas = lab.app.areas(Rect::new(0, 0, width, height));
        let panels: Vec<Panel> = areas.panels.iter().map(|(p, _)| *p).collect();
        assert_eq!(panels, [Panel::Clients, Panel::Ds, Panel::Timeline]);
        let pane = areas.why.expect("the caption with the why pane");
        // The pane has the most room of all.
        assert!(areas.panels.iter().all(|(_, r)| r.area() < pane.area()));
        // On a projector the timeline shows a whole step's arrows (an add is
        // four: claim, hand-out, Commit, Welcome) besides its header.
        if height >= 30 {
            let (_, timeline) = areas.panels[2];
            assert!(timeline.height >= 8, "timeline {timeline:?}");
        }
        for theme in [
            ThemeName::HighContrast,
            ThemeName::Mono,
            ThemeName::Dark,
            ThemeName::Light,
        ] {
            while lab.app.theme() != theme {
                lab.press(KeyCode::Char('t'));
            }
            let screen = lab.screen(width, height);
            assert!(
                screen.contains(&format!("{} · why: #", caption.step)),
                "{screen}"
            );
            assert!(
                words(&screen).contains(&words(&caption.comment)),
                "{screen}"
            );
            assert!(screen.contains(&format!("> {}", caption.line)), "{screen}");
            assert!(screen.contains("what: "), "{screen}");
            // The caption is not repeated on the message line.
            assert_eq!(screen.matches(&caption.line).count(), 1, "{screen}");
            let status = screen.lines().last().unwrap_or_default();
            for key in ["?  help", ":  command", "q  quit"] {
                assert!(status.contains(key), "{key} in {status}");
            }
        }
    }
    // Tab reaches only the panels on the screen.
    let mut focused = Vec::new();
    for _ in 0..4 {
        lab.press(KeyCode::Tab);
        focused.push(lab.app.focus());
    }
    assert_eq!(
        focused,
        [Panel::Clients, Panel::Ds, Panel::Timeline, Panel::Clients]
    );
}

#[test]
fn a_failed_expectation_shows_in_the_presented_caption() {
    // Step 3 makes bob's third package and expects three; one more by hand.
    let mut lab = presented(2);
    lab.press(KeyCode::Char(':'));
    lab.type_text("bob generate");
    lab.press(KeyCode::Enter);
    lab.press(KeyCode::Char(' '));
    let note = lab.app.caption().and_then(|c| c.note).expect("a note");
    let screen = lab.screen(80, 24);
    assert!(words(&screen).contains(&words(&note)), "{screen}");
}

#[test]
fn at_80x24_the_why_pane_turns_its_pages_with_a_dot() {
    let mut lab = presented(8);
    let why = lab.app.why().expect("an event");
    let mut seen = String::new();
    let mut first = String::new();
    for page in 0..4 {
        let screen = lab.screen(80, 24);
        if page == 0 {
            assert!(screen.contains("… 1/"), "{screen}");
            first = screen.clone();
        }
        seen.push_str(&words(&screen));
        seen.push(' ');
        lab.press(KeyCode::Char('.'));
    }
    // Every field of the explanation was on one of the pages.
    for explanation in &why.explanations {
        for (label, text) in explanation.fields() {
            let field = words(&format!("{label}: {text}"));
            let head: String = field.chars().take(40).collect();
            assert!(seen.contains(&head), "{head} in {seen}");
        }
    }
    // A new step starts on the first page again.
    lab.press(KeyCode::Char(' '));
    assert_eq!(lab.app.why_page(), 0);
    assert_ne!(lab.screen(80, 24), first);
}

#[test]
fn y_leaves_the_caption_alone_in_the_presented_pane() {
    let mut lab = presented(3);
    let caption = lab.app.caption().expect("a caption");
    lab.press(KeyCode::Char('y'));
    let screen = lab.screen(80, 24);
    assert!(!screen.contains("what: "), "{screen}");
    assert!(!screen.contains("· why:"), "{screen}");
    assert!(
        words(&screen).contains(&words(&caption.comment)),
        "{screen}"
    );
    lab.press(KeyCode::Char('y'));
    assert!(lab.screen(80, 24).contains("what: "));
}

/// The inspector's area on a presented screen, if it is on screen, and the
/// screen's text.
fn inspector_on_screen(lab: &mut Lab, width: u16, height: u16) -> (Option<Rect>, String) {
    let screen = lab.screen(width, height);
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Inspector);
    (area, screen)
}

/// Presenting onboarding, `i` puts the inspector of the step's subject on
/// screen (in the why pane's place) and `x` its hex view, at both talk sizes.
#[test]
fn presenting_the_keys_show_the_subjects_inspector_and_hex_view() {
    use crate::stage::shipped;
    let mut lab = shipped("onboarding", true, Duration::ZERO);
    // On to the first step whose subject carries a key package.
    while lab.app.followed().is_none() {
        lab.press(KeyCode::Char(' '));
        assert!(
            lab.app
                .lesson()
                .is_some_and(|l| l.position() <= l.steps().len()),
            "no step follows a key package"
        );
    }
    let followed = lab.app.followed().expect("followed").clone();
    for (width, height) in [(80, 24), (100, 30)] {
        let (area, _) = inspector_on_screen(&mut lab, width, height);
        assert_eq!(area, None, "not before the key, {width}x{height}");
    }
    lab.press(KeyCode::Char('i'));
    match lab.app.inspection() {
        Some(Inspection::KeyPackage(details)) => assert_eq!(details.kp_ref, followed),
        other => panic!("the inspector shows {other:?}"),
    }
    for (width, height) in [(80, 24), (100, 30)] {
        let (area, screen) = inspector_on_screen(&mut lab, width, height);
        assert!(area.is_some(), "{width}x{height}:\n{screen}");
        assert!(
            screen.contains(&format!("Inspector: key package {}", followed.short())),
            "{width}x{height}:\n{screen}"
        );
        assert!(screen.contains("reference"), "{width}x{height}:\n{screen}");
    }
    lab.press(KeyCode::Char('x'));
    assert!(lab.app.shows_hex());
    for (width, height) in [(80, 24), (100, 30)] {
        let (area, screen) = inspector_on_screen(&mut lab, width, height);
        assert!(area.is_some(), "{width}x{height}:\n{screen}");
        assert!(screen.contains("(hex)"), "{width}x{height}:\n{screen}");
        assert!(
            screen.contains("KeyPackage @0 +"),
            "{width}x{height}:\n{screen}"
        );
    }
}

/// A lesson's `show inspector` and `show hex FIELD` lines put the inspector
/// and the hex view, that field selected, on the presented screen.
#[test]
fn presenting_a_lessons_show_lines_put_the_inspector_and_hex_view_on_screen() {
    let source = "# Show and tell\n# the inspector and the hex view.\n\nclients alice bob\n\n\
                  # bob makes a key package\nbob generate\nshow inspector\n\n\
                  # and publishes it\nbob publish --all\nshow hex init_key\n";
    let mut lab = presenting("show", source);
    let step_of = |lab: &Lab| lab.app.lesson().map(|l| l.position());
    while lab
        .app
        .events()
        .iter()
        .all(|e| e.kind.name() != "key_package_generated")
    {
        lab.press(KeyCode::Char(' '));
        assert!(step_of(&lab) < Some(4), "the generate step never ran");
    }
    let bob = lab.client("bob").key_packages[0].kp_ref.clone();
    match lab.app.inspection() {
        Some(Inspection::KeyPackage(details)) => assert_eq!(details.kp_ref, bob),
        other => panic!("the inspector shows {other:?}"),
    }
    for (width, height) in [(80, 24), (100, 30)] {
        let (area, screen) = inspector_on_screen(&mut lab, width, height);
        assert!(area.is_some(), "{width}x{height}:\n{screen}");
        assert!(
            screen.contains(&format!("Inspector: key package {}", bob.short())),
            "{width}x{height}:\n{screen}"
        );
    }
    lab.press(KeyCode::Char(' '));
    assert!(lab.app.shows_hex(), "show hex puts the hex view up");
    let hex = lab.app.hex_view().expect("the bytes").clone();
    let field = &hex.fields[lab.app.hex_field()];
    assert_eq!(field.path, "init_key");
    for (width, height) in [(80, 24), (100, 30)] {
        let (area, screen) = inspector_on_screen(&mut lab, width, height);
        assert!(area.is_some(), "{width}x{height}:\n{screen}");
        assert!(screen.contains("(hex)"), "{width}x{height}:\n{screen}");
        assert!(
            screen.contains(&format!("init_key @{} +{}", field.offset, field.len)),
            "{width}x{height}:\n{screen}"
        );
    }
}
