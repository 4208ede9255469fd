//! The signals the interactive lab catches, so that none leaves the terminal raw.
//!
//! Every catchable signal whose default action ends the process is caught from
//! before the terminal is touched until it is given back:
//! - requests to end (SIGTERM, SIGHUP, SIGINT, SIGQUIT, the user, timer, resource
//!   and real-time signals, …) end the event loop, which restores the terminal
//!   and exits cleanly ([`Signals::next`] says [`Caught::End`]);
//! - faults and aborts (SIGABRT, which an allocation failure and a double panic
//!   raise, SIGSYS, SIGTRAP, SIGILL, SIGFPE, SIGBUS) cannot wait for the loop: a
//!   handler restores the terminal on the spot ([`restore_now`], system calls
//!   only) and the process then dies of the signal as it would have.
//!
//! SIGSEGV stays with Rust's own handler, which needs the alternate signal stack
//! to report a stack overflow; that report ends in an abort, caught above.
//! SIGKILL and SIGSTOP cannot be caught.
//!
//! Job control: in raw mode Ctrl-Z is a key, not SIGTSTP. The lab hands the
//! terminal back and stops itself with SIGSTOP (a SIGTSTP would be discarded in
//! an orphaned process group), and takes the terminal over again when continued.
//! A SIGTSTP sent from elsewhere does the same; a SIGCONT redraws everything.

use std::io;
use std::sync::OnceLock;

use crossterm::Command as _;
use rustix::termios::{OptionalActions, Termios};
use signal_hook::consts::signal::*;
use tokio::signal::unix::{signal, Signal, SignalKind};

/// What a caught signal asks of the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    /// End the lab: restore the terminal and exit.
    End,
    /// Give the terminal back and stop until continued (SIGTSTP).
    Suspend,
    /// The process was continued (SIGCONT): take the terminal over and redraw.
    Resumed,
}

/// Signals whose default action ends the process and that mean "please end":
/// the event loop ends the lab on them.
fn requests_to_end() -> Vec<i32> {
    let mut all = vec![
        SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGXCPU, SIGXFSZ,
        SIGVTALRM, SIGPROF, SIGIO,
    ];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        all.extend([libc::SIGPWR, libc::SIGSTKFLT]);
        // The real-time signals (the C library keeps the first few for itself).
        all.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
    }
    all
}

/// Signals the process raises on itself (or is sent as if it had): the process
/// cannot go on, so the terminal is restored inside the handler.
fn faults() -> Vec<i32> {
    #[allow(unused_mut)]
    let mut all = vec![SIGABRT, SIGSYS, SIGTRAP, SIGILL, SIGFPE];
    // Elsewhere Rust reports a stack overflow through SIGBUS, on the alternate
    // stack that a handler of ours would not use.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    all.push(SIGBUS);
    all
}

/// Every signal the lab catches while it holds the terminal, for tests and docs.
pub fn caught() -> Vec<i32> {
    let mut all = requests_to_end();
    all.extend(faults());
    all.extend([SIGTSTP, SIGCONT]);
    all
}

/// How to give the terminal back from a signal handler: the bytes that leave the
/// alternate screen (those [`crate::tui::restore`] writes) and the terminal's
/// settings from before raw mode, with the descriptor they belong to.
struct Restore {
    bytes: Vec<u8>,
    settings: Option<Termios>,
}

static RESTORE: OnceLock<Restore> = OnceLock::new();

/// The escape sequences that give the screen back, as crossterm writes them.
pub fn restore_sequences() -> String {
    use crossterm::event::{DisableBracketedPaste, DisableMouseCapture};
    use crossterm::terminal::LeaveAlternateScreen;
    let mut out = String::new();
    let _ = DisableMouseCapture.write_ansi(&mut out);
    let _ = DisableBracketedPaste.write_ansi(&mut out);
    let _ = LeaveAlternateScreen.write_ansi(&mut out);
    let _ = crossterm::cursor::Show.write_ansi(&mut out);
    out
}

