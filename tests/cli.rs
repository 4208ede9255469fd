//! `mls-lab run` end to end: the real binary, real OpenMLS.

use predicates::prelude::*;
use std::io::{BufRead, Write};
use std::process::Stdio;
use std::time::Duration;

mod binary;
use binary::{mls_lab, scenario};

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
        .stderr(predicate::str::contains(
            ":2: unexpected error UnknownClient: no client named 'bob'",
        ));
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
            "'Bad Name' cannot be a client name: no spaces",
        ));
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn parse_errors_name_the_argument_and_show_the_usage_line() {
    let cases = [
        ("alice claim", "missing OWNER; usage: NAME claim OWNER [--suite 1|2|3] [--mls-message]"),
        ("alice add bob", "missing --to GROUP; usage: NAME add MEMBER... --to GROUP"),
        ("alice claim bob --suite 9", "bad --suite SUITE '9': 9 is not in 1..=3; usage: NAME claim"),
        ("alice generate 0", "bad COUNT '0': 0 is not in 1..=10000; usage: NAME generate [COUNT]"),
        ("alice generate --help", "unexpected '--help'; usage: NAME generate"),
        ("alice fly", "unknown verb 'fly'; usage: NAME generate|publish|claim"),
        ("ds", "missing VERB; usage: ds replay-welcome | ds forward-welcome NAME"),
        ("expect bob epoch team", "missing N; usage: expect NAME epoch GROUP N"),
        ("expect ds bob last-resort maybe", "bad PRESENCE 'maybe': use present or absent; usage: expect ds OWNER last-resort present|absent"),
    ];
    for (line, message) in cases {
        let file = scenario(&format!("clients alice\n{line}\n"));
        let output = mls_lab().arg("run").arg(file.path()).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{line}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!(":2: {message}")),
            "{line}: {stderr}"
        );
        // Never clap's help block or its doc comments.
        assert!(
            !stderr.contains("Usage:") && !stderr.contains("Options:"),
            "{stderr}"
        );
        assert!(!stderr.contains("For more information"), "{stderr}");
    }
}

#[test]
fn a_quoted_hash_is_a_word_and_an_unquoted_one_starts_a_comment() {
    let file = scenario(
        "clients alice\nalice create-group '#team' # a comment\nexpect error InvalidName\nalice create-group team #'not a word\nexpect alice member-of team\n",
    );
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "'#team' cannot be a group name: cannot start with '#'",
        ));
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_line_number() {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(b"clients alice\nalice generate\nalice \xff\xfe peek\n")
        .expect("write");
    let name = file.path().display().to_string();
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(format!(
            "{name}:3: not UTF-8 text"
        )));
}

#[test]
fn random_bytes_fail_fast() {
    mls_lab()
        .args(["run", "/dev/urandom"])
        .timeout(Duration::from_secs(20))
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::is_match(
                r"/dev/urandom:\d+: (not UTF-8 text|line longer than 4096 bytes)",
            )
            .unwrap(),
        );
}

#[test]
fn an_overlong_line_is_refused_in_a_stream_and_in_a_file() {
    let long = format!("clients alice\nalice generate {}\n", "1".repeat(5000));
    mls_lab()
        .args(["run", "-"])
        .write_stdin(long.clone())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "<stdin>:2: line longer than 4096 bytes",
        ));
    let file = scenario(&long);
    mls_lab()
        .arg("run")
        .arg(file.path())
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(":2: line longer than 4096 bytes"));
}

/// A program drives the lab line by line: each line's events come back before
/// the next line is written.
#[test]
fn a_stream_runs_each_line_as_it_arrives() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"))
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |what: &str| loop {
        let line = received
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no '{what}' while the stream stays open"));
        if line.contains(what) {
            break;
        }
    };
    writeln!(stdin, "clients alice bob").expect("write");
    wait_for("client_registered");
    writeln!(stdin, "bob generate 2").expect("write");
    wait_for("key_package_generated");
    writeln!(stdin, "expect bob key-packages 2").expect("write");
    wait_for("expect_passed");
    drop(stdin);
    wait_for("<stdin>: 3 lines run, all expectations held");
    assert!(child.wait().expect("wait").success());
}

