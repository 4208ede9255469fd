//! Exports write new files only: `export-key-package` and `export-welcome`
//! never replace or remove a file the lab did not create, whatever its name
//! (the old temporary name `.NAME.PID.partial` included), take any name a file
//! system takes (255 bytes, spaces, a leading dash, any script), and say the
//! real cause when they cannot write.

mod support;
use support::{prelude, run, seeded_lab};

use std::path::Path;

use mls_lab::command::Execute;
use mls_lab::engine::Engine;

/// The two exports of the lab, writing to `target` (quoted for the line).
fn exports(target: &Path) -> [String; 2] {
    let quoted = shell_words::quote(target.to_str().expect("a UTF-8 path")).into_owned();
    [
        format!("bob export-key-package @1 --to {quoted}"),
        format!("export-welcome team --to {quoted}"),
    ]
}

/// The failure of `line`, which must be `CannotWrite`.
async fn cannot_write(engine: &mut Engine, line: &str) -> String {
    match engine.execute_line(line).await {
        Ok(()) => panic!("{line:?} succeeded, expected CannotWrite"),
        Err(e) => {
            assert_eq!(e.code(), "CannotWrite", "{line:?}: {e}");
            e.to_string()
        }
    }
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// A file of the user's whose name is the temporary name the exports used to
/// write first (`.NAME.PID.partial`): the export used to fail, say the target
/// existed, and delete the user's file.
#[tokio::test(flavor = "current_thread")]
async fn a_file_named_like_a_temporary_one_is_never_touched() {
    let mut engine = seeded_lab(7, prelude::BOB_ADDED_TO_TEAM).await;
    for i in 0..2 {
        let dir = tempfile::tempdir().expect("temp dir");
        let target = dir.path().join(format!("out{i}"));
        let users = dir
            .path()
            .join(format!(".out{i}.{}.partial", std::process::id()));
        std::fs::write(&users, "the user's own").expect("write");
        let line = &exports(&target)[i];
        run(&mut engine, line).await;
        assert!(!std::fs::read(&target).expect("exported").is_empty());
        assert_eq!(
            std::fs::read_to_string(&users).expect("the user's file is still there"),
            "the user's own",
            "{line}"
        );
        assert_eq!(names(dir.path()).len(), 2, "{:?}", names(dir.path()));
    }
}

/// An existing file, link or folder is never replaced: the export fails with
/// the cause, and the file keeps its bytes.
#[tokio::test(flavor = "current_thread")]
async fn an_existing_target_is_never_replaced() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = seeded_lab(7, prelude::BOB_ADDED_TO_TEAM).await;
    let file = dir.path().join("mine.kp");
    std::fs::write(&file, "keep me").expect("write");
    let dangling = dir.path().join("link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).expect("symlink");
    for target in [&file, &dangling] {
        for line in exports(target) {
            let message = cannot_write(&mut engine, &line).await;
            assert!(message.contains("exists already"), "{line}: {message}");
        }
    }
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "keep me");
    assert!(
        !dir.path().join("nowhere").exists(),
        "nothing written through the link"
    );
    // And the first export to a new name works, the second is refused.
    let new = dir.path().join("new.kp");
    let [key_package, welcome] = exports(&new);
    run(&mut engine, &key_package).await;
    let written = std::fs::read(&new).expect("read");
    cannot_write(&mut engine, &welcome).await;
    assert_eq!(std::fs::read(&new).expect("read"), written);
}

/// Every legal name: 255 bytes (the limit), spaces, a leading dash (written
/// `--to=-x` or `./-x`, as for any command), letters of any script, bidi and
/// zero-width marks. Each file holds what the export wrote.
#[tokio::test(flavor = "current_thread")]
async fn any_legal_file_name_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = seeded_lab(7, prelude::BOB_ADDED_TO_TEAM).await;
    let longest = "k".repeat(255);
    let two_byte_longest = format!("{}a", "é".repeat(127));
    assert_eq!(two_byte_longest.len(), 255);
    let names = [
        longest.as_str(),
        two_byte_longest.as_str(),
        "with spaces in it.kp",
        "-leading-dash.kp",
        "--two-dashes",
        "zoë ✓ 鍵 🔑.kp",
        "bidi\u{202e}pk.exe",
        "zero\u{200b}width",
        ".hidden",
    ];
    for (i, name) in names.iter().enumerate() {
        let sub = dir.path().join(format!("d{i}"));
        std::fs::create_dir(&sub).expect("mkdir");
        let target = sub.join(name);
        for (j, line) in exports(&target).iter().enumerate() {
            let _ = std::fs::remove_file(&target);
            run(&mut engine, line).await;
            let bytes = std::fs::read(&target).unwrap_or_else(|e| panic!("{name:?} ({j}): {e}"));
            assert!(bytes.len() > 100, "{name:?}");
            assert_eq!(
                std::fs::read_dir(&sub).expect("read").count(),
                1,
                "{name:?}: nothing but the file"
            );
        }
    }
    // A leading dash as the option's own word, relative to the folder.
    let sub = dir.path().join("dash");
    std::fs::create_dir(&sub).expect("mkdir");
    let quoted = shell_words::quote(sub.to_str().expect("UTF-8")).into_owned();
    run(
        &mut engine,
        &format!("bob export-key-package @1 --to={quoted}/-x.kp"),
    )
    .await;
    assert!(sub.join("-x.kp").is_file());
}

/// The cause is named: a missing folder, a folder that is a file, a name over
/// 255 bytes, a directory, no name. Nothing is created.
#[tokio::test(flavor = "current_thread")]
async fn the_error_names_the_real_cause() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut engine = seeded_lab(7, prelude::BOB_ADDED_TO_TEAM).await;
    std::fs::write(dir.path().join("plain"), "x").expect("write");
    let cases = [
        (
            dir.path().join("missing/out.kp"),
            "its folder does not exist",
        ),
        (dir.path().join("plain/out.kp"), "is not a directory"),
        (
            dir.path().join("k".repeat(256)),
            "256 bytes long, more than the 255",
        ),
        (dir.path().to_path_buf(), "it is a directory"),
    ];
    for (target, cause) in &cases {
        for line in exports(target) {
            let message = cannot_write(&mut engine, &line).await;
            assert!(message.contains(cause), "{line}: {message}");
            assert!(!message.contains("os error"), "{line}: {message}");
        }
    }
    for line in exports(&dir.path().join("nothing/")) {
        cannot_write(&mut engine, &line).await;
    }
    assert_eq!(names(dir.path()), ["plain"]);
}
