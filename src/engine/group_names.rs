//! The lab's one namespace of group names: each MLS `GroupId` the lab has seen
//! has exactly one name, and each name one `GroupId`. Every name obeys the name
//! rule (`domain::name`), so every group can be typed in a command and a saved
//! session replays. A group created in the lab is named by its creator; a group
//! from outside (a Welcome from a file or another stack) is named after its
//! `GroupId` when that is already a valid, free name, else `ext-` and the
//! `GroupId`'s first hex digits; a `-2`, `-3`, … suffix keeps names apart.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{validate_name, NameKind, MAX_NAME_LEN};

use super::error::EngineError;

/// Who a group's name came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `NAME create-group GROUP`: this client created it and chose the name.
    CreatedBy(String),
    /// Joined from a Welcome made outside the lab; the lab chose the name.
    Foreign,
}

/// Group names and `GroupId`s, one to one.
#[derive(Debug, Default)]
pub struct GroupNames {
    by_id: HashMap<Vec<u8>, String>,
    by_name: BTreeMap<String, Origin>,
}

/// How many hex digits of a foreign `GroupId` its made-up name shows.
const FOREIGN_HEX_DIGITS: usize = 8;

impl GroupNames {
    /// The name of the group with this `GroupId`, if the lab knows it.
    pub fn name_of(&self, group_id: &[u8]) -> Option<&str> {
        self.by_id.get(group_id).map(String::as_str)
    }

    /// The `GroupId` of the group with this name, if the lab knows it.
    pub fn id_of(&self, name: &str) -> Option<&[u8]> {
        self.by_id
            .iter()
            .find(|(_, known)| known.as_str() == name)
            .map(|(id, _)| id.as_slice())
    }

    /// Refuses a name a new group cannot take: one that breaks the name rule,
    /// or is taken (by a group of the lab or one joined from outside).
    pub fn check_new(&self, name: &str) -> Result<(), EngineError> {
        validate_name(NameKind::Group, name)?;
        match self.by_name.get(name) {
            None => Ok(()),
            Some(origin) => Err(EngineError::GroupNameTaken {
                group: name.to_string(),
                owner: match origin {
                    Origin::CreatedBy(client) => client.clone(),
                    Origin::Foreign => "a Welcome from outside the lab".into(),
                },
            }),
        }
    }

    /// Names a group created in the lab; the name is checked as [`Self::check_new`]
    /// does, and a `GroupId` the lab knows already is refused.
    pub fn name_created(
        &mut self,
        group_id: &[u8],
        name: &str,
        creator: &str,
    ) -> Result<(), EngineError> {
        self.check_new(name)?;
        if let Some(taken) = self.name_of(group_id) {
            return Err(EngineError::GroupNameTaken {
                group: taken.to_string(),
                owner: "a group with the same GroupId".into(),
            });
        }
        self.insert(group_id, name, Origin::CreatedBy(creator.to_string()));
        Ok(())
    }

    /// The name a group from outside the lab would get: its own if the lab knows
    /// the `GroupId`, else a new one (see the module comment). Nothing changes
    /// until [`Self::name_foreign`].
    pub fn name_for(&self, group_id: &[u8]) -> String {
        if let Some(name) = self.name_of(group_id) {
            return name.to_string();
        }
        let base = match std::str::from_utf8(group_id) {
            Ok(text) if validate_name(NameKind::Group, text).is_ok() => text.to_string(),
            _ => {
                let hex = hex::encode(group_id);
                format!("ext-{}", &hex[..hex.len().min(FOREIGN_HEX_DIGITS)])
            }
        };
        if !self.by_name.contains_key(&base) {
            return base;
        }
        (2u64..)
            .map(|n| {
                let suffix = format!("-{n}");
                // Names are ASCII: cutting at a byte count is cutting at a character.
                let keep = base.len().min(MAX_NAME_LEN - suffix.len());
                format!("{}{suffix}", &base[..keep])
            })
            .find(|candidate| !self.by_name.contains_key(candidate))
            .unwrap_or(base)
    }

    /// Names a group from outside the lab as [`Self::name_for`] says, and
    /// returns the name (its own, if the lab knew it already).
    pub fn name_foreign(&mut self, group_id: &[u8]) -> String {
        let name = self.name_for(group_id);
        if self.name_of(group_id).is_none() {
            self.insert(group_id, &name, Origin::Foreign);
        }
        name
    }

    fn insert(&mut self, group_id: &[u8], name: &str, origin: Origin) {
        self.by_id.insert(group_id.to_vec(), name.to_string());
        self.by_name.insert(name.to_string(), origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_group_ids_get_valid_names_that_are_never_taken() {
        let mut names = GroupNames::default();
        names.name_created(b"\x01\x02", "team", "alice").unwrap();
        let long = "a".repeat(300);
        let cases: [(&[u8], &str); 7] = [
            (b"fine", "fine"),
            (b"team", "team-2"),
            (b"#x", "ext-2378"),
            (b"-x", "ext-2d78"),
            (b"", "ext-"),
            (long.as_bytes(), "ext-61616161"),
            (b"a b\x1b[31m", "ext-6120621b"),
        ];
        for (group_id, expected) in cases {
            let name = names.name_foreign(group_id);
            assert_eq!(name, expected, "{group_id:?}");
            assert!(validate_name(NameKind::Group, &name).is_ok(), "{name}");
            assert_eq!(names.name_of(group_id), Some(expected));
        }
        // The same GroupId keeps its name; a name is never given twice.
        assert_eq!(names.name_foreign(b"team"), "team-2");
        assert_eq!(names.name_foreign(b"team-2"), "team-2-2");
    }

    #[test]
    fn a_suffix_never_makes_a_name_too_long() {
        let mut names = GroupNames::default();
        let full = "a234567890123456";
        names.name_created(b"one", full, "alice").unwrap();
        let name = names.name_foreign(full.as_bytes());
        assert_eq!(name, "a2345678901234-2");
        assert!(validate_name(NameKind::Group, &name).is_ok());
    }

    #[test]
    fn a_taken_or_invalid_name_cannot_be_created() {
        let mut names = GroupNames::default();
        names.name_foreign(b"team");
        let taken = names.name_created(b"id", "team", "alice").unwrap_err();
        assert_eq!(taken.code(), "GroupNameTaken");
        assert!(taken.to_string().contains("outside the lab"), "{taken}");
        let bad = names.name_created(b"id", "#x", "alice").unwrap_err();
        assert_eq!(bad.code(), "InvalidName");
        names.name_created(b"id", "red", "alice").unwrap();
        let again = names.name_created(b"id", "blue", "bob").unwrap_err();
        assert_eq!(again.code(), "GroupNameTaken");
    }
}
