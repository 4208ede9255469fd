//! `mls-lab explain`: why every event and every error happens. For each event kind
//! of the log and each error code of the engine: one sentence of what happened, the
//! OpenMLS call behind it, the RFC 9420 / RFC 9750 section that requires it, and
//! the Delivery Service rule where one applies. Plain data, no terminal code, so
//! the headless CLI and the TUI's "why" pane show the same text.
//!
//! - [`events`]: one explanation per event kind ([`crate::engine::EventKind::ALL`]).
//! - [`errors`]: one explanation per error code ([`crate::engine::EngineError::CODES`]).
//! - [`concepts`]: the ideas a speaker names (key package, `KeyPackageRef` /
//!   `hash_ref`, the private bundle, last resort, ...), found by their other names.
//! - "did you mean" for a topic that does not exist: [`crate::domain::suggest`].

pub mod concepts;
pub mod errors;
pub mod events;

use std::fmt;

use crate::domain::suggest;
use crate::engine::ErrorCode;

/// Whether a topic is an event kind, an error code or a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicKind {
    /// A `kind` of the event log, e.g. `group_joined`.
    Event,
    /// A code of `expect error CODE` and the JSON `error` field, e.g. `Expired`.
    Error,
    /// An idea of onboarding, e.g. `KeyPackageRef` (also `hash_ref`).
    Concept,
}

impl TopicKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Error => "error",
            Self::Concept => "concept",
        }
    }
}

/// Why one event or error happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// The event kind or error code, exactly as the log and `expect error` spell it.
    pub topic: &'static str,
    pub kind: TopicKind,
    /// One sentence: what happened.
    pub what: &'static str,
    /// The OpenMLS call that did it; `None` when the lab alone decides.
    pub openmls_call: Option<&'static str>,
    /// The RFC 9420 / RFC 9750 section that requires it; `None` for the lab's own
    /// events and errors, which explain themselves.
    pub rfc: Option<&'static str>,
    /// The Delivery Service's rule, where one applies.
    pub ds_rule: Option<&'static str>,
}

impl Explanation {
    /// `(label, text)` for each field that is set, in reading order: what a pane or
    /// a page shows under the topic's name.
    pub fn fields(&self) -> Vec<(&'static str, &'static str)> {
        let mut fields = vec![("what", self.what)];
        if let Some(call) = self.openmls_call {
            fields.push(("OpenMLS", call));
        }
        fields.push(("RFC", self.rfc.unwrap_or("none: the lab's own")));
        if let Some(rule) = self.ds_rule {
            fields.push(("DS rule", rule));
        }
        fields
    }
}

/// The explanation as plain text: the topic line, then one `label: text` line per
/// field (unwrapped; the reader wraps).
impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} ({})", self.topic, self.kind.label())?;
        for (label, text) in self.fields() {
            writeln!(f, "  {:<8} {text}", format!("{label}:"))?;
        }
        Ok(())
    }
}

/// Every topic: the event kinds in log order, then the error codes, then the
/// concepts.
pub fn topics() -> impl Iterator<Item = &'static Explanation> {
    events::EVENTS
        .iter()
        .chain(errors::ERRORS.iter())
        .chain(concepts::CONCEPTS.iter())
}

/// The explanation of an event kind or error code. Exact names first; otherwise
/// case, `-` and `_` do not matter (`no-matching-key-package`, `GROUP_JOINED`);
/// a concept also answers to its other names (`hash_ref`, `key package`).
pub fn topic(name: &str) -> Option<&'static Explanation> {
    topics()
        .find(|e| e.topic == name)
        .or_else(|| {
            let wanted = suggest::normalize(name);
            topics().find(|e| suggest::normalize(e.topic) == wanted)
        })
        .or_else(|| concepts::concept_named(name))
}

/// Why an error with this code happens; `None` for OpenMLS's own codes, which
/// the lab does not explain one by one.
pub fn error(code: &ErrorCode) -> Option<&'static Explanation> {
    errors::ERRORS.iter().find(|e| *code == e.topic)
}

/// The topic list `mls-lab explain` prints: one line per topic, its name, whether
/// it is an event or an error, and its sentence.
pub fn listing() -> Vec<String> {
    let width = topics().map(|e| e.topic.len()).max().unwrap_or(0);
    topics()
        .map(|e| format!("{:<width$}  {:<5}  {}", e.topic, e.kind.label(), e.what))
        .collect()
}

/// Why `name` is not a topic, with the closest topics, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownTopic {
    pub name: String,
    pub suggestions: Vec<&'static str>,
}

impl fmt::Display for UnknownTopic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A topic is a word; anything longer is shown cut, not echoed whole.
        const SHOWN: usize = 64;
        match self.name.char_indices().nth(SHOWN) {
            Some((cut, _)) => write!(f, "no topic '{}…'", &self.name[..cut])?,
            None => write!(f, "no topic '{}'", self.name)?,
        }
        match self.suggestions.as_slice() {
            [] => write!(
                f,
                "; `mls-lab explain` lists every event kind and error code (other codes are OpenMLS's own error variants)"
            ),
            [one] => write!(f, "; did you mean '{one}'?"),
            many => write!(f, "; did you mean one of: {}?", many.join(", ")),
        }
    }
}

impl std::error::Error for UnknownTopic {}

