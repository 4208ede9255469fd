//! Shared by the engine tests (`mod support;`): a lab set up by lines, a line that
//! must succeed, a line that must fail with its typed error, and the preludes
//! several tests start from. The engine is the real one, with real OpenMLS.

// Each test file uses a part of this module.
#![allow(dead_code)]

use mls_lab::command::{CommandError, Execute as _};
use mls_lab::engine::{Engine, Randomness};

/// The preludes tests start from, by what they leave behind.
pub mod prelude {
    /// alice and bob; bob has one normal key package at the DS.
    pub const BOB_PUBLISHED: &[&str] =
        &["clients alice bob", "bob generate 1", "bob publish --all"];

    /// [`BOB_PUBLISHED`], then alice creates `team`, claims bob's package and adds
    /// him: his Welcome waits in his mailbox.
    pub const BOB_ADDED_TO_TEAM: &[&str] = &[
        "clients alice bob",
        "bob generate 1",
        "bob publish --all",
        "alice create-group team",
        "alice claim bob",
        "alice add bob --to team",
    ];
}

/// A fresh lab (operating-system randomness) after `lines`, each of which must succeed.
pub async fn lab(lines: &[&str]) -> Engine {
    let mut engine = Engine::new();
    run_all(&mut engine, lines).await;
    engine
}

/// [`lab`] with seeded randomness, so references are the same on every run.
pub async fn seeded_lab(seed: u64, lines: &[&str]) -> Engine {
    let mut engine = Engine::with_randomness(Randomness::Seeded(seed));
    run_all(&mut engine, lines).await;
    engine
}

/// Runs one line that must succeed; a failure fails the test with its code.
pub async fn run(engine: &mut Engine, line: &str) {
    if let Err(e) = engine.execute_line(line).await {
        panic!("{line:?} failed: {} ({e})", e.code());
    }
}

/// Runs lines in order, each of which must succeed.
pub async fn run_all(engine: &mut Engine, lines: &[&str]) {
    for line in lines {
        run(engine, line).await;
    }
}

/// Runs one line that must fail, and returns its error.
pub async fn fails(engine: &mut Engine, line: &str) -> CommandError {
    match engine.execute_line(line).await {
        Err(e) => e,
        Ok(()) => panic!("{line:?} should have failed"),
    }
}
