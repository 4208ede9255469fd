//! A lab's clients on a shared DS (`mls-lab --ds URL`, `run --ds URL`): the
//! engine's [`RemoteDs`] over the sample DS's routes ([`HttpDs`]).
//!
//! The contract shapes what the lab keeps here: a client registers at its first
//! publish (registration needs a key package) and its token stays here; a
//! claim is `GET /clients/key_package/{id}`; Commits go to `/send/message`
//! addressed to the group's members as this lab knows them (its own rosters,
//! grown by the Welcomes it routed); `/recv` hands mail over and deletes it at
//! the server, so it is pulled into a mailbox here, peeked and acknowledged
//! here. Faults, policies and the clock are the server's.

mod http;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::Mutex;

use axum::http::Method;
use openmls::prelude::{KeyPackageIn, MlsMessageBodyIn, MlsMessageIn};
use openmls_rust_crypto::RustCrypto;
use tls_codec::Deserialize as _;

use crate::domain::{ClientId, KeyPackageRef, Suite};
use crate::engine::ds::remote::{Answer, RemoteDs};
use crate::engine::ds::{
    Claimed, ClientDirectory, Delivery, DeliveryKind, DirectoryCounts, DirectoryEntry, DsSnapshot,
    Published, Routed, WelcomeRouting, KEY_PACKAGE_MESSAGE_HEADER,
};
use crate::engine::wire::{self, KeyPackageFormat};
use crate::engine::EngineError;
use crate::serve::wire::{
    decode, encode, AuthToken, ClientKeyPackages, ClientList, GroupMessage, KeyPackageEntry,
    Mailbox, PublishKeyPackagesRequest, RecvMessageRequest, RegisterClientRequest,
    RegisterClientSuccessResponse,
};
use http::Http;

/// What this lab keeps about the shared DS.
#[derive(Default)]
struct Kept {
    tokens: BTreeMap<String, AuthToken>,
    /// Members by `GroupId`, as this lab's Commits and Welcomes made them.
    rosters: HashMap<Vec<u8>, BTreeSet<String>>,
    /// Whose each claimed reference is: routes the Welcome's joiners.
    claimed: HashMap<KeyPackageRef, String>,
    /// How often each reference was handed to this lab.
    handouts: HashMap<KeyPackageRef, u64>,
    mail: BTreeMap<String, VecDeque<Delivery>>,
    next_delivery: u64,
}

/// The engine's DS as a client of `mls-lab serve` (or any server of the contract).
pub struct HttpDs {
    http: Http,
    kept: Mutex<Kept>,
}

impl HttpDs {
    /// A DS at `url` (`http://host:port`, with `?room=TOKEN` for a room).
    pub fn new(url: &str) -> Result<Self, String> {
        Ok(Self {
            http: Http::new(url)?,
            kept: Mutex::default(),
        })
    }

    fn kept(&self) -> Result<std::sync::MutexGuard<'_, Kept>, EngineError> {
        self.kept.lock().map_err(|_| EngineError::DsUnavailable)
    }
}

fn path(name: &str) -> Result<String, EngineError> {
    ClientId::from_name(name)
        .map(|id| id.to_path())
        .map_err(|_| EngineError::UnknownClient(name.to_string()))
}

fn id(name: &str) -> Result<ClientId, EngineError> {
    ClientId::from_name(name).map_err(|_| EngineError::UnknownClient(name.to_string()))
}

fn malformed(what: &str, detail: impl ToString) -> EngineError {
    EngineError::Malformed {
        what: what.into(),
        detail: detail.to_string(),
    }
}

/// A package as the server listed or handed it out: the bare `KeyPackage`.
fn entry_of(bytes: &[u8]) -> Result<DirectoryEntry, EngineError> {
    let crypto = RustCrypto::default();
    let now = std::time::SystemTime::now();
    let (key_package, kp_ref) =
        wire::accept_key_package_at(&crypto, bytes, KeyPackageFormat::KeyPackage, now)?;
    let lifetime = key_package.life_time();
    Ok(DirectoryEntry {
        kp_ref: KeyPackageRef::from(kp_ref),
        bytes: bytes.to_vec(),
        ciphersuite: Suite::from(key_package.ciphersuite()),
        last_resort: key_package.last_resort(),
        handouts: 0,
        not_before: lifetime.not_before(),
        not_after: lifetime.not_after(),
    })
}

