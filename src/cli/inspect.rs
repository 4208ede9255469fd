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
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

impl InspectArgs {
    /// The report on stdout; exit 0 when every check passes (a Welcome has none),
    /// 1 when one fails or output fails, 2 when the input cannot be read or is not
    /// a key package or a Welcome.
    pub fn run(self) -> ExitCode {
        let path = &self.input;
        let name = path.display().to_string();
        let bytes = if path.as_os_str() == "-" {
            inspector::encoding::read_limited(std::io::stdin().lock())
        } else {
            std::fs::File::open(path)
                .map_err(|e| InspectError::Read(e.to_string()))
                .and_then(inspector::encoding::read_limited)
        };
        let now = LabClock::system_secs();
        let report = match bytes.and_then(|bytes| inspector::inspect(&bytes, now)) {
            Ok(report) => report,
            Err(error) => {
                say(&format!("mls-lab: {name}: {error}"));
                return ExitCode::from(2);
            }
        };
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
