//! Plain-data views of the engine for display: what each client holds (read from
//! its storage), what the DS holds, how each member sees each group, and the fields
//! of one key package or Welcome. Building a view never changes the engine.

use std::collections::BTreeMap;
use std::time::Duration;

use openmls::prelude::{KeyPackage, Welcome};
use tls_codec::{Serialize as _, Size as _};

use super::client::{lifetime_left, Lifecycle};
use super::ds::DsSnapshot;
use super::event::EventKind;
use super::wire;
use super::{Engine, EngineError, TreeMember};
use crate::domain::KeyPackageRef;
use crate::domain::Suite;

/// Everything the lab shows, as plain data.
#[derive(Debug, Clone, Default)]
pub struct LabView {
    /// The lab's time (Unix seconds): panels show times relative to it with
    /// [`crate::domain::relative`], never raw.
    pub now: u64,
    /// Sorted by name.
    pub clients: Vec<ClientView>,
    pub ds: DsSnapshot,
    /// Every group any client is a member of, sorted by name.
    pub groups: Vec<GroupOverview>,
}

/// One client and its storage.
#[derive(Debug, Clone, Default)]
pub struct ClientView {
    pub name: String,
    /// Oldest first (generation order, so row N is `@N`).
    pub key_packages: Vec<KeyPackageRow>,
    pub published: usize,
    /// Private bundles (`KeyPackageBundle`s) present in storage.
    pub bundles: usize,
    /// Key packages of others claimed at the DS and not used yet: (owner, ref).
    pub claimed: Vec<(String, KeyPackageRef)>,
    /// Fetched messages not processed yet.
    pub pending: usize,
    /// For an external client (`import-key-package`): the identity in its
    /// credential, which may differ from its name in the lab.
    pub external: Option<String>,
}

/// One key package in its owner's inventory.
#[derive(Debug, Clone)]
pub struct KeyPackageRow {
    /// The `KeyPackageRef` (RFC 9420 §5.2).
    pub kp_ref: KeyPackageRef,
    pub suite: Suite,
    pub state: Lifecycle,
    /// Carries the LastResort extension (RFC 9420 §17.3, OpenMLS `mark_as_last_resort`).
    pub last_resort: bool,
    /// The leaf capabilities list the LastResort extension type.
    pub last_resort_capability: bool,
    /// The private bundle is in storage, read from storage when the view was built.
    pub bundle_present: bool,
    pub lifetime_left: Duration,
    pub bytes: usize,
}

/// A group as every member sees it.
#[derive(Debug, Clone, Default)]
pub struct GroupOverview {
    pub name: String,
    /// Members that joined (they hold the group), each with its own view.
    pub members: Vec<MemberView>,
    /// In the members' ratchet tree but not joined yet: their Welcome waits.
    pub invited: Vec<String>,
    /// In the tree, but the lab cannot see their state: external clients and
    /// members of a group made by another MLS stack.
    pub outside: Vec<TreeMember>,
}

impl GroupOverview {
    /// All members are at the same epoch with the same epoch authenticator and
    /// tree, and everyone in the tree has joined: what `expect in-sync` checks.
    pub fn in_sync(&self) -> bool {
        self.invited.is_empty() && self.members_agree()
    }

    /// The joined members are at the same epoch with the same epoch
    /// authenticator (RFC 9420 §8.7) and tree; invited ones are not counted.
    pub fn members_agree(&self) -> bool {
        self.members.windows(2).all(|w| {
            w[0].epoch == w[1].epoch
                && w[0].epoch_authenticator == w[1].epoch_authenticator
                && w[0].tree == w[1].tree
        })
    }
}

/// One member's view of a group.
#[derive(Debug, Clone)]
pub struct MemberView {
    pub client: String,
    pub epoch: u64,
    /// Lowercase hex (RFC 9420 §8.7).
    pub epoch_authenticator: String,
    pub via_last_resort: bool,
    pub needs_update: bool,
    /// The members in this member's ratchet tree.
    pub tree: Vec<String>,
}

