//! The shipped scenarios, compiled into the binary so `mls-lab run NAME`,
//! `--scenario NAME` and `mls-lab scenarios` work from any directory. One
//! registry: a test keeps it equal to the files in `assets/scenarios/`.
//!
//! A name given where a scenario is expected is read as a path first: an existing
//! file always wins, so a local `default.mls` is never shadowed by a shipped one;
//! only when no such file exists is it looked up here (with or without `.mls`).

use std::path::Path;

use super::input::{self, ReadError};

/// One shipped scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The file name without `.mls`, e.g. `last-resort`.
    pub name: &'static str,
    pub source: &'static str,
}

impl Scenario {
    /// The first comment line: what the scenario shows.
    pub fn title(&self) -> &'static str {
        crate::command::steps::title(self.source)
    }

    /// The name used in `file:line` messages: where the file lives in the source tree.
    pub fn label(&self) -> String {
        format!("assets/scenarios/{}.mls", self.name)
    }
}

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(Scenario {
            name: $name,
            source: include_str!(concat!("../../assets/scenarios/", $name, ".mls")),
        }),*]
    };
}

/// Every shipped scenario, the default first, then in teaching order.
pub const SCENARIOS: &[Scenario] = shipped![
    "default",
    "onboarding",
    "one-time-use",
    "generate-many",
    "one-welcome-many-joiners",
    "last-resort",
    "last-resort-trap",
    "lifetimes",
    "impersonation",
    "ciphersuite-mismatch",
    "orphan-welcome",
    "failures",
    "group-names",
    "mailbox-keeps-order",
    // A Delivery Service that misbehaves on purpose, and its policies.
    "fault-double-handout",
    "fault-tamper-handout",
    "fault-serve-expired",
    "fault-drop-welcome",
    "fault-duplicate-welcome",
    "fault-hold-welcome",
    "fault-reorder-commits",
    "fault-bare-framing",
    "fault-forget-last-resort",
    "exhaustion",
];

/// The shipped scenario called `name` (`.mls` optional).
pub fn find(name: &str) -> Option<&'static Scenario> {
    let name = name.strip_suffix(".mls").unwrap_or(name);
    SCENARIOS.iter().find(|s| s.name == name)
}

/// The listing `mls-lab scenarios` prints: one line each, name and title.
pub fn listing() -> Vec<String> {
    let width = SCENARIOS.iter().map(|s| s.name.len()).max().unwrap_or(0);
    SCENARIOS
        .iter()
        .map(|s| format!("{:<width$}  {}", s.name, s.title()))
        .collect()
}

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
            let close =
                crate::explain::suggest::closest(&self.name, SCENARIOS.iter().map(|s| s.name));
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
    fn every_scenario_has_a_title_and_a_unique_name() {
        for scenario in SCENARIOS {
            assert!(!scenario.title().is_empty(), "{}", scenario.name);
            assert_eq!(find(scenario.name), Some(scenario));
        }
        let mut names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
        assert_eq!(listing().len(), SCENARIOS.len());
    }

    #[test]
    fn a_name_finds_the_shipped_scenario_with_or_without_mls() {
        assert_eq!(find("last-resort.mls").map(|s| s.name), Some("last-resort"));
        assert!(find("no-such-scenario").is_none());
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
