//! The room's clients as the table shows them: who is registered (the DS's
//! directory, read from its snapshot), in the order they appeared, with the
//! address each registered from (known only from the registration event, so
//! for clients registered before this start it is unknown).

use std::collections::BTreeMap;

use crate::engine::ds::DsSnapshot;

/// One client of the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// As the identity reads (hex if it is not text); raw: drawing escapes it.
    name: String,
    /// Normal key packages valid now.
    available: usize,
    /// A last-resort package is kept for when the normal ones run out.
    last_resort: bool,
    /// Messages waiting to be fetched.
    mail: usize,
    /// Where it registered from, if this start saw it.
    peer: Option<String>,
}

impl ClientRow {
    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn available(&self) -> usize {
        self.available
    }

    pub fn last_resort(&self) -> bool {
        self.last_resort
    }

    pub fn mail(&self) -> usize {
        self.mail
    }

    pub fn peer(&self) -> Option<&str> {
        self.peer.as_deref()
    }
}

/// The clients, in the order they appeared (those already registered at start
/// first, by name).
#[derive(Debug, Clone, Default)]
pub struct ClientTable {
    rows: Vec<ClientRow>,
    /// Peers by client: kept across snapshots, which do not carry them.
    peers: BTreeMap<String, String>,
}

impl ClientTable {
    pub fn rows(&self) -> &[ClientRow] {
        &self.rows
    }

    /// A client registered: its row appears at once, counted by the next snapshot.
    pub fn registered(&mut self, name: &str, peer: &str) {
        self.peers.insert(name.to_string(), peer.to_string());
        match self.rows.iter_mut().find(|row| row.name == name) {
            Some(row) => row.peer = Some(peer.to_string()),
            None => self.rows.push(ClientRow {
                name: name.to_string(),
                available: 0,
                last_resort: false,
                mail: 0,
                peer: Some(peer.to_string()),
            }),
        }
    }

    /// The DS's directory now (`now` in Unix seconds): it decides who is
    /// listed and every count; the order of appearance stays.
    pub fn refresh(&mut self, snapshot: &DsSnapshot, now: u64) {
        self.rows
            .retain(|row| snapshot.clients.contains_key(&row.name));
        for (name, directory) in &snapshot.clients {
            let available = directory.normal.iter().filter(|e| e.valid_at(now)).count();
            let last_resort = directory.last_resort.iter().any(|e| e.valid_at(now));
            let counted = ClientRow {
                name: name.clone(),
                available,
                last_resort,
                mail: directory.inbox,
                peer: self.peers.get(name).cloned(),
            };
            match self.rows.iter_mut().find(|row| row.name == *name) {
                Some(row) => *row = counted,
                None => self.rows.push(counted),
            }
        }
    }

    /// The DS was emptied.
    pub fn reset(&mut self) {
        self.rows.clear();
        self.peers.clear();
    }

    /// Key packages available across the room.
    pub fn key_packages(&self) -> usize {
        self.rows.iter().map(|row| row.available).sum()
    }
}
