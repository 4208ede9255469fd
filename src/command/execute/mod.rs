//! Running the vocabulary on the engine: a parsed [`Command`] becomes calls of the
//! engine's verbs, one command at a time between [`Engine::start_command`] and
//! [`Engine::finish_command`], which keep what the engine must remember of it (its
//! failure event, the result `expect ok|error` checks, what a fault did).
//!
//! - `client`: what a client does (`NAME generate`, …), options turned into the
//!   engine's own types.
//! - `check`: `expect` lines, checked against the engine's state.

mod check;
mod client;

use crate::engine::guard::contain_future;
use crate::engine::{Engine, EngineError};

use super::error::CommandError;
use super::misbehave::{DsPolicy, GreaseMode, KeyEncodingMode, MaxLifetime};
use super::{parse_line, Command, DsAction};
use crate::engine::PolicyChange;
use crate::inspect::checks::policy::{Grease, KeyEncoding};

/// Executes one command. A failure leaves a failure event in the log and changes
/// no other state than the protocol itself defines. A panic inside the command is
/// contained ([`contain_future`]): the command fails with `InternalError` and the
/// lab goes on.
pub async fn execute(engine: &mut Engine, command: &Command) -> Result<(), EngineError> {
    match command {
        Command::Expect(expectation) => return check::expect(engine, expectation).await,
        // A caption or a direction to the screen changes nothing, not even the
        // result `expect error` checks.
        Command::Say(_) | Command::Show(_) | Command::Follow(_) => return Ok(()),
        Command::Clients(_)
        | Command::Client { .. }
        | Command::Ds(_)
        | Command::Deliver
        | Command::Clock(_)
        | Command::ExportWelcome { .. }
        | Command::ExportMailbox { .. }
        | Command::ImportKeyPackage { .. } => {}
    }
    let start = engine.start_command();
    let result = contain_future("the engine", run(engine, command)).await;
    engine
        .finish_command(start, command.actor(), command.verb(), result)
        .await
}

/// Parses and executes one line of the vocabulary; a blank line or a comment
/// does nothing.
pub async fn execute_line(engine: &mut Engine, line: &str) -> Result<(), CommandError> {
    match parse_line(line)? {
        Some(command) => Ok(execute(engine, &command).await?),
        None => Ok(()),
    }
}

/// [`execute`] and [`execute_line`] as methods of the engine, for code that
/// drives a lab line by line (the tests, the benchmarks).
// The lab runs each engine on one thread, so no caller needs the futures `Send`.
#[allow(async_fn_in_trait)]
pub trait Execute {
    /// [`execute`].
    async fn execute(&mut self, command: &Command) -> Result<(), EngineError>;
    /// [`execute_line`].
    async fn execute_line(&mut self, line: &str) -> Result<(), CommandError>;
}

impl Execute for Engine {
    async fn execute(&mut self, command: &Command) -> Result<(), EngineError> {
        execute(self, command).await
    }

    async fn execute_line(&mut self, line: &str) -> Result<(), CommandError> {
        execute_line(self, line).await
    }
}

/// The engine's verb behind a command (not an `expect` or `say` line).
async fn run(engine: &mut Engine, command: &Command) -> Result<(), EngineError> {
    match command {
        Command::Clients(names) => engine.add_clients(names).await,
        Command::Client { client, action } => client::run(engine, client, action).await,
        Command::Ds(action) => ds(engine, action).await,
        Command::Deliver => engine.deliver_all().await,
        Command::Clock(by) => engine.clock_command(*by).await,
        Command::ExportWelcome {
            group,
            joiner,
            all,
            output,
        } => {
            engine
                .export_welcome(group, joiner.as_deref(), *all, &client::export(output))
                .await
        }
        Command::ExportMailbox {
            client: name,
            dir,
            output,
        } => {
            engine
                .export_mailbox(name, dir, client::encoding(output.hex, output.base64))
                .await
        }
        Command::ImportKeyPackage { file, name } => engine.import_key_package(file, name).await,
        Command::Expect(_) | Command::Say(_) | Command::Show(_) | Command::Follow(_) => Ok(()),
    }
}

/// `ds ...`: the DS misbehaving or policed on purpose.
async fn ds(engine: &mut Engine, action: &DsAction) -> Result<(), EngineError> {
    match action {
        DsAction::ReplayWelcome => engine.replay_welcome().await,
        DsAction::ForwardWelcome { to } => engine.forward_welcome(to).await,
        DsAction::Fault { fault, switch } => engine.ds_fault(*fault, switch.is_on()).await,
        DsAction::Release => engine.ds_release().await,
        DsAction::Policy {
            policy: DsPolicy::ClaimLimit { limit, per },
        } => engine.ds_claim_limit(limit.count(), *per).await,
        DsAction::Policy { policy } => {
            let change = match policy {
                DsPolicy::MaxLifetime { max } => PolicyChange::MaxLifetime(match max {
                    MaxLifetime::Off => None,
                    MaxLifetime::At(duration) => Some(duration.as_secs()),
                }),
                DsPolicy::KeyEncoding { mode } => PolicyChange::KeyEncoding(match mode {
                    KeyEncodingMode::Strict => KeyEncoding::Strict,
                    KeyEncodingMode::Lenient => KeyEncoding::Lenient,
                }),
                DsPolicy::Grease { mode } => PolicyChange::Grease(match mode {
                    GreaseMode::Allow => Grease::Allow,
                    GreaseMode::Refuse => Grease::Refuse,
                }),
                DsPolicy::ClaimLimit { limit, per } => {
                    return engine.ds_claim_limit(limit.count(), *per).await
                }
            };
            engine.ds_key_package_policy(change).await
        }
    }
}
