//! [`LabDs`] as the routes' [`DeliveryService`]: each operation of the sample
//! DS's contract as one operation of the lab's core, with its rules.

use openmls::prelude::{KeyPackageIn, MlsMessageBodyIn, ProtocolMessage};
use tls_codec::{Deserialize as _, Serialize as _};

use super::errors::{address_refusal, refusal};
use super::{LabDs, ServerEventKind};
use crate::domain::ClientId;
use crate::engine::ds::{GroupMessageInfo, Validated};
use crate::engine::KeyPackageFormat;
use crate::inspect::checks::Policy;
use crate::serve::service::*;
use crate::serve::store::TokenDigest;
use crate::serve::wire::{AuthToken, KeyPackageEntry, MlsMessageBytes};

/// Who sent what the contract sends anonymously (Welcomes, group messages):
/// shown as "(network)".
fn anonymous() -> ClientId {
    ClientId::anonymous()
}

/// Validates every upload on the blocking pool, off the async threads.
async fn validate(
    validators: &tokio::sync::Semaphore,
    entries: Vec<KeyPackageEntry>,
    (now, policy): (std::time::SystemTime, Policy),
) -> Result<Vec<Validated>, DsError> {
    // One validation per core at a time: the rest wait their turn instead of
    // sharing the cores among hundreds of threads, which made every one late.
    let _turn = validators
        .acquire()
        .await
        .map_err(|e| DsError::Storage(format!("validation stopped: {e}")))?;
    let bytes: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| e.key_package.tls_serialize_detached())
        .collect::<Result<_, _>>()
        .map_err(|e| DsError::unreadable(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        bytes
            .into_iter()
            .map(|b| Validated::check(b, KeyPackageFormat::KeyPackage, now, &policy))
            .collect()
    })
    .await
    .map_err(|e| DsError::Storage(format!("validation stopped: {e}")))
}

fn client_of(validated: &[Validated]) -> Result<(ClientId, Vec<u8>), DsError> {
    let first = validated.first().ok_or(DsError::NoKeyPackages)?;
    if let Some(error) = first.error() {
        return Err(DsError::refused_by(error));
    }
    first.credential().ok_or_else(|| {
        DsError::unreadable("the credential is not a basic credential with an identity")
    })
}

impl LabDs {
    /// The DS's now and key package policy, read before validating off the lock.
    async fn judging(&self) -> Result<(std::time::SystemTime, Policy), DsError> {
        let core = self.lock()?;
        Ok((core.now(), core.key_package_policy()))
    }

    fn claim_window(core: &crate::engine::ds::DsCore) -> Option<u64> {
        core.claim_limit().map(|l| l.per().as_secs())
    }
}

impl DeliveryService for LabDs {
    async fn register(
        &self,
        registrant: &ClaimerAddress,
        key_packages: Vec<KeyPackageEntry>,
    ) -> Result<AuthToken, DsError> {
        let count = key_packages.len();
        let validated = validate(&self.validators, key_packages, self.judging().await?).await?;
        let (client, signature_key) = client_of(&validated)?;
        let token = AuthToken::random().map_err(|e| DsError::Storage(e.to_string()))?;
        let digest = TokenDigest::of(token.as_bytes());
        self.change(|core| {
            let recorded = core.recorded();
            if let Err(error) = core.register_with_token(client.clone(), digest, signature_key) {
                return (Err(refusal(error, &client, None)), Vec::new());
            }
            match core.publish_validated(&client, validated) {
                Ok(published) => {
                    let events = vec![
                        ServerEventKind::Registered {
                            client: client.to_string(),
                            peer: registrant.to_string(),
                            key_packages: count,
                        },
                        published_event(&client, &published),
                    ];
                    (Ok(token), events)
                }
                Err(error) => {
                    core.unregister(&client, recorded);
                    (Err(refusal(error, &client, None)), Vec::new())
                }
            }
        })
        .await?
    }

    async fn list_clients(&self) -> Result<Vec<ClientId>, DsError> {
        self.read(|core| core.client_ids()).await
    }

    async fn key_packages(&self, owner: &ClientId) -> Result<Vec<KeyPackageEntry>, DsError> {
        let entries = self
            .read(|core| core.directory_of(owner))
            .await?
            .ok_or_else(|| DsError::UnknownClient(owner.clone()))?;
        entries
            .into_iter()
            .map(|entry| {
                let key_package = KeyPackageIn::tls_deserialize_exact(&entry.bytes)
                    .map_err(|e| DsError::Storage(e.to_string()))?;
                Ok(KeyPackageEntry::new(
                    entry.kp_ref.as_slice().to_vec(),
                    key_package,
                ))
            })
            .collect()
    }

    async fn publish_key_packages(
        &self,
        auth: &ClientAuth,
        key_packages: Vec<KeyPackageEntry>,
    ) -> Result<(), DsError> {
        self.authenticate(auth)?;
        let validated = validate(&self.validators, key_packages, self.judging().await?).await?;
        let client = auth.client.clone();
        self.change(|core| match core.publish_validated(&client, validated) {
            Ok(published) => (Ok(()), vec![published_event(&client, &published)]),
            Err(error) => (Err(refusal(error, &client, None)), Vec::new()),
        })
        .await?
    }

