//! End-to-end tests of the interactive lab: the real `mls-lab` binary runs in a
//! pseudo-terminal, keys are typed into it, the screen is read back through a
//! `vt100` parser, and after every way out the terminal must be restored: main
//! screen, no mouse capture, cursor shown, cooked mode (ICANON and ECHO).
//!
//! Every wait checks a screen, output or process condition until a generous
//! timeout (CI is a slow 2-core machine running debug builds); the check runs again
//! as soon as new output arrives. Nothing relies on a bare sleep.

#![cfg(unix)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

/// How long any single condition may take to appear.
const TIMEOUT: Duration = Duration::from_secs(60);
/// How often a condition is checked again when no output arrives.
const POLL: Duration = Duration::from_millis(20);

/// Enter / leave the alternate screen.
const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";
/// Normal mouse tracking on / off (crossterm's mouse capture turns on 1000, 1002,
/// 1003, 1015 and 1006 and turns them off again).
const MOUSE_ON: &str = "\x1b[?1000h";
const MOUSE_OFF: &str = "\x1b[?1000l";
/// Hide / show the cursor.
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// The bytes the program wrote, both raw and as a parsed screen.
struct Output {
    parser: vt100::Parser,
    raw: Vec<u8>,
    /// The reader saw end-of-file: every process holding the slave side is gone.
    ended: bool,
}

/// The output, and a signal for every change to it.
type Shared = Arc<(Mutex<Output>, Condvar)>;

/// The lab running in a pseudo-terminal.
struct Lab {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    output: Shared,
    reader: Option<JoinHandle<()>>,
}

/// Starts `mls-lab --speed 0` in a `cols`×`rows` pseudo-terminal.
fn spawn(cols: u16, rows: u16) -> Lab {
    spawn_with(cols, rows, &[])
}

