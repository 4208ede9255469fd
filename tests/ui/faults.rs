//! The DS's faults in the TUI: the header lists the faults that are on at talk
//! sizes, and `f` starts `ds fault ` at the prompt with the faults offered by Tab.

use crate::harness::*;

fn header(lab: &mut Lab, width: u16, height: u16) -> String {
    lab.screen(width, height)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_header_shows_the_active_faults_at_80x24_and_100x30() {
    let mut lab = lab();
    assert!(!header(&mut lab, 80, 24).contains("fault"));
    lab.run(&["ds fault drop-welcome on"]);
    for (width, height) in [(80, 24), (100, 30)] {
        let line = header(&mut lab, width, height);
        assert!(line.contains("⚠ DS fault: drop-welcome"), "{line}");
        assert!(line.contains("DS 0 available"), "{line}");
    }
    lab.run(&["ds fault hold-welcome on", "ds fault reorder-commits on"]);
    let line = header(&mut lab, 100, 30);
    assert!(
        line.contains("drop-welcome, hold-welcome, reorder-commits"),
        "{line}"
    );
    let line = header(&mut lab, 80, 24);
    assert!(line.contains("⚠ DS faults: drop-welcome +2"), "{line}");
    // Followed reference and faults together still fit at 80 columns.
    lab.run(&["bob generate", "bob publish --all", "alice claim bob"]);
    lab.select_client("bob");
    lab.app.set_focus(Panel::KeyPackages);
    lab.press(KeyCode::Home);
    assert!(lab.app.followed().is_some());
    let line = header(&mut lab, 80, 24);
    assert!(line.contains("following") && line.contains("⚠"), "{line}");
    lab.run(&[
        "ds fault drop-welcome off",
        "ds fault hold-welcome off",
        "ds fault reorder-commits off",
    ]);
    assert!(!header(&mut lab, 80, 24).contains("fault"));
}

#[test]
fn f_asks_for_a_fault_at_the_prompt_and_runs_it() {
    let mut lab = lab();
    lab.press(KeyCode::Char('f'));
    assert_eq!(
        lab.app.prompt().map(|p| p.input().to_string()),
        Some("ds fault ".into())
    );
    lab.press(KeyCode::Tab);
    let screen = lab.screen(80, 24);
    assert!(screen.contains("forget-last-resort"), "{screen}");
    lab.type_text("bare-framing on");
    lab.press(KeyCode::Enter);
    assert_eq!(lab.app.view().ds.faults.len(), 1);
    assert!(header(&mut lab, 80, 24).contains("bare-framing"));
}

#[test]
fn the_ds_panel_counts_what_a_fault_holds_and_tab_completes_fault_expectations() {
    let mut lab = lab();
    lab.run(&[
        "bob generate",
        "bob publish --all",
        "alice create-group team",
        "ds fault hold-welcome on",
        "alice add bob --to team",
    ]);
    assert!(lab.screen(80, 24).contains("Delivery Service · 1 held"));
    lab.run(&["ds release"]);
    assert!(!lab.screen(80, 24).contains("held"));
    lab.press(KeyCode::Char(':'));
    lab.type_text("expect ds fault ho");
    lab.press(KeyCode::Tab);
    assert_eq!(
        lab.app.prompt().map(|p| p.input().to_string()),
        Some("expect ds fault hold-welcome ".into())
    );
}
