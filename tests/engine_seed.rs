//! `--seed N`: two labs with the same seed give the same event log (less
//! durations): the same signature keys, key packages and references, group ids
//! and epoch authenticators (also after a Commit whose update path is
//! HPKE-encrypted to another member); another seed gives another log.

use mls_lab::command::Execute as _;
use mls_lab::domain::LabClock;
use mls_lab::engine::{Client, Engine, GenerateOptions, Randomness};

/// Key packages in parallel batches, both signature schemes, a last-resort
/// package, claims, groups, Welcomes and joins, the clock.
const SCENARIO: &[&str] = &[
    "clients alice bob carol",
    "bob generate 200",
    "bob generate --last-resort",
    "carol generate 2 --suite 2",
    "bob publish --all",
    "carol publish --all",
    "alice create-group team",
    "alice add bob --to team",
    "alice create-group p256 --suite 2",
    "alice add carol --to p256",
    "deliver",
    "expect in-sync team",
    "bob self-update team", // an update path, HPKE-encrypted to alice
    "deliver",
    "expect in-sync team",
    "expect alice epoch team 2",
    "clock +3d",
    "bob generate 3 --lifetime 1d",
    "expect bob key-packages 203",
];

/// The event log as JSON, without the wall-clock durations, then every
/// member's group id and epoch authenticator (RFC 9420 §8.7) of each group.
async fn log_of(randomness: Randomness) -> Vec<serde_json::Value> {
    let mut engine = Engine::with_randomness(randomness);
    for line in SCENARIO {
        if let Err(e) = engine.execute_line(line).await {
            panic!("{line:?} failed: {e}");
        }
    }
    let groups = engine.clients().values().flat_map(|client| {
        client.group_views().into_iter().map(move |view| {
            serde_json::json!({
                "client": client.name(),
                "group": view.name,
                "group_id": client.group_id(&view.name).map(hex::encode),
                "epoch_authenticator": view.epoch_authenticator,
            })
        })
    });
    let groups: Vec<serde_json::Value> = groups.collect();
    assert_eq!(
        groups.len(),
        4,
        "alice in two groups, bob and carol in one each"
    );
    engine
        .events()
        .iter()
        .map(|event| {
            let mut value = serde_json::to_value(event).expect("events serialise");
            if let Some(fields) = value.as_object_mut() {
                fields.remove("duration_us");
            }
            value
        })
        .chain(groups)
        .collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_event_log_and_another_seed_another() {
    let first = log_of(Randomness::Seeded(42)).await;
    let second = log_of(Randomness::Seeded(42)).await;
    assert!(first.len() > 200, "{} events", first.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a, b);
    }
    assert_eq!(first.len(), second.len());
    let text = serde_json::to_string(&first).expect("json");
    for field in ["signature_key", "kp_ref", "group_id", "epoch_authenticator"] {
        assert!(text.contains(field), "the log shows {field}");
    }
    let other = log_of(Randomness::Seeded(43)).await;
    assert_ne!(first, other);
    let unseeded = log_of(Randomness::System).await;
    assert_ne!(first, unseeded);
}

/// Packages built on one thread or on several come out the same: each has
/// randomness of its own, fixed by its position.
#[test]
fn thread_order_does_not_change_a_seeded_batch() {
    let refs = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        pool.install(|| {
            let mut bob = Client::with_randomness("bob", Randomness::Seeded(9)).expect("bob");
            bob.generate_batch(GenerateOptions::default(), &LabClock::seeded(), 64)
                .expect("generate");
            bob.inventory()
                .iter()
                .map(|e| e.kp_ref.clone())
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(refs(1), refs(4));
}

/// `mls-lab run --seed N --json` of the default scenario, less the durations.
fn headless_log(seed: &str) -> Vec<serde_json::Value> {
    let output = assert_cmd::Command::cargo_bin("mls-lab")
        .expect("binary built")
        .args(["run", "--json", "--seed", seed])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let mut value: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
            if let Some(fields) = value.as_object_mut() {
                fields.remove("duration_us");
            }
            value
        })
        .collect()
}

#[test]
fn the_binary_repeats_a_seeded_run() {
    let first = headless_log("1");
    assert!(first.len() > 20);
    assert_eq!(first, headless_log("1"));
    assert_ne!(first, headless_log("2"));
    let refused = assert_cmd::Command::cargo_bin("mls-lab")
        .expect("binary built")
        .args(["run", "--seed", "-1"])
        .output()
        .expect("runs");
    assert_eq!(refused.status.code(), Some(2));
}
