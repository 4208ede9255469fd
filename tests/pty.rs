//! End-to-end tests of the interactive lab: the real `mls-lab` binary runs in a
//! pseudo-terminal, keys are typed into it, the screen is read back through a
//! `vt100` parser, and after every way out the terminal must be restored: main
//! screen, no mouse capture, cursor shown, cooked mode (ICANON and ECHO).
//!
//! Every wait checks a screen, output or process condition until a generous
//! timeout (CI is a slow 2-core machine running debug builds); the check runs again
//! as soon as new output arrives. Nothing relies on a bare sleep.

#![cfg(unix)]

mod pty_support;

use std::num::NonZeroU16;
use std::time::Duration;

use portable_pty::PtySize;
use pty_support::*;

/// Every signal that ends the process, sent in the middle of a session (after a
/// key press and a frame), ends the lab cleanly with the terminal restored.
#[test]
fn every_ending_signal_later_in_a_session_restores_the_terminal() {
    for signal in ["INT", "HUP", "QUIT", "USR1", "USR2", "ALRM", "TERM", "PIPE"] {
        let mut lab = spawn(100, 30);
        lab.wait_ready();
        lab.press(b"g");
        lab.wait_for("a generated key package", TIMEOUT, |screen| {
            generated_row(screen).is_some()
        });
        assert_raw(&*lab.master, "while the lab runs");
        lab.signal(signal);
        let status = lab.wait_exit(TIMEOUT);
        assert!(
            status.success(),
            "SIG{signal} later in a session: mls-lab exited with {status:?}\n{}",
            lab.describe()
        );
        lab.assert_restored();
    }
}

#[test]
fn generate_then_quit_restores_the_terminal() {
    let mut lab = spawn(100, 30);
    lab.wait_ready();
    assert_raw(&*lab.master, "while the lab runs");
    assert!(
        generated_row(&lab.screen()).is_none(),
        "a key package is shown before any was generated\n{}",
        lab.describe()
    );

    lab.press(b"g");
    lab.wait_for(
        "a key package row with state \"generated\"",
        TIMEOUT,
        |screen| generated_row(screen).is_some(),
    );

    lab.press(b"q");
    let status = lab.wait_exit(TIMEOUT);
    assert!(
        status.success(),
        "q: mls-lab exited with {status:?}\n{}",
        lab.describe()
    );
    lab.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut lab = spawn(100, 30);
    lab.wait_ready();
    assert_raw(&*lab.master, "while the lab runs");

    lab.signal("TERM");
    let status = lab.wait_exit(TIMEOUT);
    assert!(
        status.success(),
        "SIGTERM: mls-lab exited with {status:?} (killed instead of quitting cleanly?)\n{}",
        lab.describe()
    );
    lab.assert_restored();
}

#[test]
fn ctrl_c_quits_and_restores_the_terminal() {
    let mut lab = spawn(100, 30);
    lab.wait_ready();
    assert_raw(&*lab.master, "while the lab runs");

    lab.press(&[0x03]);
    let status = lab.wait_exit(TIMEOUT);
    assert!(
        status.success(),
        "Ctrl-C: mls-lab exited with {status:?}\n{}",
        lab.describe()
    );
    lab.assert_restored();
}

#[test]
fn too_small_terminal_asks_to_enlarge_and_q_quits() {
    let mut lab = spawn(60, 20);
    lab.wait_for("the too-small message (\"enlarge\")", TIMEOUT, |screen| {
        screen.contains("enlarge")
    });
    assert!(
        !lab.screen().contains("Key packages"),
        "panels drawn although the terminal is too small\n{}",
        lab.describe()
    );

    lab.press(b"q");
    let status = lab.wait_exit(TIMEOUT);
    assert!(
        status.success(),
        "q on the too-small screen: mls-lab exited with {status:?}\n{}",
        lab.describe()
    );
    lab.assert_restored();
}

