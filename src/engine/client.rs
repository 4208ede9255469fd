//! A simulated client: its own provider (so its own storage), its signature keys,
//! its basic credential, the key packages it generated, the ones it claimed from
//! others, and its groups. Everything here is real OpenMLS; the Delivery Service is
//! reached only by the [`super::Engine`].

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openmls::prelude::*;
use openmls::treesync::errors::LifetimeError;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::storage::{
    traits as storage_traits, Entity, StorageProvider as _, CURRENT_VERSION,
};
use openmls_traits::OpenMlsProvider;
use tls_codec::Deserialize as _;

use super::ds::Delivery;
use super::error::{variant_name, EngineError};
use super::wire;

/// A stored key package bundle, read only for its presence: the storage lookup is
/// real, but the bundle's private keys are not rebuilt just to be counted.
struct StoredBundle;

impl serde::Serialize for StoredBundle {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

impl<'de> serde::Deserialize<'de> for StoredBundle {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| StoredBundle)
    }
}

impl Entity<CURRENT_VERSION> for StoredBundle {}
impl storage_traits::KeyPackage<CURRENT_VERSION> for StoredBundle {}

/// The lifetime a new key package gets (RFC 9420 §7.2 `Lifetime` in the leaf node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LifetimeChoice {
    /// OpenMLS's default: 3 × 28 days, starting an hour ago.
    #[default]
    Default,
    /// Valid for this many seconds, starting an hour ago (`Lifetime::new`).
    Seconds(u64),
    /// Ended yesterday: every receiver must refuse it.
    Expired,
    /// Starts tomorrow: every receiver must refuse it for now.
    NotYetValid,
}

/// How to build key packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub suite: u16,
    pub last_resort: bool,
    /// List LastResort (0x000a) in the leaf capabilities. Turning this off with
    /// `last_resort` on reproduces the seed page's code, which receivers reject.
    pub last_resort_capability: bool,
    pub lifetime: LifetimeChoice,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            suite: 1,
            last_resort: false,
            last_resort_capability: true,
            lifetime: LifetimeChoice::Default,
        }
    }
}

/// Someone claimed this key package at the DS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub by: String,
    /// The group it was used to add the owner to, once known.
    pub group: Option<String>,
}

/// One key package the client generated, with what has happened to it since.
#[derive(Debug, Clone)]
pub struct KeyPackageEntry {
    pub kp_ref: KeyPackageRef,
    pub key_package: KeyPackage,
    pub last_resort_capability: bool,
    /// Size of the encoded `KeyPackage`.
    pub bytes: usize,
    pub published: bool,
    /// The DS's rejection code, if it refused the upload.
    pub rejected: Option<String>,
    pub claims: Vec<Claim>,
    /// Groups joined through this package.
    pub joined: Vec<String>,
    /// A newer last-resort package replaced it at the DS.
    pub replaced: bool,
}

/// Where a key package stands, derived from its history and the clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lifecycle {
    Generated,
    Published,
    Claimed {
        by: String,
        group: Option<String>,
    },
    UsedToJoin {
        group: String,
    },
    /// A last-resort package: used, but kept (RFC 9420 §16.8).
    RetainedLastResort {
        groups: Vec<String>,
    },
    Expired,
    NotYetValid,
    Rejected {
        error: String,
    },
    Replaced,
}

impl std::fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Generated => write!(f, "generated"),
            Self::Published => write!(f, "published"),
            Self::Claimed { by, group: None } => write!(f, "claimed by {by}"),
            Self::Claimed { by, group: Some(g) } => write!(f, "claimed by {by} for {g}"),
            Self::UsedToJoin { group } => write!(f, "used to join {group}"),
            Self::RetainedLastResort { groups } => {
                write!(f, "retained (last resort), joined {}", groups.join(", "))
            }
            Self::Expired => write!(f, "expired"),
            Self::NotYetValid => write!(f, "not yet valid"),
            Self::Rejected { error } => write!(f, "rejected: {error}"),
            Self::Replaced => write!(f, "replaced"),
        }
    }
}

impl KeyPackageEntry {
    pub fn last_resort(&self) -> bool {
        self.key_package.last_resort()
    }

    pub fn ciphersuite(&self) -> u16 {
        wire::suite_number(self.key_package.ciphersuite())
    }