/// The fields of one key package, for the inspector (RFC 9420 §10).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPackageDetails {
    pub owner: String,
    pub kp_ref: KeyPackageRef,
    pub version: String,
    pub suite: Suite,
    pub suite_name: String,
    pub init_key: String,
    pub encryption_key: String,
    pub signature_key: String,
    pub credential: String,
    pub capabilities: Vec<(String, String)>,
    pub not_before: u64,
    pub not_after: u64,
    pub extensions: Vec<String>,
    pub leaf_extensions: Vec<String>,
    pub sizes: Vec<(String, usize)>,
}

/// The public parts of one Welcome, for the inspector (RFC 9420 §12.4.3.1).
#[derive(Debug, Clone, PartialEq)]
pub struct WelcomeDetails {
    /// The `welcome_sent` event it came from.
    pub seq: u64,
    pub sender: String,
    pub group: String,
    pub suite: Suite,
    pub bytes: usize,
    pub secrets: Vec<WelcomeSecret>,
    /// The Welcome as the DS carried it (an `MLSMessage`), for the hex view.
    pub encoded: Vec<u8>,
}

/// One `secrets[]` entry of a Welcome.
#[derive(Debug, Clone, PartialEq)]
pub struct WelcomeSecret {
    /// `new_member`: the reference of the key package it is encrypted to.
    pub new_member: KeyPackageRef,
    /// The client that generated that key package, if known.
    pub owner: Option<String>,
    /// Size of the HPKE-encrypted `GroupSecrets`.
    pub bytes: usize,
    /// The client that joined through it, if any did.
    pub matched_by: Option<String>,
    /// The `init_key` (full hex) of the key package `new_member` names: the
    /// HPKE public key the entry is sealed to (RFC 9420 §12.4.3.1). `None` when
    /// the lab does not hold that key package.
    pub init_key: Option<String>,
    /// Who holds the private init key that opens the entry.
    pub opener: Opener,
}

/// Who can open one `secrets[]` entry: the holder of the private bundle of the
/// key package it is sealed to (its `init_private_key`, never shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opener {
    /// The owner's storage holds the bundle now (read from storage).
    BundleInStorage,
    /// The owner's storage holds no bundle: consumed by a join, or deleted.
    BundleGone,
    /// An external client: its private keys live in another MLS stack.
    OtherStack,
    /// No client of the lab generated the key package.
    NotInLab,
}

impl Engine {
    /// A plain-data view of every client, the DS and every group.
    pub async fn view(&self) -> Result<LabView, EngineError> {
        let ds = self.ds_snapshot().await?;
        let now = self.clock().now();
        let mut groups: BTreeMap<String, Vec<MemberView>> = BTreeMap::new();
        // The first member's tree of each group, as the lab knows its leaves.
        let mut tree_of: BTreeMap<String, Vec<TreeMember>> = BTreeMap::new();
        let clients = self
            .clients()
            .values()
            .map(|client| {
                let key_packages: Vec<KeyPackageRow> = client
                    .inventory()
                    .iter()
                    .map(|entry| KeyPackageRow {
                        kp_ref: (&entry.kp_ref).into(),
                        suite: entry.ciphersuite(),
                        state: entry.state(now),
                        last_resort: entry.last_resort(),
                        last_resort_capability: entry.last_resort_capability,
                        bundle_present: client.has_private_bundle(&entry.kp_ref),
                        lifetime_left: lifetime_left(entry, now),
                        bytes: entry.bytes,
                    })
                    .collect();
                for view in client.group_views() {
                    tree_of
                        .entry(view.name.clone())
                        .or_insert_with(|| self.tree_members(&view));
                    groups
                        .entry(view.name.clone())
                        .or_default()
                        .push(MemberView {
                            client: client.name().to_string(),
                            epoch: view.epoch,
                            epoch_authenticator: view.epoch_authenticator,
                            via_last_resort: view.via_last_resort,
                            needs_update: view.needs_update,
                            tree: view.members.clone(),
                        });
                }
                ClientView {
                    name: client.name().to_string(),
                    published: key_packages
                        .iter()
                        .filter(|k| {
                            !matches!(k.state, Lifecycle::Generated | Lifecycle::Rejected { .. })
                        })
                        .count(),
                    bundles: key_packages.iter().filter(|k| k.bundle_present).count(),
                    key_packages,
                    claimed: client
                        .wallet()
                        .iter()
                        .map(|c| (c.owner.clone(), (&c.kp_ref).into()))
                        .collect(),
                    pending: ds.clients.get(client.name()).map_or(0, |d| d.inbox),
                    external: client.external_info().map(|e| e.identity.clone()),
                }
            })
            .collect();
        Ok(LabView {
            now: self.now(),
            clients,
            ds,
            groups: groups
                .into_iter()
                .map(|(name, members)| {
                    // Who each leaf is, by its signature key: an identity can
                    // be anyone's, even a lab client's name.
                    let tree = tree_of.get(&name).cloned().unwrap_or_default();
                    let (simulated, outside): (Vec<TreeMember>, Vec<TreeMember>) =
                        tree.into_iter().partition(|t| t.simulated().is_some());
                    let invited = simulated
                        .iter()
                        .filter_map(TreeMember::simulated)
                        .filter(|t| !members.iter().any(|j| j.client == *t))
                        .map(str::to_string)
                        .collect();
                    GroupOverview {
                        name,
                        members,
                        invited,
                        outside,
                    }
                })
                .collect(),
        })
    }

