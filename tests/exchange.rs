//! Export and import through files, end to end: `export-key-package`,
//! `export-welcome`, `import-key-package` (external clients) and
//! `join --welcome FILE`, through the engine's command lines and the real
//! `mls-lab inspect`; and every hostile input, which gets a typed error and
//! changes nothing.

mod support;
use support::{run, seeded_lab};

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use mls_lab::command::Execute as _;
use mls_lab::domain::KeyPackageRef;
use mls_lab::engine::{Engine, EventKind, Opener, Outcome};
use mls_lab::runner::state_text;

/// A line that must fail with `code`.
async fn refused(engine: &mut Engine, line: &str, code: &str) -> String {
    match engine.execute_line(line).await {
        Ok(()) => panic!("{line:?} succeeded, expected {code}"),
        Err(e) => {
            assert_eq!(e.code(), code, "{line:?}: {e}");
            e.to_string()
        }
    }
}

/// Everything a command could change: the clients' and the DS's state as text,
/// and the DS snapshot.
async fn fingerprint(engine: &Engine) -> String {
    format!(
        "{}\n{:?}",
        state_text(engine).await,
        engine.ds_snapshot().await.expect("snapshot")
    )
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

fn inspect(file: &str) -> (i32, String) {
    let output = Command::cargo_bin("mls-lab")
        .expect("binary built")
        .args(["inspect", file])
        .output()
        .expect("run inspect");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// Every framing and encoding: the file inspects clean with the same reference
/// in the real binary, and imports into another lab as an external client with
/// the same reference and the owner's identity.
#[tokio::test(flavor = "current_thread")]
async fn an_export_inspects_clean_and_imports_with_the_same_reference() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut home = seeded_lab(7, &["clients bob", "bob generate 1"]).await;
    let reference =
        KeyPackageRef::from(&home.client("bob").unwrap().inventory()[0].kp_ref).to_string();
    for (i, flags) in [
        "",
        "--bare",
        "--hex",
        "--base64",
        "--bare --hex",
        "--bare --base64",
    ]
    .iter()
    .enumerate()
    {
        let file = path(dir.path(), &format!("kp{i}"));
        run(
            &mut home,
            &format!("bob export-key-package @1 --to {file} {flags}"),
        )
        .await;
        let (code, report) = inspect(&file);
        assert_eq!(code, 0, "{flags}: {report}");
        assert!(report.contains(&reference), "{flags}: {report}");
        assert!(!report.contains("FAIL"), "{flags}: {report}");
        let framing = if flags.contains("--bare") {
            "bare"
        } else {
            "MLSMessage"
        };
        assert!(report.contains(framing), "{flags}: {report}");

        let mut away = seeded_lab(7, &["clients alice"]).await;
        run(&mut away, &format!("import-key-package {file} --as remote")).await;
        let remote = away.client("remote").unwrap();
        assert!(remote.is_external());
        assert_eq!(remote.external_info().unwrap().identity, "bob");
        assert_eq!(
            KeyPackageRef::from(&remote.inventory()[0].kp_ref).to_string(),
            reference
        );
        let ds = away.ds_snapshot().await.unwrap();
        assert_eq!(ds.clients["remote"].normal.len(), 1, "published at the DS");
    }
    // Exports are events: the transcript, the timeline and `explain` see them.
    let exported = home
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::KeyPackageExported { .. }))
        .count();
    assert_eq!(exported, 6);
}

