//! The lab's one namespace of group names: each MLS `GroupId` the lab has seen
//! has exactly one name, and each name one `GroupId`. Every name obeys the name
//! rule (`domain::name`). A group created in the lab is named by its creator.

use std::collections::{BTreeMap, HashMap};

use crate::domain::{validate_name, NameKind};

use super::error::EngineError;

/// Who a group's name came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `NAME create-group GROUP`: this client created it and chose the name.
    CreatedBy(String),
}

/// Group names and `GroupId`s, one to one.
#[derive(Debug, Default)]
pub struct GroupNames {
    by_id: HashMap<Vec<u8>, String>,
    by_name: BTreeMap<String, Origin>,
}

impl GroupNames {
    /// The name of the group with this `GroupId`, if the lab knows it.
    pub fn name_of(&self, group_id: &[u8]) -> Option<&str> {
        self.by_id.get(group_id).map(String::as_str)
    }

    /// Refuses a name a new group cannot take: one that breaks the name rule,
    /// or is taken (by a group of the lab or one joined from outside).
    pub fn check_new(&self, name: &str) -> Result<(), EngineError> {
        validate_name(NameKind::Group, name)?;
        match self.by_name.get(name) {
            None => Ok(()),
            Some(Origin::CreatedBy(creator)) => Err(EngineError::GroupNameTaken {
                group: name.to_string(),
                owner: creator.clone(),
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

    fn insert(&mut self, group_id: &[u8], name: &str, origin: Origin) {
        self.by_id.insert(group_id.to_vec(), name.to_string());
        self.by_name.insert(name.to_string(), origin);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_or_invalid_name_cannot_be_created() {
        let mut names = GroupNames::default();
        names.name_created(b"id", "red", "alice").unwrap();
        let taken = names.name_created(b"id2", "red", "bob").unwrap_err();
        assert_eq!(taken.code(), "GroupNameTaken");
        assert!(taken.to_string().contains("alice"), "{taken}");
        let bad = names.name_created(b"id3", "#x", "alice").unwrap_err();
        assert_eq!(bad.code(), "InvalidName");
        let again = names.name_created(b"id", "blue", "bob").unwrap_err();
        assert_eq!(again.code(), "GroupNameTaken");
        assert_eq!(names.name_of(b"id"), Some("red"));
    }
}
