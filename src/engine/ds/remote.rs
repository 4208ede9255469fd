//! A DS elsewhere (`--ds URL`): what the lab asks of a Delivery Service that runs
//! as a server, for [`super::DsHandle`] to forward to. The network side (HTTP,
//! the wire types, tokens, the mailbox it pulls) is the server module's; the
//! engine knows only this trait, so it stays below the network layer.

use std::future::Future;
use std::pin::Pin;

use super::{Claimed, Delivery, DirectoryCounts, DsSnapshot, Published, Routed, WelcomeRouting};
use crate::domain::Suite;
use crate::engine::error::EngineError;
use crate::engine::wire::KeyPackageFormat;

/// One answer of a remote DS, as a future.
pub type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, EngineError>> + Send + 'a>>;

/// The operations a lab's clients use at a shared DS. Faults, policies, the
/// clock and misbehaviour are not here: they belong to whoever runs it.
pub trait RemoteDs: Send + Sync {
    /// Where it is, for messages.
    fn url(&self) -> String;

    /// Remembers a client's signature key; the server learns of the client at its
    /// first publish (registration there needs a key package).
    fn register<'a>(&'a self, client: &'a str, signature_key: Vec<u8>) -> Answer<'a, ()>;

    /// Uploads: each answered, all refused if the server refuses one.
    fn publish_batch<'a>(
        &'a self,
        publisher: &'a str,
        uploads: Vec<Vec<u8>>,
        format: KeyPackageFormat,
    ) -> Answer<'a, Vec<Result<Published, EngineError>>>;

    /// One of `owner`'s packages, in the framing asked for.
    fn claim<'a>(
        &'a self,
        claimer: &'a str,
        owner: &'a str,
        suite: Suite,
        format: KeyPackageFormat,
    ) -> Answer<'a, Claimed>;

    /// `creator` started this group: later Commits go to its members.
    fn create_group<'a>(&'a self, group_id: &'a [u8], creator: &'a str) -> Answer<'a, ()>;

    /// A Commit to the group's other members, and its Welcome to the joiners.
    fn send_commit<'a>(
        &'a self,
        from: &'a str,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
    ) -> Answer<'a, Routed>;

    /// A Welcome on its own.
    fn send_welcome<'a>(&'a self, bytes: Vec<u8>) -> Answer<'a, WelcomeRouting>;

    /// `client`'s mail: what the server handed over, kept here until processed.
    fn peek<'a>(&'a self, client: &'a str) -> Answer<'a, Vec<Delivery>>;

    fn ack<'a>(&'a self, client: &'a str, id: u64) -> Answer<'a, bool>;

    fn counts<'a>(&'a self, owner: &'a str) -> Answer<'a, DirectoryCounts>;

    /// The server's directory, for the DS panel.
    fn snapshot(&self) -> Answer<'_, DsSnapshot>;
}
