//! `mls-lab run` end to end: the real binary, real OpenMLS.

use assert_cmd::Command;
use predicates::prelude::*;
use std::io::Write;

fn mls_lab() -> Command {
    Command::cargo_bin("mls-lab").expect("binary built")
}

fn scenario(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".mls")
        .tempfile()
        .expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    file
}

#[test]
fn default_scenario_runs_and_holds() {
    mls_lab()
        .arg("run")
        .assert()
        .success()
        .stdout(predicate::str::contains("all expectations held"))
        .stdout(predicate::str::contains("private_bundle_retained"));
}

#[test]
fn text_run_ends_with_the_state_read_from_storage_and_the_ds() {
    let file = scenario(
        "clients alice bob\nbob generate\nbob generate --last-resort\nbob publish --all\nalice create-group team\nalice add bob --to team\nbob join\n",
    );
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("== state =="))
        .stdout(predicate::str::is_match(r"@1 +[0-9a-f]{8}… suite 1 +used to join team +bundle deleted").unwrap())
        .stdout(predicate::str::is_match(r"@2 +[0-9a-f]{8}… suite 1 LR published +bundle present").unwrap())
        .stdout(predicate::str::contains("group team: epoch 1, members alice, bob"))
        .stdout(predicate::str::is_match(r"ds bob: 0 normal available, last resort [0-9a-f]{8}… \(handed out 0×\), 1 claim\(s\)").unwrap());
}

#[test]
fn every_shipped_scenario_passes() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("assets/scenarios") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "mls") {
            mls_lab().arg("run").arg(&path).assert().success();
            seen += 1;
        }
    }
    assert!(seen >= 3, "found {seen} scenarios");
}

#[test]
fn json_lines_carry_the_documented_fields() {
    let output = mls_lab().args(["run", "--json"]).output().expect("run");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let events: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    assert!(events.len() > 50);
    for event in &events {
        assert!(
            event["kind"].is_string() && event["actor"].is_string(),
            "{event}"
        );
        if let Some(r) = event.get("kp_ref").and_then(|r| r.as_str()) {
            assert_eq!(r.len(), 64, "{event}");
            assert!(r
                .chars()
                .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
    }
    let kinds: std::collections::BTreeSet<&str> =
        events.iter().filter_map(|e| e["kind"].as_str()).collect();
    for kind in [
        "key_package_generated",
        "key_package_published",
        "key_package_claimed",
        "welcome_sent",
        "welcome_delivered",
        "group_joined",
        "join_failed",
        "private_bundle_deleted",
        "private_bundle_retained",
    ] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
    let reuse = events
        .iter()
        .find(|e| e["kind"] == "key_package_claimed" && e["last_resort_reuse"] == true)
        .expect("a last-resort reuse");
    assert_eq!(reuse["last_resort"], true);
    let welcome = events
        .iter()
        .find(|e| e["kind"] == "welcome_sent")
        .expect("welcome");
    assert!(welcome["new_member_refs"].is_array() && welcome["group"].is_string());
    assert!(welcome["epoch"].is_u64());
    let failed = events
        .iter()
        .find(|e| e["kind"] == "join_failed")
        .expect("failure");
    assert_eq!(failed["error"], "NoMatchingKeyPackage");
}

#[test]
fn rejected_and_expect_failed_kinds_in_json() {
    let file = scenario(
        "clients bob\nbob generate --last-resort --no-last-resort-capability\nbob publish @1\nexpect error UnsupportedExtension\nexpect bob key-packages 5\n",
    );
    let output = mls_lab()
        .args(["run", "--json"])
        .arg(file.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rejected: serde_json::Value = stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|e| e["kind"] == "key_package_rejected")
        .expect("rejected");
    assert_eq!(rejected["error"], "UnsupportedExtension");
    assert_eq!(rejected["last_resort"], true);
    assert!(stdout.contains("\"kind\":\"expect_failed\""));
}

#[test]
fn failed_expectation_exits_nonzero_naming_file_and_line() {
    let file =
        scenario("clients alice bob\n# a comment\nbob generate 2\nexpect bob key-packages 3\n");
    let name = file.path().display().to_string();
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "{name}:4: expectation failed"
        )))
        .stderr(predicate::str::contains(
            "bob has 2 key package(s) in storage, expected 3",
        ));
}

#[test]
fn unexpected_error_fails_the_run() {
    let file = scenario("clients alice\nalice claim bob\n");
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains(":2: unexpected error NoKeyPackageAvailable").or(
                predicate::str::contains(":2: unexpected error UnknownClient"),
            ),
        );
}

#[test]
fn syntax_errors_name_every_line_and_run_nothing() {
    let file = scenario("clients alice\nalice generate --bogus\nalice\nexpect\n");
    let name = file.path().display().to_string();
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!("{name}:2:")))
        .stderr(predicate::str::contains(format!("{name}:3:")))
        .stderr(predicate::str::contains(format!("{name}:4:")))
        .stderr(predicate::str::contains("nothing was run"));
}

#[test]
fn missing_file_is_a_clear_error() {
    mls_lab()
        .args(["run", "/nonexistent/scenario.mls"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read /nonexistent/scenario.mls",
        ));
}

#[test]
fn the_issue_examples_parse() {
    use mls_lab::command::parse_line;
    for line in [
        "clients alice bob carol",
        "bob generate 3",
        "bob generate --last-resort",
        "bob publish --all",
        "alice claim bob",
        "alice create-group team",
        "alice add bob carol --to team",
        "bob join",
        "bob rotate-last-resort",
        "expect bob member-of team",
        "expect bob key-packages 2",
        "expect error NoMatchingKeyPackage",
    ] {
        assert!(matches!(parse_line(line), Ok(Some(_))), "{line}");
    }
    assert!(matches!(parse_line("# comment"), Ok(None)));
    assert!(matches!(parse_line("   "), Ok(None)));
    assert!(matches!(
        parse_line("bob generate 2 # trailing"),
        Ok(Some(_))
    ));
    for bad in [
        "bob",
        "bob fly",
        "bob generate -1",
        "clients",
        "expect",
        "'unclosed",
        "ds",
    ] {
        let error = parse_line(bad).expect_err(bad);
        assert_eq!(error.code(), "Usage", "{bad}");
        assert!(!error.to_string().contains('\n'), "one line: {error}");
    }
}

#[test]
fn reads_a_scenario_from_standard_input() {
    mls_lab()
        .args(["run", "-"])
        .write_stdin("clients alice\nalice generate 2\nexpect alice key-packages 2\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("<stdin>: 3 lines run"));
}

#[test]
fn without_a_terminal_the_lab_says_so_and_points_to_run() {
    mls_lab()
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("needs a terminal"))
        .stderr(predicates::str::contains("mls-lab run"));
}

#[test]
fn a_bad_lab_option_is_refused_before_the_terminal_is_touched() {
    mls_lab()
        .args(["--suite", "9"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--suite"));
    mls_lab()
        .args(["--clients", "alice,Bad Name"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "'Bad Name' cannot be a client name",
        ));
}