/// The topics closest to `name`, a concept's other names counted as the
/// concept, each once.
fn suggestions(name: &str) -> Vec<&'static str> {
    let names = topics().map(|e| e.topic).chain(concepts::aliases());
    let mut found: Vec<&'static str> = Vec::new();
    for topic in suggest::closest(name, names)
        .into_iter()
        .map(concepts::canonical)
    {
        if !found.contains(&topic) {
            found.push(topic);
        }
    }
    found
}

/// [`topic`], or the reason there is none with suggestions.
pub fn lookup(name: &str) -> Result<&'static Explanation, UnknownTopic> {
    topic(name).ok_or_else(|| UnknownTopic {
        name: name.to_string(),
        suggestions: suggestions(name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineError, EventKind};

    #[test]
    fn every_event_kind_is_explained_once_in_log_order() {
        let explained: Vec<&str> = events::EVENTS.iter().map(|e| e.topic).collect();
        assert_eq!(explained, EventKind::ALL);
        assert!(events::EVENTS.iter().all(|e| e.kind == TopicKind::Event));
    }

    #[test]
    fn every_error_code_is_explained_once() {
        let mut explained: Vec<&str> = errors::ERRORS.iter().map(|e| e.topic).collect();
        let mut codes = EngineError::CODES.to_vec();
        explained.sort_unstable();
        codes.sort_unstable();
        assert_eq!(explained, codes);
        assert!(errors::ERRORS.iter().all(|e| e.kind == TopicKind::Error));
    }

    #[test]
    fn topics_are_unique_even_ignoring_case() {
        let mut names: Vec<String> = topics().map(|e| suggest::normalize(e.topic)).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
    }

    #[test]
    fn each_explanation_is_one_sentence_with_sources() {
        for e in topics() {
            assert!(e.what.ends_with('.'), "{}: {:?}", e.topic, e.what);
            assert!(
                !e.what.trim_end_matches('.').contains(". "),
                "{}: one sentence",
                e.topic
            );
            if let Some(rfc) = e.rfc {
                assert!(
                    rfc.contains("RFC 9420") || rfc.contains("RFC 9750"),
                    "{}: {rfc}",
                    e.topic
                );
                assert!(rfc.contains('§'), "{}: {rfc} names a section", e.topic);
            }
        }
    }

    #[test]
    fn the_listing_has_one_line_per_topic() {
        let lines = listing();
        assert_eq!(lines.len(), topics().count());
        assert!(lines.iter().all(|l| !l.contains('\n')));
        assert!(lines[0].starts_with("client_registered "), "{}", lines[0]);
    }

    #[test]
    fn lookup_forgives_case_and_dashes_and_suggests() {
        assert_eq!(topic("group_joined").map(|e| e.topic), Some("group_joined"));
        assert_eq!(topic("GROUP-JOINED").map(|e| e.topic), Some("group_joined"));
        assert_eq!(
            topic("no-matching-key-package").map(|e| e.topic),
            Some("NoMatchingKeyPackage")
        );
        let unknown = lookup("grup_joined").unwrap_err();
        assert_eq!(unknown.suggestions.first(), Some(&"group_joined"));
        assert!(unknown.to_string().contains("did you mean 'group_joined'?"));
        let nothing = lookup("zzzzzzzzzzzzzzzzzz").unwrap_err();
        assert!(nothing.suggestions.is_empty());
        let long = lookup(&"é".repeat(1000)).unwrap_err().to_string();
        assert!(
            long.starts_with(&format!("no topic '{}…'", "é".repeat(64))),
            "{long}"
        );
    }

    #[test]
    fn concepts_answer_and_near_misses_suggest_them() {
        for asked in [
            "KeyPackageRef",
            "hash_ref",
            "key package",
            "last-resort",
            "new_member",
        ] {
            let found = topic(asked).unwrap_or_else(|| panic!("{asked}"));
            assert_eq!(found.kind, TopicKind::Concept, "{asked}");
            assert!(
                found.openmls_call.is_some() && found.rfc.is_some(),
                "{asked}"
            );
        }
        assert_eq!(
            topic("KeyPackageRef").map(|e| e.topic),
            Some("KeyPackageRef")
        );
        let near = lookup("KeyPackgeRef").unwrap_err();
        assert_eq!(near.suggestions.first(), Some(&"KeyPackageRef"), "{near}");
        let near = lookup("hashref_").map(|e| e.topic);
        assert_eq!(near, Ok("KeyPackageRef"));
        let near = lookup("last-resrt").unwrap_err();
        assert_eq!(near.suggestions.first(), Some(&"last-resort"), "{near}");
        // A concept's other name, misspelled, suggests the concept.
        let near = lookup("private bundel").unwrap_err();
        assert_eq!(near.suggestions.first(), Some(&"bundle"), "{near}");
    }

    #[test]
    fn display_shows_every_field_and_says_when_the_lab_alone_decides() {
        let text = topic("UnsupportedExtension").unwrap().to_string();
        assert!(text.starts_with("UnsupportedExtension (error)\n"), "{text}");
        assert!(text.contains("KeyPackageIn::validate"), "{text}");
        assert!(text.contains("§10.1"), "{text}");
        assert!(text.contains("DS rule:"), "{text}");
        let lab = topic("expect_passed").unwrap().to_string();
        assert!(lab.contains("RFC:     none: the lab's own"), "{lab}");
    }
}
