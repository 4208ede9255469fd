//! What a speaker needs at talk sizes (80×24 and 100×30), in every shipped
//! lesson: the header keeps the lab's title and the followed reference's eight
//! digits, the status bar shows the lesson's keys and keeps `?` and `q`, a
//! clicker's PgDn/PgUp step, and restarting asks first.

use crate::harness::*;
use crate::stage::{shipped, step_count, LESSONS};

const SIZES: [(u16, u16); 2] = [(80, 24), (100, 30)];

fn row(lab: &mut Lab, width: u16, height: u16, index: usize) -> String {
    lab.screen(width, height)
        .lines()
        .nth(index)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_header_keeps_the_title_and_the_followed_references_eight_digits() {
    for name in LESSONS {
        for presenting in [false, true] {
            let mut lab = shipped(name, presenting, Duration::ZERO);
            for number in 1..=step_count(&lab) {
                lab.press(KeyCode::Char(' '));
                for (width, height) in SIZES {
                    let header = row(&mut lab, width, height, 0);
                    assert!(
                        header.contains("MLS Onboarding Lab"),
                        "{name} step {number} at {width}x{height}: {header}"
                    );
                    if let Some(followed) = lab.app.followed() {
                        let digits = followed.short();
                        assert_eq!(digits.len(), 8);
                        assert!(
                            header.contains(&format!("following {digits}")),
                            "{name} step {number} at {width}x{height}: {header}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn in_a_lesson_the_status_bar_shows_its_keys_and_keeps_help_and_quit() {
    for presenting in [false, true] {
        let mut lab = shipped("onboarding", presenting, Duration::ZERO);
        lab.press(KeyCode::Char(' '));
        for (width, height) in SIZES {
            let status = row(&mut lab, width, height, usize::from(height) - 1);
            for shown in ["next", "back", "restart", "? ", "help", "q ", "quit"] {
                assert!(
                    status.contains(shown),
                    "{width}x{height}, presenting {presenting}: {shown:?} missing in {status}"
                );
            }
        }
    }
    // Outside a lesson too, ? and q stay at 80 columns.
    let mut lab = lab();
    let status = row(&mut lab, 80, 24, 23);
    assert!(
        status.contains("help") && status.contains("quit"),
        "{status}"
    );
}

#[test]
fn a_clickers_page_keys_step_and_restart_asks_first() {
    let mut lab = shipped("onboarding", true, Duration::ZERO);
    let position = |lab: &Lab| lab.app.lesson().map(|l| l.position());
    lab.press(KeyCode::PageDown);
    lab.press(KeyCode::PageDown);
    assert_eq!(position(&lab), Some(2));
    lab.press(KeyCode::PageUp);
    assert_eq!(position(&lab), Some(1));
    // Home is the first row, never the start of the lesson.
    lab.press(KeyCode::Home);
    assert_eq!(position(&lab), Some(1));
    // 0 asks; a second 0 restarts, any other key keeps the step.
    lab.press(KeyCode::Char('0'));
    assert_eq!(position(&lab), Some(1));
    let screen = lab.screen(80, 24);
    assert!(screen.contains("restart"), "{screen}");
    lab.press(KeyCode::Esc);
    lab.press(KeyCode::Char('0'));
    assert_eq!(position(&lab), Some(1));
    lab.press(KeyCode::Char('0'));
    assert_eq!(position(&lab), Some(0));
}

#[test]
fn the_why_pane_names_the_concept_of_the_step() {
    let mut lab = shipped("onboarding", true, Duration::ZERO);
    let mut seen = 0;
    for _ in 0..step_count(&lab) {
        lab.press(KeyCode::Char(' '));
        let Some(concept) = lab.app.why().and_then(|why| why.concept) else {
            continue;
        };
        let screen = lab.screen(100, 30);
        assert!(
            words(&screen).contains(&format!(
                "concept: {0} (mls-lab explain {0})",
                concept.topic
            )),
            "{screen}"
        );
        seen += 1;
    }
    assert!(seen >= 3, "{seen}");
}

/// The screen's text with its lines joined (a wrapped line reads whole).
fn words(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c == '┃' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
}