/// Remembers how to restore the terminal, before raw mode is first turned on,
/// and installs the fault handlers. Later calls change nothing.
pub fn prepare_restore() -> io::Result<()> {
    if RESTORE.get().is_some() {
        return Ok(());
    }
    let settings = rustix::termios::tcgetattr(rustix::stdio::stdin()).ok();
    let _ = RESTORE.set(Restore {
        bytes: restore_sequences().into_bytes(),
        settings,
    });
    for fault in faults() {
        // SAFETY: the action only makes system calls that are async-signal-safe
        // (write, tcsetattr, sigaction, raise, sigprocmask) and reads data set
        // once before it was installed; it allocates and locks nothing.
        let registered = unsafe { signal_hook_registry::register_unchecked(fault, on_fault) };
        registered?;
    }
    Ok(())
}

/// A fault: restore the terminal, then die of the signal as without a handler.
fn on_fault(info: &libc::siginfo_t) {
    restore_now();
    let _ = signal_hook::low_level::emulate_default_handler(info.si_signo);
}

/// Restores the terminal with system calls alone: safe inside a signal handler.
pub fn restore_now() {
    let Some(restore) = RESTORE.get() else {
        return;
    };
    if let Some(settings) = &restore.settings {
        let _ = rustix::termios::tcsetattr(rustix::stdio::stdin(), OptionalActions::Now, settings);
    }
    let mut rest = restore.bytes.as_slice();
    while !rest.is_empty() {
        match rustix::io::write(rustix::stdio::stdout(), rest) {
            Ok(0) | Err(_) => break,
            Ok(n) => rest = &rest[n..],
        }
    }
}

/// The signals the event loop waits for. Caught from before the terminal is
/// touched: one arriving between raw mode and the event loop would otherwise
/// kill the process with the terminal left raw and on the alternate screen.
pub struct Signals {
    end: Vec<Signal>,
    suspend: Signal,
    resumed: Signal,
}

impl Signals {
    pub fn catch() -> io::Result<Self> {
        prepare_restore()?;
        let end = requests_to_end()
            .into_iter()
            .map(|n| signal(SignalKind::from_raw(n)))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Self {
            end,
            suspend: signal(SignalKind::from_raw(SIGTSTP))?,
            resumed: signal(SignalKind::from_raw(SIGCONT))?,
        })
    }

    /// Waits for the next signal.
    pub async fn next(&mut self) -> Caught {
        std::future::poll_fn(|cx| {
            if self.end.iter_mut().any(|s| s.poll_recv(cx).is_ready()) {
                return std::task::Poll::Ready(Caught::End);
            }
            if self.suspend.poll_recv(cx).is_ready() {
                return std::task::Poll::Ready(Caught::Suspend);
            }
            if self.resumed.poll_recv(cx).is_ready() {
                return std::task::Poll::Ready(Caught::Resumed);
            }
            std::task::Poll::Pending
        })
        .await
    }
}

/// Stops the process until it is continued (`fg`, SIGCONT). The caller gives
/// the terminal back first and takes it over again after.
pub fn stop_until_continued() -> io::Result<()> {
    signal_hook::low_level::raise(SIGSTOP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catchable_ending_signal_is_caught_once() {
        let all = caught();
        for n in &all {
            assert_eq!(all.iter().filter(|m| *m == n).count(), 1, "{n}");
            assert!(!signal_hook::consts::FORBIDDEN.contains(n) || faults().contains(n));
        }
        for named in [
            SIGXCPU, SIGVTALRM, SIGPROF, SIGSYS, SIGABRT, SIGTERM, SIGINT, SIGHUP, SIGQUIT,
        ] {
            assert!(all.contains(&named), "{named}");
        }
        assert!(!all.contains(&SIGSEGV) && !all.contains(&SIGKILL) && !all.contains(&SIGSTOP));
    }

    #[test]
    fn the_sequences_leave_the_screen_show_the_cursor_and_stop_the_mouse() {
        let sequences = restore_sequences();
        for wanted in ["\x1b[?1049l", "\x1b[?25h", "\x1b[?1000l", "\x1b[?2004l"] {
            assert!(sequences.contains(wanted), "{sequences:?}");
        }
    }
}
