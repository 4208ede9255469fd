//! The lookups behind `expect` lines, each checked against a plain scan:
//! - `expect NAME key-packages N` counts the bundles in the client's storage by its
//!   keys (no bundle is read), on a storage that also holds signature keys,
//!   encryption keys and group state;
//! - a reference selector (a hex prefix) is found in the ordered index;
//! - `expect ds OWNER available N` is answered by the DS without copying its directory.

use mls_lab::command::Execute as _;
use mls_lab::engine::{Engine, EngineError};

async fn lab(lines: &[&str]) -> Engine {
    let mut engine = Engine::new();
    for line in lines {
        if let Err(e) = engine.execute_line(line).await {
            panic!("setup line {line:?} failed: {e}");
        }
    }
    engine
}

/// The slow count: one storage lookup per generated reference.
fn looked_up(engine: &Engine, client: &str) -> usize {
    let client = engine.client(client).expect("client");
    client
        .inventory()
        .iter()
        .filter(|entry| client.has_private_bundle(&entry.kp_ref))
        .count()
}

#[tokio::test]
async fn the_storage_count_matches_a_lookup_per_reference() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 1",             // @1: consumed by the join through g1
        "bob generate --last-resort", // @2: used for g2, kept
        "bob publish --all",
        "alice create-group g1",
        "alice add bob --to g1",
        "alice create-group g2",
        "alice add bob --to g2",
        "bob join",
        "bob generate 3",         // @3..@5, @4 deleted on purpose
        "bob generate --suite 2", // @6: another suite, another signer
        "bob delete-bundle @4",
        "bob rotate-last-resort", // @7; @2 rotated out, bundle kept
    ])
    .await;
    let bob = engine.client("bob").expect("bob");
    assert_eq!(bob.inventory().len(), 7);
    for (n, present) in [(1, false), (2, true), (3, true), (4, false), (7, true)] {
        let entry = &bob.inventory()[n - 1];
        assert_eq!(bob.has_private_bundle(&entry.kp_ref), present, "@{n}");
    }
    assert_eq!(looked_up(&engine, "bob"), 5);
    assert_eq!(bob.private_bundles(), 5);
    assert_eq!(engine.client("alice").expect("alice").private_bundles(), 0);
    assert_eq!(looked_up(&engine, "alice"), 0);
    engine
        .execute_line("expect bob key-packages 5")
        .await
        .expect("five bundles");
    assert!(engine
        .execute_line("expect bob key-packages 6")
        .await
        .is_err());
    assert!(engine
        .execute_line("expect alice key-packages 0")
        .await
        .is_ok());
}

#[tokio::test]
async fn a_hex_prefix_finds_what_a_scan_finds() {
    let engine = lab(&["clients bob", "bob generate 300"]).await;
    let bob = engine.client("bob").expect("bob");
    let hexes: Vec<String> = bob
        .inventory()
        .iter()
        .map(|e| hex::encode(e.kp_ref.as_slice()))
        .collect();
    let mut prefixes: Vec<String> = hexes
        .iter()
        .flat_map(|h| (1..=4).chain([63, 64]).map(move |k| h[..k].to_string()))
        .collect();
    prefixes.extend(["0", "f", "ff", "00000", "fffff"].map(String::from));
    prefixes.push(format!("{}0", hexes[0])); // longer than any reference
    for prefix in prefixes {
        let scan: Vec<&String> = hexes.iter().filter(|h| h.starts_with(&prefix)).collect();
        match (bob.resolve(&prefix), scan.as_slice()) {
            (Ok(entry), [only]) => assert_eq!(&hex::encode(entry.kp_ref.as_slice()), *only),
            (Err(EngineError::AmbiguousKeyPackage { .. }), [_, _, ..]) => {}
            (Err(EngineError::UnknownKeyPackage { .. }), []) => {}
            (found, scan) => panic!("{prefix}: {found:?} but a scan finds {scan:?}"),
        }
    }
    let upper = hexes[0][..6].to_ascii_uppercase();
    assert_eq!(
        bob.resolve(&upper).ok().map(|e| &e.kp_ref),
        Some(&bob.inventory()[0].kp_ref)
    );
}

#[tokio::test]
async fn ds_availability_follows_claims_and_expiry() {
    let mut engine = lab(&[
        "clients alice bob",
        "bob generate 3",
        "bob generate 2 --lifetime 2d",
        "bob generate --last-resort",
        "bob publish --all",
        "expect ds bob available 5",
        "alice claim bob",
        "expect ds bob available 4",
        "clock +3d",
        "expect ds bob available 2",
        "expect ds bob claims 1",
        "expect ds bob last-resort present",
    ])
    .await;
    assert!(engine
        .execute_line("expect ds bob available 3")
        .await
        .is_err());
    assert!(engine
        .execute_line("expect ds carol available 0")
        .await
        .is_err());
}