/// Two labs talk through files only: lab A's bob exports a key package, lab B
/// imports it as an external client, claims and adds it, exports the Welcome,
/// and bob joins from that file in lab A. Both sides agree on the epoch
/// authenticator. The Welcome stays in the external client's mailbox, and
/// `deliver` leaves it there.
#[tokio::test(flavor = "current_thread")]
async fn two_labs_join_through_exported_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kp = path(dir.path(), "bob.kp");
    let welcome = path(dir.path(), "team.welcome");
    let mut home = seeded_lab(
        7,
        &[
            "clients bob",
            "bob generate 1",
            &format!("bob export-key-package @1 --to {kp} --base64"),
        ],
    )
    .await;
    let mut away = seeded_lab(
        7,
        &[
            "clients alice",
            "alice create-group team",
            &format!("import-key-package {kp} --as remote"),
            "alice claim remote",
            "alice add remote --to team",
            "deliver",
        ],
    )
    .await;
    let ds = away.ds_snapshot().await.unwrap();
    assert_eq!(
        ds.clients["remote"].inbox, 1,
        "the Welcome waits for export-welcome"
    );
    refused(&mut away, "remote join", "ExternalClient").await;
    refused(&mut away, "remote generate", "ExternalClient").await;
    run(
        &mut away,
        &format!("export-welcome team --to {welcome} --bare --hex"),
    )
    .await;
    run(&mut home, &format!("bob join --welcome {welcome}")).await;

    let theirs = away.client("alice").unwrap().group_view("team").unwrap();
    let ours = home.client("bob").unwrap().group_views();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].epoch, theirs.epoch);
    assert_eq!(ours[0].epoch_authenticator, theirs.epoch_authenticator);
    assert_eq!(ours[0].members, ["alice", "bob"]);
    // Through the reference: the bundle was found and consumed, as from the DS.
    let kinds: Vec<&str> = home.events().iter().map(|e| e.kind.name()).collect();
    let tail = &kinds[kinds.len() - 3..];
    assert_eq!(
        tail,
        ["welcome_imported", "group_joined", "private_bundle_deleted"]
    );
    assert_eq!(home.client("bob").unwrap().private_bundles(), 0);
}

/// A group with a member the lab cannot see (an external client here; a foreign
/// stack's own member in the joiner's lab) is in sync once every simulated member
/// agrees: that member is "outside", not waited for as "invited" for good.
#[tokio::test(flavor = "current_thread")]
async fn members_outside_the_lab_are_not_waited_for() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kp = path(dir.path(), "bob.kp");
    let welcome = path(dir.path(), "team.welcome");
    let mut home = seeded_lab(
        7,
        &[
            "clients bob",
            "bob generate 1",
            &format!("bob export-key-package @1 --to {kp}"),
        ],
    )
    .await;
    let mut away = seeded_lab(
        7,
        &[
            "clients alice carol",
            "carol generate 1",
            "carol publish --all",
            "alice create-group team",
            &format!("import-key-package {kp} --as remote"),
            "alice add remote carol --to team",
        ],
    )
    .await;
    // carol's Welcome waits: she is invited, and the group is not in sync yet.
    let view = away.view().await.unwrap();
    assert_eq!(view.groups[0].invited, ["carol"]);
    // Outside: the external client, by its name and its credential's identity.
    let outside = |view: &mls_lab::engine::LabView| -> Vec<String> {
        view.groups[0]
            .outside
            .iter()
            .map(ToString::to_string)
            .collect()
    };
    assert_eq!(outside(&view), ["remote ext=bob"]);
    // The Welcome's entry for the external client is opened in its own stack;
    // carol's by the bundle in her storage.
    let sent = away
        .events()
        .iter()
        .find(|e| e.kind.name() == "welcome_sent")
        .expect("a Welcome")
        .seq;
    let details = away.welcome_details(sent).expect("the Welcome");
    let opener = |owner: &str| {
        details
            .secrets
            .iter()
            .find(|s| s.owner.as_deref() == Some(owner))
            .map(|s| s.opener)
    };
    assert_eq!(opener("remote"), Some(Opener::OtherStack));
    assert_eq!(opener("carol"), Some(Opener::BundleInStorage));
    assert!(!view.groups[0].in_sync());
    refused(&mut away, "expect in-sync team", "ExpectationFailed").await;
    run(&mut away, "carol join").await;
    run(&mut away, "expect in-sync team").await;
    let view = away.view().await.unwrap();
    assert!(view.groups[0].invited.is_empty());
    assert!(view.groups[0].in_sync());

    run(&mut away, &format!("export-welcome team --to {welcome}")).await;
    run(&mut home, &format!("bob join --welcome {welcome}")).await;
    // In bob's lab the group goes by a label made from its GroupId.
    let view = home.view().await.unwrap();
    // A foreign stack's members have no name in this lab: their identities.
    assert_eq!(outside(&view), ["ext=alice", "ext=carol"]);
    assert!(view.groups[0].in_sync());
    let label = view.groups[0].name.clone();
    run(&mut home, &format!("expect in-sync {label}")).await;
}

