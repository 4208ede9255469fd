//! Memory bounded by state: a long stream of lines that change nothing
//! (`expect ok`, `say`, comments, `clock` without a move) keeps nothing in the
//! engine once the runner has written them out, and the transcript still has
//! every one of their events.

use std::io::{Cursor, Write};

use mls_lab::engine::{Engine, Randomness};
use mls_lab::runner::{run, Format, Script};

/// Counts the lines written and those of each kind, keeping none.
#[derive(Default)]
struct Counter {
    lines: usize,
    expect_passed: usize,
    captions: usize,
    clock_reads: usize,
    partial: Vec<u8>,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for &byte in buf {
            if byte != b'\n' {
                self.partial.push(byte);
                continue;
            }
            let line = String::from_utf8_lossy(&self.partial);
            self.lines += 1;
            if line.contains(" expect_passed ") || line.contains("\"expect_passed\"") {
                self.expect_passed += 1;
            }
            if line.starts_with("» ") {
                self.captions += 1;
            }
            if line.contains(" clock ") || line.contains("\"kind\":\"clock\"") {
                self.clock_reads += 1;
            }
            self.partial.clear();
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const LINES: usize = 200_000;

/// `LINES` lines that change nothing after a short setup: mostly `expect ok`,
/// captions and comments, and a look at the clock every thousandth line.
fn stream() -> (String, usize, usize, usize) {
    let mut script = String::from("clients bob\nbob generate\n");
    let (mut expects, mut says, mut clocks) = (0, 0, 0);
    for i in 0..LINES {
        let line = match i % 4 {
            _ if i % 1000 == 999 => {
                clocks += 1;
                "clock"
            }
            0 | 1 => {
                expects += 1;
                "expect ok"
            }
            2 => {
                says += 1;
                "say \"nothing changes\""
            }
            _ => "# a comment",
        };
        script.push_str(line);
        script.push('\n');
    }
    (script, expects, says, clocks)
}

#[test]
fn lines_that_change_nothing_keep_nothing() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (script, expects, says, clocks) = stream();
        for format in [Format::Transcript, Format::Json] {
            let mut engine = Engine::with_randomness(Randomness::Seeded(7));
            let mut out = Counter::default();
            let reader = Box::new(Cursor::new(script.clone().into_bytes()));
            let outcome = run(&mut engine, Script::Stream(reader), format, &mut out).await;
            assert_eq!(outcome.exit_code(), 0, "{:?}", outcome.messages());
            // The setup's two events (registered, generated) are all that stays.
            let kept: Vec<&str> = engine.events().iter().map(|e| e.kind.name()).collect();
            assert_eq!(
                kept,
                ["client_registered", "key_package_generated"],
                "{format:?}"
            );
            // The output still has every event and caption.
            assert_eq!(out.expect_passed, expects, "{format:?}");
            assert_eq!(out.clock_reads, clocks, "{format:?}");
            if format == Format::Transcript {
                assert_eq!(out.captions, says);
            }
            // And the numbering of later events goes on from every one told.
            assert_eq!(engine.last_seq(), 2 + (expects + clocks) as u64);
        }
    });
}

/// What changes the lab is kept, and so are failures, with their seq: the log
/// forgets only what recorded nothing lasting, and looks up by seq still work.
#[test]
fn changes_and_failures_stay_with_their_numbers() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let script = "clients alice bob\nexpect ok\nbob generate\nbob publish --all\nexpect ok\n\
                      clock\nclock +1h\nalice create-group team\nalice claim bob\n\
                      alice add bob --to team\nexpect ok\nbob join\nexpect ok\n\
                      bob join\nexpect error NoPendingWelcome\nexpect ok\n";
        let mut engine = Engine::with_randomness(Randomness::Seeded(7));
        let reader = Box::new(Cursor::new(script.as_bytes().to_vec()));
        let mut out = Vec::new();
        let outcome = run(&mut engine, Script::Stream(reader), Format::Json, &mut out).await;
        assert_eq!(outcome.exit_code(), 1, "the last expect ok fails");
        let failures = outcome.report().map(|r| r.failures.len());
        assert_eq!(failures, Ok(1), "{:?}", outcome.messages());
        let told: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("UTF-8")
            .lines()
            .map(|line| serde_json::from_str(line).expect("JSON"))
            .collect();
        let kept: Vec<(u64, &str)> = engine
            .events()
            .iter()
            .map(|e| (e.seq, e.kind.name()))
            .collect();
        let expected: Vec<(u64, &str)> = told
            .iter()
            .filter(|e| {
                e["kind"] != "expect_passed" && !(e["kind"] == "clock" && e["moved"].is_null())
            })
            .map(|e| {
                (
                    e["seq"].as_u64().expect("seq"),
                    e["kind"].as_str().expect("kind"),
                )
            })
            .collect();
        assert_eq!(kept, expected);
        assert!(kept.iter().any(|(_, kind)| *kind == "expect_failed"));
        assert!(
            kept.iter().any(|(_, kind)| *kind == "clock"),
            "the move stays"
        );
        // The Welcome is found by the seq of its events across the gaps.
        let joined = engine
            .events()
            .iter()
            .find(|e| e.kind.name() == "group_joined")
            .expect("joined");
        let details = engine.welcome_details(joined.seq).expect("found by seq");
        assert_eq!(details.secrets.len(), 1);
    });
}
