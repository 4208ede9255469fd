//! The teacher's screen: the real `mls-lab serve` in a pseudo-terminal opens
//! the room screen; a lab registers and publishes through it and the room sees
//! the client appear; `q` (or Ctrl-C) stops the server with exit 0 and gives
//! the terminal back.

#![cfg(unix)]

mod pty_support;

use std::io::Write;
use std::process::{Command, Stdio};

use pty_support::*;

/// `mls-lab serve` on a free port, in memory, in an 80×24 terminal; its URL.
fn serve() -> (Lab, String) {
    let lab = spawn_exact(
        80,
        24,
        &["serve", "--db", ":memory:", "--listen", "127.0.0.1:0"],
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    lab.wait_for("the room screen with its URL", TIMEOUT, |screen| {
        screen.contains("URL http://127.0.0.1:") && screen.contains("clients 0")
    });
    let screen = lab.screen();
    let url = screen
        .split_whitespace()
        .find(|word| word.starts_with("http://127.0.0.1:"))
        .expect("the URL on screen")
        .to_string();
    (lab, url)
}

/// A lab on the server runs `script` headless and ends.
fn lab_runs(url: &str, script: &str) {
    let mut lab = Command::new(env!("CARGO_BIN_EXE_mls-lab"))
        .args(["run", "--ds", url, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the lab starts");
    lab.stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("the script");
    let done = lab.wait_with_output().expect("the lab ends");
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stdout)
    );
}

#[test]
fn the_room_sees_a_client_register_and_q_stops_the_server_and_restores_the_terminal() {
    let (mut room, url) = serve();
    assert_raw(&*room.master, "while the room screen is up");
    lab_runs(&url, "clients zoe\nzoe generate 2\nzoe publish --all\n");
    room.wait_for("zoe in the table and the feed", TIMEOUT, |screen| {
        screen.contains("zoe registered from 127.0.0.1")
            && screen.lines().any(|line| {
                let words: Vec<&str> = line.split_whitespace().collect();
                // │ zoe  2 none 0 127.0.0.1 │: her row, counted from the directory.
                words.get(1) == Some(&"zoe") && words.get(2) == Some(&"2")
            })
            && screen.contains("clients 1")
    });
    room.press(b"q");
    let status = room.wait_exit(TIMEOUT);
    assert!(status.success(), "q: {status:?}\n{}", room.describe());
    room.assert_restored_screen();
}

#[test]
fn ctrl_c_stops_the_server_and_restores_the_terminal() {
    let (mut room, url) = serve();
    room.press(b"\x03");
    let status = room.wait_exit(TIMEOUT);
    assert!(status.success(), "Ctrl-C: {status:?}\n{}", room.describe());
    room.assert_restored_screen();
    // The server is gone with the screen.
    let address = url.trim_start_matches("http://");
    assert!(std::net::TcpStream::connect(address).is_err(), "{address}");
}
