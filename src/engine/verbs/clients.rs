//! `clients NAME...`: creating clients, each registered at the DS with its name
//! and signature key.

use std::time::Instant;

use crate::domain::{validate_name, NameKind};
use crate::engine::{Client, Engine, EngineError, EventKind};

impl Engine {
    /// `clients NAME...`: creates clients and registers each at the DS; a bad
    /// or taken name refuses the whole list.
    pub async fn add_clients(&mut self, names: &[String]) -> Result<(), EngineError> {
        #[cfg(test)]
        crate::engine::guard::test_hooks::panic_if(
            names.contains(&crate::engine::guard::test_hooks::ENGINE_PANICS.to_string()),
        );
        // Check every name first, so a bad list changes nothing.
        for (i, name) in names.iter().enumerate() {
            validate_name(NameKind::Client, name)?;
            if self.roster.contains(name) || names[..i].contains(name) {
                return Err(EngineError::ClientExists(name.clone()));
            }
        }
        for name in names {
            let started = Instant::now();
            let client = Client::with_randomness(name, self.randomness)?;
            let keys = client.signature_keys();
            for (_, key) in &keys {
                self.ds.register(name, key.clone()).await?;
            }
            self.roster.insert(client)?;
            if let Some((scheme, key)) = keys.into_iter().next() {
                let kind = EventKind::ClientRegistered {
                    signature_key: hex::encode(key),
                    signature_scheme: format!("{scheme:?}"),
                };
                self.log.ok(name, kind, started);
            }
        }
        Ok(())
    }
}
