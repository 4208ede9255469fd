//! `mls-lab scenarios`: the shipped scenarios, one line each (name and what it
//! shows).

use std::process::ExitCode;

use super::stdio::print_lines;
use crate::command::scenario::listing;

/// Prints the listing; exit 0, or 1 when stdout fails.
pub fn run() -> ExitCode {
    print_lines(listing().iter().map(String::as_str))
}
