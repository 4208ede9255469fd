//! What only clients over the network need: a token that proves an identity.
//! The driver makes the token (randomness is not the core's); the core keeps
//! only its digest and checks it.

use super::state::Account;
use super::stored::{Change, TokenDigest};
use super::*;
use crate::domain::ClientId;

impl DsCore {
    /// A new client over the network, with the digest of the token it was given
    /// and the signature key of its first key package.
    pub fn register_with_token(
        &mut self,
        client: ClientId,
        token: TokenDigest,
        signature_key: Vec<u8>,
    ) -> Result<(), EngineError> {
        if self.accounts.contains_key(&client) {
            return Err(EngineError::ClientExists(client.to_string()));
        }
        let account = Account {
            signature_keys: vec![signature_key.clone()],
            token: Some(token),
            ..Account::default()
        };
        self.accounts.insert(client.clone(), account);
        self.record(Change::AddClient {
            client: client.clone(),
            token_digest: token,
        });
        self.record(Change::AddSignatureKey {
            client,
            key: signature_key,
        });
        Ok(())
    }

    /// Whether `token` proves `client`'s identity; a lab's own client has no
    /// token, so none proves it.
    pub fn authenticates(&self, client: &ClientId, token: &[u8]) -> bool {
        self.accounts
            .get(client)
            .and_then(|account| account.token.as_ref())
            .is_some_and(|digest| digest.matches(token))
    }

    /// Whether `client` is registered.
    pub fn knows(&self, client: &ClientId) -> bool {
        self.accounts.contains_key(client)
    }

    /// Every registered client, in order of identity.
    pub fn client_ids(&self) -> Vec<ClientId> {
        self.accounts.keys().cloned().collect()
    }
}