/// A signal that arrives as soon as the lab has taken the terminal over, before its
/// first frame, must still restore the terminal. (The handlers used to be set up
/// only after raw mode and the alternate screen were on, so such a signal killed
/// the process and left the terminal raw.) Repeated, because the window is short.
#[test]
fn signals_during_startup_restore_the_terminal() {
    for signal in ["TERM", "INT", "HUP"] {
        for attempt in 1..=8 {
            let mut lab = spawn(100, 30);
            lab.wait_for_output("the alternate screen to be entered", TIMEOUT, ENTER_ALT);
            lab.signal(signal);
            let status = lab.wait_exit(TIMEOUT);
            assert!(
                status.success(),
                "SIG{signal} at startup (attempt {attempt}): mls-lab exited with {status:?}\n{}",
                lab.describe()
            );
            lab.assert_restored();
        }
    }
}

#[test]
fn a_scenario_preloads_and_a_lesson_steps_with_space() {
    let mut lab = spawn_with(120, 34, &["--scenario", "assets/scenarios/default.mls"]);
    lab.wait_for(
        "the default scenario to have run (three clients, one last-resort reuse)",
        TIMEOUT,
        |screen| screen.contains("3 clients") && screen.contains("last-resort reuses 1"),
    );
    lab.quit_and_check_restored();

    let mut lab = spawn_with(
        120,
        34,
        &[
            "--scenario",
            "assets/scenarios/default.mls",
            "--step",
            "--no-color",
        ],
    );
    lab.wait_for("the lesson hint", TIMEOUT, |screen| {
        screen.contains("runs step 1") && screen.contains("0 clients")
    });
    lab.press(b" ");
    lab.wait_for(
        "the first step: three clients and its caption",
        TIMEOUT,
        |screen| screen.contains("3 clients") && screen.contains("step 1/"),
    );
    lab.quit_and_check_restored();
}

/// Nothing redraws while nothing changes: once the start-up flashes are over, an
/// idle lab writes no bytes at all.
#[test]
fn an_idle_lab_writes_nothing() {
    let mut lab = spawn(100, 30);
    lab.wait_ready();
    lab.press(b"g");
    lab.wait_for("a generated key package", TIMEOUT, |screen| {
        generated_row(screen).is_some()
    });
    // Flashes last 1.5 s; give the last frame time to land.
    std::thread::sleep(Duration::from_millis(2500));
    let before = lab.output().raw.len();
    std::thread::sleep(Duration::from_millis(2000));
    let after = lab.output().raw.len();
    assert_eq!(
        before,
        after,
        "the idle lab wrote {} bytes\n{}",
        after - before,
        lab.describe()
    );
    // And it still answers: a second generated row appears (the timeline's
    // numbers do not count; only rows of the key package table do).
    lab.press(b"g");
    lab.wait_for("a second generated key package row", TIMEOUT, |screen| {
        generated_rows(screen) == 2
    });
    lab.quit_and_check_restored();
}

#[test]
fn resizing_below_80x24_asks_to_enlarge_and_back_redraws_the_lab() {
    let mut lab = spawn(100, 30);
    lab.wait_ready();
    let size = |cols, rows| PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    };
    lab.master.resize(size(70, 20)).expect("resize");
    resize_screen(&lab, 20, 70);
    lab.wait_for("the enlarge message", TIMEOUT, |screen| {
        screen.contains("enlarge") && screen.contains("70×20")
    });
    lab.master.resize(size(80, 24)).expect("resize");
    resize_screen(&lab, 24, 80);
    lab.wait_for("the lab at 80×24", TIMEOUT, |screen| {
        screen.contains("Key packages of alice") && !screen.contains("enlarge")
    });
    lab.quit_and_check_restored();
}

/// Tells the vt100 parser the pty's new size, as a terminal emulator would know it.
fn resize_screen(lab: &Lab, rows: u16, cols: u16) {
    let (Some(rows), Some(cols)) = (
        std::num::NonZeroU16::new(rows),
        std::num::NonZeroU16::new(cols),
    ) else {
        panic!("a terminal has at least one row and one column");
    };
    lab.output().parser.set_size(rows, cols);
}

