//! The key package directory: validated uploads by their owner, and one-time hand-out
//! with the last-resort package only as a fallback (RFC 9420 §16.8, RFC 9750 §5.1).

use std::collections::{BTreeMap, HashSet};

use openmls::prelude::KeyPackage;

use super::state::Account;
use super::*;
use crate::domain::{ClientId, Fault, KeyPackageRef, Suite};
use crate::engine::cores;
use crate::engine::error::EngineError;
use crate::engine::wire::{self, KeyPackageFormat};
use crate::inspect::checks::Judge;

/// An upload that passed every check, ready to be filed.
struct Admission {
    entry: DirectoryEntry,
}

impl DsCore {
    /// Uploads validated across the machine's cores, then checked one by one in
    /// their order (owner, duplicates, also within the batch), as if sent one at
    /// a time; the batch is filed whole, or, if any upload is refused, not at all
    /// (the others are answered `BatchRefused`).
    pub fn publish_batch(
        &mut self,
        publisher: &ClientId,
        uploads: &[Vec<u8>],
        format: KeyPackageFormat,
    ) -> Vec<Result<Published, EngineError>> {
        if !self.accounts.contains_key(publisher) {
            let refused = || Err(EngineError::NotRegistered(publisher.to_string()));
            return uploads.iter().map(|_| refused()).collect();
        }
        let (crypto, now, policy) = (&self.crypto, self.clock.now(), &self.policy);
        let validated = cores::map_each(uploads, |bytes| {
            wire::accept_key_package_judged(crypto, bytes, format, now, Judge::Ds, policy)
        });
        let mut in_batch = HashSet::new();
        let checked: Vec<Result<Admission, EngineError>> = uploads
            .iter()
            .zip(validated)
            .map(|(bytes, validated)| {
                let admission = self.check_admission(publisher, bytes, format, validated)?;
                if !in_batch.insert(admission.entry.kp_ref.clone()) {
                    return Err(EngineError::Duplicate {
                        kp_ref: admission.entry.kp_ref,
                    });
                }
                Ok(admission)
            })
            .collect();
        if checked.iter().any(Result::is_err) {
            let refused = |checked: Result<Admission, EngineError>| match checked {
                Ok(_) => Err(EngineError::BatchRefused),
                Err(error) => Err(error),
            };
            return checked.into_iter().map(refused).collect();
        }
        checked
            .into_iter()
            .map(|admission| admission.and_then(|a| self.file(publisher, a)))
            .collect()
    }

    /// One upload, exactly as a client encoded it.
    pub fn publish(
        &mut self,
        publisher: &ClientId,
        bytes: &[u8],
        format: KeyPackageFormat,
    ) -> Result<Published, EngineError> {
        if !self.accounts.contains_key(publisher) {
            return Err(EngineError::NotRegistered(publisher.to_string()));
        }
        let validated = self.judge(bytes, format);
        self.admit(publisher, bytes, format, validated)
    }

    /// The checklist as the DS runs it (every rule, its policy included), then
    /// OpenMLS's validation.
    fn judge(
        &self,
        bytes: &[u8],
        format: KeyPackageFormat,
    ) -> Result<(KeyPackage, openmls::prelude::KeyPackageRef), EngineError> {
        wire::accept_key_package_judged(
            &self.crypto,
            bytes,
            format,
            self.clock.now(),
            Judge::Ds,
            &self.policy,
        )
    }

