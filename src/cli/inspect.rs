//! `mls-lab inspect FILE|-`: what a key package or a Welcome is made of, field by
//! field, with the checks a receiver makes, as text or as one JSON object.

use std::path::PathBuf;
use std::process::ExitCode;

use super::stdio::say;
use crate::domain::LabClock;
use crate::inspect::{self as inspector, InspectError};
use crate::runner::output::{Output, Stopped};

/// The arguments of `mls-lab inspect`.
#[derive(clap::Args)]
pub struct InspectArgs {
    /// File holding an MLSMessage, a bare KeyPackage or a bare Welcome, as raw
    /// bytes, hex or base64; `-` reads standard input.
    input: PathBuf,
    /// Print the report as one JSON object (docs/inspect.schema.json).
    #[arg(long, conflicts_with = "diff")]
    json: bool,
    /// List the fields that differ between INPUT and this second input.
    #[arg(long, value_name = "OTHER")]
    diff: Option<PathBuf>,
}

/// Reads and inspects one input, judged against the DS's default policy.
fn report_of(path: &PathBuf, now: u64) -> Result<inspector::Report, InspectError> {
    let bytes = if path.as_os_str() == "-" {
        inspector::encoding::read_limited(std::io::stdin().lock())
    } else {
        std::fs::File::open(path)
            .map_err(|e| InspectError::Read(e.to_string()))
            .and_then(inspector::encoding::read_limited)
    };
    bytes.and_then(|bytes| inspector::inspect(&bytes, now))
}

impl InspectArgs {
    /// The report on stdout; exit 0 when every check passes (a Welcome has none),
    /// 1 when one fails or output fails, 2 when the input cannot be read or is not
    /// a key package or a Welcome.
    pub fn run(self) -> ExitCode {
        let path = &self.input;
        let name = path.display().to_string();
        let now = LabClock::system_secs();
        let report = match report_of(path, now) {
            Ok(report) => report,
            Err(error) => {
                say(&format!("mls-lab: {name}: {error}"));
                return ExitCode::from(2);
            }
        };
        if let Some(other) = &self.diff {
            return diff(&report, other, now);
        }
        let mut out = Output::new(std::io::stdout().lock());
        if self.json {
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
            None if report.passes() => ExitCode::SUCCESS,
            None => ExitCode::from(1),
            Some(Stopped::Closed) => ExitCode::SUCCESS,
            Some(Stopped::Failed(error)) => {
                say(&format!("mls-lab: cannot write the report: {error}"));
                ExitCode::from(1)
            }
        }
    }
}

/// `--diff OTHER`: exit 0 when no field differs, 1 when some do, 2 when OTHER
/// cannot be read.
fn diff(report: &inspector::Report, other: &PathBuf, now: u64) -> ExitCode {
    let right = match report_of(other, now) {
        Ok(right) => right,
        Err(error) => {
            say(&format!("mls-lab: {}: {error}", other.display()));
            return ExitCode::from(2);
        }
    };
    let differences = inspector::diff::differences(report, &right);
    let mut out = Output::new(std::io::stdout().lock());
    inspector::diff::lines(&differences)
        .iter()
        .for_each(|line| out.line(line));
    match out.finish() {
        None | Some(Stopped::Closed) if differences.is_empty() => ExitCode::SUCCESS,
        None | Some(Stopped::Closed) => ExitCode::from(1),
        Some(Stopped::Failed(error)) => {
            say(&format!("mls-lab: cannot write the report: {error}"));
            ExitCode::from(1)
        }
    }
}