/// The upload without an `MLSMessage` header, as the contract carries it.
fn bare(bytes: &[u8], format: KeyPackageFormat) -> &[u8] {
    match format {
        KeyPackageFormat::KeyPackage => bytes,
        KeyPackageFormat::MlsMessage => bytes
            .get(KEY_PACKAGE_MESSAGE_HEADER.len()..)
            .unwrap_or_default(),
    }
}

impl HttpDs {
    async fn directory(&self, owner: &str) -> Result<Vec<DirectoryEntry>, EngineError> {
        let body = self
            .http
            .call(
                Method::GET,
                &format!("/clients/key_packages/{}", path(owner)?),
                Vec::new(),
            )
            .await?;
        let packages = decode::<ClientKeyPackages>(&body).map_err(|e| malformed("directory", e))?;
        packages
            .entries
            .iter()
            .map(|e| {
                let bytes = tls_codec::Serialize::tls_serialize_detached(&e.key_package)
                    .map_err(|e| malformed("key package", e))?;
                entry_of(&bytes)
            })
            .collect()
    }

    /// Routing of a Welcome by the references this lab claimed.
    fn routing(&self, welcome: &[u8]) -> Result<WelcomeRouting, EngineError> {
        let welcome = wire::decode_welcome(welcome)?;
        let kept = self.kept()?;
        let mut routing = WelcomeRouting::default();
        for member in wire::welcome_new_members(&welcome) {
            let kp_ref = KeyPackageRef::from(&member);
            match kept.claimed.get(&kp_ref) {
                Some(owner) => {
                    let owner = id(owner)?;
                    if !routing.recipients.contains(&owner) {
                        routing.recipients.push(owner);
                    }
                }
                None => routing.unroutable.push(kp_ref.clone()),
            }
            routing.new_members.push(kp_ref);
        }
        Ok(routing)
    }

    /// Pulls what the server holds for `client` into the mailbox here.
    async fn pull(&self, client: &str) -> Result<(), EngineError> {
        let Some(token) = self.kept()?.tokens.get(client).cloned() else {
            return Ok(());
        };
        loop {
            let request = encode(&RecvMessageRequest {
                auth_token: token.clone(),
            })
            .map_err(|e| malformed("request", e))?;
            let body = self
                .http
                .call(Method::GET, &format!("/recv/{}", path(client)?), request)
                .await?;
            let mailbox = decode::<Mailbox>(&body).map_err(|e| malformed("mailbox", e))?;
            if mailbox.messages.is_empty() {
                return Ok(());
            }
            let mut kept = self.kept()?;
            for message in mailbox.messages.iter() {
                let bytes = message.as_bytes().to_vec();
                let Ok(parsed) = MlsMessageIn::tls_deserialize_exact(&bytes) else {
                    continue;
                };
                let (kind, group_id) = match parsed.extract() {
                    MlsMessageBodyIn::Welcome(_) => (DeliveryKind::Welcome, Vec::new()),
                    MlsMessageBodyIn::PublicMessage(_) | MlsMessageBodyIn::PrivateMessage(_) => {
                        let group_id = wire::commit_group_id(&bytes).unwrap_or_default();
                        (DeliveryKind::Commit, group_id)
                    }
                    // Nothing a lab's client processes.
                    MlsMessageBodyIn::GroupInfo(_) | MlsMessageBodyIn::KeyPackage(_) => continue,
                };
                kept.next_delivery += 1;
                let delivery = Delivery {
                    id: kept.next_delivery,
                    from: ClientId::anonymous(),
                    group_id,
                    kind,
                    bytes,
                    misbehaving: false,
                };
                kept.mail
                    .entry(client.to_string())
                    .or_default()
                    .push_back(delivery);
            }
        }
    }
}

impl RemoteDs for HttpDs {
    fn url(&self) -> String {
        self.http.url().to_string()
    }

    fn register<'a>(&'a self, _client: &'a str, _signature_key: Vec<u8>) -> Answer<'a, ()> {
        // The server learns of a client from its first key package.
        Box::pin(async { Ok(()) })
    }

