//! `NAME craft KIND --to FILE`: a key package of the lab client NAME with one
//! deliberate change ([`crate::inspect::craft::Kind`]), signed again with NAME's
//! key (or left with signatures that no longer verify), written as exports are.
//! Nothing in the lab changes: the package is built in a provider of its own,
//! is in no inventory and at no DS, and has no private bundle.

use std::time::Instant;

use openmls_traits::OpenMlsProvider as _;

use super::exchange::{frame_key_package, Export};
use crate::domain::{KeyPackageRef, Suite};
use crate::engine::client::apply_craft;
use crate::engine::client::LifetimeChoice;
use crate::engine::file;
use crate::engine::wire;
use crate::engine::{Engine, EngineError, EventKind};
use crate::inspect::craft::Kind;
use crate::inspect::Framing;

/// What `craft` makes and where it goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Craft {
    pub kind: Kind,
    pub suite: Suite,
    /// Sign again after the change; `false` leaves the old signatures and flips
    /// the last bit of the package's own, so it does not verify
    /// (`--broken-signature`).
    pub resign: bool,
    pub export: Export,
}

impl Engine {
    /// `NAME craft KIND ... --to FILE`.
    pub async fn craft(&mut self, name: &str, craft: &Craft) -> Result<(), EngineError> {
        let started = Instant::now();
        self.client(name)?;
        let ciphersuite = wire::ciphersuite(craft.suite)?;
        let lifetime = LifetimeChoice::Default.range(&self.clock)?;
        self.ensure_signer(name, craft.suite).await?;
        let client = self.client(name)?;
        let mut package = client.craft_base(ciphersuite, lifetime)?;
        apply_craft(&mut package, craft.kind)?;
        if craft.resign {
            client.sign_crafted(ciphersuite, &mut package)?;
        } else {
            // The old signatures stay; the package's own is broken for certain,
            // even where the change left what it covers as it was.
            crate::inspect::craft::break_signature(&mut package);
        }
        let bare = package.encode().map_err(|e| EngineError::Malformed {
            what: "crafted key package".into(),
            detail: e.to_string(),
        })?;
        let reference = openmls::prelude::hash_ref::make_key_package_ref(
            &bare,
            ciphersuite,
            client.provider().crypto(),
        )
        .ok()
        .map(KeyPackageRef::from);
        let bytes = match craft.export.format.framing {
            Framing::Bare => bare,
            Framing::MlsMessage => frame_key_package(&bare),
        };
        let contents = craft.export.format.encode(&bytes);
        file::write(&craft.export.path, &contents)?;
        let kind = EventKind::KeyPackageCrafted {
            change: craft.kind.name().to_string(),
            kp_ref: reference,
            signed: craft.resign,
            path: craft.export.path.clone(),
            framing: craft.export.format.framing,
            encoding: craft.export.format.encoding,
            bytes: contents.len(),
        };
        self.log.ok(name, kind, started);
        Ok(())
    }
}
