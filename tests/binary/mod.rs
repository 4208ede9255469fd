//! Test support for the tests that run the real `mls-lab` binary: the command,
//! and a scenario written to a temporary `.mls` file.

use std::io::Write;

use assert_cmd::Command;

/// The `mls-lab` binary cargo built for these tests.
pub fn mls_lab() -> Command {
    Command::cargo_bin("mls-lab").expect("binary built")
}

/// `text` in a temporary `.mls` file, removed when the handle drops.
#[allow(dead_code)] // not every test file writes scenarios
pub fn scenario(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".mls")
        .tempfile()
        .expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    file
}
