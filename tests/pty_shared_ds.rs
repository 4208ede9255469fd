//! The interactive lab on a shared DS (`mls-lab --ds URL --clients alice`): the
//! real server and the real lab in a pseudo-terminal. bob, a client of another
//! lab, published on the server; the lab's DS panel shows him from the server's
//! directory, and a claim typed at the prompt takes his package there.

#![cfg(unix)]

mod pty_support;
mod serve_common;

use std::io::Write;
use std::process::{Command, Stdio};

use mls_lab::serve::wire::{decode, ClientKeyPackages, ClientList};
use pty_support::*;
use serve_common::Server;

/// How many key packages the server lists for `name`.
fn listed(server: &Server, name: &str) -> usize {
    use base64::Engine as _;
    let id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(name);
    let (status, body) = server.request("GET", &format!("/clients/key_packages/{id}"), &[]);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    decode::<ClientKeyPackages>(&body).unwrap().entries.len()
}

#[test]
fn the_lab_on_a_shared_ds_shows_the_servers_directory_and_claims_there() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("ds.sqlite"), &[]);
    let url = format!("http://{}", server.address);

    // Another lab publishes bob's packages on the server, then ends.
    let mut other = Command::new(assert_cmd::cargo::cargo_bin("mls-lab"))
        .args(["run", "--ds", &url, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    other
        .stdin
        .take()
        .unwrap()
        .write_all(b"clients bob\nbob generate 2\nbob publish --all\n")
        .unwrap();
    let other = other.wait_with_output().unwrap();
    assert!(
        other.status.success(),
        "{}",
        String::from_utf8_lossy(&other.stdout)
    );
    let (_, body) = server.request("GET", "/clients/list", &[]);
    let identities = decode::<ClientList>(&body).unwrap().identities;
    assert_eq!(identities.iter().collect::<Vec<_>>(), [&b"bob".to_vec()]);
    assert_eq!(listed(&server, "bob"), 2);

    let mut lab = spawn_with(120, 36, &["--ds", &url, "--clients", "alice"]);
    lab.wait_ready();
    // bob is no client of this lab: only the server's directory can show him.
    lab.wait_for("bob in the DS panel", TIMEOUT, |screen| {
        screen.contains("bob")
    });
    lab.press(b":alice claim bob\r");
    lab.wait_for("the claim in the log", TIMEOUT, |screen| {
        screen.contains("key_package_claimed") || screen.contains("claimed")
    });
    assert_eq!(listed(&server, "bob"), 1, "{}", lab.describe());
    lab.quit_and_check_restored();
}