    /// An upload of an external client. The first makes the account from the
    /// package itself (its signature key and identity: trust on first use), and
    /// removes it again if the package is refused, so a refusal changes nothing;
    /// a later one is admitted like any upload, so another signature key or
    /// identity than the first is `WrongOwner`.
    pub fn import_external(
        &mut self,
        client: &ClientId,
        bytes: &[u8],
        format: KeyPackageFormat,
    ) -> Result<Published, EngineError> {
        if let Some(account) = self.accounts.get(client) {
            if account.identity.is_none() {
                // A lab client's own account: its packages come from itself.
                return Err(EngineError::ClientExists(client.to_string()));
            }
            let validated = self.judge(bytes, format);
            return self.admit(client, bytes, format, validated);
        }
        let validated = self.judge(bytes, format);
        let leaf = match &validated {
            // The same package again, under any name, is a duplicate first.
            Ok((_, kp_ref)) if self.owners.contains_key(&KeyPackageRef::from(kp_ref)) => {
                return Err(EngineError::Duplicate {
                    kp_ref: kp_ref.into(),
                })
            }
            Ok((key_package, _)) => key_package.leaf_node(),
            Err(error) => return Err(error.clone()),
        };
        let signature_key = leaf.signature_key().as_slice().to_vec();
        let identity = wire::credential_identity(leaf.credential()).unwrap_or_default();
        let Some(identity_id) = wire::credential_client(leaf.credential()) else {
            return Err(EngineError::WrongOwner {
                publisher: client.to_string(),
                credential: identity,
            });
        };
        // A signature key registered to another account is that owner's (RFC 9750
        // §5.1): an import cannot take over a client's packages under a new name.
        if self
            .accounts
            .values()
            .any(|a| a.signature_keys.contains(&signature_key))
        {
            return Err(EngineError::WrongOwner {
                publisher: client.to_string(),
                credential: identity,
            });
        }
        let account = Account {
            signature_keys: vec![signature_key.clone()],
            identity: Some(identity_id),
            ..Account::default()
        };
        self.accounts.insert(client.clone(), account);
        let recorded = self.changes.len();
        self.record(stored::Change::AddClient {
            client: client.clone(),
            token_digest: stored::TokenDigest::NONE,
        });
        self.record(stored::Change::AddSignatureKey {
            client: client.clone(),
            key: signature_key,
        });
        let published = self.admit(client, bytes, format, validated);
        if published.is_err() {
            self.accounts.remove(client);
            self.changes.truncate(recorded);
        }
        published
    }

    /// The checks after the checklist (RFC 9420 §10.1 validation and the DS's
    /// policies), then the package joins the directory.
    pub(super) fn admit(
        &mut self,
        publisher: &ClientId,
        bytes: &[u8],
        format: KeyPackageFormat,
        validated: Result<(KeyPackage, openmls::prelude::KeyPackageRef), EngineError>,
    ) -> Result<Published, EngineError> {
        let admission = self.check_admission(publisher, bytes, format, validated)?;
        self.file(publisher, admission)
    }

    /// The checks after the checklist: the owner, duplicates. Nothing changes.
    fn check_admission(
        &self,
        publisher: &ClientId,
        bytes: &[u8],
        format: KeyPackageFormat,
        validated: Result<(KeyPackage, openmls::prelude::KeyPackageRef), EngineError>,
    ) -> Result<Admission, EngineError> {
        let (key_package, kp_ref) = validated?;
        let kp_ref = KeyPackageRef::from(kp_ref);
        let lifetime = key_package.life_time();
        let (not_before, not_after) = (lifetime.not_before(), lifetime.not_after());
        // RFC 9750 §5.1: accept key packages only from their owner. The credential
        // must name the publisher and the signature key must be one it registered.
        let leaf = key_package.leaf_node();
        let identity = wire::credential_identity(leaf.credential()).unwrap_or_default();
        let credential = wire::credential_client(leaf.credential());
        let account = self
            .accounts
            .get(publisher)
            .ok_or_else(|| EngineError::NotRegistered(publisher.to_string()))?;
        let key_registered = account
            .signature_keys
            .iter()
            .any(|k| k.as_slice() == leaf.signature_key().as_slice());
        // An external client's identity is the one bound on its first use.
        let owner_identity = account.identity.as_ref().unwrap_or(publisher);
        if credential.as_ref() != Some(owner_identity) || !key_registered {
            return Err(EngineError::WrongOwner {
                publisher: publisher.to_string(),
                credential: identity,
            });
        }
        if self.owners.contains_key(&kp_ref) {
            return Err(EngineError::Duplicate { kp_ref });
        }
        // The canonical `KeyPackage` encoding is the upload itself, less the
        // `MLSMessage` header (version and wire format, RFC 9420 §6) if it had one:
        // decoding was exact, so no need to encode again.
        let canonical = match format {
            KeyPackageFormat::KeyPackage => bytes,
            KeyPackageFormat::MlsMessage => bytes.get(4..).unwrap_or_default(),
        };
        let entry = DirectoryEntry {
            kp_ref,
            bytes: canonical.to_vec(),
            ciphersuite: Suite::from(key_package.ciphersuite()),
            last_resort: key_package.last_resort(),
            handouts: 0,
            not_before,
            not_after,
        };
        Ok(Admission { entry })
    }