#[test]
fn w_saves_the_session_as_a_scenario_that_replays() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut lab = spawn_in(100, 30, &[], dir.path());
    lab.wait_ready();
    lab.press(b"g");
    lab.wait_for("a generated key package", TIMEOUT, |screen| {
        generated_row(screen).is_some()
    });
    lab.press(b"w");
    lab.wait_for("the saved toast", TIMEOUT, |screen| {
        screen.contains("Session saved to mls-lab-session-")
    });
    lab.quit_and_check_restored();
    let saved: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read the directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    assert_eq!(saved.len(), 1, "{saved:?}");
    let contents = std::fs::read_to_string(&saved[0]).expect("read the session");
    assert!(
        contents.contains("clients alice bob carol dave\nalice generate\n"),
        "{contents}"
    );
    let replay = std::process::Command::new(env!("CARGO_BIN_EXE_mls-lab"))
        .arg("run")
        .arg(&saved[0])
        .output()
        .expect("run the saved session");
    assert!(
        replay.status.success(),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
}

/// The UI answers keys while the engine generates key packages (10,000 asked, so
/// that the batch outlasts the test's keys), shows the progress, and Esc stops it.
#[test]
fn a_long_batch_shows_progress_and_keys_still_work() {
    let mut lab = spawn(120, 30);
    lab.wait_ready();
    lab.press(b":alice generate 10000\r");
    lab.wait_for("the progress indicator", TIMEOUT, |screen| {
        screen.contains("/10000")
    });
    // → selects bob while alice's batch runs.
    lab.press(b"\x1b[C");
    lab.wait_for("bob selected while the batch runs", TIMEOUT, |screen| {
        screen.contains("Key packages of bob") && screen.contains("/10000")
    });
    lab.press(b"\x1b");
    lab.wait_for("the batch to stop", TIMEOUT, |screen| {
        screen.contains("Stopped") && !screen.contains("/10000")
    });
    lab.quit_and_check_restored();
}

/// A recording read back: the header, then every event's time, code and data.
struct Recording {
    header: serde_json::Value,
    events: Vec<(f64, String, String)>,
}

fn read_recording(path: &std::path::Path) -> Recording {
    let text = std::fs::read_to_string(path).expect("the recording is UTF-8 text");
    let mut lines = text.lines();
    let header = serde_json::from_str(lines.next().expect("a header line")).expect("header JSON");
    let events = lines
        .map(|line| {
            let event: serde_json::Value = serde_json::from_str(line).expect("event JSON");
            let time = event[0].as_f64().expect("a time");
            let code = event[1].as_str().expect("a code").to_string();
            let data = event[2].as_str().expect("data").to_string();
            assert_eq!(event.as_array().map(Vec::len), Some(3), "{line}");
            (time, code, data)
        })
        .collect();
    Recording { header, events }
}

#[test]
fn present_opens_a_lesson_in_the_projector_layout_and_records_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cols, rows) = (100, 30);
    let mut lab = spawn_exact(
        cols,
        rows,
        &[
            "present",
            "default",
            "--speed",
            "0",
            "--seed",
            "9420",
            "--record",
            "talk.cast",
        ],
        dir.path(),
    );
    lab.wait_for("the lesson to load", TIMEOUT, |screen| {
        screen.contains("27 steps") && screen.contains("Timeline")
    });
    for step in 1..=3 {
        lab.press(b" ");
        // The step has run once the why pane explains one of its events.
        let wanted = format!("step {step}/27 · why: #");
        lab.wait_for(&wanted, TIMEOUT, |screen| {
            screen.contains(&wanted) && !screen.contains("working…")
        });
    }
    // Fewer, larger panels: the clients with the DS, the timeline, the caption
    // with the why pane; no key package table, no inspector.
    let shown = [
        "Clients",
        "Delivery Service",
        "Timeline",
        "· why: #",
        "what: ",
    ];
    let hidden = ["Key packages of", "Inspector", "Groups ("];
    lab.wait_for("the projector layout", TIMEOUT, |screen| {
        shown.iter().all(|s| screen.contains(s)) && !hidden.iter().any(|h| screen.contains(h))
    });
    let screen = lab.screen();
    // High contrast: yellow titles (255, 255, 0) on black.
    assert!(lab.raw().contains("38;2;255;255;0;48;2;0;0;0m"), "{screen}");
    lab.quit_and_check_restored();

    let recording = read_recording(&dir.path().join("talk.cast"));
    assert_eq!(recording.header["version"], 2);
    assert_eq!(recording.header["width"], cols);
    assert_eq!(recording.header["height"], rows);
    assert!(recording.header["timestamp"]
        .as_u64()
        .is_some_and(|t| t > 1_600_000_000));
    assert!(recording.events.len() > 3, "one event per frame");
    let times: Vec<f64> = recording.events.iter().map(|e| e.0).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert!(
        recording.events.iter().all(|e| e.1 == "o"),
        "no resize happened"
    );
    // Played back, the recording shows the screen the room saw.
    let mut player = vt100::Parser::new(
        NonZeroU16::new(rows).expect("rows"),
        NonZeroU16::new(cols).expect("cols"),
        0,
    );
    for (_, _, data) in &recording.events {
        player.process(data.as_bytes());
    }
    let played = player.screen().contents();
    assert!(played.contains("step 3/"), "{played}");
    assert!(played.contains("Delivery Service"), "{played}");
}

