//! The lab's clients by name: simulated ones (the lab holds their keys and
//! storage) and external ones (a key package from another MLS stack, its keys
//! elsewhere). Names are unique: a client is added once and never removed.

use std::collections::BTreeMap;

use super::client::Client;
use super::error::EngineError;

/// Every client of the lab, by name.
#[derive(Debug, Default)]
pub struct Roster {
    clients: BTreeMap<String, Client>,
}

impl Roster {
    /// Every client, by name.
    pub fn all(&self) -> &BTreeMap<String, Client> {
        &self.clients
    }

    pub fn get(&self, name: &str) -> Result<&Client, EngineError> {
        self.clients
            .get(name)
            .ok_or_else(|| EngineError::UnknownClient(name.to_string()))
    }

    pub fn get_mut(&mut self, name: &str) -> Result<&mut Client, EngineError> {
        self.clients
            .get_mut(name)
            .ok_or_else(|| EngineError::UnknownClient(name.to_string()))
    }

    pub fn contains(&self, name: &str) -> bool {
        self.clients.contains_key(name)
    }

    /// Refuses a name that is taken.
    pub fn check_free(&self, name: &str) -> Result<(), EngineError> {
        match self.contains(name) {
            true => Err(EngineError::ClientExists(name.to_string())),
            false => Ok(()),
        }
    }

    /// Adds a client under its own name; a taken name is refused and changes nothing.
    pub fn insert(&mut self, client: Client) -> Result<(), EngineError> {
        self.check_free(client.name())?;
        self.clients.insert(client.name().to_string(), client);
        Ok(())
    }

    /// Whether the lab holds `name`'s state: a simulated client, not an external
    /// one or a member of a foreign group the lab never saw. Only those can be
    /// waited for in a group (`expect in-sync`, the groups panel's "invited").
    pub fn simulates(&self, name: &str) -> bool {
        self.clients.get(name).is_some_and(|c| !c.is_external())
    }

    /// The names of the simulated clients, in order: those that read their mail.
    pub fn simulated_names(&self) -> Vec<String> {
        self.clients
            .iter()
            .filter(|(_, c)| !c.is_external())
            .map(|(name, _)| name.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_taken_once_and_external_clients_are_not_simulated() {
        let mut roster = Roster::default();
        roster.insert(Client::new("alice").unwrap()).unwrap();
        let again = roster.insert(Client::new("alice").unwrap()).unwrap_err();
        assert_eq!(again.code(), "ClientExists");
        assert!(roster.simulates("alice"));
        assert!(!roster.simulates("bob"));
        assert_eq!(roster.get("bob").unwrap_err().code(), "UnknownClient");
        assert_eq!(roster.simulated_names(), ["alice"]);
    }
}
