//! The headless subcommands that print one report and exit, `mls-lab inspect` and
//! `mls-lab explain`, and the stdout/stderr helpers every subcommand shares. They
//! return exit codes as numbers; `main` turns them into the process's.

use std::io::Write;
use std::path::Path;

use super::output::{Output, Stopped};
use crate::domain::escape_controls;
use crate::explain;
use crate::inspect as inspector;

/// One line on stderr, control characters escaped. A failing stderr is ignored:
/// there is nowhere left to report it (and `eprintln!` would panic).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", escape_controls(line));
}

/// Lines on stdout through the run's [`Output`] (escaped; a closed reader ends
/// them quietly, any other write error is exit 1).
pub fn print_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> u8 {
    match write_lines(lines) {
        None | Some(Stopped::Closed) => 0,
        Some(Stopped::Failed(error)) => {
            say(&format!("mls-lab: cannot write the output: {error}"));
            1
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

/// `mls-lab inspect FILE|-`: the report on stdout; exit 0 when every check passes
/// (a Welcome has none), 1 when one fails or output fails, 2 when the input cannot
/// be read or is not a key package or a Welcome.
pub fn inspect(path: &Path, json: bool) -> u8 {
    let name = path.display().to_string();
    let bytes = if path.as_os_str() == "-" {
        inspector::encoding::read_limited(std::io::stdin().lock())
    } else {
        std::fs::File::open(path)
            .map_err(|e| inspector::InspectError::Read(e.to_string()))
            .and_then(inspector::encoding::read_limited)
    };
    let now = crate::domain::LabClock::system_secs();
    let report = match bytes.and_then(|bytes| inspector::inspect(&bytes, now)) {
        Ok(report) => report,
        Err(error) => {
            say(&format!("mls-lab: {name}: {error}"));
            return 2;
        }
    };
    let mut out = Output::new(std::io::stdout().lock());
    if json {
        match serde_json::to_string(&report) {
            Ok(text) => out.line(&text),
            Err(error) => say(&format!("mls-lab: {name}: {error}")),
        }
    } else {
        inspector::render::lines(&report)
            .iter()
            .for_each(|line| out.line(line));
    }
    match out.finish() {
        None if report.passes() => 0,
        None => 1,
        Some(Stopped::Closed) => 0,
        Some(Stopped::Failed(error)) => {
            say(&format!("mls-lab: cannot write the report: {error}"));
            1
        }
    }
}

/// `mls-lab explain [TOPIC]`: one topic's explanation, or the list of topics.
/// An unknown topic is exit 2 with the closest topics.
pub fn explain(topic: Option<&str>) -> u8 {
    let Some(name) = topic else {
        return print_lines(explain::listing().iter().map(String::as_str));
    };
    match explain::lookup(name) {
        Ok(explanation) => print_lines(explanation.to_string().lines()),
        Err(unknown) => {
            say(&format!("mls-lab: explain: {unknown}"));
            2
        }
    }
}
