//! The run's output as text: one line per event (text or JSON Lines) and the
//! lab's state after the run. Printing escapes control characters (see
//! [`super::output`]); JSON escapes them itself.

use std::fmt::Write as _;

use crate::command::is_control;
use crate::engine::client::short;
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

/// Every control character left in a JSON text as a `\uXXXX` escape. Outside
/// strings JSON is ASCII, so such characters only occur inside strings, where the
/// escape means the same character.
fn escape_controls_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if is_control(c) {
            // Every such character is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One event as a line of the text transcript; references are shortened to 8 hex
/// digits.
pub fn event_text(event: &Event) -> String {
    let mut fields = Vec::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(event) {
        for (key, value) in map {
            if matches!(
                key.as_str(),
                "seq" | "actor" | "kind" | "duration_us" | "outcome"
            ) {
                continue;
            }
            fields.push(format!("{key}={}", compact(&value)));
        }
    }
    let mark = match event.outcome {
        crate::engine::Outcome::Ok => " ",
        crate::engine::Outcome::Error => "!",
    };
    format!(
        "{mark}{:>4} {:<8} {:<24} {}",
        event.seq,
        event.actor,
        event.kind.name(),
        fields.join(" ")
    )
}

fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s)
            if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            format!("{}…", &s[..8])
        }
        // Quoted where the value would not read as one `key=value` word.
        serde_json::Value::String(s)
            if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '"') =>
        {
            format!("{s:?}")
        }
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            format!(
                "[{}]",
                items.iter().map(compact).collect::<Vec<_>>().join(",")
            )
        }
        other => other.to_string(),
    }
}

/// The lab's state as text: every client's key packages (lifecycle, private bundle
/// read from storage, lifetime left, size), its groups, and the DS's directory and
/// counters. `mls-lab run` prints it after the transcript.
pub async fn state_text(engine: &Engine) -> String {
    let now = engine.clock().now();
    let lab_now = engine.now();
    let mut out = String::new();
    for (name, client) in engine.clients() {
        let _ = writeln!(
            out,
            "{name}: {} key package(s), {} private bundle(s) in storage, {} claimed package(s) held",
            client.inventory().len(),
            client.private_bundles(),
            client.wallet().len()
        );
        for (i, entry) in client.inventory().iter().enumerate() {
            let bundle = if client.has_private_bundle(&entry.kp_ref) {
                "bundle present"
            } else {
                "bundle deleted"
            };
            let expiry = crate::engine::clock::relative(lab_now, entry.lifetime().1);
            let _ = writeln!(
                out,
                "  @{:<3} {}… suite {} {:<2} {:<40} {bundle:<14} {:>4} B {expiry}",
                i + 1,
                short(&entry.kp_ref),
                entry.ciphersuite(),
                if entry.last_resort() { "LR" } else { "" },
                entry.state(now).to_string(),
                entry.bytes,
            );
        }
        for view in client.group_views() {
            let _ = writeln!(
                out,
                "  group {}: epoch {}, members {}, epoch authenticator {}…{}",
                view.name,
                view.epoch,
                view.members.join(", "),
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
                    .map(|e| format!("{}… (handed out {}×)", short(&e.kp_ref), e.handouts))
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
    use serde_json::json;

    #[test]
    fn values_read_as_one_word_each() {
        let reference = "ab".repeat(32);
        assert_eq!(compact(&json!(reference)), "abababab…");
        assert_eq!(compact(&json!("team")), "team");
        assert_eq!(compact(&json!("two words")), "\"two words\"");
        assert_eq!(compact(&json!("tab\there")), "\"tab\\there\"");
        assert_eq!(compact(&json!("")), "\"\"");
        assert_eq!(compact(&json!([reference, "x"])), "[abababab…,x]");
        assert_eq!(compact(&json!(3)), "3");
    }

    #[test]
    fn json_lines_escape_every_control_and_decode_to_the_same_text() {
        let actor = "a\u{1b}[2J\u{9b}31m\u{202e}z";
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
        assert!(
            !line.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{line}"
        );
        assert!(
            line.contains("\\u009b") && line.contains("\\u202e"),
            "{line}"
        );
        let back: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(back["actor"], actor);
    }
}
