//! `mls-lab inspect`'s decoder: any bytes give a report or a typed error, never a
//! panic, and a report's fields stay inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A fixed time keeps runs reproducible.
    if let Ok(report) = mls_lab::inspect::inspect(data, 1_800_000_000) {
        for (_, field) in report.tree.walk() {
            assert!(field.offset + field.len <= report.size);
        }
        let _ = mls_lab::inspect::render::lines(&report);
    }
});
