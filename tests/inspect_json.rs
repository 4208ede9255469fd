//! `inspect --json` as documented by docs/inspect.schema.json: values as data
//! (numbers as numbers, full hex, no `Ok`/`Err`), every key one the schema
//! declares; `inspect --diff`; and the trailing-bytes count.

mod support;

use assert_cmd::Command;
use serde_json::Value;
use support::{lab, prelude};

/// Runs `lines` in a fresh lab on a runtime of its own (each must succeed).
fn in_a_lab(lines: &[String]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    rt.block_on(lab(&lines));
}

fn crafted(dir: &tempfile::TempDir, args: &str) -> String {
    let file = dir.path().join("kp").to_string_lossy().into_owned();
    in_a_lab(&[
        "clients bob".to_string(),
        format!("bob craft {args} --to {file}"),
    ]);
    file
}

fn json_of(file: &str) -> Value {
    let out = Command::cargo_bin("mls-lab")
        .expect("binary")
        .args(["inspect", "--json", file])
        .output()
        .expect("run");
    serde_json::from_slice(&out.stdout).expect("one JSON object")
}

/// Every object key in `value`, with the schema's properties it must be among.
fn keys_declared(value: &Value, schema: &Value, path: &str) {
    if let Value::Object(map) = value {
        for (key, inner) in map {
            assert!(
                key != "Ok" && key != "Err",
                "{path}.{key}: a Rust Result leaked"
            );
            let declared = schema.to_string().contains(&format!("\"{key}\""));
            assert!(declared, "{path}.{key} is not in docs/inspect.schema.json");
            keys_declared(inner, schema, &format!("{path}.{key}"));
        }
    }
    if let Value::Array(items) = value {
        for item in items {
            keys_declared(item, schema, path);
        }
    }
}

fn schema() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/inspect.schema.json"
        ))
        .expect("schema"),
    )
    .expect("the schema is JSON")
}

/// A Welcome exported from a lab where alice added bob.
fn exported_welcome(dir: &tempfile::TempDir) -> String {
    let file = dir.path().join("welcome").to_string_lossy().into_owned();
    let mut lines: Vec<String> = prelude::BOB_ADDED_TO_TEAM
        .iter()
        .map(|line| line.to_string())
        .collect();
    lines.push(format!("export-welcome team --to {file}"));
    in_a_lab(&lines);
    file
}

/// Every report validates against docs/inspect.schema.json (JSON Schema 2020-12),
/// checked by a JSON Schema validator: key packages of every crafted kind, with a
/// broken signature too, and a Welcome.
#[test]
fn every_report_validates_against_the_published_schema() {
    let validator =
        jsonschema::validator_for(&schema()).expect("the schema is a valid JSON Schema");
    let mut reports = Vec::new();
    for kind in [
        "plain",
        "lifetime --not-after -1d",
        "grease --at leaf",
        "unlisted-extension",
        "unlisted-credential",
        "init-is-encryption-key",
        "duplicate-extension",
        "version --value 7",
        "compressed-key --suite 2",
        "no-last-resort-capability",
        "plain --broken-signature",
    ] {
        let dir = tempfile::tempdir().expect("dir");
        reports.push((kind.to_string(), json_of(&crafted(&dir, kind))));
    }
    let dir = tempfile::tempdir().expect("dir");
    reports.push(("welcome".into(), json_of(&exported_welcome(&dir))));
    for (what, report) in &reports {
        let errors: Vec<String> = validator
            .iter_errors(report)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}");
    }
    // The validator is not vacuous: a report with a display string where the
    // schema wants a number fails.
    let mut broken = reports[0].1.clone();
    broken["size"] = Value::String("12 bytes".into());
    assert!(!validator.is_valid(&broken));
}

/// Was: `"reference":{"Ok":…}` and `"value":"32 bytes 0b85…"`.
#[test]
fn the_json_report_carries_values_as_data_and_only_keys_the_schema_declares() {
    let schema = schema();
    let dir = tempfile::tempdir().expect("dir");
    let file = crafted(&dir, "grease --at leaf");
    let json = json_of(&file);
    keys_declared(&json, &schema, "");
    let kp = &json["findings"]["key_package"];
    assert!(kp["reference"].as_str().is_some_and(|r| r.len() == 64));
    assert_eq!(kp["ds"]["accepts"], false);
    assert_eq!(kp["ds"]["refused_by"], "grease_extensions");
    assert_eq!(kp["policy"]["max_lifetime"], 91 * 86_400);
    let bytes = std::fs::read(&file).expect("file");
    let init = find(&json["tree"], "init_key").expect("init_key");
    let offset = init["offset"].as_u64().expect("number") as usize;
    assert_eq!(init["hex"], hex::encode(&bytes[offset + 1..offset + 33]));
    let suite = find(&json["tree"], "cipher_suite").expect("suite");
    assert_eq!(suite["number"], 1);
    assert!(suite["meaning"]
        .as_str()
        .is_some_and(|m| m.starts_with("MLS_128")));
}

fn find<'a>(field: &'a Value, name: &str) -> Option<&'a Value> {
    if field["name"] == name {
        return Some(field);
    }
    field["children"]
        .as_array()?
        .iter()
        .find_map(|child| find(child, name))
}

#[test]
fn diff_lists_the_fields_that_differ() {
    let dir = tempfile::tempdir().expect("dir");
    let a = crafted(&dir, "plain");
    let b_dir = tempfile::tempdir().expect("dir");
    let b = crafted(&b_dir, "version --value 7");
    let out = Command::cargo_bin("mls-lab")
        .expect("binary")
        .args(["inspect", &a, "--diff", &b])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "MLSMessage.KeyPackage.version: 1 (mls10) (at byte 4) → 7 (unassigned) (at byte 4)"
        ),
        "{text}"
    );
    let same = Command::cargo_bin("mls-lab")
        .expect("binary")
        .args(["inspect", &a, "--diff", &a])
        .output()
        .expect("run");
    assert_eq!(same.status.code(), Some(0));
}

/// Was: "1 byte(s) follow" whatever the count.
#[test]
fn trailing_bytes_are_counted() {
    let dir = tempfile::tempdir().expect("dir");
    let file = crafted(&dir, "plain");
    let mut bytes = std::fs::read(&file).expect("file");
    bytes.extend([0u8; 5]);
    match mls_lab::inspect::inspect(&bytes, 0) {
        Err(error) => assert!(error.to_string().contains("5 byte(s) follow"), "{error}"),
        Ok(_) => panic!("trailing bytes read as a package"),
    }
}
