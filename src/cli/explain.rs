//! `mls-lab explain [TOPIC]`: why an event or an error happens (what, the OpenMLS
//! call, the RFC section, the DS rule), or the list of topics.

use std::process::ExitCode;

use super::stdio::{print_lines, say};
use crate::explain;

/// The arguments of `mls-lab explain`.
#[derive(clap::Args)]
pub struct ExplainArgs {
    /// An event kind (`group_joined`) or an error code (`NoMatchingKeyPackage`).
    topic: Option<String>,
}

impl ExplainArgs {
    /// One topic's explanation, or the list of topics without one. An unknown
    /// topic is exit 2 with the closest topics.
    pub fn run(self) -> ExitCode {
        let Some(name) = self.topic else {
            return print_lines(explain::listing().iter().map(String::as_str));
        };
        match explain::lookup(&name) {
            Ok(explanation) => print_lines(explanation.to_string().lines()),
            Err(unknown) => {
                say(&format!("mls-lab: explain: {unknown}"));
                ExitCode::from(2)
            }
        }
    }
}