    pub fn lifetime(&self) -> (u64, u64) {
        let lifetime = self.key_package.life_time();
        (lifetime.not_before(), lifetime.not_after())
    }

    /// The lifecycle state at time `now`.
    pub fn state(&self, now: SystemTime) -> Lifecycle {
        if let Some(error) = &self.rejected {
            return Lifecycle::Rejected {
                error: error.clone(),
            };
        }
        if !self.joined.is_empty() {
            return if self.last_resort() {
                Lifecycle::RetainedLastResort {
                    groups: self.joined.clone(),
                }
            } else {
                Lifecycle::UsedToJoin {
                    group: self.joined[0].clone(),
                }
            };
        }
        if let Some(claim) = self.claims.last() {
            return Lifecycle::Claimed {
                by: claim.by.clone(),
                group: claim.group.clone(),
            };
        }
        if self.replaced {
            return Lifecycle::Replaced;
        }
        match self.key_package.life_time().validate_with_time(now) {
            Err(LifetimeError::Expired { .. }) => return Lifecycle::Expired,
            Err(LifetimeError::NotValidYet { .. }) => return Lifecycle::NotYetValid,
            _ => {}
        }
        if self.published {
            Lifecycle::Published
        } else {
            Lifecycle::Generated
        }
    }
}

/// A key package of someone else, claimed at the DS and validated, not yet used.
#[derive(Debug, Clone)]
pub struct ClaimedKeyPackage {
    pub owner: String,
    pub kp_ref: KeyPackageRef,
    pub key_package: KeyPackage,
}

/// A group the client is a member of.
#[derive(Debug)]
pub struct GroupRecord {
    pub group: MlsGroup,
    /// The key package this client joined through (`None` for the creator).
    pub joined_via: Option<KeyPackageRef>,
    pub via_last_resort: bool,
    /// Joined through a last-resort package and has not updated its leaf since
    /// (RFC 9750 §5.1 asks for a prompt self-update).
    pub needs_update: bool,
}

/// A group as one member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupView {
    pub name: String,
    pub epoch: u64,
    pub members: Vec<String>,
    /// Lowercase hex of the epoch authenticator (RFC 9420 §8.7).
    pub epoch_authenticator: String,
    pub ciphersuite: u16,
    pub via_last_resort: bool,
    pub needs_update: bool,
}

/// What a Welcome looks like to a client before it is consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WelcomePeek {
    pub new_members: Vec<KeyPackageRef>,
    /// The first `new_member` whose private bundle is in this client's storage:
    /// the one OpenMLS will use.
    pub own: Option<KeyPackageRef>,
    /// When `own` is `None`: the `new_member` references this client generated but
    /// no longer has a bundle for.
    pub consumed: Vec<KeyPackageRef>,
}

/// The outcome of a Welcome join.
#[derive(Debug)]
pub struct JoinReport {
    pub peek: WelcomePeek,
    pub own_last_resort: bool,
    /// Whether the used bundle is still in storage after the join (read from storage;
    /// `None` when no bundle matched).
    pub bundle_after: Option<bool>,
    pub result: Result<GroupView, EngineError>,
}

