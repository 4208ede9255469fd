//! What the HTTP layer asks of a Delivery Service: one async method per operation
//! of the sample DS's contract, in domain terms, each answering or refusing with a
//! typed [`DsError`]. The lab's DS implements it (its rules: validation at
//! publish, the owner check, one-time hand-out, last-resort reuse, expiry, the
//! claim limit, faults); the routes know nothing of those rules.

mod error;
mod ids;
#[cfg(test)]
pub(crate) mod test_double;

pub use error::DsError;
pub use ids::{BadClientId, ClaimerAddress, ClientAuth, ClientId, MailBudget};

use std::future::Future;
use std::net::SocketAddr;

use openmls::prelude::{KeyPackageIn, MlsMessageIn, Welcome};

use super::wire::{AuthToken, KeyPackageEntry, MlsMessageBytes};

/// A Welcome as the routes received it: parsed (for its `new_member`
/// references) and as its sender encoded it (what the joiners receive).
#[derive(Debug, Clone)]
pub struct WelcomeMessage {
    pub welcome: Welcome,
    pub bytes: MlsMessageBytes,
}

/// A group message with the identities its sender addressed it to.
#[derive(Debug, Clone)]
pub struct AddressedMessage {
    pub message: MlsMessageIn,
    pub bytes: MlsMessageBytes,
    pub recipients: Vec<ClientId>,
}

/// A refusal as the event log names it, kept on the response for the routes'
/// outermost layer, which reports it with the route and the peer.
#[derive(Debug, Clone)]
pub struct RefusalNote {
    pub code: String,
    pub message: String,
}

/// The Delivery Service behind the routes. Every method is one request; an `Ok`
/// is returned only once the change is durable (the store's group commit), so
/// the routes may acknowledge it at once.
pub trait DeliveryService: Send + Sync + 'static {
    /// A new client with its first key packages; its identity is the credential
    /// of the first. Answers the token that later proves the identity.
    /// `registrant` is where the request came from, for the teacher's screen.
    fn register(
        &self,
        registrant: &ClaimerAddress,
        key_packages: Vec<KeyPackageEntry>,
    ) -> impl Future<Output = Result<AuthToken, DsError>> + Send;

    /// Every registered identity.
    fn list_clients(&self) -> impl Future<Output = Result<Vec<ClientId>, DsError>> + Send;

    /// The key packages `owner` has in the directory now, without handing any out.
    fn key_packages(
        &self,
        owner: &ClientId,
    ) -> impl Future<Output = Result<Vec<KeyPackageEntry>, DsError>> + Send;

    /// More key packages from their owner, who proves it with its token.
    fn publish_key_packages(
        &self,
        auth: &ClientAuth,
        key_packages: Vec<KeyPackageEntry>,
    ) -> impl Future<Output = Result<(), DsError>> + Send;

    /// Hands one of `owner`'s key packages to `claimer`: a normal one once, the
    /// last-resort one only when no normal one is left.
    fn claim_key_package(
        &self,
        claimer: &ClaimerAddress,
        owner: &ClientId,
    ) -> impl Future<Output = Result<KeyPackageIn, DsError>> + Send;

    /// Routes a Welcome to the owner of every `new_member` reference; answers
    /// who it went to.
    fn send_welcome(
        &self,
        welcome: WelcomeMessage,
    ) -> impl Future<Output = Result<Vec<ClientId>, DsError>> + Send;

    /// Puts a group message in each recipient's mailbox: in all of them, or in
    /// none if one is unknown (`UnknownRecipient`); a handshake message older
    /// than the group's newest epoch is `StaleEpoch`, as in the sample.
    fn send_group_message(
        &self,
        message: AddressedMessage,
    ) -> impl Future<Output = Result<(), DsError>> + Send;

    /// Takes the oldest messages waiting for the owner, Welcomes first, as many
    /// as `budget` allows; they leave the mailbox.
    fn receive(
        &self,
        auth: &ClientAuth,
        budget: MailBudget,
    ) -> impl Future<Output = Result<Vec<MlsMessageBytes>, DsError>> + Send;

    /// Forgets every client, key package and message (between workshop sessions).
    fn reset(&self) -> impl Future<Output = Result<(), DsError>> + Send;

    /// A request was refused (by the DS or the HTTP layer), for the event log.
    fn refused(&self, route: &str, refusal: &RefusalNote, peer: SocketAddr) {
        let _ = (route, refusal, peer);
    }
}
