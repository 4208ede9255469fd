//! The mouse: clicks select panels and rows, the wheel scrolls.

use crate::harness::*;

#[test]
fn clicking_selects_panels_and_rows_and_the_wheel_scrolls() {
    let mut lab = lab();
    lab.app.update(Msg::Resize(80, 24));
    let areas = lab.app.areas(Rect::new(0, 0, 80, 24));
    let clients = areas.get(Panel::Clients).unwrap();
    // Row 0 is the border, row 1 the column names, row 2 alice, row 4 carol.
    lab.click(clients.x + 3, clients.y + 4);
    assert_eq!(lab.app.focus(), Panel::Clients);
    assert_eq!(lab.app.actor(), Some("carol"));

    lab.run(&["carol generate 12"]);
    let kps = areas.get(Panel::KeyPackages).unwrap();
    lab.click(kps.x + 5, kps.y + 3);
    assert_eq!(lab.app.focus(), Panel::KeyPackages);
    assert_eq!(lab.app.cursor(Panel::KeyPackages), 1);
    assert_eq!(
        lab.app.followed(),
        Some(&lab.client("carol").key_packages[1].kp_ref)
    );
    let effects = lab.app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: kps.x + 5,
        row: kps.y + 3,
        modifiers: KeyModifiers::NONE,
    }));
    settle(&mut lab.app, &mut lab.worker, effects);
    assert_eq!(lab.app.cursor(Panel::KeyPackages), 4);
}
