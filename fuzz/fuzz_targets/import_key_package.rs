//! `import-key-package FILE --as NAME` end to end: any file contents give an
//! external client or a typed error, never a panic, and never a dead DS. Each
//! input gets a fresh lab; the file is one per fuzzing process.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_lab::engine::Engine;

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
    let path = std::env::temp_dir().join(format!("mls-lab-fuzz-import-{}", std::process::id()));
    std::fs::write(&path, data).expect("the fuzz input file");
    let line = format!("import-key-package {} --as external", path.display());
    runtime().block_on(async {
        let mut engine = Engine::new();
        if let Err(error) = engine.execute_line(&line).await {
            assert_ne!(error.code(), "DsUnavailable", "{error}");
            assert!(!error.to_string().is_empty());
        }
    });
});