#[test]
fn a_syntax_error_stops_a_stream_at_its_line() {
    mls_lab()
        .args(["run", "-"])
        .write_stdin("clients alice\nalice generate\nalice claim\nalice generate\n")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("<stdin>:2> alice generate"))
        .stdout(predicate::str::contains("<stdin>:4>").not())
        .stderr(predicate::str::contains("<stdin>:3: missing OWNER"))
        .stderr(predicate::str::contains("stopped at this line"));
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    for json in [false, true] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"));
        command.arg("run");
        if json {
            command.arg("--json");
        }
        // Like `mls-lab run | head -1`: one line read, then the reader goes away.
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
        let mut first = String::new();
        stdout.read_line(&mut first).expect("one line");
        assert!(!first.is_empty());
        drop(stdout);
        let output = child.wait_with_output().expect("wait");
        let stderr = stderr_of(&output);
        assert!(stderr.is_empty(), "json={json}: {stderr}");
        assert_eq!(output.status.code(), Some(0), "json={json}");
    }
}

#[test]
fn another_write_error_is_one_line_on_stderr_and_exit_1() {
    for json in [false, true] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let mut args = vec!["run"];
        if json {
            args.push("--json");
        }
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"))
            .args(&args)
            .stdout(full)
            .output()
            .expect("run");
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(1), "json={json}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "json={json}: {stderr}");
        assert!(stderr.contains("cannot write the output"), "{stderr}");
    }
}

#[test]
fn control_characters_from_input_never_reach_the_terminal_raw() {
    let file = scenario(
        "clients alice\nclients \"evil\x1b[2J\"\nexpect error InvalidName\nalice create-group \"t\x07\"\nexpect error \"Invalid\x1b]0;x\x07Name\"\nexpect error \"C1\u{9b}31m\u{202e}\"\n",
    );
    let raw = |c: char| c.is_control() && c != '\n' || c == '\u{202e}';
    let output = mls_lab().arg("run").arg(file.path()).output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = stderr_of(&output);
    for text in [&stdout[..], &stderr[..]] {
        assert!(!text.chars().any(raw), "{text}");
    }
    assert!(stdout.contains("clients \"evil\\u{1b}[2J\""), "{stdout}");
    assert!(
        stdout.contains("cannot be a client name: no control characters"),
        "{stdout}"
    );
    assert!(stderr.contains("Invalid\\u{1b}]0;x\\u{7}Name"), "{stderr}");
    assert!(stderr.contains("C1\\u{9b}31m\\u{202e}"), "{stderr}");
    // JSON Lines: escaped as JSON, decoding to the text as written.
    let output = mls_lab()
        .args(["run", "--json"])
        .arg(file.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.chars().any(raw), "{stdout}");
    let failed: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .filter(|e: &serde_json::Value| e["kind"] == "expect_failed")
        .collect();
    assert!(
        failed[1]["expectation"]
            .as_str()
            .is_some_and(|e| e.contains("C1\u{9b}31m\u{202e}")),
        "{failed:?}"
    );
}

#[test]
fn clients_with_a_duplicate_or_invalid_name_are_refused_before_the_terminal() {
    for (clients, message) in [
        ("alice,bob,alice", "'alice' is named twice"),
        (
            "alice,#x",
            "'#x' cannot be a client name: cannot start with '#'",
        ),
        (
            "alice,a\x1bb",
            "'a\\u{1b}b' cannot be a client name: no control characters",
        ),
        (
            "expect",
            "'expect' cannot be a client name: it is a keyword",
        ),
    ] {
        mls_lab()
            .arg(format!("--clients={clients}"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("--clients: {message}")))
            .stderr(predicate::str::contains("needs a terminal").not());
    }
}

#[test]
fn group_names_follow_the_same_rule() {
    let file = scenario(
        "clients alice\nalice create-group 'my team'\nexpect error InvalidName\nalice create-group @1\nexpect error InvalidName\nalice create-group abcdefghijklmnopq\nexpect error InvalidName\nexpect alice not-member-of 'my team'\n",
    );
    mls_lab().arg("run").arg(file.path()).assert().success();
}

#[test]
fn a_bad_command_line_argument_is_shown_escaped() {
    let output = mls_lab()
        .args(["--theme", "x\ry\u{9b}2J"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{9b}'),
        "{stderr:?}"
    );
    assert!(stderr.contains("x\\ry\\u{9b}2J"), "{stderr}");
    // --help still prints the help, to stdout, exit 0.
    mls_lab()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Usage: mls-lab"));
}

/// A driver that stops reading ends the stream run at once, even while it keeps
/// standard input open.
#[test]
fn a_stream_ends_when_its_reader_goes_away_without_waiting_for_input() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"))
        .args(["run", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "clients alice").expect("write");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("still waiting for input after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    drop(stdin);
    assert_eq!(status.code(), Some(0));
}
