//! `NAME join --welcome FILE` end to end: any file contents give a group or a
//! typed error, never a panic and never a dead DS, in time and memory bounded
//! by the input (the inspector's bounds hold before OpenMLS decodes). The
//! joiner has a published key package, so a Welcome naming it gets as far as
//! OpenMLS's decryption. Each input gets a fresh lab.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_lab::command::Execute as _;
use mls_lab::engine::{Engine, Randomness};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("mls-lab-fuzz-join-{}", std::process::id()));
    std::fs::write(&path, data).expect("the fuzz input file");
    runtime().block_on(async {
        let mut engine = Engine::with_randomness(Randomness::Seeded(1));
        for line in ["clients bob", "bob generate 1", "bob publish --all"] {
            engine.execute_line(line).await.expect("setup");
        }
        let line = format!("bob join --welcome {}", path.display());
        if let Err(error) = engine.execute_line(&line).await {
            assert_ne!(error.code(), "DsUnavailable", "{error}");
            assert!(!error.to_string().is_empty());
        }
    });
});
