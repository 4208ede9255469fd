//! The pseudo-terminal harness the pty tests share: the real `mls-lab` binary
//! in a pty (portable-pty), its output kept raw and parsed by `vt100`, waits on
//! screen, output and process conditions, and the check that the terminal was
//! restored (main screen, no mouse capture, cursor shown, cooked mode).
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, ExitStatus, MasterPty, PtySize};

/// How long any single condition may take to appear.
pub const TIMEOUT: Duration = Duration::from_secs(60);
/// How often a condition is checked again when no output arrives.
pub const POLL: Duration = Duration::from_millis(20);

/// Enter / leave the alternate screen.
pub const ENTER_ALT: &str = "\x1b[?1049h";
pub const LEAVE_ALT: &str = "\x1b[?1049l";
/// Normal mouse tracking on / off (crossterm's mouse capture turns on 1000, 1002,
/// 1003, 1015 and 1006 and turns them off again).
pub const MOUSE_ON: &str = "\x1b[?1000h";
pub const MOUSE_OFF: &str = "\x1b[?1000l";
/// Hide / show the cursor.
pub const HIDE_CURSOR: &str = "\x1b[?25l";
pub const SHOW_CURSOR: &str = "\x1b[?25h";

/// The bytes the program wrote, both raw and as a parsed screen.
pub struct Output {
    pub parser: vt100::Parser,
    pub raw: Vec<u8>,
    /// The reader saw end-of-file: every process holding the slave side is gone.
    pub ended: bool,
}

/// The output, and a signal for every change to it.
pub type Shared = Arc<(Mutex<Output>, Condvar)>;

/// The lab running in a pseudo-terminal.
pub struct Lab {
    pub child: Box<dyn Child + Send + Sync>,
    pub master: Box<dyn MasterPty + Send>,
    pub writer: Box<dyn Write + Send>,
    pub output: Shared,
    pub reader: Option<JoinHandle<()>>,
}

/// Starts `mls-lab --speed 0` in a `cols`×`rows` pseudo-terminal.
pub fn spawn(cols: u16, rows: u16) -> Lab {
    spawn_with(cols, rows, &[])
}

/// Starts `mls-lab --speed 0 ARGS...` in a `cols`×`rows` pseudo-terminal.
pub fn spawn_with(cols: u16, rows: u16, args: &[&str]) -> Lab {
    spawn_in(
        cols,
        rows,
        args,
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")),
    )
}

/// Starts `mls-lab --speed 0 ARGS...` in the directory `cwd`.
pub fn spawn_in(cols: u16, rows: u16, args: &[&str], cwd: &std::path::Path) -> Lab {
    let mut all = vec!["--speed", "0"];
    all.extend(args);
    spawn_exact(cols, rows, &all, cwd)
}

/// Starts `mls-lab ARGS...` (nothing added) in the directory `cwd`.
pub fn spawn_exact(cols: u16, rows: u16, args: &[&str], cwd: &std::path::Path) -> Lab {
    spawn_as(cols, rows, args, cwd, Some("truecolor"))
}

/// [`spawn_exact`] in a terminal that announces `colorterm` (`COLORTERM`), or
/// none.
pub fn spawn_as(
    cols: u16,
    rows: u16,
    args: &[&str],
    cwd: &std::path::Path,
    colorterm: Option<&str>,
) -> Lab {
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
    // The emulator below reads 24-bit colour; a terminal says so in COLORTERM
    // (the lab sends 24-bit colour only where it is announced).
    match colorterm {
        Some(value) => command.env("COLORTERM", value),
        None => command.env_remove("COLORTERM"),
    }
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
    pub fn output(&self) -> MutexGuard<'_, Output> {
        self.output.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// Waits until `check` holds for the output, checking again whenever output
    /// arrives; panics with `what`, the screen and the output after `timeout` or
    /// when the output ends first.
    pub fn wait_until(&self, what: &str, timeout: Duration, check: impl Fn(&Output) -> bool) {
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
    pub fn wait_for(&self, what: &str, timeout: Duration, predicate: impl Fn(&str) -> bool) {
        self.wait_until(what, timeout, |out| {
            predicate(&out.parser.screen().contents())
        });
    }

    /// Waits until `needle` appears in the raw output.
    pub fn wait_for_output(&self, what: &str, timeout: Duration, needle: &str) {
        self.wait_until(what, timeout, |out| {
            out.raw
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        });
    }

    /// Waits until the lab is up: the clients registered and the key package panel
    /// titled for the selected client.
    pub fn wait_ready(&self) {
        self.wait_for(
            "the lab to start (\"alice\" and \"Key packages of alice\")",
            TIMEOUT,
            |screen| screen.contains("alice") && screen.contains("Key packages of alice"),
        );
    }

    /// Presses `q`, expects a clean exit, and checks the terminal was restored.
    pub fn quit_and_check_restored(&mut self) {
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
    pub fn press(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Waits until the child exits and its output has been read to the end.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
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
    pub fn signal(&self, name: &str) {
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
    pub fn describe(&self) -> String {
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
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.output().raw).into_owned()
    }

    /// Asserts that the program put the terminal back after it exited.
    pub fn assert_restored(&self) {
        assert!(
            self.raw().contains(MOUSE_ON),
            "never enabled mouse capture\n{}",
            self.describe()
        );
        self.assert_restored_screen();
    }

    /// [`Self::assert_restored`] for a program that leaves the mouse alone
    /// (the room screen of `serve`): the mouse is only checked to be off.
    pub fn assert_restored_screen(&self) {
        let raw = self.raw();
        let context = || self.describe();

        // It did take the terminal over: otherwise the checks below prove nothing.
        let entered = raw
            .rfind(ENTER_ALT)
            .unwrap_or_else(|| panic!("never entered the alternate screen\n{}", context()));

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
        // mode resets (`ESC [ ? … l`), showing the cursor, and plain lines of
        // text are allowed. A plain line holds no escape byte, so it cannot
        // move the cursor or paint: it is a diagnostic on the main screen, such
        // as the runtime's "memory allocation of N bytes failed", which a second
        // thread can print after the first one's abort restored the terminal.
        let after = &raw[left + LEAVE_ALT.len()..];
        let mut rest = after;
        while !rest.is_empty() {
            if let Some(line) = plain_line(rest) {
                rest = &rest[line.len()..];
                continue;
            }
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

/// The line of plain text at the start of `text`, up to and including its
/// newline: printable characters, tabs and `\r` only, no escape byte.
pub fn plain_line(text: &str) -> Option<&str> {
    let end = text.find('\n')? + 1;
    let line = &text[..end];
    let plain = line
        .chars()
        .all(|c| c == '\n' || c == '\r' || c == '\t' || !c.is_control());
    plain.then_some(line)
}

/// The private mode sequence (`ESC [ ? digits h|l`) at the start of `text`.
pub fn private_mode(text: &str) -> Option<&str> {
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
pub fn local_flags(master: &dyn MasterPty) -> Vec<&'static str> {
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
pub fn assert_cooked(master: &dyn MasterPty, when: &str) {
    let flags = local_flags(master);
    for flag in ["ICANON", "ECHO"] {
        assert!(
            flags.contains(&flag),
            "{flag} is not set {when} (raw mode still on?); local flags: {flags:?}"
        );
    }
}

/// Asserts raw mode: neither canonical input nor echo.
pub fn assert_raw(master: &dyn MasterPty, when: &str) {
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
pub fn generated_row(screen: &str) -> Option<&str> {
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
pub fn generated_rows(screen: &str) -> usize {
    screen
        .lines()
        .filter(|line| generated_row(line).is_some())
        .count()
}
