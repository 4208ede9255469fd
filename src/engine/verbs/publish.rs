//! Uploading key packages to the DS and recording what it answered.

use std::time::Instant;

use openmls::prelude::KeyPackageRef;

use crate::domain;
use crate::engine::wire::{self, KeyPackageFormat};
use crate::engine::{Engine, EngineError, EventKind, KeyPackageEntry, Outcome};

/// What `publish` uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uploads {
    /// Own key packages, as a user names them: hex prefix, `@N` or `@last`.
    Selected(Vec<String>),
    /// Own key packages by their references (the lab's own publishing).
    Own(Vec<domain::KeyPackageRef>),
    /// Every generated key package not yet published, less those that cannot
    /// succeed (`publish --all`).
    All,
    /// These bytes, as they are (`publish --raw HEX`).
    Raw(Vec<u8>),
    /// Another client's newest key package as if it were one's own.
    StolenFrom(String),
}

/// An upload to the DS: what, in which framing, and whether to break its
/// signature on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish {
    pub uploads: Uploads,
    pub format: KeyPackageFormat,
    /// Flip one bit of the signature before uploading.
    pub tamper: bool,
}

impl Publish {
    /// Own key packages, bare and intact: how the lab publishes what it generated.
    pub fn own(refs: Vec<domain::KeyPackageRef>) -> Self {
        Self {
            uploads: Uploads::Own(refs),
            format: KeyPackageFormat::KeyPackage,
            tamper: false,
        }
    }
}

impl Engine {
    /// Uploads key packages; the DS validates each one and answers each, and
    /// takes the batch whole or not at all.
    pub async fn publish(&mut self, name: &str, publish: &Publish) -> Result<(), EngineError> {
        let format = publish.format;
        let now = self.clock.now();
        // Collect the uploads first: (reference in own inventory, bytes).
        let client = self.client(name)?;
        let mut skipped: Vec<(domain::KeyPackageRef, String)> = Vec::new();
        let mut uploads: Vec<(Option<KeyPackageRef>, Vec<u8>)> = Vec::new();
        let entries: Vec<&KeyPackageEntry> = match &publish.uploads {
            Uploads::Raw(bytes) => {
                uploads.push((None, bytes.clone()));
                Vec::new()
            }
            Uploads::StolenFrom(victim) => {
                let victim = self.client(victim)?;
                let entry =
                    victim
                        .inventory()
                        .last()
                        .ok_or_else(|| EngineError::UnknownKeyPackage {
                            client: victim.name().to_string(),
                            selector: "@last".into(),
                        })?;
                uploads.push((None, wire::encode_key_package(&entry.key_package, format)?));
                Vec::new()
            }
            Uploads::All => {
                // Everything the DS has not accepted yet, less what cannot succeed.
                let mut chosen = Vec::new();
                for entry in client.inventory().iter().filter(|e| !e.published) {
                    match entry.skip_reason(now) {
                        Some(reason) => skipped.push(((&entry.kp_ref).into(), reason)),
                        None => chosen.push(entry),
                    }
                }
                chosen
            }
            Uploads::Selected(selectors) if selectors.is_empty() => {
                return Err(EngineError::Usage(
                    "publish what? name key packages (hex prefix, @N, @last) or use --all".into(),
                ));
            }
            Uploads::Selected(selectors) => selectors
                .iter()
                .map(|s| client.resolve(s))
                .collect::<Result<_, _>>()?,
            Uploads::Own(refs) => refs
                .iter()
                .map(|r| client.key_package(r))
                .collect::<Result<_, _>>()?,
        };
        for entry in entries {
            let mut bytes = wire::encode_key_package(&entry.key_package, format)?;
            if publish.tamper {
                // The signature is the last field: flip a bit of its last byte.
                if let Some(last) = bytes.last_mut() {
                    *last ^= 0x01;
                }
            }
            uploads.push((Some(entry.kp_ref.clone()), bytes));
        }
        for (kp_ref, reason) in skipped {
            self.log.ok(
                name,
                EventKind::KeyPackageSkipped { kp_ref, reason },
                Instant::now(),
            );
        }
        let mut first_error = None;
        let started = Instant::now();
        let (own_refs, sizes): (Vec<_>, Vec<_>) =
            uploads.iter().map(|(r, b)| (r.clone(), b.len())).unzip();
        let bytes: Vec<Vec<u8>> = uploads.into_iter().map(|(_, b)| b).collect();
        let results = self.ds.publish_batch(name, bytes, format).await?;
        // One event per upload, in order; the batch's time is shared.
        let each_us = started.elapsed().as_micros() as u64 / results.len().max(1) as u64;
        for ((own_ref, size), result) in own_refs.into_iter().zip(sizes).zip(results) {
            match result {
                Ok(published) => {
                    let client = self.roster.get_mut(name)?;
                    if let Some(entry) = client.entry_mut(&published.kp_ref) {
                        entry.published = true;
                        entry.rejected = None;
                    }
                    if let Some(old) = &published.replaced {
                        if let Some(entry) = client.entry_mut(old) {
                            entry.replaced = true;
                        }
                    }
                    let kind = EventKind::KeyPackagePublished {
                        kp_ref: published.kp_ref,
                        last_resort: published.last_resort,
                        format,
                        bytes: size,
                        replaced: published.replaced,
                    };
                    self.log.emit_timed(name, kind, each_us, Outcome::Ok);
                }
                Err(error) => {
                    let last_resort = own_ref.as_ref().and_then(|r| {
                        self.client(name)
                            .ok()?
                            .entry(&r.into())
                            .map(|e| e.last_resort())
                    });
                    if let Some(r) = &own_ref {
                        // A duplicate was accepted before, and a package refused
                        // with its batch is fine: their state stays as it was.
                        if !matches!(
                            error,
                            EngineError::Duplicate { .. } | EngineError::BatchRefused
                        ) {
                            if let Some(entry) = self.roster.get_mut(name)?.entry_mut(&r.into()) {
                                entry.rejected = Some(error.code());
                            }
                        }
                    }
                    let kind = EventKind::KeyPackageRejected {
                        kp_ref: own_ref.as_ref().map(domain::KeyPackageRef::from),
                        last_resort,
                        bytes: size,
                        error: error.code(),
                        message: error.to_string(),
                    };
                    self.log.emit_timed(name, kind, each_us, Outcome::Error);
                    // The command fails with the reason of the refused upload,
                    // not with its batch.
                    if first_error
                        .as_ref()
                        .is_none_or(|e| matches!(e, EngineError::BatchRefused))
                    {
                        first_error = Some(error);
                    }
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
