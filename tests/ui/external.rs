//! External clients (exploratory testing §2) in the TUI: marked as external with
//! their credential's identity, and shown "outside" in a group.

use crate::harness::*;

#[test]
fn an_imported_client_is_marked_external_and_outside_its_group() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kp = dir.path().join("zoe.kp");
    let kp = kp.to_str().expect("a UTF-8 path");
    let mut home = lab_with(Settings::default(), "zoe");
    home.run(&[
        "zoe generate",
        &format!("zoe export-key-package @1 --to {kp}"),
    ]);
    let mut away = lab();
    away.run(&[
        &format!("import-key-package {kp} --as remote"),
        "alice create-group team",
        "alice add remote --to team",
    ]);
    for (width, height) in [(80, 24), (100, 30)] {
        let screen = away.screen(width, height);
        assert!(screen.contains("remote"), "{screen}");
        assert!(screen.contains("ext=zoe"), "{width}x{height}\n{screen}");
        assert!(screen.contains("outside"), "{width}x{height}\n{screen}");
        assert!(
            !screen.contains(" invited"),
            "an external member is never waited for\n{screen}"
        );
    }
}