pub struct Client {
    name: String,
    provider: OpenMlsRustCrypto,
    signers: BTreeMap<u16, SignatureKeyPair>,
    inventory: Vec<KeyPackageEntry>,
    /// Position of each reference in `inventory` (entries are never removed).
    index: HashMap<KeyPackageRef, usize>,
    wallet: Vec<ClaimedKeyPackage>,
    groups: BTreeMap<String, GroupRecord>,
    pending: VecDeque<Delivery>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.name)
            .field("inventory", &self.inventory.len())
            .field("groups", &self.groups.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .build()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Client {
    /// A new client with an Ed25519 signature key (suites 1 and 3).
    pub fn new(name: &str) -> Result<Self, EngineError> {
        let mut client = Self {
            name: name.to_string(),
            provider: OpenMlsRustCrypto::default(),
            signers: BTreeMap::new(),
            inventory: Vec::new(),
            index: HashMap::new(),
            wallet: Vec::new(),
            groups: BTreeMap::new(),
            pending: VecDeque::new(),
        };
        client.ensure_signer(SignatureScheme::ED25519)?;
        Ok(client)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn provider(&self) -> &OpenMlsRustCrypto {
        &self.provider
    }

    /// Signature public keys by scheme name, for registration and display.
    pub fn signature_keys(&self) -> Vec<(SignatureScheme, Vec<u8>)> {
        self.signers
            .values()
            .map(|s| (s.signature_scheme(), s.to_public_vec()))
            .collect()
    }

    /// Creates the signer for `scheme` if missing; returns its public key if new.
    pub fn ensure_signer(
        &mut self,
        scheme: SignatureScheme,
    ) -> Result<Option<Vec<u8>>, EngineError> {
        if self.signers.contains_key(&(scheme as u16)) {
            return Ok(None);
        }
        let signer =
            SignatureKeyPair::new(scheme).map_err(|e| EngineError::mls("SignatureKeyPair", e))?;
        signer
            .store(self.provider.storage())
            .map_err(|e| EngineError::mls("store signature key", e))?;
        let public = signer.to_public_vec();
        self.signers.insert(scheme as u16, signer);
        Ok(Some(public))
    }

    fn signer(&self, ciphersuite: Ciphersuite) -> Result<&SignatureKeyPair, EngineError> {
        signer_for(&self.signers, &self.name, ciphersuite)
    }

    fn credential_with_key(
        &self,
        ciphersuite: Ciphersuite,
    ) -> Result<CredentialWithKey, EngineError> {
        let signer = self.signer(ciphersuite)?;
        Ok(CredentialWithKey {
            credential: BasicCredential::new(self.name.as_bytes().to_vec()).into(),
            signature_key: signer.public().into(),
        })
    }

    /// Builds one key package; `KeyPackage::builder().build()` writes the bundle
    /// into this client's storage under its reference.
    pub fn generate(&mut self, options: GenerateOptions) -> Result<&KeyPackageEntry, EngineError> {
        let ciphersuite = wire::suite_from_number(options.suite)?;
        let mut builder = KeyPackage::builder();
        let now = now_secs();
        let day = 24 * 3600;
        builder = match options.lifetime {
            LifetimeChoice::Default => builder,
            LifetimeChoice::Seconds(secs) => builder.key_package_lifetime(Lifetime::new(secs)),
            LifetimeChoice::Expired => builder.key_package_lifetime(Lifetime::init(
                now.saturating_sub(2 * day),
                now - day.min(now),
            )),
            LifetimeChoice::NotYetValid => {
                builder.key_package_lifetime(Lifetime::init(now + day, now + 2 * day))
            }
        };
        if options.last_resort {
            builder = builder.mark_as_last_resort();
            if options.last_resort_capability {
                builder = builder.leaf_node_capabilities(Capabilities::new(
                    None,
                    None,
                    Some(&[ExtensionType::LastResort]),
                    None,
                    None,
                ));
            }
        }
        let credential = self.credential_with_key(ciphersuite)?;
        let bundle = builder
            .build(
                ciphersuite,
                &self.provider,
                self.signer(ciphersuite)?,
                credential,
            )
            .map_err(|e| EngineError::mls("KeyPackage::build", e))?;
        let key_package = bundle.into_key_package();
        let kp_ref = key_package
            .hash_ref(self.provider.crypto())
            .map_err(|e| EngineError::mls("hash_ref", e))?;
        let bytes = key_package.tls_serialized_len();
        self.index.insert(kp_ref.clone(), self.inventory.len());
        self.inventory.push(KeyPackageEntry {
            kp_ref,
            key_package,
            last_resort_capability: !options.last_resort || options.last_resort_capability,
            bytes,
            published: false,
            rejected: None,
            claims: Vec::new(),
            joined: Vec::new(),
            replaced: false,
        });
        let index = self.inventory.len() - 1;
        Ok(&self.inventory[index])
    }

    /// Every key package this client generated, oldest first.
    pub fn inventory(&self) -> &[KeyPackageEntry] {
        &self.inventory
    }

    pub(crate) fn entry_mut(&mut self, kp_ref: &KeyPackageRef) -> Option<&mut KeyPackageEntry> {
        let position = *self.index.get(kp_ref)?;
        self.inventory.get_mut(position)
    }

    /// The key package with this reference, if this client generated it.
    pub fn entry(&self, kp_ref: &KeyPackageRef) -> Option<&KeyPackageEntry> {
        self.inventory.get(*self.index.get(kp_ref)?)
    }

    /// Resolves `@N` (1-based generation order), `@last`, or a hex prefix.
    pub fn resolve(&self, selector: &str) -> Result<&KeyPackageEntry, EngineError> {
        let unknown = || EngineError::UnknownKeyPackage {
            client: self.name.clone(),
            selector: selector.to_string(),
        };
        if let Some(index) = selector.strip_prefix('@') {
            let entry = if index == "last" {
                self.inventory.last()
            } else {
                index
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| self.inventory.get(i))
            };
            return entry.ok_or_else(unknown);
        }
        let wanted = selector.to_ascii_lowercase();
        if wanted.is_empty() || !wanted.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(unknown());
        }
        let mut matches = self
            .inventory
            .iter()
            .filter(|e| wire::ref_hex(&e.kp_ref).starts_with(&wanted));
        match (matches.next(), matches.next()) {
            (Some(entry), None) => Ok(entry),
            (Some(_), Some(_)) => Err(EngineError::AmbiguousKeyPackage {
                client: self.name.clone(),
                selector: selector.to_string(),
            }),
            _ => Err(unknown()),
        }
    }

    /// Whether the private bundle for `kp_ref` is in this client's storage, read
    /// from the storage itself every time.
    pub fn has_private_bundle(&self, kp_ref: &KeyPackageRef) -> bool {
        matches!(
            self.provider
                .storage()
                .key_package::<KeyPackageRef, StoredBundle>(kp_ref),
            Ok(Some(_))
        )
    }

    /// How many of this client's key packages still have a private bundle in storage.
    pub fn private_bundles(&self) -> usize {
        self.inventory
            .iter()
            .filter(|e| self.has_private_bundle(&e.kp_ref))
            .count()
    }

    /// Key packages of others this client claimed and has not used yet.
    pub fn wallet(&self) -> &[ClaimedKeyPackage] {
        &self.wallet
    }

    pub(crate) fn wallet_push(&mut self, claimed: ClaimedKeyPackage) {
        self.wallet.push(claimed);
    }

    /// Takes the oldest claimed package of `owner` out of the wallet.
    pub(crate) fn wallet_take(&mut self, owner: &str) -> Option<ClaimedKeyPackage> {
        let index = self.wallet.iter().position(|c| c.owner == owner)?;
        Some(self.wallet.remove(index))
    }

    pub(crate) fn wallet_return(&mut self, claimed: Vec<ClaimedKeyPackage>) {
        for (i, c) in claimed.into_iter().enumerate() {
            self.wallet.insert(i.min(self.wallet.len()), c);
        }
    }

    /// Messages fetched from the DS and not yet processed.
    pub fn pending(&self) -> &VecDeque<Delivery> {
        &self.pending
    }

    pub(crate) fn pending_mut(&mut self) -> &mut VecDeque<Delivery> {
        &mut self.pending
    }

    pub fn groups(&self) -> &BTreeMap<String, GroupRecord> {
        &self.groups
    }

    pub fn group_view(&self, name: &str) -> Option<GroupView> {
        let record = self.groups.get(name)?;
        Some(view_of(name, record))
    }

    pub fn group_views(&self) -> Vec<GroupView> {
        self.groups.iter().map(|(n, r)| view_of(n, r)).collect()
    }

    /// The provider, the signer for the group's suite and the group, borrowed together.
    fn group_parts(
        &mut self,
        name: &str,
    ) -> Result<(&OpenMlsRustCrypto, &SignatureKeyPair, &mut GroupRecord), EngineError> {
        let record = self
            .groups
            .get_mut(name)
            .ok_or_else(|| EngineError::UnknownGroup {
                client: self.name.clone(),
                group: name.to_string(),
            })?;
        let signer = signer_for(&self.signers, &self.name, record.group.ciphersuite())?;
        Ok((&self.provider, signer, record))
    }

    /// Creates a group whose `GroupId` is its name, with the ratchet tree in
    /// Welcomes so joiners need nothing else.
    pub fn create_group(&mut self, name: &str, suite: u16) -> Result<GroupView, EngineError> {
        if self.groups.contains_key(name) {
            return Err(EngineError::GroupAlreadyExists {
                client: self.name.clone(),
                group: name.to_string(),
            });
        }
        let ciphersuite = wire::suite_from_number(suite)?;
        let credential = self.credential_with_key(ciphersuite)?;
        let group = MlsGroup::builder()
            .ciphersuite(ciphersuite)
            .use_ratchet_tree_extension(true)
            .with_group_id(GroupId::from_slice(name.as_bytes()))
            .build(&self.provider, self.signer(ciphersuite)?, credential)
            .map_err(|e| EngineError::mls("MlsGroup::build", e))?;
        let record = GroupRecord {
            group,
            joined_via: None,
            via_last_resort: false,
            needs_update: false,
        };
        let view = view_of(name, &record);
        self.groups.insert(name.to_string(), record);
        Ok(view)
    }

    /// Adds members with validated key packages; merges the own commit.
    /// Returns the encoded Commit and Welcome.
    pub fn add_members(
        &mut self,
        group: &str,
        key_packages: &[KeyPackage],
    ) -> Result<(Vec<u8>, Vec<u8>, GroupView), EngineError> {
        let (provider, signer, record) = self.group_parts(group)?;
        let suite = wire::suite_number(record.group.ciphersuite());
        let (commit, welcome, _group_info) = record
            .group
            .add_members(provider, signer, key_packages)
            .map_err(|e| {
                let debug = format!("{e:?}");
                if debug.contains("InvalidAddProposalCiphersuiteOrVersion") {
                    EngineError::CiphersuiteMismatch {
                        detail: format!(
                            "OpenMLS refused the Add: a key package's ciphersuite differs from the group's (suite {suite})"
                        ),
                    }
                } else {
                    EngineError::mls("add_members", e)
                }
            })?;
        record
            .group
            .merge_pending_commit(provider)
            .map_err(|e| EngineError::mls("merge_pending_commit", e))?;
        let commit = commit
            .to_bytes()
            .map_err(|e| EngineError::mls("encode Commit", e))?;
        let welcome = welcome
            .to_bytes()
            .map_err(|e| EngineError::mls("encode Welcome", e))?;
        Ok((commit, welcome, view_of(group, record)))
    }

    /// Commits an update of the own leaf with fresh keys (RFC 9420 §12.4).
    pub fn self_update(&mut self, group: &str) -> Result<(Vec<u8>, GroupView), EngineError> {
        let (provider, signer, record) = self.group_parts(group)?;
        let bundle = record
            .group
            .self_update(provider, signer, LeafNodeParameters::default())
            .map_err(|e| EngineError::mls("self_update", e))?;
        record
            .group
            .merge_pending_commit(provider)
            .map_err(|e| EngineError::mls("merge_pending_commit", e))?;
        record.needs_update = false;
        let commit = bundle
            .into_commit()
            .to_bytes()
            .map_err(|e| EngineError::mls("encode Commit", e))?;
        Ok((commit, view_of(group, record)))
    }

    /// Processes and merges a Commit from another member.
    pub fn process_commit(&mut self, group: &str, bytes: &[u8]) -> Result<GroupView, EngineError> {
        let message =
            MlsMessageIn::tls_deserialize_exact(bytes).map_err(|e| EngineError::Malformed {
                what: "Commit".into(),
                detail: e.to_string(),
            })?;
        let protocol = message
            .try_into_protocol_message()
            .map_err(|e| EngineError::mls("Commit", e))?;
        let (provider, _, record) = self.group_parts(group)?;
        let processed = record
            .group
            .process_message(provider, protocol)
            .map_err(|e| EngineError::mls("process_message", e))?;
        match processed.into_content() {
            ProcessedMessageContent::StagedCommitMessage(staged) => record
                .group
                .merge_staged_commit(provider, *staged)
                .map_err(|e| EngineError::mls("merge_staged_commit", e))?,
            _ => {
                return Err(EngineError::Malformed {
                    what: "Commit".into(),
                    detail: "the message is not a Commit".into(),
                })
            }
        }
        Ok(view_of(group, record))
    }

    /// Reads a Welcome without consuming anything: which references it targets and
    /// which, if any, is this client's.
    pub fn peek_welcome(&self, welcome: &Welcome) -> WelcomePeek {
        let new_members = wire::welcome_new_members(welcome);
        let own = new_members
            .iter()
            .find(|r| self.has_private_bundle(r))
            .cloned();
        // Without a bundle to use, which of the references were ours once?
        let consumed = if own.is_some() {
            Vec::new()
        } else {
            new_members
                .iter()
                .filter(|r| self.entry(r).is_some())
                .cloned()
                .collect()
        };
        WelcomePeek {
            new_members,
            own,
            consumed,
        }
    }

    /// Joins through a Welcome with `StagedWelcome` (RFC 9420 §12.4.3.1). OpenMLS
    /// finds the private bundle through the reference, and deletes it unless it is
    /// last-resort.
    pub fn join(&mut self, bytes: &[u8]) -> Result<JoinReport, EngineError> {
        let welcome = wire::decode_welcome(bytes)?;
        let peek = self.peek_welcome(&welcome);
        let own_last_resort = peek
            .own
            .as_ref()
            .and_then(|r| self.entry(r))
            .is_some_and(|e| e.last_resort());
        let result = StagedWelcome::new_from_welcome(&self.provider, &join_config(), welcome, None)
            .and_then(|s| s.into_group(&self.provider))
            .map_err(|e| self.join_error(&peek, e));
        let bundle_after = peek.own.as_ref().map(|r| self.has_private_bundle(r));
        let result = match result {
            Ok(group) => {
                let name = String::from_utf8_lossy(group.group_id().as_slice()).into_owned();
                let record = GroupRecord {
                    group,
                    joined_via: peek.own.clone(),
                    via_last_resort: own_last_resort,
                    needs_update: own_last_resort,
                };
                let view = view_of(&name, &record);
                if let Some(entry) = peek.own.clone().and_then(|r| self.entry_mut(&r)) {
                    entry.joined.push(name.clone());
                    if let Some(claim) = entry.claims.last_mut() {
                        claim.group.get_or_insert(name.clone());
                    }
                }
                self.groups.insert(name, record);
                Ok(view)
            }
            Err(e) => Err(e),
        };
        Ok(JoinReport {
            peek,
            own_last_resort,
            bundle_after,
            result,
        })
    }

    fn join_error<E: std::fmt::Debug + std::fmt::Display>(
        &self,
        peek: &WelcomePeek,
        error: WelcomeError<E>,
    ) -> EngineError {
        match error {
            WelcomeError::NoMatchingKeyPackage => {
                let reason = if let Some(r) = peek.consumed.first() {
                    format!(
                        "{}'s key package {} was already used: its private bundle is gone (one-time use, RFC 9420 §16.8)",
                        self.name,
                        short(r)
                    )
                } else {
                    format!(
                        "none of the Welcome's {} new_member reference(s) is a key package of {}: this Welcome is for someone else",
                        peek.new_members.len(),
                        self.name
                    )
                };
                EngineError::NoMatchingKeyPackage { reason }
            }
            WelcomeError::CiphersuiteMismatch => EngineError::CiphersuiteMismatch {
                detail: "the Welcome's ciphersuite differs from the key package's".into(),
            },
            other => EngineError::Join {
                code: variant_name(&other),
                detail: other.to_string(),
            },
        }
    }
}