/// The lab's view marks an external client and carries its credential's
/// identity; the inspector's details say so beside the name.
#[tokio::test(flavor = "current_thread")]
async fn an_external_client_is_marked_with_its_identity() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kp = path(dir.path(), "kp");
    seeded_lab(
        7,
        &[
            "clients zoe",
            "zoe generate 1",
            &format!("zoe export-key-package @1 --to {kp}"),
        ],
    )
    .await;
    let away = seeded_lab(
        7,
        &[
            "clients alice",
            &format!("import-key-package {kp} --as remote"),
        ],
    )
    .await;
    let view = away.view().await.unwrap();
    let remote = view.clients.iter().find(|c| c.name == "remote").unwrap();
    assert_eq!(remote.external.as_deref(), Some("zoe"));
    assert_eq!(remote.bundles, 0);
    let alice = view.clients.iter().find(|c| c.name == "alice").unwrap();
    assert_eq!(alice.external, None);
    let remote_ref = away.client("remote").unwrap().inventory()[0].kp_ref.clone();
    let details = away
        .key_package_details("remote", &remote_ref.into())
        .unwrap();
    assert_eq!(details.owner, "remote");
    assert!(
        details.credential.contains("\"zoe\""),
        "{}",
        details.credential
    );
    assert!(
        details.credential.contains("external"),
        "{}",
        details.credential
    );
}

/// Every hostile input: a typed error, and the lab's state and the files are
/// as they were.
#[tokio::test(flavor = "current_thread")]
async fn hostile_inputs_get_typed_errors_and_change_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let kp = path(d, "bob.kp");
    let welcome = path(d, "team.welcome");
    std::fs::write(d.join("empty"), b"").unwrap();
    std::fs::write(d.join("garbage"), b"\x00\x01\x00\x05 not an mls message").unwrap();
    std::fs::write(d.join("text"), "hello, world!\n").unwrap();
    std::fs::create_dir(d.join("folder")).unwrap();
    // Suite 4 (X448/Ed448), which the crypto provider lacks: the working group's vector.
    let vectors: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/welcome.json"
        ))
        .unwrap(),
    )
    .unwrap();
    std::fs::write(
        d.join("suite4"),
        vectors[3]["key_package"].as_str().unwrap(),
    )
    .unwrap();
    let mut engine = seeded_lab(
        7,
        &[
            "clients alice bob",
            "bob generate 2",
            "bob publish @2",
            "alice generate 1",
            &format!("bob export-key-package @1 --to {kp}"),
            "alice create-group team",
            "alice create-group empty-group",
            "alice add bob --to team",
            &format!("export-welcome team --to {welcome}"),
        ],
    )
    .await;
    let mut other = seeded_lab(7, &["clients zoe", "zoe generate 1"]).await;
    let zoe = path(d, "zoe.kp");
    run(&mut other, &format!("zoe export-key-package @1 --to {zoe}")).await;
    run(
        &mut engine,
        &format!("import-key-package {zoe} --as remote"),
    )
    .await;

    let files_before: Vec<(PathBuf, Vec<u8>)> = listing(d);
    let before = fingerprint(&engine).await;
    let cases: Vec<(String, &str)> = vec![
        (
            format!("import-key-package {} --as x", path(d, "missing")),
            "CannotRead",
        ),
        (
            format!("import-key-package {} --as x", path(d, "folder")),
            "CannotRead",
        ),
        (
            format!("import-key-package {} --as x", path(d, "empty")),
            "Malformed",
        ),
        (
            format!("import-key-package {} --as x", path(d, "garbage")),
            "Malformed",
        ),
        (
            format!("import-key-package {} --as x", path(d, "text")),
            "Malformed",
        ),
        (
            format!("import-key-package {welcome} --as x"),
            "WrongMessage",
        ),
        (
            format!("import-key-package {} --as x", path(d, "suite4")),
            "UnsupportedCiphersuite",
        ),
        (format!("import-key-package {zoe} --as=-x"), "InvalidName"),
        (
            format!("import-key-package {zoe} --as 'a b'"),
            "InvalidName",
        ),
        (format!("import-key-package {zoe} --as ds"), "InvalidName"),
        (format!("import-key-package {zoe} --as bob"), "ClientExists"),
        // The same import twice, under its name and under another: a package
        // the DS has already (an external client may hold several).
        (format!("import-key-package {zoe} --as remote"), "Duplicate"),
        (
            format!("import-key-package {zoe} --as remote2"),
            "Duplicate",
        ),
        // Bob's own package under a new name: its signature key is bob's.
        (format!("import-key-package {kp} --as thief"), "WrongOwner"),
        (
            format!("bob join --welcome {}", path(d, "missing")),
            "CannotRead",
        ),
        (
            format!("bob join --welcome {}", path(d, "folder")),
            "CannotRead",
        ),
        (
            format!("bob join --welcome {}", path(d, "garbage")),
            "Malformed",
        ),
        (format!("bob join --welcome {kp}"), "WrongMessage"),
        (format!("remote join --welcome {welcome}"), "ExternalClient"),
        ("remote claim bob".to_string(), "ExternalClient"),
        (
            format!("bob export-key-package @9 --to {}", path(d, "new")),
            "UnknownKeyPackage",
        ),
        (
            format!("bob export-key-package zz --to {}", path(d, "new")),
            "UnknownKeyPackage",
        ),
        (
            format!("nobody export-key-package @1 --to {}", path(d, "new")),
            "UnknownClient",
        ),
        (
            format!("bob export-key-package @1 --to {}", path(d, "folder")),
            "CannotWrite",
        ),
        (
            format!("bob export-key-package @1 --to {}/", path(d, "nofolder")),
            "CannotWrite",
        ),
        (
            format!("bob export-key-package @1 --to {}", path(d, "no/such/file")),
            "CannotWrite",
        ),
        (
            format!("export-welcome nope --to {}", path(d, "new")),
            "NoWelcomeSent",
        ),
        (
            format!("export-welcome empty-group --to {}", path(d, "new")),
            "NoWelcomeSent",
        ),
        (
            format!("export-welcome team --to {}", path(d, "folder")),
            "CannotWrite",
        ),
    ];
    for (line, code) in &cases {
        let message = refused(&mut engine, line, code).await;
        assert!(!message.contains('\n'), "{line}: {message}");
        assert_eq!(fingerprint(&engine).await, before, "{line} changed the lab");
        assert_eq!(listing(d), files_before, "{line} changed the files");
    }
    // A path with control characters is shown escaped.
    let message = refused(
        &mut engine,
        "import-key-package 'bad\x1b[2Jname' --as x",
        "CannotRead",
    )
    .await;
    assert!(message.contains("bad\\u{1b}[2Jname"), "{message}");
    // Failures are in the event log, with their codes.
    let failed = engine
        .events()
        .iter()
        .filter(|e| e.outcome == Outcome::Error)
        .count();
    assert!(failed > cases.len(), "{failed}");
}

