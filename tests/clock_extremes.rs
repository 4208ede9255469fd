//! The lab clock at its limits, through the headless runner: `clock +DURATION`
//! with the largest durations the parser takes (in every unit) and with ones
//! that leave the lab's time just short of the end of Unix seconds, then every
//! verb whose checks use the time. Nothing panics: each failure is a typed
//! error the lab documents (`ClockOverflow` where a time cannot be reached),
//! none is `DsUnavailable` or a contained `InternalError`, and the DS answers
//! to the end.

use mls_lab::engine::{Engine, EngineError, LabView};
use mls_lab::runner::{run, Format, Script};

/// The largest count of each unit `clock +…` parses (`u64::MAX` seconds in all).
fn parser_maxima() -> Vec<String> {
    let max = u64::MAX;
    vec![
        format!("{max}s"),
        format!("{}m", max / 60),
        format!("{}h", max / 3_600),
        format!("{}d", max / 86_400),
    ]
}

/// Moves that the clock can make: its time then lies just short of the end of
/// Unix seconds, past what a `SystemTime` of the platform holds, or far ahead.
fn reachable(now: u64) -> Vec<String> {
    let to_the_end = u64::MAX - now;
    vec![
        format!("{}s", to_the_end - 1),
        format!("{}s", to_the_end - 100 * 86_400),
        format!("{}s", i64::MAX as u64),
        format!("{}d", 100_000_000_000u64),
        "3650d".to_string(),
    ]
}

/// A lab with something to act on: published packages, a group, a claim limit,
/// an external client and files to import and join from.
fn prelude(dir: &str) -> String {
    format!(
        "clients alice bob carol dave
bob generate 3
bob generate --last-resort
bob publish --all
carol generate 2
carol publish --all
alice create-group team
alice add bob --to team
bob join
ds policy claim-limit 1 --per 365d
dave generate
dave export-key-package @1 --to {dir}/dave.kp
"
    )
}

/// Every verb whose checks read the lab's time, after the clock moved.
fn after(dir: &str) -> String {
    format!(
        "clock
alice claim bob
alice claim carol
bob generate
bob generate --lifetime 30d
bob generate --expired
bob generate --not-yet-valid
bob generate --last-resort
bob publish --all
bob publish @1
alice create-group late
alice add carol --to team
carol join
bob sync
bob self-update team
bob rotate-last-resort
bob pool --target 3 --refill-below 2
ds fault serve-expired on
alice claim bob
ds fault serve-expired off
import-key-package {dir}/dave.kp --as remote
dave join --welcome {dir}/dave.kp
deliver
expect ds bob available 0
clock
"
    )
}

/// Runs `source` on a fresh lab; returns the error codes of its failed events
/// and the lab. The transcript's state section and the handout's tables, which
/// say every time relative to the lab's now, are written too.
/// Each run gets a folder of its own (exports only create new files).
async fn run_lab(source: impl Fn(&str) -> String, every_format: bool) -> (Vec<String>, Engine) {
    let formats: &[Format] = match every_format {
        true => &[Format::Transcript, Format::Handout],
        false => &[],
    };
    for &format in formats {
        let mut engine = Engine::new();
        let dir = tempfile::tempdir().expect("temp dir");
        let script = Script::whole("extremes", source(&dir.path().to_string_lossy()));
        let outcome = run(&mut engine, script, format, std::io::sink()).await;
        assert!(outcome.report().is_ok(), "{:?}", outcome.messages());
    }
    let mut engine = Engine::new();
    let mut out = Vec::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let outcome = run(
        &mut engine,
        Script::whole("extremes", source(&dir.path().to_string_lossy())),
        Format::Json,
        &mut out,
    )
    .await;
    assert!(outcome.report().is_ok(), "{:?}", outcome.messages());
    let codes = String::from_utf8(out)
        .expect("JSON Lines")
        .lines()
        .filter_map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("an event");
            event["error"].as_str().map(str::to_string)
        })
        .collect();
    (codes, engine)
}

async fn check(moves: &[String], every_format: bool) -> (Vec<String>, LabView) {
    let source = |dir: &str| {
        let mut source = prelude(dir);
        for by in moves {
            source.push_str(&format!("clock +{by}\n"));
        }
        source.push_str(&after(dir));
        source
    };
    let (codes, mut engine) = run_lab(source, every_format).await;
    for code in &codes {
        assert!(
            EngineError::CODES.contains(&code.as_str()),
            "clock +{moves:?}: an undocumented code {code}"
        );
        assert!(
            !matches!(code.as_str(), "DsUnavailable" | "InternalError"),
            "clock +{moves:?}: {code}"
        );
    }
    // The DS and the engine answer after all of it.
    use mls_lab::command::Execute as _;
    engine
        .execute_line("clients zed")
        .await
        .expect("the lab goes on");
    (codes, engine.view().await.expect("the DS answers"))
}

#[tokio::test(flavor = "current_thread")]
async fn the_largest_clock_moves_are_refused_and_every_verb_after_them_is_typed() {
    for (i, by) in parser_maxima().into_iter().enumerate() {
        let (codes, view) = check(std::slice::from_ref(&by), i == 0).await;
        assert_eq!(
            codes[0], "ClockOverflow",
            "{by}: the move itself is refused"
        );
        // remote is refused: its package is dave's, whose key dave registered.
        assert_eq!(view.ds.clients.len(), 5, "{by}: alice..dave and zed");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_clock_at_the_end_of_unix_seconds_fails_typed_and_the_ds_lives() {
    let now = Engine::new().now();
    for (i, by) in reachable(now).into_iter().enumerate() {
        check(std::slice::from_ref(&by), i == 0).await;
    }
    // A second move past the end is refused too.
    let moves = [format!("{}s", u64::MAX - now - 1), "1d".to_string()];
    let (codes, _) = check(&moves, false).await;
    assert!(codes.iter().any(|c| c == "ClockOverflow"), "{codes:?}");
}