    /// The fields of `owner`'s key package `kp_ref`.
    pub fn key_package_details(
        &self,
        owner: &str,
        kp_ref: &KeyPackageRef,
    ) -> Result<KeyPackageDetails, EngineError> {
        let client = self.client(owner)?;
        let entry = client.key_package(kp_ref)?;
        let mut details = details_of(owner, kp_ref, &entry.key_package);
        // An external client's name is the lab's label; its credential says who it is.
        if client.is_external() {
            details.credential = format!(
                "{} (external client {owner}: private keys in another MLS stack)",
                details.credential
            );
        }
        Ok(details)
    }

    /// The Welcome behind event `seq`: a `welcome_sent` event, or a later event of
    /// the same group that a Welcome caused (delivery, join, failed join).
    pub fn welcome_details(&self, seq: u64) -> Result<WelcomeDetails, EngineError> {
        let not_found = || EngineError::UnknownWelcome(seq);
        // The log is ordered by seq, with gaps where passing events were forgotten.
        let events = self.log.all();
        let index = self.log.position(seq).ok_or_else(not_found)?;
        let group = match &events[index].kind {
            EventKind::WelcomeSent { group, .. }
            | EventKind::WelcomeDelivered { group, .. }
            | EventKind::GroupJoined { group, .. }
            | EventKind::JoinFailed { group, .. } => group.clone(),
            _ => return Err(not_found()),
        };
        let sent_at = events[..=index]
            .iter()
            .rposition(
                |e| matches!(&e.kind, EventKind::WelcomeSent { group: g, .. } if *g == group),
            )
            .ok_or_else(not_found)?;
        let sent = &events[sent_at];
        let bytes = self.welcomes.sent(sent.seq).ok_or_else(not_found)?;
        let welcome: Welcome = wire::decode_welcome(bytes)?;
        let later = &events[sent_at + 1..];
        let secrets = welcome
            .secrets()
            .iter()
            .map(|secret| {
                let new_member = KeyPackageRef::from(secret.new_member());
                let holder = self
                    .clients()
                    .values()
                    .find_map(|c| c.entry(&new_member).map(|entry| (c, entry)));
                let owner = holder.map(|(c, _)| c.name().to_string());
                let init_key = holder
                    .map(|(_, entry)| hex::encode(entry.key_package.hpke_init_key().as_slice()));
                let opener = match holder {
                    None => Opener::NotInLab,
                    Some((c, _)) if c.is_external() => Opener::OtherStack,
                    Some((c, entry)) if c.has_private_bundle(&entry.kp_ref) => {
                        Opener::BundleInStorage
                    }
                    Some(_) => Opener::BundleGone,
                };
                let matched_by = later
                    .iter()
                    .find(|e| {
                        matches!(&e.kind, EventKind::GroupJoined { group: g, kp_ref, .. }
                            if *g == group && *kp_ref == new_member)
                    })
                    .map(|e| e.actor.clone());
                WelcomeSecret {
                    new_member,
                    owner,
                    bytes: secret.tls_serialized_len(),
                    matched_by,
                    init_key,
                    opener,
                }
            })
            .collect();
        Ok(WelcomeDetails {
            seq: sent.seq,
            sender: sent.actor.clone(),
            group,
            suite: Suite::from(welcome.ciphersuite()),
            bytes: bytes.len(),
            secrets,
            encoded: bytes.clone(),
        })
    }
}