/// The files under `dir`, with their contents, sorted.
fn listing(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

/// The working group's vectors: their key packages reach the DS's validation
/// and their Welcomes the joiner's, with typed outcomes. The lab has only each
/// vector's init private key, not its leaf's encryption key, so no lab client
/// can hold their bundles; and their lifetimes (0 to 2^64-1) are longer than
/// the DS accepts.
#[tokio::test(flavor = "current_thread")]
async fn the_working_group_vectors_import_and_join_with_typed_outcomes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let vectors: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/welcome.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut engine = seeded_lab(7, &["clients joiner"]).await;
    let before = fingerprint(&engine).await;
    for vector in &vectors {
        let suite = vector["cipher_suite"].as_u64().unwrap();
        let kp = path(dir.path(), &format!("kp{suite}"));
        let welcome = path(dir.path(), &format!("welcome{suite}"));
        std::fs::write(&kp, vector["key_package"].as_str().unwrap()).unwrap();
        std::fs::write(&welcome, vector["welcome"].as_str().unwrap()).unwrap();
        // One checklist: the DS refuses a suite the lab's provider cannot use
        // (4 to 7) as `inspect` does, before its lifetime.
        let (import, join) = match suite {
            1..=3 => ("LifetimeTooLong", "NoMatchingKeyPackage"),
            _ => ("UnsupportedCiphersuite", "UnsupportedCiphersuite"),
        };
        refused(
            &mut engine,
            &format!("import-key-package {kp} --as v{suite}"),
            import,
        )
        .await;
        refused(
            &mut engine,
            &format!("joiner join --welcome {welcome}"),
            join,
        )
        .await;
        assert_eq!(fingerprint(&engine).await, before, "suite {suite}");
    }
}
