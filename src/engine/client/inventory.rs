//! A client's own key packages: generating them, their history and lifecycle, and
//! reading their private bundles back from storage.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openmls::prelude::*;
use openmls::treesync::errors::LifetimeError;
use openmls_basic_credential::SignatureKeyPair;
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::OpenMlsProvider;

use super::storage::{holds_key_package, stored_key_packages};
use super::*;
use crate::domain::{ClockOverflow, LabClock, Suite};
use crate::engine::error::{EngineError, ErrorCode};
use crate::engine::{cores, wire};

/// The lifetime a new key package gets (RFC 9420 §7.2 `Lifetime` in the leaf node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LifetimeChoice {
    /// OpenMLS's default: 3 × 28 days from the lab's now, starting an hour before
    /// the system's now.
    #[default]
    Default,
    /// Valid for this many seconds from the lab's now.
    Seconds(u64),
    /// Ended a day before the lab's now: every receiver must refuse it.
    Expired,
    /// Starts a day after the lab's now: every receiver must refuse it for now.
    NotYetValid,
}

/// One key package, built with the client's provider and signer.
fn build_one(
    provider: &impl OpenMlsProvider,
    signer: &SignatureKeyPair,
    credential: CredentialWithKey,
    ciphersuite: Ciphersuite,
    options: GenerateOptions,
    (not_before, not_after): (u64, u64),
) -> Result<KeyPackageEntry, EngineError> {
    let mut builder =
        KeyPackage::builder().key_package_lifetime(Lifetime::init(not_before, not_after));
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
    let bundle = builder
        .build(ciphersuite, provider, signer, credential)
        .map_err(|e| EngineError::mls("KeyPackage::build", e))?;
    let key_package = bundle.into_key_package();
    let kp_ref = key_package
        .hash_ref(provider.crypto())
        .map_err(|e| EngineError::mls("hash_ref", e))?;
    let bytes = key_package.tls_serialized_len();
    Ok(KeyPackageEntry {
        kp_ref,
        key_package,
        // Whether the capabilities list LastResort: only a last-resort package's do.
        last_resort_capability: options.last_resort && options.last_resort_capability,
        bytes,
        published: false,
        rejected: None,
        claims: Vec::new(),
        joined: Vec::new(),
        replaced: false,
        discarded: false,
    })
}

/// OpenMLS's default key package lifetime: 3 × 28 days.
pub const DEFAULT_LIFETIME_SECS: u64 = 3 * 28 * 86_400;

impl LifetimeChoice {
    /// (not_before, not_after) in Unix seconds, relative to the lab's now.
    pub fn range(self, clock: &LabClock) -> Result<(u64, u64), EngineError> {
        let now = clock.now_secs();
        let day = 86_400;
        let overflow = ClockOverflow::Lifetime;
        Ok(match self {
            Self::Default => clock.lifetime_from_now(DEFAULT_LIFETIME_SECS)?,
            Self::Seconds(secs) => clock.lifetime_from_now(secs)?,
            Self::Expired => (now.saturating_sub(2 * day), now.saturating_sub(day)),
            Self::NotYetValid => {
                let start = now.checked_add(day).ok_or(overflow)?;
                (start, start.checked_add(day).ok_or(overflow)?)
            }
        })
    }
}

/// How to build key packages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    pub suite: Suite,
    pub last_resort: bool,
    /// List LastResort (0x000a) in the leaf capabilities. Turning this off with
    /// `last_resort` on reproduces the seed page's code, which receivers reject.
    pub last_resort_capability: bool,
    pub lifetime: LifetimeChoice,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        Self {
            suite: Suite::DEFAULT,
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
    pub rejected: Option<ErrorCode>,
    pub claims: Vec<Claim>,
    /// Groups joined through this package.
    pub joined: Vec<String>,
    /// A newer last-resort package replaced it at the DS.
    pub replaced: bool,
    /// Its private bundle was deleted on purpose (`delete-bundle`).
    pub discarded: bool,
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
        error: ErrorCode,
    },
    /// A newer last-resort package replaced it at the DS; its private bundle
    /// stays, since a Welcome naming it may still be in flight.
    RotatedOut,
    /// Its private bundle was deleted on purpose: a Welcome naming it is an orphan.
    BundleDeleted,
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
            Self::RotatedOut => write!(f, "rotated out, bundle kept"),
            Self::BundleDeleted => write!(f, "bundle deleted"),
        }
    }
}

