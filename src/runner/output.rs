//! Writing the run's output. Every line is escaped ([`escape_controls`]) so that
//! nothing from input reaches the terminal raw. A reader that went away (`| head`)
//! ends the run quietly; any other write error is reported once by the caller.
//! Never `println!`, which panics when stdout is closed.

use std::io::{self, Write};

use crate::domain::escape_controls;

/// Why output stopped.
#[derive(Debug)]
pub enum Stopped {
    /// The reader closed the pipe: end quietly.
    Closed,
    /// Any other write error (a full disk, a device error).
    Failed(io::Error),
}

/// A line-oriented writer that remembers the first failure and then writes nothing.
pub struct Output<W: Write> {
    out: W,
    stopped: Option<Stopped>,
}

impl<W: Write> Output<W> {
    pub fn new(out: W) -> Self {
        Self { out, stopped: None }
    }

    /// Writes `text` (escaped) and a newline.
    pub fn line(&mut self, text: &str) {
        if self.stopped.is_none() {
            let result = writeln!(self.out, "{}", escape_controls(text));
            self.check(result);
        }
    }

    /// Pushes everything written so far to the reader.
    pub fn flush(&mut self) {
        if self.stopped.is_none() {
            let result = self.out.flush();
            self.check(result);
        }
    }

    fn check(&mut self, result: io::Result<()>) {
        if let Err(error) = result {
            self.stopped = Some(match error.kind() {
                io::ErrorKind::BrokenPipe => Stopped::Closed,
                _ => Stopped::Failed(error),
            });
        }
    }

    /// Whether writing stopped, and why.
    pub fn stopped(&self) -> Option<&Stopped> {
        self.stopped.as_ref()
    }

    /// Flushes and gives the final state.
    pub fn finish(mut self) -> Option<Stopped> {
        self.flush();
        self.stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_are_escaped() {
        let mut output = Output::new(Vec::new());
        output.line("a\u{1b}[2Jb");
        assert!(output.stopped().is_none());
        assert_eq!(output.out, b"a\\u{1b}[2Jb\n");
    }

    #[test]
    fn a_broken_pipe_closes_and_other_errors_fail() {
        let mut closed = Output::new(Failing(io::ErrorKind::BrokenPipe));
        closed.line("x");
        closed.line("y");
        assert!(matches!(closed.finish(), Some(Stopped::Closed)));
        let mut full = Output::new(Failing(io::ErrorKind::StorageFull));
        full.line("x");
        assert!(matches!(full.finish(), Some(Stopped::Failed(_))));
    }
}