fn short_hex(bytes: &[u8]) -> String {
    let hex = hex::encode(bytes);
    if hex.len() > 32 {
        format!(
            "{}…{} ({} bytes)",
            &hex[..16],
            &hex[hex.len() - 8..],
            bytes.len()
        )
    } else {
        hex
    }
}

/// The payload of a TLS `opaque<V>` field (for types that only expose their encoding).
fn vl_inner(value: &impl tls_codec::Serialize) -> Vec<u8> {
    use tls_codec::DeserializeBytes as _;
    value
        .tls_serialize_detached()
        .ok()
        .and_then(|bytes| tls_codec::VLBytes::tls_deserialize_exact_bytes(&bytes).ok())
        .map(|v| v.as_slice().to_vec())
        .unwrap_or_default()
}

fn list<T: std::fmt::Debug>(items: &[T]) -> String {
    items
        .iter()
        .map(|i| format!("{i:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The inspector fields of one key package.
pub fn details_of(
    owner: &str,
    kp_ref: &KeyPackageRef,
    key_package: &KeyPackage,
) -> KeyPackageDetails {
    let encoded = key_package.tls_serialize_detached().unwrap_or_default();
    let version = match encoded.get(..2) {
        Some([0, 1]) => "mls10 (1)".to_string(),
        Some([a, b]) => format!("{}", u16::from_be_bytes([*a, *b])),
        _ => "?".to_string(),
    };
    let leaf = key_package.leaf_node();
    let credential = leaf.credential();
    let capabilities = leaf.capabilities();
    let lifetime = key_package.life_time();
    let suite = Suite::from(key_package.ciphersuite());
    KeyPackageDetails {
        owner: owner.to_string(),
        kp_ref: kp_ref.clone(),
        version,
        suite,
        suite_name: format!("{:?}", key_package.ciphersuite()),
        init_key: short_hex(key_package.hpke_init_key().as_slice()),
        encryption_key: short_hex(&vl_inner(leaf.encryption_key())),
        signature_key: short_hex(leaf.signature_key().as_slice()),
        credential: format!(
            "{:?} \"{}\"",
            credential.credential_type(),
            wire::credential_identity(credential).unwrap_or_else(|| "?".into())
        ),
        capabilities: vec![
            ("versions".into(), list(capabilities.versions())),
            (
                "ciphersuites".into(),
                capabilities
                    .ciphersuites()
                    .iter()
                    .map(|c| format!("0x{:04x}", c.value()))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            ("extensions".into(), list(capabilities.extensions())),
            ("proposals".into(), list(capabilities.proposals())),
            ("credentials".into(), list(capabilities.credentials())),
        ],
        not_before: lifetime.not_before(),
        not_after: lifetime.not_after(),
        extensions: key_package
            .extensions()
            .iter()
            .map(|e| format!("{:?}", e.extension_type()))
            .collect(),
        leaf_extensions: leaf
            .extensions()
            .iter()
            .map(|e| format!("{:?}", e.extension_type()))
            .collect(),
        sizes: vec![
            ("key package".into(), encoded.len()),
            ("leaf node".into(), leaf.tls_serialized_len()),
            (
                "init key".into(),
                key_package.hpke_init_key().as_slice().len(),
            ),
            ("signature".into(), vl_inner(leaf.signature()).len()),
        ],
    }
}