impl KeyPackageEntry {
    pub fn last_resort(&self) -> bool {
        self.key_package.last_resort()
    }

    pub fn ciphersuite(&self) -> Suite {
        Suite::from(self.key_package.ciphersuite())
    }

    pub fn lifetime(&self) -> (u64, u64) {
        let lifetime = self.key_package.life_time();
        (lifetime.not_before(), lifetime.not_after())
    }

    /// Why `publish --all` leaves this unpublished package out, if it does: its
    /// bundle is gone, its lifetime does not cover the lab's `now` (the DS would
    /// refuse it, and with it the whole batch), or the DS refused the package
    /// itself for a reason that cannot change (a tampered copy's rejection does
    /// not count).
    pub fn skip_reason(&self, now: SystemTime) -> Option<String> {
        if self.discarded {
            return Some("its private bundle was deleted (delete-bundle)".into());
        }
        match self.key_package.life_time().validate_with_time(now) {
            Err(LifetimeError::Expired { .. }) => return Some("it has expired".into()),
            Err(LifetimeError::NotValidYet { .. }) => return Some("it is not valid yet".into()),
            _ => {}
        }
        match &self.rejected {
            Some(
                code @ (ErrorCode::UnsupportedExtension
                | ErrorCode::InvalidKeyPackage
                | ErrorCode::Expired),
            ) => Some(format!(
                "the DS refused this package before ({code}) and would again"
            )),
            // A tampered copy, a duplicate, an owner or lifetime rule of the DS:
            // the package itself may still be accepted.
            Some(_) | None => None,
        }
    }

    /// The lifecycle state at time `now`, from the latest fact: a deliberate
    /// deletion, then a join, a claim, a rotation, the clock, an accepted upload;
    /// a rejection counts only while no upload was accepted.
    pub fn state(&self, now: SystemTime) -> Lifecycle {
        if self.discarded {
            return Lifecycle::BundleDeleted;
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
            return Lifecycle::RotatedOut;
        }
        match self.key_package.life_time().validate_with_time(now) {
            Err(LifetimeError::Expired { .. }) => return Lifecycle::Expired,
            Err(LifetimeError::NotValidYet { .. }) => return Lifecycle::NotYetValid,
            _ => {}
        }
        match (&self.rejected, self.published) {
            (_, true) => Lifecycle::Published,
            (Some(error), false) => Lifecycle::Rejected {
                error: error.clone(),
            },
            (None, false) => Lifecycle::Generated,
        }
    }
}

impl Client {
    /// Builds one key package; `KeyPackage::builder().build()` writes the bundle
    /// into this client's storage under its reference.
    /// Lifetimes are set from the lab clock (see `domain::clock` for why they
    /// always contain the system's present).
    pub fn generate(
        &mut self,
        options: GenerateOptions,
        clock: &LabClock,
    ) -> Result<&KeyPackageEntry, EngineError> {
        let start = self.inventory.len();
        self.generate_batch(options, clock, 1)?;
        self.inventory.get(start).ok_or(EngineError::DsUnavailable)
    }

