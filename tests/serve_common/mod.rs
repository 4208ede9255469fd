//! The real `mls-lab serve` in its own process, and a small blocking HTTP/1.1
//! client that speaks to it as OpenMLS's cli does (raw TLS-encoded bodies).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: SocketAddr,
    /// The `--json` event lines it printed so far.
    events: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `mls-lab serve` on a free port with its state in `db`.
    pub fn start(db: &Path, extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("mls-lab"))
            .args(["serve", "--listen", "127.0.0.1:0", "--json", "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let events = Arc::new(Mutex::new(Vec::new()));
        let stdout = child.stdout.take().expect("stdout");
        let kept = events.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(mut kept) = kept.lock() {
                    kept.push(line);
                }
            }
        });
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .expect("a line");
            if let Some(address) = line.strip_prefix("mls-lab serve: listening on http://") {
                break address.parse().expect("an address");
            }
        };
        // Keep reading stderr so the server never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Self {
            child,
            address,
            events,
        }
    }

    /// The events (`--json` lines, parsed) the server printed so far.
    pub fn events(&self) -> Vec<serde_json::Value> {
        let lines = self.events.lock().map(|l| l.clone()).unwrap_or_default();
        lines
            .iter()
            .map(|line| serde_json::from_str(line).expect("each line is JSON"))
            .collect()
    }

    /// Waits (up to a minute) until an event satisfies `wanted`; all so far.
    pub fn wait_for_event(
        &self,
        what: &str,
        wanted: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let events = self.events();
            if events.iter().any(&wanted) {
                return events;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the server never showed {what}: {events:#?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGKILL: the process gets no chance to flush anything.
    pub fn kill(mut self) {
        self.child.kill().expect("killed");
        self.child.wait().expect("reaped");
    }

    pub fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        request(self.address, method, path, body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on its own connection; the status and the body. A connection
/// that fails (the server was killed) is status 0.
pub fn request(address: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
    let Ok(mut stream) = TcpStream::connect(address) else {
        return (0, Vec::new());
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: test\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
        return (0, Vec::new());
    }
    let mut answer = Vec::new();
    if stream.read_to_end(&mut answer).is_err() {
        return (0, Vec::new());
    }
    let Some(split) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, Vec::new());
    };
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, answer[split + 4..].to_vec())
}
