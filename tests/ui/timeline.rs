//! The timeline's rows: one `✗` per failure, the reference a Welcome carries,
//! and labels that keep their colour where they cross a lane.

use crate::harness::*;
use mls_lab::engine::{EventKind, Outcome};

/// The timeline's rows on a screen of `width`×`height`, one string per row.
fn timeline_rows(lab: &mut Lab, width: u16, height: u16) -> Vec<String> {
    lab.app.update(Msg::Resize(width, height));
    let area = lab
        .app
        .areas(Rect::new(0, 0, width, height))
        .get(Panel::Timeline)
        .expect("a timeline");
    let buffer = lab.buffer(width, height);
    (area.y + 1..area.bottom() - 1)
        .map(|y| {
            (area.x + 1..area.right() - 1)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect()
}

/// The row of event `seq`, as drawn.
fn row_of(rows: &[String], seq: u64) -> Option<&String> {
    let number = format!("{seq:>4} ");
    rows.iter().find(|r| r.starts_with(&number))
}

#[test]
fn a_failure_is_marked_with_one_cross_never_two() {
    let mut lab = lab();
    // A note on the actor's lane (claim, join) and an arrow (a rejected upload).
    lab.run(&["alice claim dave", "bob join", "carol publish --raw 00"]);
    let failures: Vec<u64> = lab
        .app
        .events()
        .iter()
        .filter(|e| e.outcome == Outcome::Error)
        .map(|e| e.seq)
        .collect();
    assert!(failures.len() >= 3, "{:?}", lab.app.events());
    let rows = timeline_rows(&mut lab, 160, 48);
    for seq in failures {
        let row = row_of(&rows, seq).unwrap_or_else(|| panic!("event {seq} in {rows:#?}"));
        assert_eq!(row.matches('✗').count(), 1, "event {seq}: {row}");
    }
}

#[test]
fn a_replayed_welcome_shows_the_reference_it_carries() {
    let mut lab = lab();
    lab.run(&[
        "alice create-group quiz",
        "bob generate",
        "bob publish @last",
        "alice add bob --to quiz",
        "bob join",
        "ds replay-welcome",
        "bob join",
    ]);
    let (seq, kp_ref) = lab
        .app
        .events()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::WelcomeDelivered {
                misbehaving_ds: true,
                new_member_refs,
                ..
            } => Some((e.seq, new_member_refs.first().cloned())),
            _ => None,
        })
        .expect("the replayed Welcome was delivered");
    let kp_ref = kp_ref.expect("the replayed Welcome names bob's package");
    let rows = timeline_rows(&mut lab, 160, 48);
    let row = row_of(&rows, seq).expect("the replay on the timeline");
    assert!(row.contains(&short(&kp_ref)), "{} in {row}", short(&kp_ref));
}

