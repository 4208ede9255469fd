//! A test double of [`DeliveryService`], in memory, for the routes' tests only:
//! tokens, one-time hand-out and routing by reference, none of the lab's rules
//! (validation, expiry, claim limit, faults), which the lab's DS brings.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use openmls::prelude::{KeyPackageIn, MlsMessageBodyIn};

use super::*;

#[derive(Default)]
struct Account {
    token: Option<AuthToken>,
    key_packages: VecDeque<KeyPackageEntry>,
    mailbox: VecDeque<MlsMessageBytes>,
}

#[derive(Default)]
struct State {
    accounts: BTreeMap<ClientId, Account>,
    /// Handed-out references, for routing Welcomes.
    handed_out: BTreeMap<Vec<u8>, ClientId>,
}

/// In memory, for tests; never shipped.
#[derive(Default)]
pub(crate) struct TestDoubleDs {
    state: Mutex<State>,
}

impl TestDoubleDs {
    fn with_state<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, DsError>,
    ) -> Result<T, DsError> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| DsError::Storage("poisoned".into()))?;
        f(&mut state)
    }
}

fn identity_of(key_package: &KeyPackageIn) -> Result<ClientId, DsError> {
    let credential = key_package.unverified_credential().credential;
    Ok(ClientId::new(credential.serialized_content().to_vec())?)
}

impl State {
    fn authenticated(&mut self, auth: &ClientAuth) -> Result<&mut Account, DsError> {
        let account = self
            .accounts
            .get_mut(&auth.client)
            .ok_or_else(|| DsError::UnknownClient(auth.client.clone()))?;
        match &account.token {
            Some(token) if *token == auth.token => Ok(account),
            _ => Err(DsError::Unauthorized(auth.client.clone())),
        }
    }
}

impl DeliveryService for TestDoubleDs {
    async fn register(
        &self,
        _registrant: &ClaimerAddress,
        key_packages: Vec<KeyPackageEntry>,
    ) -> Result<AuthToken, DsError> {
        let first = key_packages.first().ok_or(DsError::NoKeyPackages)?;
        let client = identity_of(&first.key_package)?;
        let token = AuthToken::random().map_err(|e| DsError::Storage(e.to_string()))?;
        self.with_state(|state| {
            if state.accounts.contains_key(&client) {
                return Err(DsError::ClientExists(client));
            }
            let account = Account {
                token: Some(token.clone()),
                key_packages: key_packages.into(),
                mailbox: VecDeque::new(),
            };
            state.accounts.insert(client, account);
            Ok(token)
        })
    }

    async fn list_clients(&self) -> Result<Vec<ClientId>, DsError> {
        self.with_state(|state| Ok(state.accounts.keys().cloned().collect()))
    }

    async fn key_packages(&self, owner: &ClientId) -> Result<Vec<KeyPackageEntry>, DsError> {
        self.with_state(|state| match state.accounts.get(owner) {
            Some(account) => Ok(account.key_packages.iter().cloned().collect()),
            None => Err(DsError::UnknownClient(owner.clone())),
        })
    }

    async fn publish_key_packages(
        &self,
        auth: &ClientAuth,
        key_packages: Vec<KeyPackageEntry>,
    ) -> Result<(), DsError> {
        for entry in &key_packages {
            let credential = identity_of(&entry.key_package)?;
            if credential != auth.client {
                return Err(DsError::WrongOwner {
                    publisher: auth.client.clone(),
                    credential: credential.to_string(),
                });
            }
        }
        self.with_state(|state| {
            state.authenticated(auth)?.key_packages.extend(key_packages);
            Ok(())
        })
    }

    async fn claim_key_package(
        &self,
        _claimer: &ClaimerAddress,
        owner: &ClientId,
    ) -> Result<KeyPackageIn, DsError> {
        self.with_state(|state| {
            let account = state
                .accounts
                .get_mut(owner)
                .ok_or_else(|| DsError::UnknownClient(owner.clone()))?;
            let entry =
                account
                    .key_packages
                    .pop_front()
                    .ok_or_else(|| DsError::NoKeyPackageAvailable {
                        owner: owner.clone(),
                    })?;
            state
                .handed_out
                .insert(entry.hash.as_slice().to_vec(), owner.clone());
            Ok(entry.key_package)
        })
    }

    async fn send_welcome(&self, welcome: WelcomeMessage) -> Result<Vec<ClientId>, DsError> {
        self.with_state(|state| {
            let mut joiners: Vec<ClientId> = Vec::new();
            for secret in welcome.welcome.secrets() {
                if let Some(owner) = state.handed_out.get(secret.new_member().as_slice()) {
                    if !joiners.contains(owner) {
                        joiners.push(owner.clone());
                    }
                }
            }
            if joiners.is_empty() {
                return Err(DsError::NoJoinerFound);
            }
            for joiner in &joiners {
                if let Some(account) = state.accounts.get_mut(joiner) {
                    account.mailbox.push_back(welcome.bytes.clone());
                }
            }
            Ok(joiners)
        })
    }

    async fn send_group_message(&self, message: AddressedMessage) -> Result<(), DsError> {
        match message.message.clone().extract() {
            MlsMessageBodyIn::PublicMessage(_) | MlsMessageBodyIn::PrivateMessage(_) => {}
            MlsMessageBodyIn::Welcome(_)
            | MlsMessageBodyIn::GroupInfo(_)
            | MlsMessageBodyIn::KeyPackage(_) => return Err(DsError::NotAGroupMessage),
        }
        self.with_state(|state| {
            // All recipients known, or nothing is delivered.
            if let Some(unknown) = message
                .recipients
                .iter()
                .find(|r| !state.accounts.contains_key(*r))
            {
                return Err(DsError::UnknownRecipient(unknown.clone()));
            }
            for recipient in &message.recipients {
                if let Some(account) = state.accounts.get_mut(recipient) {
                    account.mailbox.push_back(message.bytes.clone());
                }
            }
            Ok(())
        })
    }

    async fn receive(
        &self,
        auth: &ClientAuth,
        budget: MailBudget,
    ) -> Result<Vec<MlsMessageBytes>, DsError> {
        self.with_state(|state| {
            let account = state.authenticated(auth)?;
            let taken = budget.fitting_prefix(account.mailbox.iter().map(|m| m.as_bytes().len()));
            Ok(account.mailbox.drain(..taken).collect())
        })
    }

    async fn reset(&self) -> Result<(), DsError> {
        self.with_state(|state| {
            *state = State::default();
            Ok(())
        })
    }
}
