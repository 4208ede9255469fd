//! The run's output as text: one line per event (text or JSON Lines) and the
//! lab's state after the run. Printing escapes control characters (see
//! [`super::output`]); JSON escapes them itself.

use std::fmt::Write as _;

use crate::domain::KeyPackageRef;
use crate::domain::{escape_controls, is_control};
use crate::engine::{Engine, Event};

/// One event as a JSON object on one line (JSON Lines). serde_json escapes the C0
/// controls; the C1 controls and direction marks it leaves raw are written as
/// `\uXXXX` too, so the line is safe on a terminal and decodes to the same text.
pub fn event_json(event: &Event) -> String {
    let json = serde_json::to_string(event).unwrap_or_else(|e| {
        format!(
            "{{\"kind\":\"serialization_error\",\"error\":{:?}}}",
            e.to_string()
        )
    });
    escape_controls_json(&json)
}

/// Every character [`is_control`] names left in a JSON text as a `\uXXXX`
/// escape (a surrogate pair outside the Basic Multilingual Plane, as JSON
/// writes it). Outside strings JSON is ASCII, so such characters only occur
/// inside strings, where the escape means the same character.
fn escape_controls_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_control(c) {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// One event as a line of text (the event says how: [`Event::text`]).
pub fn event_text(event: &Event) -> String {
    event.text()
}

/// The lab's state as text: every client's key packages (lifecycle, private bundle
/// read from storage, lifetime left, size), its groups, and the DS's directory and
/// counters. `mls-lab run` prints it after the transcript. Text from input
/// (an imported identity, a foreign group's label and members) is escaped here,
/// before the text is cut into lines: a newline in it cannot forge a line.
pub async fn state_text(engine: &Engine) -> String {
    let now = engine.clock().now();
    let lab_now = engine.now();
    let mut out = String::new();
    for (name, client) in engine.clients() {
        if let Some(external) = client.external_info() {
            let _ = writeln!(
                out,
                "{name}: external (credential identity '{}'): its private keys are in another MLS stack",
                escape_controls(&external.identity)
            );
        }
        let _ = writeln!(
            out,
            "{name}: {} key package(s), {} private bundle(s) in storage, {} claimed package(s) held",
            client.inventory().len(),
            client.private_bundles(),
            client.wallet().len()
        );
        for (i, entry) in client.inventory().iter().enumerate() {
            let bundle = if client.is_external() {
                "bundle elsewhere"
            } else if client.has_private_bundle(&entry.kp_ref) {
                "bundle present"
            } else {
                "bundle deleted"
            };
            let expiry = crate::domain::relative(lab_now, entry.lifetime().1);
            let _ = writeln!(
                out,
                "  @{:<3} {}… suite {} {:<2} {:<40} {bundle:<14} {:>4} B {expiry}",
                i + 1,
                KeyPackageRef::from(&entry.kp_ref).short(),
                entry.ciphersuite(),
                if entry.last_resort() { "LR" } else { "" },
                entry.state(now).to_string(),
                entry.bytes,
            );
        }
        for view in client.group_views() {
            let members: Vec<String> = engine
                .tree_members(&view)
                .iter()
                .map(ToString::to_string)
                .collect();
            let _ = writeln!(
                out,
                "  group {}: epoch {}, members {}, epoch authenticator {}…{}",
                escape_controls(&view.name),
                view.epoch,
                members.join(", "),
                view.epoch_authenticator.get(..8).unwrap_or_default(),
                if view.needs_update {
                    " (joined through a last-resort package: self-update due)"
                } else {
                    ""
                }
            );
        }
    }
    match engine.ds_snapshot().await {
        Ok(snapshot) => {
            for (name, dir) in &snapshot.clients {
                let listed: Vec<String> = dir
                    .last_resort
                    .iter()
                    .map(|e| format!("{}… (handed out {}×)", e.kp_ref.short(), e.handouts))
                    .collect();
                let last_resort = if listed.is_empty() {
                    "none".to_string()
                } else {
                    listed.join(", ")
                };
                let _ = writeln!(
                    out,
                    "ds {name}: {} normal available, last resort {last_resort}, {} claim(s), {} last-resort reuse(s), {} waiting",
                    dir.normal.len(),
                    dir.claims,
                    dir.last_resort_reuses,
                    dir.inbox
                );
            }
        }
        Err(error) => {
            let _ = writeln!(out, "ds: {error}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EventKind, Outcome};

    #[test]
    fn json_lines_escape_every_control_and_decode_to_the_same_text() {
        let actor = "a\u{1b}[2J\u{9b}31m\u{202e}z\u{200b}\u{e0041}\u{2028}";
        let event = Event {
            seq: 1,
            actor: actor.into(),
            kind: EventKind::ClientRegistered {
                signature_key: "00".into(),
                signature_scheme: "ED25519".into(),
            },
            duration_us: 0,
            outcome: Outcome::Ok,
        };
        let line = event_json(&event);
        assert!(!line.chars().any(is_control), "{line}");
        assert!(line.contains("\\udb40\\udc41"), "a surrogate pair: {line}");
        assert!(
            line.contains("\\u009b") && line.contains("\\u202e"),
            "{line}"
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["actor"], actor);
    }
}
