//! Loading a scenario by what a user names: a path first (an existing file always
//! wins, so a local `default.mls` is never shadowed by a shipped one), else a
//! shipped scenario's name, with or without `.mls`.

use std::path::Path;

use super::catalogue::{find, SCENARIOS};
use super::input::{self, ReadError};
use crate::domain::suggest;

/// A scenario's text and the name its messages use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub name: String,
    pub source: String,
}

/// Why a scenario could not be loaded: the file's read error.
#[derive(Debug)]
pub struct LoadError {
    pub name: String,
    pub error: ReadError,
}

impl LoadError {
    /// One line for stderr. A file that does not exist and is not a shipped name
    /// either says so, with the closest shipped names.
    pub fn message(&self) -> String {
        let mut text = self.error.message(&self.name);
        if matches!(&self.error, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound) {
            let close = suggest::closest(&self.name, SCENARIOS.iter().map(|s| s.name));
            text.push_str(&match close.as_slice() {
                [] => " (nor is it a shipped scenario: `mls-lab scenarios` lists them)".to_string(),
                names => format!(
                    " (nor is it a shipped scenario; did you mean {}?)",
                    names.join(", ")
                ),
            });
        }
        text
    }
}

/// Reads `arg` as a file if one exists there, else as a shipped scenario's name.
pub fn load(arg: &Path) -> Result<Loaded, LoadError> {
    let name = arg.display().to_string();
    if !arg.exists() {
        if let Some(scenario) = arg.to_str().and_then(find) {
            return Ok(Loaded {
                name: scenario.label(),
                source: scenario.source.to_string(),
            });
        }
    }
    input::read_file(arg)
        .map(|source| Loaded {
            name: name.clone(),
            source,
        })
        .map_err(|error| LoadError { name, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shipped_name_loads_its_source_under_its_label() {
        let loaded = load(Path::new("onboarding")).unwrap();
        assert_eq!(loaded.name, "assets/scenarios/onboarding.mls");
        assert!(loaded.source.starts_with("# Onboarding basics"));
    }

    #[test]
    fn an_existing_file_wins_over_a_shipped_name() {
        let dir = std::env::temp_dir().join(format!("mls-lab-scenarios-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let local = dir.join("default");
        std::fs::write(&local, "clock\n").unwrap();
        let loaded = load(&local).unwrap();
        assert_eq!(loaded.source, "clock\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_file_names_the_closest_scenarios() {
        let error = load(Path::new("last-resrt")).unwrap_err();
        assert!(
            error.message().contains("did you mean last-resort"),
            "{}",
            error.message()
        );
    }
}