    /// Files a checked upload in the publisher's directory.
    fn file(
        &mut self,
        publisher: &ClientId,
        admission: Admission,
    ) -> Result<Published, EngineError> {
        let entry = admission.entry;
        let (kp_ref, last_resort) = (entry.kp_ref.clone(), entry.last_resort);
        let account = self
            .accounts
            .get_mut(publisher)
            .ok_or_else(|| EngineError::NotRegistered(publisher.to_string()))?;
        let mut replaced = None;
        let added = journal::stored_package(publisher, &entry);
        if entry.last_resort {
            // RFC 9750 §5.1: one designated last-resort package per ciphersuite; a
            // new one replaces the one of its own suite only.
            replaced = account
                .last_resort
                .insert(entry.ciphersuite, entry)
                .map(|old| old.kp_ref);
        } else {
            account.normal.push_back(entry);
        }
        self.owners.insert(kp_ref.clone(), publisher.clone());
        if let Some(old) = &replaced {
            self.record(stored::Change::RemoveKeyPackage {
                kp_ref: old.as_slice().to_vec(),
            });
        }
        self.record(stored::Change::AddKeyPackage(added));
        Ok(Published {
            kp_ref,
            last_resort,
            replaced,
        })
    }

    /// One package of each owner, all or none (the check runs before anything is
    /// handed out).
    pub fn claim_all(
        &mut self,
        claimer: Option<&str>,
        owners: &[ClientId],
        suite: Suite,
        format: KeyPackageFormat,
    ) -> Result<Vec<Claimed>, EngineError> {
        // Never hand out an expired package: purge first.
        self.purge_expired();
        let mut wanted: BTreeMap<&ClientId, usize> = BTreeMap::new();
        for owner in owners {
            *wanted.entry(owner).or_default() += 1;
        }
        for (owner, count) in &wanted {
            let account = self
                .accounts
                .get(*owner)
                .ok_or_else(|| EngineError::UnknownClient(owner.to_string()))?;
            let fresh = account
                .normal
                .iter()
                .filter(|e| e.ciphersuite == suite)
                .take(*count)
                .count();
            if fresh < *count && !account.last_resort.contains_key(&suite) {
                return Err(EngineError::NoKeyPackageAvailable {
                    owner: owner.to_string(),
                    suite,
                });
            }
        }
        // RFC 9750 §5.1: the claim limit, checked for every owner first.
        let now = self.clock.now_secs();
        if let Some(claimer) = claimer {
            for (owner, count) in &wanted {
                let earlier_in_request = count.saturating_sub(1);
                self.claim_log
                    .check(claimer, &owner.to_string(), earlier_in_request, now)?;
            }
        }
        let mut handed_out = Vec::new();
        for owner in owners {
            if let Some(claimer) = claimer {
                self.claim_log.record(claimer, &owner.to_string(), now);
                if let Some(limit) = self.claim_log.limit() {
                    self.record(stored::Change::RecordClaim(stored::StoredClaim {
                        claimer: claimer.to_string(),
                        owner: owner.clone(),
                        at: now,
                    }));
                    // What left every window needs no keeping.
                    let at = now.saturating_sub(limit.per().as_secs());
                    self.record(stored::Change::ForgetClaimsBefore { at });
                }
            }
            let mut claimed = self.claim(owner, suite)?;
            // Handed out in the framing the claimer asked for (RFC 9420 §6).
            if format == KeyPackageFormat::MlsMessage {
                let mut framed = super::KEY_PACKAGE_MESSAGE_HEADER.to_vec();
                framed.extend_from_slice(&claimed.entry.bytes);
                claimed.entry.bytes = framed;
            }
            self.misdeliver(owner, format, &mut claimed);
            handed_out.push(claimed);
        }
        Ok(handed_out)
    }