#[test]
fn present_is_readable_at_80x24() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = spawn_exact(80, 24, &["present", "default", "--speed", "0"], dir.path());
    lab.wait_for("the lesson to load", TIMEOUT, |s| s.contains("27 steps"));
    lab.press(b" ");
    // The screen's words, borders left out: a wrapped caption reads whole.
    let words = |s: &str| {
        s.split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let caption = "Three clients, each with its own storage and signature key, register at the DS.";
    // Waiting for the whole frame: the caption, the why pane and the keys.
    lab.wait_for("step 1 with its caption and why", TIMEOUT, |s| {
        s.contains("step 1/27 · why: #")
            && words(s).contains(caption)
            && s.contains("what: ")
            && s.contains("q  quit")
    });
    lab.quit_and_check_restored();
}

#[test]
fn a_recording_never_overwrites_a_file_or_a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("old.cast"), "keep").expect("write");
    std::fs::create_dir(dir.path().join("folder")).expect("mkdir");
    for target in ["old.cast", "folder", "missing/x.cast"] {
        let mut lab = spawn_in(80, 24, &["--record", target], dir.path());
        let status = lab.wait_exit(TIMEOUT);
        assert_eq!(status.exit_code(), 2, "{target}\n{}", lab.describe());
        let raw = lab.raw();
        assert!(
            raw.contains("cannot create the recording"),
            "{target}: {raw}"
        );
        assert!(
            !raw.contains(ENTER_ALT),
            "{target}: the terminal was touched"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("old.cast")).expect("read"),
        "keep"
    );
}

/// Any legal file name records: 255 bytes, spaces, a leading dash (as
/// `--record=-x`), any script. The session is recorded there, and nothing else
/// is created.
#[test]
fn a_recording_takes_any_legal_file_name() {
    let longest = format!("{}.cast", "r".repeat(250));
    for name in [
        longest.as_str(),
        "with spaces.cast",
        "-leading-dash.cast",
        "zoë ✓ 録画.cast",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let option = format!("--record={name}");
        let mut lab = spawn_in(100, 30, &[&option], dir.path());
        lab.wait_ready();
        lab.quit_and_check_restored();
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read the folder")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(files, [std::ffi::OsString::from(name)], "{name}");
        let recording = read_recording(&dir.path().join(name));
        assert_eq!(recording.header["version"], 2, "{name}");
        assert!(!recording.events.is_empty(), "{name}: no frame recorded");
    }
}

/// Without COLORTERM, a 256-colour terminal gets the 256-colour palette
/// (`38;5;N`), never 24-bit colour it did not announce.
#[test]
fn without_colorterm_the_lab_sends_256_colours_not_24_bit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = spawn_as(100, 30, &["--speed", "0"], dir.path(), None);
    lab.wait_for("the lab", TIMEOUT, |screen| screen.contains("Timeline"));
    let raw = lab.raw();
    assert!(
        !raw.contains("38;2;") && !raw.contains("48;2;"),
        "24-bit colour sent"
    );
    assert!(raw.contains("38;5;"), "no 256-colour sequence");
    lab.quit_and_check_restored();
}
