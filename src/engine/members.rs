//! Who a leaf of a group's ratchet tree is in the lab. A leaf is known by its
//! signature key, never by its credential's identity: anyone can choose an
//! identity (another MLS stack's member can call itself `bob`), while the DS
//! holds each signature key for one client only.

use std::collections::HashMap;
use std::fmt;

use super::Engine;
use crate::domain::escape_controls;

/// A leaf of a group's tree, as the lab knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeMember {
    /// A client the lab simulates.
    Simulated(String),
    /// An external client (`import-key-package`): the lab's name for it and the
    /// identity in its credential.
    External { name: String, identity: String },
    /// Someone the lab has no name for: a member of a group made by another MLS
    /// stack.
    Foreign { identity: String },
}

impl TreeMember {
    /// The simulated client, if it is one: only those can be waited for.
    pub fn simulated(&self) -> Option<&str> {
        match self {
            Self::Simulated(name) => Some(name),
            Self::External { .. } | Self::Foreign { .. } => None,
        }
    }
}

/// `bob`, `NAME ext=IDENTITY` for an external client, `ext=IDENTITY` for a
/// foreign member; the identity is foreign text, shown escaped.
impl fmt::Display for TreeMember {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Simulated(name) => f.write_str(name),
            Self::External { name, identity } => {
                write!(f, "{name} ext={}", escape_controls(identity))
            }
            Self::Foreign { identity } => write!(f, "ext={}", escape_controls(identity)),
        }
    }
}

impl Engine {
    /// Every signature key of client `name`: a simulated client's own, an
    /// external client's from its key packages.
    pub fn signature_keys_of(&self, name: &str) -> Vec<Vec<u8>> {
        let Ok(client) = self.roster.get(name) else {
            return Vec::new();
        };
        let mut keys: Vec<Vec<u8>> = client
            .signature_keys()
            .into_iter()
            .map(|(_, key)| key)
            .collect();
        if client.is_external() {
            keys.extend(client.inventory().iter().map(|entry| {
                entry
                    .key_package
                    .leaf_node()
                    .signature_key()
                    .as_slice()
                    .to_vec()
            }));
        }
        keys
    }

    /// The client each signature key belongs to.
    fn key_owners(&self) -> HashMap<Vec<u8>, &str> {
        self.roster
            .all()
            .keys()
            .flat_map(|name| {
                self.signature_keys_of(name)
                    .into_iter()
                    .map(move |key| (key, name.as_str()))
            })
            .collect()
    }

    /// The leaves of `view`'s tree as the lab knows them, in tree order.
    pub fn tree_members(&self, view: &super::GroupView) -> Vec<TreeMember> {
        let owners = self.key_owners();
        view.members
            .iter()
            .zip(&view.member_keys)
            .map(|(identity, key)| match owners.get(key) {
                Some(name) if self.simulates(name) => TreeMember::Simulated(name.to_string()),
                Some(name) => TreeMember::External {
                    name: name.to_string(),
                    identity: identity.clone(),
                },
                None => TreeMember::Foreign {
                    identity: identity.clone(),
                },
            })
            .collect()
    }

    /// Whether client `name` holds a leaf in `view`'s tree (by its keys).
    pub fn in_tree(&self, view: &super::GroupView, name: &str) -> bool {
        let keys = self.signature_keys_of(name);
        view.member_keys.iter().any(|key| keys.contains(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_member_shows_its_name_and_escaped_identity() {
        let external = TreeMember::External {
            name: "remote".into(),
            identity: "bob\n\u{202e}".into(),
        };
        assert_eq!(external.to_string(), "remote ext=bob\\n\\u{202e}");
        assert_eq!(external.simulated(), None);
        let foreign = TreeMember::Foreign {
            identity: "zoe".into(),
        };
        assert_eq!(foreign.to_string(), "ext=zoe");
        assert_eq!(TreeMember::Simulated("bob".into()).simulated(), Some("bob"));
    }
}