    async fn claim_key_package(
        &self,
        claimer: &ClaimerAddress,
        owner: &ClientId,
    ) -> Result<KeyPackageIn, DsError> {
        let claimer_name = claimer.to_string();
        let claimed = self
            .change(|core| {
                let Some(suite) = core.default_suite(owner) else {
                    let error = if core.knows(owner) {
                        DsError::NoKeyPackageAvailable {
                            owner: owner.clone(),
                        }
                    } else {
                        DsError::UnknownClient(owner.clone())
                    };
                    return (Err(error), Vec::new());
                };
                let window = Self::claim_window(core);
                let format = KeyPackageFormat::KeyPackage;
                match core.claim_all(
                    Some(&claimer_name),
                    std::slice::from_ref(owner),
                    suite,
                    format,
                ) {
                    Ok(mut claimed) => {
                        let Some(one) = claimed.pop() else {
                            return (
                                Err(DsError::NoKeyPackageAvailable {
                                    owner: owner.clone(),
                                }),
                                Vec::new(),
                            );
                        };
                        let event = ServerEventKind::Claimed {
                            owner: owner.to_string(),
                            claimer: claimer_name.clone(),
                            kp_ref: one.entry.kp_ref.to_string(),
                            last_resort_reuse: one.last_resort_reuse,
                        };
                        (Ok(one), vec![event])
                    }
                    Err(error) => (Err(refusal(error, owner, window)), Vec::new()),
                }
            })
            .await??;
        // A fault may have changed the bytes (`tamper-handout`, `bare-framing`):
        // what cannot be read as a key package any more is refused as such.
        KeyPackageIn::tls_deserialize_exact(&claimed.entry.bytes).map_err(|e| {
            DsError::unreadable(format!("the DS's faults made the package unreadable: {e}"))
        })
    }

    async fn send_welcome(&self, welcome: WelcomeMessage) -> Result<Vec<ClientId>, DsError> {
        let bytes = welcome.bytes.into_bytes();
        self.change(
            |core| match core.send_welcome(Vec::new(), anonymous(), bytes) {
                Ok(routing) if routing.recipients.is_empty() => {
                    (Err(DsError::NoJoinerFound), Vec::new())
                }
                Ok(routing) => {
                    let event = ServerEventKind::WelcomeRouted {
                        recipients: routing.recipients.iter().map(ToString::to_string).collect(),
                        unroutable: routing.unroutable.len(),
                    };
                    (Ok(routing.recipients), vec![event])
                }
                Err(_) => (Err(DsError::NotAWelcome), Vec::new()),
            },
        )
        .await?
    }

    async fn send_group_message(&self, message: AddressedMessage) -> Result<(), DsError> {
        let info = match message.message.clone().extract() {
            MlsMessageBodyIn::PublicMessage(public) => {
                let protocol = ProtocolMessage::from(public);
                let handshake = protocol.is_handshake_message();
                GroupMessageInfo {
                    group_id: protocol.group_id().as_slice().to_vec(),
                    handshake_epoch: handshake.then(|| protocol.epoch().as_u64()),
                }
            }
            MlsMessageBodyIn::PrivateMessage(private) => {
                let protocol = ProtocolMessage::from(private);
                let handshake = protocol.is_handshake_message();
                GroupMessageInfo {
                    group_id: protocol.group_id().as_slice().to_vec(),
                    handshake_epoch: handshake.then(|| protocol.epoch().as_u64()),
                }
            }
            MlsMessageBodyIn::Welcome(_)
            | MlsMessageBodyIn::GroupInfo(_)
            | MlsMessageBodyIn::KeyPackage(_) => return Err(DsError::NotAGroupMessage),
        };
        let recipients = message.recipients;
        let bytes = message.bytes.into_bytes();
        self.change(
            |core| match core.send_addressed(anonymous(), info, bytes, &recipients) {
                Ok(()) => {
                    let event = ServerEventKind::MessageRouted {
                        recipients: recipients.iter().map(ToString::to_string).collect(),
                    };
                    (Ok(()), vec![event])
                }
                Err(error) => (Err(address_refusal(error)), Vec::new()),
            },
        )
        .await?
    }

    async fn receive(
        &self,
        auth: &ClientAuth,
        budget: MailBudget,
    ) -> Result<Vec<MlsMessageBytes>, DsError> {
        self.authenticate(auth)?;
        let client = auth.client.clone();
        self.change(|core| {
            let taken = core.take_mail(&client, |sizes| {
                budget.fitting_prefix(sizes.iter().copied())
            });
            let event = ServerEventKind::MailTaken {
                client: client.to_string(),
                messages: taken.len(),
            };
            let events = if taken.is_empty() {
                Vec::new()
            } else {
                vec![event]
            };
            let mail = taken
                .into_iter()
                .map(|d| MlsMessageBytes::from_checked(d.bytes))
                .collect();
            (Ok(mail), events)
        })
        .await?
    }

    fn refused(&self, route: &str, refusal: &RefusalNote, peer: std::net::SocketAddr) {
        self.announce(ServerEventKind::Refused {
            route: route.to_string(),
            code: refusal.code.clone(),
            message: refusal.message.clone(),
            peer: ClaimerAddress::of(peer.ip()).to_string(),
        });
    }

    async fn reset(&self) -> Result<(), DsError> {
        self.change(|core| {
            core.reset();
            ((), vec![ServerEventKind::Reset])
        })
        .await
    }
}

impl LabDs {
    fn authenticate(&self, auth: &ClientAuth) -> Result<(), DsError> {
        let core = self.lock()?;
        if !core.knows(&auth.client) {
            return Err(DsError::UnknownClient(auth.client.clone()));
        }
        if !core.authenticates(&auth.client, auth.token.as_bytes()) {
            return Err(DsError::Unauthorized(auth.client.clone()));
        }
        Ok(())
    }
}

fn published_event(
    client: &ClientId,
    published: &[crate::engine::ds::Published],
) -> ServerEventKind {
    ServerEventKind::Published {
        client: client.to_string(),
        kp_refs: published.iter().map(|p| p.kp_ref.to_string()).collect(),
        replaced: published
            .iter()
            .filter_map(|p| p.replaced.as_ref().map(ToString::to_string))
            .collect(),
    }
}
