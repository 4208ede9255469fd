//! `mls-lab explain` end to end: the real binary lists and explains every event
//! kind and error code the engine has.

use mls_lab::engine::{EngineError, EventKind};
use mls_lab::explain::concepts::CONCEPTS;
use predicates::prelude::*;

mod binary;
use binary::mls_lab;

#[test]
fn without_a_topic_it_lists_every_event_kind_and_error_code_one_line_each() {
    let output = mls_lab().arg("explain").output().expect("run");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let listed: Vec<&str> = stdout
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    // The event kinds in log order, then the error codes, then the concepts.
    let (events, errors) = listed.split_at(EventKind::ALL.len().min(listed.len()));
    assert_eq!(events, EventKind::ALL);
    let concepts: Vec<&str> = CONCEPTS.iter().map(|c| c.topic).collect();
    let (errors, listed_concepts) = errors.split_at(errors.len().saturating_sub(concepts.len()));
    assert_eq!(listed_concepts, concepts);
    let mut errors = errors.to_vec();
    let mut codes = EngineError::CODES.to_vec();
    errors.sort_unstable();
    codes.sort_unstable();
    assert_eq!(errors, codes);
}

#[test]
fn every_topic_explains_itself_with_its_sources() {
    for topic in EventKind::ALL.iter().chain(EngineError::CODES) {
        mls_lab()
            .args(["explain", topic])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("{topic} (")))
            .stdout(predicate::str::contains("what:"))
            .stdout(predicate::str::contains("RFC:"));
    }
}

#[test]
fn a_protocol_error_names_the_openmls_call_the_rfc_and_the_ds_rule() {
    mls_lab()
        .args(["explain", "NoKeyPackageAvailable"])
        .assert()
        .success()
        .stdout(predicate::str::contains("RFC 9420 §16.8"))
        .stdout(predicate::str::contains("DS rule:"));
    mls_lab()
        .args(["explain", "no-matching-key-package"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "WelcomeError::NoMatchingKeyPackage",
        ))
        .stdout(predicate::str::contains("§12.4.3.1"));
}

#[test]
fn an_unknown_topic_is_exit_2_with_did_you_mean() {
    mls_lab()
        .args(["explain", "group_joind"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "no topic 'group_joind'; did you mean 'group_joined'?",
        ));
    mls_lab()
        .args(["explain", "--", "-\u{1b}[2J"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\\u{1b}[2J"))
        .stderr(predicate::str::contains("mls-lab explain` lists every"));
}

#[test]
fn a_full_stdout_is_one_line_on_stderr_and_exit_1() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"))
        .arg("explain")
        .stdout(full)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");
}

#[test]
fn the_concepts_a_speaker_names_are_explained_and_near_misses_suggest_them() {
    for (asked, topic, section) in [
        ("KeyPackageRef", "KeyPackageRef", "§5.2"),
        ("hash_ref", "KeyPackageRef", "§5.2"),
        ("key package", "key-package", "§10"),
        ("init_private_key", "bundle", "§12.4.3.1"),
        ("last-resort", "last-resort", "§16.8"),
        ("one-time-use", "one-time-use", "§16.8"),
        ("capabilities", "capabilities", "§7.2"),
        ("lifetime", "lifetime", "§10.1"),
        ("new_member", "Welcome", "§12.4.3.1"),
    ] {
        mls_lab()
            .args(["explain", asked])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("{topic} (concept)")))
            .stdout(predicate::str::contains("OpenMLS:"))
            .stdout(predicate::str::contains(section));
    }
    mls_lab()
        .args(["explain", "KeyPackgeRef"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean 'KeyPackageRef'"));
}
