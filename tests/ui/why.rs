//! The why pane (`y`): what the selected event or inspector row is, and why,
//! from `mls-lab explain`'s data, wrapped and readable at talk sizes.

use crate::harness::*;
use mls_lab::explain;

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The pane's text: the rows inside its border, joined (a wrapped field reads whole).
fn pane(lab: &mut Lab, width: u16, height: u16) -> String {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .why
        .expect("the why pane is shown");
    let buffer = lab.buffer(width, height);
    let mut out = String::new();
    for y in area.top() + 1..area.bottom() - 1 {
        for x in area.left() + 1..area.right() - 1 {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    words(&out)
}

#[test]
fn y_shows_why_the_selected_event_happened_at_talk_sizes() {
    let mut lab = lab();
    lab.run(&["bob generate", "bob publish --all"]);
    assert!(!lab.app.shows_why());
    assert!(lab.app.areas(Rect::new(0, 0, 100, 30)).why.is_none());
    lab.press(KeyCode::Char('y'));
    assert!(lab.app.shows_why());
    let published = explain::topic("key_package_published").expect("a topic");
    for (width, height) in [(100, 30), (80, 24)] {
        let text = pane(&mut lab, width, height);
        // The newest event, every field whole (wrapped, never cut).
        for (label, field) in published.fields() {
            assert!(
                text.contains(&words(&format!("{label}: {field}"))),
                "{width}x{height}: {label} in {text}"
            );
        }
        let screen = lab.screen(width, height);
        assert!(screen.contains("Why: #6 key_package_published"), "{screen}");
    }
    lab.press(KeyCode::Char('y'));
    assert!(lab.app.areas(Rect::new(0, 0, 100, 30)).why.is_none());
}

#[test]
fn a_failure_is_explained_with_its_error_code() {
    let mut lab = lab();
    lab.run(&["alice claim bob"]);
    lab.press(KeyCode::Char('y'));
    let why = lab.app.why().expect("an event");
    assert!(
        why.subject.ends_with("claim_failed: NoKeyPackageAvailable"),
        "{why:?}"
    );
    let text = pane(&mut lab, 100, 30);
    let code = explain::topic("NoKeyPackageAvailable").expect("a topic");
    assert!(text.contains(&words(code.what)), "{text}");
}

#[test]
fn the_timeline_row_and_the_inspector_row_pick_what_is_explained() {
    let mut lab = lab();
    lab.run(&["bob generate", "bob publish --all"]);
    lab.press(KeyCode::Char('y'));
    while lab.app.focus() != Panel::Timeline {
        lab.press(KeyCode::Tab);
    }
    lab.press(KeyCode::Up);
    let why = lab.app.why().expect("an event");
    assert_eq!(why.explanations[0].topic, "key_package_generated");
    // The inspector takes the right column above the pane when it has the keys;
    // its journey lines explain their events.
    lab.select_client("bob");
    lab.press(KeyCode::Tab);
    assert_eq!(lab.app.focus(), Panel::Inspector);
    let areas = lab.app.areas(Rect::new(0, 0, 100, 30));
    assert!(areas.get(Panel::Inspector).is_some() && areas.get(Panel::Timeline).is_none());
    assert_eq!(
        lab.app.why().expect("inspected").subject,
        "inspector: a key package"
    );
    lab.press(KeyCode::Down);
    lab.press(KeyCode::Down);
    let why = lab.app.why().expect("a journey event");
    assert!(why.subject.contains("key_package_generated"), "{why:?}");
}
