//! The shipped scenarios, compiled into the binary so `mls-lab run NAME`,
//! `--scenario NAME` and `mls-lab scenarios` work from any directory. One
//! registry: a test keeps it equal to the files in `assets/scenarios/`.

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
        super::super::steps::title(self.source)
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
            source: include_str!(concat!("../../../assets/scenarios/", $name, ".mls")),
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
    }
}