    /// Builds `count` key packages across the machine's cores (rayon) and adds
    /// them to the inventory in order; returns how many were added. Each package
    /// is built with randomness of its own, fixed by its position in the
    /// inventory in a seeded lab (so the thread order does not matter); the
    /// storage is shared, behind its lock. If one fails, the ones built are kept
    /// and the first error is returned.
    pub fn generate_batch(
        &mut self,
        options: GenerateOptions,
        clock: &LabClock,
        count: u32,
    ) -> Result<usize, EngineError> {
        let ciphersuite = wire::ciphersuite(options.suite)?;
        let (not_before, not_after) = options.lifetime.range(clock)?;
        let credential = self.credential_with_key(ciphersuite)?;
        let signer = self.signer(ciphersuite)?;
        let provider = &self.provider;
        let start = self.inventory.len();
        let offsets: Vec<usize> = (0..count as usize).collect();
        let built: Vec<Result<KeyPackageEntry, EngineError>> =
            cores::map_each(&offsets, |offset| {
                build_one(
                    &provider.for_key_package(start + offset),
                    signer,
                    credential.clone(),
                    ciphersuite,
                    options,
                    (not_before, not_after),
                )
            });
        let mut added = 0;
        let mut first_error = None;
        for result in built {
            match result {
                Ok(entry) => {
                    self.index.insert(
                        domain::KeyPackageRef::from(&entry.kp_ref),
                        self.inventory.len(),
                    );
                    self.inventory.push(entry);
                    added += 1;
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(added), Err)
    }

    /// Every key package this client generated, oldest first.
    pub fn inventory(&self) -> &[KeyPackageEntry] {
        &self.inventory
    }

    pub(crate) fn entry_mut(
        &mut self,
        kp_ref: &domain::KeyPackageRef,
    ) -> Option<&mut KeyPackageEntry> {
        let position = *self.index.get(kp_ref)?;
        self.inventory.get_mut(position)
    }

    /// The key package with this reference, if this client generated it.
    pub fn entry(&self, kp_ref: &domain::KeyPackageRef) -> Option<&KeyPackageEntry> {
        self.inventory.get(*self.index.get(kp_ref)?)
    }

    /// The key package with this reference, or the error that names it.
    pub fn key_package(
        &self,
        kp_ref: &domain::KeyPackageRef,
    ) -> Result<&KeyPackageEntry, EngineError> {
        self.entry(kp_ref)
            .ok_or_else(|| EngineError::UnknownKeyPackage {
                client: self.name.clone(),
                selector: kp_ref.to_string(),
            })
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
        // The references starting with `wanted` are one run of the ordered index,
        // beginning at or after the smallest such reference: look at two.
        let lowest = lowest_with_prefix(&wanted).ok_or_else(unknown)?;
        let mut matches = self
            .index
            .range(lowest..)
            .take(2)
            .filter(|(kp_ref, _)| kp_ref.starts_with_hex(&wanted))
            .filter_map(|(_, &position)| self.inventory.get(position));
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
        holds_key_package(self.provider.storage(), kp_ref)
    }

    /// Deletes the private bundle of one of this client's key packages on purpose
    /// (as an application may when it withdraws a package).
    pub fn delete_bundle(&mut self, kp_ref: &KeyPackageRef) -> Result<(), EngineError> {
        if !self.has_private_bundle(kp_ref) {
            return Err(EngineError::NoBundle {
                client: self.name.clone(),
                kp_ref: kp_ref.into(),
            });
        }
        self.provider
            .storage()
            .delete_key_package(kp_ref)
            .map_err(|e| EngineError::mls("delete_key_package", e))?;
        if let Some(entry) = self.entry_mut(&kp_ref.into()) {
            entry.discarded = true;
        }
        Ok(())
    }

    /// How many private key package bundles this client's storage holds, counted
    /// in the storage itself (without reading the bundles), not in the inventory.
    pub fn private_bundles(&self) -> usize {
        stored_key_packages(self.provider.storage())
    }
}

/// The smallest reference whose hex starts with `hex` (lowercase hex digits): the
/// prefix with an odd digit filled with 0 (references compare by their bytes).
fn lowest_with_prefix(hex: &str) -> Option<domain::KeyPackageRef> {
    let mut digits = hex.to_string();
    if digits.len() % 2 == 1 {
        digits.push('0');
    }
    domain::KeyPackageRef::from_hex(&digits).ok()
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
