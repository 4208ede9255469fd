//! Every fatal signal the lab can catch gives the terminal back, checked in the
//! bytes the real binary wrote to a pseudo-terminal and in the pty's termios:
//! requests to end (SIGXCPU, SIGVTALRM, SIGPROF, … and the real-time signals)
//! end the lab cleanly; faults and aborts (SIGABRT, which an allocation failure
//! raises, SIGSYS, SIGTRAP, SIGILL, SIGFPE, SIGBUS) restore the terminal and let
//! the process die of the signal. Ctrl-Z (and SIGTSTP) stops the lab with the
//! terminal restored; SIGCONT (`fg`) takes it over again, redraws and takes keys.

#![cfg(unix)]

mod pty_support;

use pty_support::*;

/// Sends signal number `number` to the lab (kill(1) takes numbers too).
fn send(lab: &Lab, number: i32) {
    let pid = lab.child.process_id().expect("a process id");
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("kill -{number} {pid}")])
        .status()
        .expect("run sh -c kill");
    assert!(status.success(), "kill -{number} {pid}: {status}");
}

/// A lab that has drawn a frame after a key: in the middle of a session.
fn busy_lab(cwd: &std::path::Path) -> Lab {
    let mut lab = spawn_in(100, 30, &[], cwd);
    lab.wait_ready();
    lab.press(b"g");
    lab.wait_for("a generated key package", TIMEOUT, |screen| {
        generated_row(screen).is_some()
    });
    assert_raw(&*lab.master, "while the lab runs");
    lab
}

/// The signals that used to leave the terminal raw, and every other one whose
/// default action ends the process: the lab ends cleanly (exit 0).
#[test]
fn every_request_to_end_restores_the_terminal_and_exits_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut signals = vec![
        ("XCPU", libc::SIGXCPU),
        ("VTALRM", libc::SIGVTALRM),
        ("PROF", libc::SIGPROF),
        ("XFSZ", libc::SIGXFSZ),
        ("IO", libc::SIGIO),
    ];
    #[cfg(target_os = "linux")]
    signals.extend([
        ("PWR", libc::SIGPWR),
        ("STKFLT", libc::SIGSTKFLT),
        ("RTMIN", libc::SIGRTMIN()),
        ("RTMIN+7", libc::SIGRTMIN() + 7),
        ("RTMAX", libc::SIGRTMAX()),
    ]);
    for (name, number) in signals {
        let mut lab = busy_lab(dir.path());
        send(&lab, number);
        let status = lab.wait_exit(TIMEOUT);
        assert!(
            status.success(),
            "SIG{name}: mls-lab exited with {status:?}\n{}",
            lab.describe()
        );
        lab.assert_restored();
    }
}

/// A fault or an abort (an allocation failure ends in SIGABRT) cannot wait for
/// the event loop: the handler restores the terminal, then the process dies of
/// the signal, as the shell reports it.
#[test]
fn a_fault_or_an_abort_restores_the_terminal_then_dies_of_it() {
    // Any core file lands in a folder of its own.
    let dir = tempfile::tempdir().expect("temp dir");
    let mut faults = vec![
        (libc::SIGABRT, "Aborted"),
        (libc::SIGSYS, "Bad system call"),
        (libc::SIGTRAP, "Trace/breakpoint trap"),
        (libc::SIGILL, "Illegal instruction"),
        (libc::SIGFPE, "Floating point exception"),
    ];
    #[cfg(target_os = "linux")]
    faults.push((libc::SIGBUS, "Bus error"));
    for (number, death) in faults {
        let mut lab = busy_lab(dir.path());
        send(&lab, number);
        let status = lab.wait_exit(TIMEOUT);
        assert_eq!(
            status.signal(),
            Some(death),
            "signal {number}: mls-lab exited with {status:?}\n{}",
            lab.describe()
        );
        lab.assert_restored();
    }
}

