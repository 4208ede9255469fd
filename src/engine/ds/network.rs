//! What only clients over the network need: a token that proves an identity.
//! The driver makes the token (randomness is not the core's); the core keeps
//! only its digest and checks it.

use super::state::{self, Account};
use super::stored::{self, Change, TokenDigest};
use super::*;
use crate::domain::ClientId;
use crate::engine::wire::KeyPackageFormat;

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

/// An upload validated before the DS's lock was taken (RFC 9420 §10.1 is pure
/// and the slowest step, so a server runs it on many threads at once).
pub struct Validated {
    bytes: Vec<u8>,
    format: KeyPackageFormat,
    result: Result<
        (
            openmls::prelude::KeyPackage,
            openmls::prelude::KeyPackageRef,
        ),
        EngineError,
    >,
}

impl Validated {
    /// Judges `bytes` as the DS does (the checklist with the DS's policy, then
    /// OpenMLS) at `now` (the DS's clock, read before with the policy).
    pub fn check(
        bytes: Vec<u8>,
        format: KeyPackageFormat,
        now: std::time::SystemTime,
        policy: &crate::inspect::checks::Policy,
    ) -> Self {
        let crypto = openmls_rust_crypto::RustCrypto::default();
        let result = crate::engine::wire::accept_key_package_judged(
            &crypto,
            &bytes,
            format,
            now,
            crate::inspect::checks::Judge::Ds,
            policy,
        );
        Self {
            bytes,
            format,
            result,
        }
    }

    /// The identity and signature key of the package's credential, if it is valid.
    pub fn credential(&self) -> Option<(ClientId, Vec<u8>)> {
        let (key_package, _) = self.result.as_ref().ok()?;
        let leaf = key_package.leaf_node();
        let client = crate::engine::wire::credential_client(leaf.credential())?;
        Some((client, leaf.signature_key().as_slice().to_vec()))
    }

    pub fn error(&self) -> Option<&EngineError> {
        self.result.as_ref().err()
    }
}

/// What a group message over the network is, for the sample DS's epoch rule.
pub struct GroupMessageInfo {
    pub group_id: Vec<u8>,
    /// The epoch of a handshake message; `None` for an application message.
    pub handshake_epoch: Option<u64>,
}

impl DsCore {
    /// The DS's now, for validating before the lock.
    pub fn now(&self) -> std::time::SystemTime {
        self.clock.now()
    }

    /// Uploads validated beforehand, all or none: if one is refused, the
    /// account, the directory and the recorded changes are as before.
    pub fn publish_validated(
        &mut self,
        publisher: &ClientId,
        uploads: Vec<Validated>,
    ) -> Result<Vec<Published>, EngineError> {
        let before = self
            .accounts
            .get(publisher)
            .cloned()
            .ok_or_else(|| EngineError::NotRegistered(publisher.to_string()))?;
        let recorded = self.changes.len();
        let mut published = Vec::new();
        for upload in uploads {
            match self.admit(publisher, &upload.bytes, upload.format, upload.result) {
                Ok(done) => published.push(done),
                Err(error) => {
                    for done in &published {
                        self.owners.remove(&done.kp_ref);
                    }
                    self.accounts.insert(publisher.clone(), before);
                    self.changes.truncate(recorded);
                    return Err(error);
                }
            }
        }
        Ok(published)
    }

    /// Forgets a client registered in this request whose packages were refused.
    pub fn unregister(&mut self, client: &ClientId, recorded: usize) {
        self.accounts.remove(client);
        self.changes.truncate(recorded);
    }

    /// How many changes are recorded so far, to undo a request with
    /// [`Self::unregister`].
    pub fn recorded(&self) -> usize {
        self.changes.len()
    }

    /// The suite a claim without one asks for: that of the owner's oldest normal
    /// package, else of a last-resort one.
    pub fn default_suite(&self, owner: &ClientId) -> Option<Suite> {
        let account = self.accounts.get(owner)?;
        let normal = account.normal.iter().next().map(|e| e.ciphersuite);
        normal.or_else(|| account.last_resort.keys().next().copied())
    }