fn signer_for<'a>(
    signers: &'a BTreeMap<u16, SignatureKeyPair>,
    name: &str,
    ciphersuite: Ciphersuite,
) -> Result<&'a SignatureKeyPair, EngineError> {
    let scheme = ciphersuite.signature_algorithm();
    signers
        .get(&(scheme as u16))
        .ok_or_else(|| EngineError::Mls {
            op: "sign".into(),
            code: "MissingSigner".into(),
            detail: format!("{name} has no {scheme:?} key"),
        })
}

/// The first 8 hex digits of a reference, for messages.
pub fn short(kp_ref: &KeyPackageRef) -> String {
    wire::ref_hex(kp_ref).chars().take(8).collect()
}

fn view_of(name: &str, record: &GroupRecord) -> GroupView {
    let group = &record.group;
    GroupView {
        name: name.to_string(),
        epoch: group.epoch().as_u64(),
        members: group
            .members()
            .map(|m| wire::credential_identity(&m.credential).unwrap_or_else(|| "?".into()))
            .collect(),
        epoch_authenticator: hex::encode(group.epoch_authenticator().as_slice()),
        ciphersuite: wire::suite_number(group.ciphersuite()),
        via_last_resort: record.via_last_resort,
        needs_update: record.needs_update,
    }
}

/// Seconds of lifetime left at `now` (0 when expired).
pub fn lifetime_left(entry: &KeyPackageEntry, now: SystemTime) -> Duration {
    let (_, not_after) = entry.lifetime();
    let now = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Duration::from_secs(not_after.saturating_sub(now))
}
