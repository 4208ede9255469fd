//! Two labs and the server as three processes: bob (lab 2) publishes on the
//! shared DS, alice (lab 1) claims his key package, adds him and sends the
//! Welcome through the server; bob joins, and both agree on the epoch
//! authenticator.

mod serve_common;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mls_lab::serve::wire::{decode, ClientList};
use serve_common::Server;

fn lab(url: &str) -> Command {
    let mut command = Command::new(assert_cmd::cargo::cargo_bin("mls-lab"));
    command.args(["run", "--ds", url, "-"]);
    command
}

/// The epoch authenticator the final state shows for the lab's one group.
fn authenticator(transcript: &str) -> String {
    transcript
        .lines()
        .find_map(|line| line.split("epoch authenticator ").nth(1))
        .unwrap_or_else(|| panic!("no group in:\n{transcript}"))
        .to_string()
}

/// Runs `script` in a lab on the DS at `url`; every line and expectation holds.
fn runs_and_holds(url: &str, script: &str) {
    let mut lab = lab(url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    lab.stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let output = lab.wait_with_output().unwrap();
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{transcript}");
    assert!(transcript.contains("all expectations held"), "{transcript}");
}

#[test]
fn bob_in_one_lab_joins_alices_group_in_another_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("ds.sqlite"), &[]);
    let url = format!("http://{}", server.address);

    let mut bob = lab(&url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("lab 2 starts");
    let mut bob_input = bob.stdin.take().expect("bob's stdin");
    bob_input
        .write_all(b"clients bob\nbob generate 2\nbob publish --all\n")
        .unwrap();
    bob_input.flush().unwrap();
    // Wait until the server lists bob: lab 2 has published.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = server.request("GET", "/clients/list", &[]);
        let listed = status == 200
            && decode::<ClientList>(&body)
                .unwrap()
                .identities
                .iter()
                .any(|i| i == b"bob");
        if listed {
            break;
        }
        assert!(Instant::now() < deadline, "lab 2 never published");
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut alice = lab(&url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("lab 1 starts");
    alice
        .stdin
        .take()
        .unwrap()
        .write_all(b"clients alice\nalice create-group team\nalice add bob --to team\n")
        .unwrap();
    let alice = alice.wait_with_output().unwrap();
    let alice_out = String::from_utf8_lossy(&alice.stdout).into_owned();
    assert!(alice.status.success(), "{alice_out}");
    assert!(alice_out.contains("recipients=[bob]"), "{alice_out}");

    bob_input.write_all(b"deliver\n").unwrap();
    drop(bob_input);
    let mut bob_out = String::new();
    bob.stdout
        .take()
        .unwrap()
        .read_to_string(&mut bob_out)
        .unwrap();
    assert!(bob.wait().unwrap().success(), "{bob_out}");
    assert!(bob_out.contains("group_joined"), "{bob_out}");
    assert_eq!(authenticator(&bob_out), authenticator(&alice_out));

    // The teacher's screen (`serve --json`) showed the room's onboarding happen.
    let events = server.wait_for_event("the Welcome routed to bob", |e| {
        e["event"] == "welcome_routed" && e["recipients"] == serde_json::json!(["bob"])
    });
    let has = |wanted: &dyn Fn(&serde_json::Value) -> bool| events.iter().any(wanted);
    assert!(
        has(&|e| e["event"] == "registered"
            && e["client"] == "bob"
            && e["key_packages"] == 2
            && e["peer"] == "127.0.0.1"),
        "{events:#?}"
    );
    assert!(
        has(&|e| e["event"] == "claimed" && e["owner"] == "bob"),
        "{events:#?}"
    );
}

/// Faults, policies and the clock change the DS itself: on a shared DS they
/// are the server's, and a lab's line is refused with a typed error.
#[test]
fn a_lab_on_a_shared_ds_cannot_change_the_ds_itself() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("ds.sqlite"), &[]);
    let script = "ds fault drop-welcome on\nexpect error TeacherOnly\n\
                  ds policy claim-limit 1 --per 1h\nexpect error TeacherOnly\n\
                  clock +1d\nexpect error TeacherOnly\n";
    runs_and_holds(&format!("http://{}", server.address), script);
}

/// A key package the server's rules refuse gets, in a lab on that server, the
/// code the lab's own DS would give (`LifetimeTooLong`: the DS's 13-week
/// maximum), not a generic `DsRefused`: the same `expect error` holds on
/// either DS.
#[test]
fn a_rule_refused_over_the_network_keeps_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("ds.sqlite"), &[]);
    let script = "clients zoe\nzoe generate 1\nzoe publish --all\n\
                  zoe generate 1 --lifetime 400d\nzoe publish --all\nexpect error LifetimeTooLong\n";
    runs_and_holds(&format!("http://{}", server.address), script);
}
