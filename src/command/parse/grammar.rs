//! The clap definitions of the lines that several readers share: what may follow
//! a client's name, `expect ds OWNER`, and `expect NAME`. The parser parses with
//! them, and the vocabulary reads its verbs and options from them, so completion
//! offers exactly what parses.

use clap::Parser;

use super::super::{ClientAction, ClientCheck, DsCheck};

#[derive(Parser)]
#[command(no_binary_name = true, disable_help_subcommand = true, name = "NAME")]
pub(in crate::command) struct ClientLine {
    #[command(subcommand)]
    pub(in crate::command) action: ClientAction,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect ds OWNER"
)]
pub(in crate::command) struct DsCheckLine {
    #[command(subcommand)]
    pub(in crate::command) check: DsCheck,
}

#[derive(Parser)]
#[command(
    no_binary_name = true,
    disable_help_subcommand = true,
    name = "expect NAME"
)]
pub(in crate::command) struct ClientCheckLine {
    #[command(subcommand)]
    pub(in crate::command) check: ClientCheck,
}
