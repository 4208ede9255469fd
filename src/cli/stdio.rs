//! The process's standard streams as the command line uses them: lines on stdout
//! through an [`Output`] and lines on stderr, every one escaped
//! ([`escape_controls`]) so nothing from input reaches the terminal raw. A closed
//! stdout (`| head`) ends a listing quietly. Never `println!`, which panics when
//! stdout is closed.

use std::io::Write;
use std::process::ExitCode;

use crate::domain::escape_controls;
use crate::runner::output::{Output, Stopped};

/// One line on stderr, control characters escaped. A failing stderr is ignored:
/// there is nowhere left to report it (and `eprintln!` would panic).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", escape_controls(line));
}

/// Lines on stdout (escaped; a closed reader ends them quietly, any other write
/// error is told and exit 1).
pub fn print_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> ExitCode {
    match write_lines(lines) {
        None | Some(Stopped::Closed) => ExitCode::SUCCESS,
        Some(Stopped::Failed(error)) => {
            say(&format!("mls-lab: cannot write the output: {error}"));
            ExitCode::from(1)
        }
    }
}

/// Writes lines on stdout; why writing stopped, if it did.
pub fn write_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> Option<Stopped> {
    let mut out = Output::new(std::io::stdout().lock());
    for line in lines {
        out.line(line);
    }
    out.finish()
}
