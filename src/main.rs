//! `mls-lab`: the command-line entry point. The command line itself (the parser,
//! one file per subcommand) is [`mls_lab::cli`].

use std::process::ExitCode;

use clap::Parser as _;
use mls_lab::cli::{self, Cli};

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(cli) => cli.run(),
        // Bad arguments, `--help` and `--version`: clap's text and exit code.
        Err(error) => cli::refuse_arguments(&error),
    }
}