    /// `owner`'s directory: normal packages oldest first, then last-resort ones.
    pub fn directory_of(&self, owner: &ClientId) -> Option<Vec<DirectoryEntry>> {
        let account = self.accounts.get(owner)?;
        let normal = account.normal.iter().cloned();
        Some(
            normal
                .chain(account.last_resort.values().cloned())
                .collect(),
        )
    }

    /// A group message addressed by its sender: to every recipient or, if one is
    /// unknown, to none; a handshake message older than the group's newest epoch
    /// is refused with that epoch (the sample DS's rule).
    pub fn send_addressed(
        &mut self,
        from: ClientId,
        info: GroupMessageInfo,
        bytes: Vec<u8>,
        recipients: &[ClientId],
    ) -> Result<(), AddressError> {
        if let Some(unknown) = recipients.iter().find(|r| !self.accounts.contains_key(*r)) {
            return Err(AddressError::UnknownRecipient(unknown.clone()));
        }
        let group_id = info.group_id.clone();
        if let Some(epoch) = info.handshake_epoch {
            let roster = match self.groups.entry(group_id.clone()) {
                std::collections::hash_map::Entry::Occupied(slot) => slot.into_mut(),
                std::collections::hash_map::Entry::Vacant(slot) => {
                    let label = foreign_group_label(&group_id);
                    self.changes.push(stored::Change::AddGroup {
                        group_id: group_id.clone(),
                        label: label.clone(),
                    });
                    slot.insert(state::Roster {
                        label,
                        ..state::Roster::default()
                    })
                }
            };
            match roster.epoch {
                Some(current) if epoch < current => {
                    return Err(AddressError::StaleEpoch { epoch, current })
                }
                Some(current) if epoch == current => {}
                _ => {
                    roster.epoch = Some(epoch);
                    self.changes.push(stored::Change::SetGroupEpoch {
                        group_id: group_id.clone(),
                        epoch,
                    });
                }
            }
        }
        let delivery = Delivery {
            id: 0,
            from,
            group_id,
            kind: DeliveryKind::Commit,
            bytes,
            misbehaving: false,
        };
        self.deliver_commit(recipients, &delivery);
        Ok(())
    }

    /// Takes the oldest mail of `client` that fits `fits` (Welcomes first, as
    /// the sample DS answers): it leaves the mailbox.
    pub fn take_mail(
        &mut self,
        client: &ClientId,
        fits: impl FnOnce(&[usize]) -> usize,
    ) -> Vec<Delivery> {
        let Some(account) = self.accounts.get(client) else {
            return Vec::new();
        };
        let (welcomes, others): (Vec<&Delivery>, Vec<&Delivery>) = account
            .inbox
            .iter()
            .partition(|d| d.kind == DeliveryKind::Welcome);
        let ordered: Vec<Delivery> = welcomes.into_iter().chain(others).cloned().collect();
        let sizes: Vec<usize> = ordered.iter().map(|d| d.bytes.len()).collect();
        let taken: Vec<Delivery> = ordered.into_iter().take(fits(&sizes)).collect();
        for delivery in &taken {
            self.ack(client, delivery.id);
        }
        taken
    }

    /// Everything goes (between workshop sessions); the clock stays.
    pub fn reset(&mut self) {
        let (clock, policy) = (self.clock, self.policy);
        *self = DsCore::new(clock, LabDuration::from_secs(0));
        self.record(stored::Change::Reset);
        // The key package policy is the server's setting, not the session's.
        self.set_key_package_policy(policy);
    }
}

/// Why a group message over the network reaches no one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddressError {
    UnknownRecipient(ClientId),
    StaleEpoch { epoch: u64, current: u64 },
}

/// The name the server shows for a group it learns from its messages: its
/// `GroupId` as text when that is printable ASCII, else hex.
fn foreign_group_label(group_id: &[u8]) -> String {
    match std::str::from_utf8(group_id) {
        Ok(text) if !text.is_empty() && text.chars().all(|c| c.is_ascii_graphic()) => {
            text.to_string()
        }
        _ => hex::encode(group_id),
    }
}
