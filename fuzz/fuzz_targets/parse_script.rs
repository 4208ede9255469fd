//! The scenario parser: any text parses to lines or to errors naming a line,
//! never a panic; non-UTF-8 bytes are refused by the reader with a line number.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match mls_lab::runner::input::read_script(data) {
        Ok(source) => {
            if let Ok(lines) = mls_lab::command::parse_script("fuzz", &source) {
                for line in lines {
                    assert!(line.line_no >= 1);
                }
            }
        }
        Err(error) => {
            let _ = error.message("fuzz");
        }
    }
});