#[test]
fn letters_of_a_label_that_cross_a_lane_keep_the_labels_colour() {
    let mut lab = lab();
    // A note on alice's lane: its label goes to the right, across bob's lane
    // (lanes are 8 columns apart at 80 columns).
    lab.run(&["alice generate"]);
    let theme = Theme::of(lab.app.theme());
    lab.app.update(Msg::Resize(80, 24));
    let area = lab
        .app
        .areas(Rect::new(0, 0, 80, 24))
        .get(Panel::Timeline)
        .expect("a timeline");
    let buffer = lab.buffer(80, 24);
    let label = "generate ";
    let (row, first) = (area.y..area.bottom())
        .find_map(|y| {
            let line: Vec<&str> = (area.x..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect();
            line.windows(label.len())
                .position(|w| w.concat() == label)
                .map(|x| (y, area.x + x as u16))
        })
        .expect("the generate note on the timeline");
    let lane_x = first + label.len() as u16 + 8;
    let cells: Vec<&ratatui::buffer::Cell> = (first..lane_x.min(area.right()))
        .map(|x| &buffer[(x, row)])
        .collect();
    let text: String = cells.iter().map(|c| c.symbol()).collect();
    assert!(
        !text.contains('│'),
        "a lane is drawn through the label: {text}"
    );
    // Every letter of the label is in the label's colour, none in the lane's.
    for cell in &cells[..label.len()] {
        assert_eq!(Some(cell.fg), theme.arrow.fg, "{text}");
    }
    let reference = &cells[label.len()..label.len() + 8];
    assert!(
        reference.iter().all(|c| Some(c.fg) != theme.muted.fg),
        "{text}"
    );
}

#[test]
fn a_replayed_welcome_is_labelled_in_full_at_talk_sizes() {
    let mut lab = lab_with(
        Settings {
            speed: Duration::ZERO,
            ..Settings::default()
        },
        "alice bob carol",
    );
    lab.run(&[
        "alice create-group quiz",
        "bob generate",
        "bob publish @last",
        "alice add bob --to quiz",
        "bob join",
        "ds replay-welcome",
        "bob join",
    ]);
    let seq = lab
        .app
        .events()
        .iter()
        .find(|e| {
            matches!(
                e.kind,
                EventKind::WelcomeDelivered {
                    misbehaving_ds: true,
                    ..
                }
            )
        })
        .map(|e| e.seq)
        .expect("the replayed Welcome");
    for (width, height) in [(80, 24), (100, 30)] {
        let rows = timeline_rows(&mut lab, width, height);
        let row = row_of(&rows, seq).expect("the replay on the timeline");
        assert!(row.contains("Welcome quiz"), "{width}x{height}: {row}");
        if width == 100 {
            assert!(row.contains("(bad DS)"), "{width}x{height}: {row}");
        }
        assert!(!rows.iter().any(|r| r.contains('…')), "{rows:#?}");
    }
}

/// In the `--step` layout (not `present`), at 100×30 and 80×24, a rejected key
/// package keeps its error code on every step of every shipped lesson: a
/// narrow row gives up the reference, then the word `KeyPackage`, never the
/// code, and nothing is cut with `…`.
#[test]
fn in_every_lesson_a_rejection_keeps_its_error_code_at_talk_sizes() {
    use crate::stage::{shipped, step_count, LESSONS};
    let mut seen = 0;
    for name in LESSONS {
        let mut lab = shipped(name, false, Duration::ZERO);
        for number in 1..=step_count(&lab) {
            lab.press(KeyCode::Char(' '));
            let rejections: Vec<(u64, String)> = lab
                .app
                .events()
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::KeyPackageRejected { error, .. } => Some((e.seq, error.to_string())),
                    _ => None,
                })
                .collect();
            for (width, height) in [(100, 30), (80, 24)] {
                let rows = timeline_rows(&mut lab, width, height);
                for (seq, code) in &rejections {
                    let Some(row) = row_of(&rows, *seq) else {
                        continue;
                    };
                    seen += 1;
                    assert!(
                        row.contains(&format!("✗ {code}")) || row.contains(&format!(" {code}")),
                        "{name} step {number} at {width}x{height}: {code} in {row}"
                    );
                    assert!(
                        !row.contains('…'),
                        "{name} step {number} at {width}x{height}: {row}"
                    );
                }
            }
        }
    }
    assert!(seen > 0, "no lesson showed a rejection");
}

/// A policy's row says what it was set to: a claim limit with its window, a
/// named setting, or `off`.
#[test]
fn a_policy_row_names_the_limit_and_window_or_the_setting() {
    let mut lab = lab();
    lab.run(&[
        "ds policy claim-limit 2 --per 1h",
        "ds policy grease refuse",
        "ds policy claim-limit off",
    ]);
    let rows = timeline_rows(&mut lab, 120, 40);
    let policy_rows: Vec<&String> = lab
        .app
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DsPolicySet { .. }))
        .map(|e| row_of(&rows, e.seq).expect("the policy's row is shown"))
        .collect();
    assert_eq!(policy_rows.len(), 3, "{rows:#?}");
    assert!(
        policy_rows[0].contains("claim-limit 2/1h"),
        "{}",
        policy_rows[0]
    );
    assert!(
        policy_rows[1].contains("grease refuse"),
        "{}",
        policy_rows[1]
    );
    assert!(
        policy_rows[2].contains("claim-limit off"),
        "{}",
        policy_rows[2]
    );
}

/// End on the timeline goes back to following the newest event: the rows a later
/// line adds are picked as they come, not the row End first landed on.
#[test]
fn end_on_the_timeline_follows_the_newest_event_again() {
    let mut lab = lab();
    lab.run(&["alice generate 2"]);
    lab.app.set_focus(Panel::Timeline);
    lab.app.update(Msg::Action(Action::Up));
    assert!(!lab.app.timeline_follows_newest(), "a row is picked");
    lab.app.update(Msg::Action(Action::Bottom));
    assert!(lab.app.timeline_follows_newest());
    lab.run(&["bob generate"]);
    assert!(lab.app.timeline_follows_newest());
    assert_eq!(
        lab.app.cursor(Panel::Timeline) + 1,
        lab.app.visible_events(),
        "the newest row"
    );
}