    fn claim(&mut self, owner: &ClientId, suite: Suite) -> Result<Claimed, EngineError> {
        let double_handout = self.faults.is_on(Fault::DoubleHandout);
        let forget_last_resort = self.faults.is_on(Fault::ForgetLastResort);
        let account = self
            .accounts
            .get_mut(owner)
            .ok_or_else(|| EngineError::UnknownClient(owner.to_string()))?;
        // RFC 9420 §16.8: a normal key package is handed out once and deleted
        // (the `double-handout` fault keeps it listed).
        let normal = if double_handout {
            account.normal.hand_out_and_keep(suite)
        } else {
            account.normal.take_first_of_suite(suite).map(|mut entry| {
                entry.handouts = 1;
                entry
            })
        };
        if let Some(entry) = normal {
            account.claims += 1;
            if double_handout {
                self.record(stored::Change::SetHandouts {
                    kp_ref: entry.kp_ref.as_slice().to_vec(),
                    handouts: entry.handouts,
                });
            } else {
                self.record_removed(&entry);
            }
            self.record_counters(owner);
            return Ok(Claimed {
                entry,
                last_resort_reuse: false,
                faults: Vec::new(),
            });
        }
        // Only when no fresh one is left: the last-resort package of this suite,
        // kept and counted (the `forget-last-resort` fault deletes it).
        match account.last_resort.get_mut(&suite) {
            Some(entry) => {
                entry.handouts += 1;
                let reuse = entry.handouts > 1;
                account.claims += 1;
                if reuse {
                    account.last_resort_reuses += 1;
                }
                let entry = entry.clone();
                if forget_last_resort {
                    account.last_resort.remove(&suite);
                    self.record_removed(&entry);
                } else {
                    self.record(stored::Change::SetHandouts {
                        kp_ref: entry.kp_ref.as_slice().to_vec(),
                        handouts: entry.handouts,
                    });
                }
                self.record_counters(owner);
                Ok(Claimed {
                    entry,
                    last_resort_reuse: reuse,
                    faults: Vec::new(),
                })
            }
            None => Err(EngineError::NoKeyPackageAvailable {
                owner: owner.to_string(),
                suite,
            }),
        }
    }

    /// Removes every package, normal or last-resort, that is no longer valid at
    /// the lab's now (RFC 9420 §10.1); each is reported as a [`DsEvent::Expired`]
    /// (the engine's `key_package_expired` event).
    pub(super) fn purge_expired(&mut self) {
        // The `serve-expired` fault keeps them.
        if self.faults.is_on(Fault::ServeExpired) {
            return;
        }
        let now = self.clock.now_secs();
        for (owner, account) in &mut self.accounts {
            let expired = |e: &DirectoryEntry| now >= e.not_after;
            for entry in account.normal.take_expired(now) {
                self.changes.push(stored::Change::RemoveKeyPackage {
                    kp_ref: entry.kp_ref.as_slice().to_vec(),
                });
                self.events.push(DsEvent::Expired(ExpiredEntry {
                    owner: owner.to_string(),
                    kp_ref: entry.kp_ref,
                    last_resort: false,
                }));
            }
            for entry in account.last_resort.values().filter(|e| expired(e)) {
                self.changes.push(stored::Change::RemoveKeyPackage {
                    kp_ref: entry.kp_ref.as_slice().to_vec(),
                });
                self.events.push(DsEvent::Expired(ExpiredEntry {
                    owner: owner.to_string(),
                    kp_ref: entry.kp_ref.clone(),
                    last_resort: true,
                }));
            }
            account.last_resort.retain(|_, e| !expired(e));
        }
    }
}