    fn publish_batch<'a>(
        &'a self,
        publisher: &'a str,
        uploads: Vec<Vec<u8>>,
        format: KeyPackageFormat,
    ) -> Answer<'a, Vec<Result<Published, EngineError>>> {
        Box::pin(async move {
            let mut answers: Vec<Result<Published, EngineError>> = Vec::new();
            let mut entries = Vec::new();
            for upload in &uploads {
                let bytes = bare(upload, format);
                let checked = entry_of(bytes).and_then(|entry| {
                    let key_package = KeyPackageIn::tls_deserialize_exact(bytes)
                        .map_err(|e| malformed("key package", e))?;
                    Ok((entry, key_package))
                });
                match checked {
                    Ok((entry, key_package)) => {
                        entries.push(KeyPackageEntry::new(
                            entry.kp_ref.as_slice().to_vec(),
                            key_package,
                        ));
                        answers.push(Ok(Published {
                            kp_ref: entry.kp_ref,
                            last_resort: entry.last_resort,
                            replaced: None,
                        }));
                    }
                    Err(error) => answers.push(Err(error)),
                }
            }
            if entries.is_empty() {
                return Ok(answers);
            }
            let token = self.kept()?.tokens.get(publisher).cloned();
            let sent = match token {
                None => {
                    let body = encode(&RegisterClientRequest {
                        key_packages: ClientKeyPackages::new(entries),
                    })
                    .map_err(|e| malformed("request", e))?;
                    match self
                        .http
                        .call(Method::POST, "/clients/register", body)
                        .await
                    {
                        Ok(answer) => {
                            let token = decode::<RegisterClientSuccessResponse>(&answer)
                                .map_err(|e| malformed("registration", e))?
                                .auth_token;
                            self.kept()?.tokens.insert(publisher.to_string(), token);
                            Ok(())
                        }
                        Err(error) => Err(error),
                    }
                }
                Some(token) => {
                    let body = encode(&PublishKeyPackagesRequest {
                        key_packages: ClientKeyPackages::new(entries),
                        auth_token: token,
                    })
                    .map_err(|e| malformed("request", e))?;
                    let path = format!("/clients/key_packages/{}", path(publisher)?);
                    self.http.call(Method::POST, &path, body).await.map(|_| ())
                }
            };
            if let Err(error) = sent {
                // The server takes all of them or none.
                for answer in &mut answers {
                    if answer.is_ok() {
                        *answer = Err(error.clone());
                    }
                }
            }
            Ok(answers)
        })
    }

    fn claim<'a>(
        &'a self,
        _claimer: &'a str,
        owner: &'a str,
        _suite: Suite,
        format: KeyPackageFormat,
    ) -> Answer<'a, Claimed> {
        Box::pin(async move {
            let answer = self
                .http
                .call(
                    Method::GET,
                    &format!("/clients/key_package/{}", path(owner)?),
                    Vec::new(),
                )
                .await
                .map_err(|error| match error {
                    EngineError::DsRefused { code, .. } if code == "no_key_package_available" => {
                        EngineError::NoKeyPackageAvailable {
                            owner: owner.to_string(),
                            suite: _suite,
                        }
                    }
                    EngineError::DsRefused { code, .. } if code == "unknown_client" => {
                        EngineError::UnknownClient(owner.to_string())
                    }
                    other => other,
                })?;
            let mut entry = entry_of(&answer)?;
            let handouts = {
                let mut kept = self.kept()?;
                kept.claimed.insert(entry.kp_ref.clone(), owner.to_string());
                let count = kept.handouts.entry(entry.kp_ref.clone()).or_default();
                *count += 1;
                *count
            };
            entry.handouts = handouts;
            if format == KeyPackageFormat::MlsMessage {
                let mut framed = KEY_PACKAGE_MESSAGE_HEADER.to_vec();
                framed.extend_from_slice(&entry.bytes);
                entry.bytes = framed;
            }
            Ok(Claimed {
                last_resort_reuse: entry.last_resort && handouts > 1,
                entry,
                faults: Vec::new(),
            })
        })
    }

    fn create_group<'a>(&'a self, group_id: &'a [u8], creator: &'a str) -> Answer<'a, ()> {
        Box::pin(async move {
            let mut kept = self.kept()?;
            kept.rosters
                .entry(group_id.to_vec())
                .or_default()
                .insert(creator.to_string());
            Ok(())
        })
    }

    fn send_commit<'a>(
        &'a self,
        from: &'a str,
        commit: Vec<u8>,
        welcome: Option<Vec<u8>>,
    ) -> Answer<'a, Routed> {
        Box::pin(async move {
            let group_id = wire::commit_group_id(&commit)?;
            let recipients: Vec<String> = {
                let kept = self.kept()?;
                let roster = kept.rosters.get(&group_id).cloned().unwrap_or_default();
                roster.into_iter().filter(|m| m != from).collect()
            };
            let message =
                MlsMessageIn::tls_deserialize_exact(&commit).map_err(|e| malformed("Commit", e))?;
            let addressed: Vec<&[u8]> = recipients.iter().map(|r| r.as_bytes()).collect();
            let body = encode(&GroupMessage::new(message, &addressed))
                .map_err(|e| malformed("request", e))?;
            self.http.call(Method::POST, "/send/message", body).await?;
            let mut routed = Routed {
                commit_recipients: recipients.iter().map(|r| id(r)).collect::<Result<_, _>>()?,
                welcome: None,
            };
            if let Some(welcome) = welcome {
                let routing = self.send_welcome(welcome).await?;
                let mut kept = self.kept()?;
                let roster = kept.rosters.entry(group_id).or_default();
                roster.extend(routing.recipients.iter().map(ToString::to_string));
                routed.welcome = Some(routing);
            }
            Ok(routed)
        })
    }

    fn send_welcome<'a>(&'a self, bytes: Vec<u8>) -> Answer<'a, WelcomeRouting> {
        Box::pin(async move {
            let routing = self.routing(&bytes)?;
            self.http.call(Method::POST, "/send/welcome", bytes).await?;
            Ok(routing)
        })
    }

    fn peek<'a>(&'a self, client: &'a str) -> Answer<'a, Vec<Delivery>> {
        Box::pin(async move {
            self.pull(client).await?;
            let kept = self.kept()?;
            Ok(kept
                .mail
                .get(client)
                .map(|m| m.iter().cloned().collect())
                .unwrap_or_default())
        })
    }

    fn ack<'a>(&'a self, client: &'a str, id: u64) -> Answer<'a, bool> {
        Box::pin(async move {
            let mut kept = self.kept()?;
            let Some(mail) = kept.mail.get_mut(client) else {
                return Ok(false);
            };
            let before = mail.len();
            mail.retain(|d| d.id != id);
            Ok(mail.len() < before)
        })
    }

    fn counts<'a>(&'a self, owner: &'a str) -> Answer<'a, DirectoryCounts> {
        Box::pin(async move {
            let entries = self.directory(owner).await?;
            let now = crate::domain::LabClock::system_secs();
            Ok(DirectoryCounts {
                available: entries.iter().filter(|e| e.available_at(now)).count() as u64,
                claims: 0,
                last_resort_reuses: 0,
                last_resort: entries.iter().any(|e| e.last_resort),
            })
        })
    }

    fn snapshot(&self) -> Answer<'_, DsSnapshot> {
        Box::pin(async move {
            let body = self
                .http
                .call(Method::GET, "/clients/list", Vec::new())
                .await?;
            let list = decode::<ClientList>(&body).map_err(|e| malformed("client list", e))?;
            let mut snapshot = DsSnapshot {
                shared: true,
                ..DsSnapshot::default()
            };
            for identity in list.identities.iter() {
                let Ok(client) = ClientId::new(identity.clone()) else {
                    continue;
                };
                let name = client.to_string();
                let entries = self.directory(&name).await.unwrap_or_default();
                let (last_resort, normal): (Vec<_>, Vec<_>) =
                    entries.into_iter().partition(|e| e.last_resort);
                let inbox = self.kept()?.mail.get(&name).map_or(0, VecDeque::len);
                snapshot.clients.insert(
                    name,
                    ClientDirectory {
                        normal,
                        last_resort,
                        claims: 0,
                        last_resort_reuses: 0,
                        inbox,
                    },
                );
            }
            Ok(snapshot)
        })
    }
}
