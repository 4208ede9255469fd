//! The clap definitions of the lines that several readers share: what may follow
//! a client's name, `expect ds OWNER`, and `expect NAME`. The parser parses with
//! them, and the vocabulary reads its verbs and options from them, so completion
//! offers exactly what parses.

use clap::Parser;

use super::{ClientAction, ClientCheck, DsCheck};

#[derive(Parser)]
#[command(no_binary_name = true, disable_help_subcommand = true, name = "NAME")]
pub(super) struct ClientLine {
    #[command(subcommand)]
    pub(super) action: ClientAction,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect ds OWNER"
)]
pub(super) struct DsCheckLine {
    #[command(subcommand)]
    pub(super) check: DsCheck,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect NAME"
)]
pub(super) struct ClientCheckLine {
    #[command(subcommand)]
    pub(super) check: ClientCheck,
}
