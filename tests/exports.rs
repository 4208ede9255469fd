//! Exports obey the DS: `export-welcome` writes what the joiner's mailbox holds
//! under the active faults, `export-mailbox` writes every waiting message, and
//! an external client takes more packages signed by its own key only.

mod support;
use support::{run, seeded_lab};

use mls_lab::command::Execute as _;
use mls_lab::engine::Engine;

async fn refused(engine: &mut Engine, line: &str, code: &str) {
    match engine.execute_line(line).await {
        Ok(()) => panic!("{line:?} succeeded, expected {code}"),
        Err(e) => assert_eq!(e.code(), code, "{line:?}: {e}"),
    }
}

fn path(dir: &tempfile::TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

/// Was: the Welcome was written from the lab's own copy whatever the DS did.
#[tokio::test(flavor = "current_thread")]
async fn a_dropped_or_held_welcome_is_not_exported_and_a_duplicated_one_is_each_copy() {
    let dir = tempfile::tempdir().expect("dir");
    let file = path(&dir, "w");
    let setup = [
        "clients alice bob",
        "bob generate 1",
        "bob publish --all",
        "alice create-group team",
    ];
    let mut dropped = seeded_lab(5, &setup).await;
    run(&mut dropped, "ds fault drop-welcome on").await;
    run(&mut dropped, "alice add bob --to team").await;
    refused(
        &mut dropped,
        &format!("export-welcome team --to {file}"),
        "WelcomeDropped",
    )
    .await;
    assert!(!std::path::Path::new(&file).exists());

    let mut held = seeded_lab(5, &setup).await;
    run(&mut held, "ds fault hold-welcome on").await;
    run(&mut held, "alice add bob --to team").await;
    refused(
        &mut held,
        &format!("export-welcome team --to {file}"),
        "WelcomeHeld",
    )
    .await;
    run(&mut held, "ds release").await;
    run(&mut held, &format!("export-welcome team --to {file}")).await;
    assert!(std::fs::read(&file).is_ok_and(|b| !b.is_empty()));

    let mut twice = seeded_lab(5, &setup).await;
    run(&mut twice, "ds fault duplicate-welcome on").await;
    run(&mut twice, "alice add bob --to team").await;
    let all = path(&dir, "copies");
    run(&mut twice, &format!("export-welcome team --to {all} --all")).await;
    let first = std::fs::read(&all).expect("first copy");
    let second = std::fs::read(format!("{all}.2")).expect("second copy");
    assert_eq!(first, second);
    // Once bob joined, nothing waits for him any more.
    // The second copy fails (the bundle is gone): both leave the mailbox.
    let _ = twice.execute_line("bob join").await;
    refused(
        &mut twice,
        &format!("export-welcome team --to {file}"),
        "NoPendingWelcome",
    )
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn export_mailbox_writes_every_waiting_message_and_keeps_them() {
    let dir = tempfile::tempdir().expect("dir");
    let out = path(&dir, "box");
    let mut engine = seeded_lab(
        5,
        &[
            "clients alice bob",
            "bob generate 1",
            "bob publish --all",
            "alice create-group team",
            "alice add bob --to team",
        ],
    )
    .await;
    run(&mut engine, &format!("export-mailbox bob --to {out} --hex")).await;
    let files: Vec<String> = std::fs::read_dir(&out)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["001-welcome.hex"]);
    let report = mls_lab::inspect::inspect(
        &std::fs::read(format!("{out}/001-welcome.hex")).expect("file"),
        engine.now(),
    )
    .expect("a Welcome");
    assert!(matches!(
        report.findings,
        mls_lab::inspect::Findings::Welcome(_)
    ));
    // The mailbox keeps it: bob still joins.
    run(&mut engine, "bob join").await;
}

/// Was: a second `import-key-package … --as ext` was ClientExists.
#[tokio::test(flavor = "current_thread")]
async fn an_external_client_takes_more_packages_signed_by_its_key_only() {
    let dir = tempfile::tempdir().expect("dir");
    let (a, b, other) = (path(&dir, "a"), path(&dir, "b"), path(&dir, "o"));
    seeded_lab(
        5,
        &[
            "clients zoe mallory",
            "zoe generate 2",
            &format!("zoe export-key-package @1 --to {a}"),
            &format!("zoe export-key-package @2 --to {b}"),
            "mallory generate 1",
            &format!("mallory export-key-package @1 --to {other}"),
        ],
    )
    .await;
    let mut away = seeded_lab(
        5,
        &["clients alice", &format!("import-key-package {a} --as ext")],
    )
    .await;
    run(&mut away, &format!("import-key-package {b} --as ext")).await;
    assert_eq!(away.client("ext").expect("ext").inventory().len(), 2);
    let ds = away.ds_snapshot().await.expect("snapshot");
    assert_eq!(ds.clients["ext"].normal.len(), 2);
    refused(
        &mut away,
        &format!("import-key-package {other} --as ext"),
        "WrongOwner",
    )
    .await;
    refused(
        &mut away,
        &format!("import-key-package {a} --as alice"),
        "ClientExists",
    )
    .await;
    assert_eq!(away.client("ext").expect("ext").inventory().len(), 2);
}