/// Starts `mls-lab --speed 0 ARGS...` in a `cols`×`rows` pseudo-terminal.
fn spawn_with(cols: u16, rows: u16, args: &[&str]) -> Lab {
    spawn_in(
        cols,
        rows,
        args,
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

/// Starts `mls-lab --speed 0 ARGS...` in the directory `cwd`.
fn spawn_in(cols: u16, rows: u16, args: &[&str], cwd: &std::path::Path) -> Lab {
    let mut all = vec!["--speed", "0"];
    all.extend(args);
    spawn_exact(cols, rows, &all, cwd)
}

/// Starts `mls-lab ARGS...` (nothing added) in the directory `cwd`.
fn spawn_exact(cols: u16, rows: u16, args: &[&str], cwd: &std::path::Path) -> Lab {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pseudo-terminal");
    let master = pty.master;
    // A fresh pty starts in cooked mode; the restore checks below rely on it.
    assert_cooked(&*master, "a fresh pseudo-terminal");

    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_mls-lab"));
    command.args(args);
    command.env("TERM", "xterm-256color");
    // The size must come from the pty alone.
    command.env_remove("COLUMNS");
    command.env_remove("LINES");
    command.cwd(cwd);
    let child = pty.slave.spawn_command(command).expect("spawn mls-lab");
    // Only the child holds the slave side now, so the reader sees end-of-file
    // once the child has exited.
    drop(pty.slave);

    let output: Shared = Arc::new((
        Mutex::new(Output {
            parser: vt100::Parser::new(
                NonZeroU16::new(rows).expect("rows > 0"),
                NonZeroU16::new(cols).expect("cols > 0"),
                0,
            ),
            raw: Vec::new(),
            ended: false,
        }),
        Condvar::new(),
    ));
    let mut source = master.try_clone_reader().expect("pty reader");
    let sink = Arc::clone(&output);
    let reader = std::thread::spawn(move || {
        let (lock, changed) = &*sink;
        let mut buf = [0u8; 8192];
        loop {
            let read = source.read(&mut buf);
            let mut out = lock.lock().unwrap_or_else(|e| e.into_inner());
            match read {
                Ok(n) if n > 0 => {
                    out.parser.process(&buf[..n]);
                    out.raw.extend_from_slice(&buf[..n]);
                    changed.notify_all();
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                // End of file, or EIO on Linux once the slave side is closed.
                _ => {
                    out.ended = true;
                    changed.notify_all();
                    break;
                }
            }
        }
    });
    let writer = master.take_writer().expect("pty writer");
    Lab {
        child,
        master,
        writer,
        output,
        reader: Some(reader),
    }
}

impl Lab {
    fn output(&self) -> MutexGuard<'_, Output> {
        self.output.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen as text, one line per row.
    fn screen(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// Waits until `check` holds for the output, checking again whenever output
    /// arrives; panics with `what`, the screen and the output after `timeout` or
    /// when the output ends first.
    fn wait_until(&self, what: &str, timeout: Duration, check: impl Fn(&Output) -> bool) {
        let deadline = Instant::now() + timeout;
        let (_, changed) = &*self.output;
        let mut out = self.output();
        loop {
            if check(&out) {
                return;
            }
            let ended = out.ended;
            let now = Instant::now();
            if ended || now >= deadline {
                drop(out);
                let why = if ended {
                    "the output ended (mls-lab exited?)".to_string()
                } else {
                    format!("timed out after {timeout:?}")
                };
                panic!("{why} while waiting for {what}\n{}", self.describe());
            }
            out = changed
                .wait_timeout(out, (deadline - now).min(POLL))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Waits until `predicate` holds for the screen text.
    fn wait_for(&self, what: &str, timeout: Duration, predicate: impl Fn(&str) -> bool) {
        self.wait_until(what, timeout, |out| {
            predicate(&out.parser.screen().contents())
        });
    }

    /// Waits until `needle` appears in the raw output.
    fn wait_for_output(&self, what: &str, timeout: Duration, needle: &str) {
        self.wait_until(what, timeout, |out| {
            out.raw
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        });
    }

    /// Waits until the lab is up: the clients registered and the key package panel
    /// titled for the selected client.
    fn wait_ready(&self) {
        self.wait_for(
            "the lab to start (\"alice\" and \"Key packages of alice\")",
            TIMEOUT,
            |screen| screen.contains("alice") && screen.contains("Key packages of alice"),
        );
    }

    /// Presses `q`, expects a clean exit, and checks the terminal was restored.
    fn quit_and_check_restored(&mut self) {
        self.press(b"q");
        let status = self.wait_exit(TIMEOUT);
        assert!(
            status.success(),
            "q: mls-lab exited with {status:?}\n{}",
            self.describe()
        );
        self.assert_restored();
    }

    /// Types `bytes` as if on the keyboard.
    fn press(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Waits until the child exits and its output has been read to the end.
    fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let start = Instant::now();
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(error) => panic!("cannot wait for mls-lab: {error}"),
            }
            if start.elapsed() > timeout {
                panic!(
                    "mls-lab did not exit within {timeout:?}\n{}",
                    self.describe()
                );
            }
            std::thread::sleep(POLL);
        };
        // Read everything it wrote before it exited.
        self.wait_until(
            "the end of the output after mls-lab exited",
            timeout,
            |out| out.ended,
        );
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread panicked");
        }
        status
    }

    /// Sends `SIG<name>` to the lab with kill(1).
    fn signal(&self, name: &str) {
        let pid = self
            .child
            .process_id()
            .expect("mls-lab has a process id")
            .to_string();
        // The shell's own `kill`, so that no extra package is needed.
        let kill = std::process::Command::new("sh")
            .args(["-c", &format!("kill -s {name} {pid}")])
            .status()
            .expect("run sh -c kill");
        assert!(kill.success(), "kill -{name} {pid} failed: {kill}");
    }

    /// The screen and the end of the raw output, for failure messages.
    fn describe(&self) -> String {
        let out = self.output();
        let screen = out.parser.screen().contents();
        let tail_start = out.raw.len().saturating_sub(600);
        let tail = String::from_utf8_lossy(&out.raw[tail_start..]);
        format!(
            "--- screen ---\n{screen}\n--- last {} of {} output bytes ---\n{:?}",
            out.raw.len() - tail_start,
            out.raw.len(),
            tail
        )
    }

    /// Everything the program wrote, decoded lossily.
    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.output().raw).into_owned()
    }

    /// Asserts that the program put the terminal back after it exited.
    fn assert_restored(&self) {
        let raw = self.raw();
        let context = || self.describe();

        // It did take the terminal over: otherwise the checks below prove nothing.
        let entered = raw
            .rfind(ENTER_ALT)
            .unwrap_or_else(|| panic!("never entered the alternate screen\n{}", context()));
        assert!(
            raw.contains(MOUSE_ON),
            "never enabled mouse capture\n{}",
            context()
        );

        let left = raw.rfind(LEAVE_ALT).unwrap_or_else(|| {
            panic!(
                "did not leave the alternate screen ({LEAVE_ALT:?})\n{}",
                context()
            )
        });
        assert!(
            left > entered,
            "the last {ENTER_ALT:?} comes after the last {LEAVE_ALT:?}\n{}",
            context()
        );
        let mouse_off = raw.rfind(MOUSE_OFF).unwrap_or_else(|| {
            panic!(
                "did not disable mouse capture ({MOUSE_OFF:?})\n{}",
                context()
            )
        });
        assert!(
            mouse_off > raw.rfind(MOUSE_ON).unwrap_or(0),
            "mouse capture was enabled again after it was disabled\n{}",
            context()
        );
        let shown = raw
            .rfind(SHOW_CURSOR)
            .unwrap_or_else(|| panic!("did not show the cursor ({SHOW_CURSOR:?})\n{}", context()));
        assert!(
            shown > raw.rfind(HIDE_CURSOR).unwrap_or(0),
            "the cursor was hidden again after it was shown\n{}",
            context()
        );

        // After leaving the alternate screen nothing may be drawn: only private
        // mode resets (`ESC [ ? … l`) and showing the cursor are allowed.
        let after = &raw[left + LEAVE_ALT.len()..];
        let mut rest = after;
        while !rest.is_empty() {
            let Some(sequence) = private_mode(rest) else {
                panic!(
                    "output after the final {LEAVE_ALT:?}: {after:?} (only mode resets expected)\n{}",
                    context()
                );
            };
            assert!(
                sequence.ends_with('l') || sequence == SHOW_CURSOR,
                "{sequence:?} after the final {LEAVE_ALT:?} (only mode resets expected): {after:?}\n{}",
                context()
            );
            rest = &rest[sequence.len()..];
        }

        // The emulator agrees.
        {
            let out = self.output();
            let screen = out.parser.screen();
            assert!(
                !screen.alternate_screen(),
                "vt100 still shows the alternate screen\n{}",
                context()
            );
            assert!(
                !screen.hide_cursor(),
                "vt100 still hides the cursor\n{}",
                context()
            );
            assert_eq!(
                screen.mouse_protocol_mode(),
                vt100::MouseProtocolMode::None,
                "vt100 still reports mouse events\n{}",
                context()
            );
        }

        // Raw mode is off again.
        assert_cooked(&*self.master, "after mls-lab exited");
    }
}

impl Drop for Lab {
    /// A failed test must not leave the lab running.
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The private mode sequence (`ESC [ ? digits h|l`) at the start of `text`.
fn private_mode(text: &str) -> Option<&str> {
    let body = text.strip_prefix("\x1b[?")?;
    let digits = body
        .find(|c: char| !(c.is_ascii_digit() || c == ';'))
        .filter(|&n| n > 0)?;
    match body.as_bytes()[digits] {
        b'h' | b'l' => Some(&text[..3 + digits + 1]),
        _ => None,
    }
}

/// The names of the local-mode flags (ICANON, ECHO, …) the pty has set.
fn local_flags(master: &dyn MasterPty) -> Vec<&'static str> {
    let termios = master
        .get_termios()
        .expect("portable-pty reads the termios of the pty");
    termios
        .local_flags
        .iter_names()
        .map(|(name, _)| name)
        .collect()
}

/// Asserts cooked mode: canonical input and echo on.
fn assert_cooked(master: &dyn MasterPty, when: &str) {
    let flags = local_flags(master);
    for flag in ["ICANON", "ECHO"] {
        assert!(
            flags.contains(&flag),
            "{flag} is not set {when} (raw mode still on?); local flags: {flags:?}"
        );
    }
}

/// Asserts raw mode: neither canonical input nor echo.
fn assert_raw(master: &dyn MasterPty, when: &str) {
    let flags = local_flags(master);
    for flag in ["ICANON", "ECHO"] {
        assert!(
            !flags.contains(&flag),
            "{flag} is still set {when} (raw mode not on?); local flags: {flags:?}"
        );
    }
}

/// The row of the key package table that shows a generated key package: its
/// reference (8 hex digits) directly followed by the state `generated`, as in
/// `┃  1 60292fb3 generated …┃`.
fn generated_row(screen: &str) -> Option<&str> {
    screen.lines().find(|line| {
        let words: Vec<&str> = line
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .filter(|word| !word.is_empty())
            .collect();
        words.windows(2).any(|pair| {
            pair[0].len() == 8
                && pair[0].chars().all(|c| c.is_ascii_hexdigit())
                && pair[1] == "generated"
        })
    })
}

/// How many rows of the key package table show a generated key package.
fn generated_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|line| generated_row(line).is_some())
        .count()
}

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
