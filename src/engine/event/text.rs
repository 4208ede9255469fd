//! The one-line transcript text of an event: `seq actor kind key=value ...`, with
//! references shortened, words quoted where needed, and times relative to the
//! lab's clock rather than Unix seconds. Control characters are left to the
//! printer, which escapes them.

use super::{Event, EventKind, Outcome};
use crate::domain::{approximate, relative, utc, KeyPackageRef};

impl Event {
    /// The transcript line of this event.
    pub fn text(&self) -> String {
        let mut fields = Vec::new();
        if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) {
            for (key, value) in map {
                match key.as_str() {
                    "seq" | "actor" | "kind" | "duration_us" | "outcome" => {}
                    // Unix seconds are for machines (JSON); the text says it relative
                    // to the lab's now, or as a date.
                    "not_before" | "not_after" => {}
                    "expires_in" => fields.push(expiry(value.as_i64().unwrap_or(0))),
                    "now" if matches!(self.kind, EventKind::Clock { .. }) => {
                        fields.push(format!("lab time {}", utc(value.as_u64().unwrap_or(0))))
                    }
                    "offset" | "moved" if matches!(self.kind, EventKind::Clock { .. }) => {
                        let secs = value.as_u64().unwrap_or(0);
                        fields.push(format!("{key}=+{}", approximate(secs)));
                    }
                    _ => fields.push(format!("{key}={}", compact(&value))),
                }
            }
        }
        let mark = match self.outcome {
            Outcome::Ok => " ",
            Outcome::Error => "!",
        };
        format!(
            "{mark}{:>4} {:<8} {:<24} {}",
            self.seq,
            self.actor,
            self.kind.name(),
            fields.join(" ")
        )
    }
}

/// "expires in 84d" / "expired 1d ago" from seconds relative to now.
fn expiry(expires_in: i64) -> String {
    let (now, at) = match u64::try_from(expires_in) {
        Ok(ahead) => (0, ahead),
        Err(_) => (expires_in.unsigned_abs(), 0),
    };
    format!("\"{}\"", relative(now, at))
}

/// A JSON value as one word: references (and other 32-byte values in hex, such
/// as signature keys) shortened as [`KeyPackageRef::short`] does, strings quoted
/// when they would not read as one `key=value` word.
fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s)
            if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) =>
        {
            let short = KeyPackageRef::from_hex(s).map_or_else(|_| s.clone(), |r| r.short());
            format!("{short}…")
        }
        serde_json::Value::String(s)
            if s.is_empty() || s.contains(|c: char| c.is_whitespace() || c == '"') =>
        {
            format!("{s:?}")
        }
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => format!(
            "[{}]",
            items.iter().map(compact).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_shortens_references_and_says_times_relative() {
        let event = Event {
            seq: 7,
            actor: "bob".into(),
            kind: EventKind::KeyPackageGenerated {
                kp_ref: KeyPackageRef::from_bytes(vec![0xab; 32]),
                last_resort: false,
                last_resort_capability: true,
                ciphersuite: crate::domain::Suite::DEFAULT,
                not_before: 1_700_000_000,
                not_after: 1_800_000_000,
                expires_in: 3 * 86_400 + 10,
                bytes: 275,
            },
            duration_us: 0,
            outcome: Outcome::Ok,
        };
        let text = event.text();
        assert!(text.contains("kp_ref=abababab…"), "{text}");
        assert!(text.contains("\"expires in 3d\""), "{text}");
        assert!(
            !text.contains("1800000000") && !text.contains("1700000000"),
            "{text}"
        );
        assert_eq!(expiry(-7_200), "\"expired 2h ago\"");
        let clock = Event {
            seq: 8,
            actor: "lab".into(),
            kind: EventKind::Clock {
                now: 0,
                offset: 30 * 86_400,
                moved: Some(86_400),
            },
            duration_us: 0,
            outcome: Outcome::Ok,
        };
        let text = clock.text();
        assert!(text.contains("lab time 1970-01-01 00:00:00 UTC"), "{text}");
        assert!(
            text.contains("offset=+30d") && text.contains("moved=+1d"),
            "{text}"
        );
        // Values read as one word each (moved here with the transcript text).
        use serde_json::json;
        let reference = "ab".repeat(32);
        assert_eq!(compact(&json!(reference)), "abababab…");
        assert_eq!(compact(&json!("team")), "team");
        assert_eq!(compact(&json!("two words")), "\"two words\"");
        assert_eq!(compact(&json!("tab\there")), "\"tab\\there\"");
        assert_eq!(compact(&json!("")), "\"\"");
        assert_eq!(compact(&json!([reference, "x"])), "[abababab…,x]");
        assert_eq!(compact(&json!(3)), "3");
    }
}