/// The state letter of the process in /proc (`T`: stopped).
fn state(lab: &Lab) -> Option<char> {
    let pid = lab.child.process_id()?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) S ...`: the state follows the last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Waits until the process is in `wanted` state.
fn wait_state(lab: &Lab, wanted: char) {
    let start = std::time::Instant::now();
    while state(lab) != Some(wanted) {
        assert!(
            start.elapsed() < TIMEOUT,
            "the process never reached state {wanted} (is {:?})\n{}",
            state(lab),
            lab.describe()
        );
        std::thread::sleep(POLL);
    }
}

/// The output written since byte `from`.
fn written_since(lab: &Lab, from: usize) -> String {
    String::from_utf8_lossy(&lab.output().raw[from..]).into_owned()
}

/// Stops the lab by `stop` (Ctrl-Z typed, or SIGTSTP), checks the terminal was
/// given back while it is stopped, continues it, and checks that it took the
/// terminal over again, redrew everything and takes keys.
fn stop_and_continue(lab: &mut Lab, stop: impl Fn(&mut Lab), rows_before: usize) {
    let mark = lab.output().raw.len();
    stop(lab);
    wait_state(lab, 'T');
    // The bytes written before it stopped may still be on their way through
    // the pty to the reader thread.
    lab.wait_until("the terminal given back", TIMEOUT, |out| {
        let written = String::from_utf8_lossy(&out.raw[mark..]);
        [LEAVE_ALT, SHOW_CURSOR, MOUSE_OFF, "\x1b[?2004l"]
            .iter()
            .all(|sequence| written.contains(sequence))
    });
    let given_back = written_since(lab, mark);
    for (what, sequence) in [
        ("leave the alternate screen", LEAVE_ALT),
        ("show the cursor", SHOW_CURSOR),
        ("stop mouse capture", MOUSE_OFF),
        ("stop bracketed paste", "\x1b[?2004l"),
    ] {
        assert!(
            given_back.contains(sequence),
            "stopped without the sequence to {what}: {given_back:?}"
        );
    }
    assert_cooked(&*lab.master, "while the lab is stopped");
    assert!(
        !lab.output().parser.screen().alternate_screen(),
        "vt100 still shows the alternate screen while the lab is stopped"
    );

    let mark = lab.output().raw.len();
    lab.signal("CONT");
    lab.wait_until("the alternate screen again", TIMEOUT, |out| {
        String::from_utf8_lossy(&out.raw[mark..]).contains(ENTER_ALT)
    });
    // Redrawn whole: the panels, and the rows drawn before the stop.
    lab.wait_for("the lab redrawn", TIMEOUT, |screen| {
        screen.contains("Key packages of alice") && generated_rows(screen) == rows_before
    });
    assert_raw(&*lab.master, "after the lab was continued");
    assert!(state(lab).is_some_and(|s| s != 'T'), "still stopped");
    // And it takes keys.
    lab.press(b"g");
    lab.wait_for("one more generated key package", TIMEOUT, |screen| {
        generated_rows(screen) == rows_before + 1
    });
}

#[test]
fn ctrl_z_suspends_with_the_terminal_restored_and_fg_redraws() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = busy_lab(dir.path());
    stop_and_continue(&mut lab, |lab| lab.press(&[0x1a]), 1);
    // SIGTSTP from elsewhere (raw mode turns the key's own signal off).
    stop_and_continue(&mut lab, |lab| lab.signal("TSTP"), 2);
    lab.quit_and_check_restored();
}

/// A real allocation failure: the lab's address space is limited (prlimit(1)
/// on the running process) a little above what it uses, then it is asked for
/// 10,000 key packages. Rust aborts on the failed allocation (SIGABRT); the
/// terminal is restored all the same.
#[test]
fn an_allocation_failure_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut lab = spawn_in(100, 30, &[], dir.path());
    lab.wait_ready();
    let pid = lab.child.process_id().expect("a process id");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let used_kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmSize:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmSize");
    let limit = (used_kib + 40 * 1024) * 1024;
    let limited = std::process::Command::new("prlimit")
        .args(["--pid", &pid.to_string(), &format!("--as={limit}")])
        .status()
        .expect("prlimit (util-linux) runs");
    assert!(limited.success(), "prlimit failed: {limited}");
    lab.press(b":alice generate 10000\r");
    let status = lab.wait_exit(TIMEOUT * 3);
    assert_eq!(
        status.signal(),
        Some("Aborted"),
        "mls-lab exited with {status:?}\n{}",
        lab.describe()
    );
    lab.assert_restored();
}

/// The restore check lets a runtime's diagnostic line through after the
/// final leave (a second thread's "memory allocation … failed" can land
/// there, as it did once in CI) but nothing that could draw.
#[test]
fn the_restore_check_tells_a_diagnostic_line_from_drawing() {
    let tail = "memory allocation of 32 bytes failed\r\nskipping backtrace printing\r\n";
    let first = pty_support::plain_line(tail).expect("a plain line");
    assert_eq!(first, "memory allocation of 32 bytes failed\r\n");
    assert!(pty_support::plain_line(&tail[first.len()..]).is_some());
    assert_eq!(pty_support::plain_line("\u{1b}[2Jdrawn\r\n"), None);
    assert_eq!(pty_support::plain_line("text then \u{1b}[5;5Hmove\n"), None);
    assert_eq!(pty_support::plain_line("no newline yet"), None);
}
