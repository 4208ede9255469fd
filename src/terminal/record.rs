//! `--record FILE.cast`: the TUI session as an asciicast v2 recording
//! (<https://docs.asciinema.org/manual/asciicast/v2/>), which asciinema's player
//! plays. The bytes the terminal backend writes are teed: each flush (one per
//! frame) becomes one `[time, "o", data]` event after a header line with the
//! width, the height and the start time. A failed write stops the recording, not
//! the session: the error is kept, typed, for the lab to show and report.

use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use crate::domain::escape_controls;
use crate::engine::file::WriteProblem;

/// Why a recording could not be made or went on no further.
#[derive(Debug)]
pub enum RecordError {
    /// The file could not be created (a missing directory, a directory, no
    /// permission); nothing was started.
    Create { path: PathBuf, source: io::Error },
    /// A write to the recording failed; the recording stopped there and the
    /// session went on.
    Write { path: PathBuf, source: io::Error },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The cause in the words exports use; the path escaped.
            Self::Create { path, source } => write!(
                f,
                "cannot create the recording {}: {}",
                escape_controls(&path.to_string_lossy()),
                WriteProblem::of(source)
            ),
            Self::Write { path, source } => write!(
                f,
                "the recording {} stopped: {source} (the session went on)",
                escape_controls(&path.to_string_lossy())
            ),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Create { source, .. } | Self::Write { source, .. } => Some(source),
        }
    }
}

/// An asciicast v2 stream being written to `sink`.
pub struct Cast<C: Write> {
    sink: C,
    path: PathBuf,
    started: Instant,
    /// Bytes written since the last event (a frame), and an incomplete UTF-8
    /// sequence held back for the next one.
    pending: Vec<u8>,
}

impl Cast<BufWriter<File>> {
    /// Creates `path` (never over a directory) and writes the header.
    pub fn create(path: &Path, width: u16, height: u16) -> Result<Self, RecordError> {
        let file = File::create(path).map_err(|source| RecordError::Create {
            path: path.to_path_buf(),
            source,
        })?;
        Cast::start(BufWriter::new(file), path, width, height).map_err(|e| match e {
            RecordError::Write { path, source } => RecordError::Create { path, source },
            created @ RecordError::Create { .. } => created,
        })
    }
}

impl<C: Write> Cast<C> {
    /// Writes the header line to `sink`: version 2, the terminal's size and the
    /// start as Unix seconds.
    pub fn start(mut sink: C, path: &Path, width: u16, height: u16) -> Result<Self, RecordError> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = serde_json::json!({
            "version": 2,
            "width": width,
            "height": height,
            "timestamp": timestamp,
            "env": { "TERM": std::env::var("TERM").unwrap_or_default() },
        });
        let fail = |source| RecordError::Write {
            path: path.to_path_buf(),
            source,
        };
        writeln!(sink, "{header}").map_err(fail)?;
        sink.flush().map_err(fail)?;
        Ok(Self {
            sink,
            path: path.to_path_buf(),
            started: Instant::now(),
            pending: Vec::new(),
        })
    }

    fn fail(&self, source: io::Error) -> RecordError {
        RecordError::Write {
            path: self.path.clone(),
            source,
        }
    }

    /// Seconds since the start, as the event's time.
    fn now(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    fn event(&mut self, code: &str, data: &str) -> Result<(), RecordError> {
        let line = serde_json::json!([self.now(), code, data]);
        writeln!(self.sink, "{line}")
            .and_then(|()| self.sink.flush())
            .map_err(|e| self.fail(e))
    }

    /// Writes what was output since the last frame as one `"o"` event. A UTF-8
    /// sequence cut by the end of the frame waits for the next; bytes that are
    /// not UTF-8 at all are replaced.
    pub fn frame(&mut self) -> Result<(), RecordError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let complete = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let rest = self.pending.split_off(complete);
        let data = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        if data.is_empty() {
            return Ok(());
        }
        self.event("o", &data)
    }

    /// The terminal was resized: an `"r"` event, `COLSxROWS`.
    pub fn resize(&mut self, width: u16, height: u16) -> Result<(), RecordError> {
        self.frame()?;
        self.event("r", &format!("{width}x{height}"))
    }
}

/// The recording and why it stopped, shared by the terminal's writer
/// ([`Tee`]) and the event loop ([`RecordHandle`]).
struct Shared<C: Write> {
    cast: Option<Cast<C>>,
    /// Why the recording stopped, until the lab has been told.
    error: Option<RecordError>,
}

impl<C: Write> Shared<C> {
    /// Runs `step` on the recording; a failure stops it and is kept.
    fn on_cast(&mut self, step: impl FnOnce(&mut Cast<C>) -> Result<(), RecordError>) {
        if let Some(cast) = self.cast.as_mut() {
            if let Err(error) = step(cast) {
                self.cast = None;
                self.error = Some(error);
            }
        }
    }
}

/// The terminal's writer with the recording beside it: everything written goes
/// to the terminal, and, while the recording works, to the recording too.
pub struct Tee<T: Write, C: Write> {
    terminal: T,
    shared: Rc<RefCell<Shared<C>>>,
}

/// The event loop's side of a recording: resizes, errors, the end.
pub struct RecordHandle<C: Write> {
    shared: Rc<RefCell<Shared<C>>>,
}

impl<T: Write, C: Write> Tee<T, C> {
    /// The writer for the terminal backend, and the handle for the event loop.
    pub fn new(terminal: T, cast: Option<Cast<C>>) -> (Self, RecordHandle<C>) {
        let shared = Rc::new(RefCell::new(Shared { cast, error: None }));
        (
            Self {
                terminal,
                shared: Rc::clone(&shared),
            },
            RecordHandle { shared },
        )
    }
}

impl<C: Write> RecordHandle<C> {
    /// Whether a recording is being written.
    pub fn recording(&self) -> bool {
        self.shared.borrow().cast.is_some()
    }

    /// Why the recording stopped, once.
    pub fn take_error(&self) -> Option<RecordError> {
        self.shared.borrow_mut().error.take()
    }

    /// The terminal's new size, for the player.
    pub fn resize(&self, width: u16, height: u16) {
        self.shared
            .borrow_mut()
            .on_cast(|cast| cast.resize(width, height));
    }

    /// Writes what is left and closes the recording; the error if that failed.
    pub fn finish(&self) -> Option<RecordError> {
        let mut shared = self.shared.borrow_mut();
        shared.on_cast(Cast::frame);
        if let Some(mut cast) = shared.cast.take() {
            if let Err(source) = cast.sink.flush() {
                shared.error = Some(cast.fail(source));
            }
        }
        shared.error.take()
    }
}

impl<T: Write, C: Write> Write for Tee<T, C> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.terminal.write(buf)?;
        if let Some(cast) = self.shared.borrow_mut().cast.as_mut() {
            cast.pending.extend_from_slice(&buf[..written]);
        }
        Ok(written)
    }

    /// The end of a frame: the terminal shows it, the recording gets its event.
    fn flush(&mut self) -> io::Result<()> {
        self.terminal.flush()?;
        self.shared.borrow_mut().on_cast(Cast::frame);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sink that takes `room` bytes, then fails.
    struct Full {
        room: usize,
        taken: Vec<u8>,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.taken.len() + buf.len() > self.room {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            self.taken.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn lines(bytes: &[u8]) -> Vec<serde_json::Value> {
        String::from_utf8_lossy(bytes)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    }

    /// A terminal with a recording that can take everything.
    fn recorded_tee() -> (Tee<Vec<u8>, Full>, RecordHandle<Full>) {
        let sink = Full {
            room: usize::MAX,
            taken: Vec::new(),
        };
        let cast = Cast::start(sink, Path::new("t.cast"), 80, 24).expect("header");
        Tee::new(Vec::new(), Some(cast))
    }

    /// The data of each event recorded so far, after the header.
    fn recorded_data(handle: &RecordHandle<Full>) -> Vec<String> {
        let recorded = handle
            .shared
            .borrow()
            .cast
            .as_ref()
            .map(|c| c.sink.taken.clone())
            .unwrap_or_default();
        lines(&recorded)[1..]
            .iter()
            .map(|l| l[2].as_str().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn a_frame_is_one_output_event_and_cut_utf8_waits_for_the_next() {
        let (mut tee, handle) = recorded_tee();
        let arrow = "→".as_bytes();
        tee.write_all(b"\x1b[1;1Hab").unwrap();
        tee.write_all(&arrow[..1]).unwrap();
        tee.flush().unwrap();
        tee.write_all(&arrow[1..]).unwrap();
        tee.flush().unwrap();
        handle.resize(100, 30);
        assert!(handle.recording());
        let data = recorded_data(&handle);
        assert!(handle.finish().is_none());
        assert!(!handle.recording());
        assert_eq!(tee.terminal, [b"\x1b[1;1Hab".as_slice(), arrow].concat());
        assert_eq!(data, ["\x1b[1;1Hab", "→", "100x30"]);
    }

    /// Bytes that are not UTF-8 at all are replaced at once, not held as if cut:
    /// what follows them is recorded in the next frame.
    #[test]
    fn bytes_that_are_not_utf8_are_replaced_and_the_recording_goes_on() {
        let (mut tee, handle) = recorded_tee();
        tee.write_all(b"a\xffb").unwrap();
        tee.flush().unwrap();
        tee.write_all(b"c").unwrap();
        tee.flush().unwrap();
        assert_eq!(recorded_data(&handle), ["a\u{fffd}b", "c"]);
    }

    #[test]
    fn the_header_and_events_read_back() {
        let mut out = Vec::new();
        {
            let mut cast = Cast::start(&mut out, Path::new("t.cast"), 80, 24).expect("header");
            cast.pending.extend_from_slice("a→".as_bytes());
            cast.pending.push(0xe2); // the start of a cut sequence
            cast.frame().unwrap();
            cast.pending.extend_from_slice(&"→".as_bytes()[1..]);
            cast.frame().unwrap();
            cast.resize(100, 30).unwrap();
        }
        let lines = lines(&out);
        assert_eq!(lines[0]["version"], 2);
        assert_eq!(lines[0]["width"], 80);
        assert_eq!(lines[0]["height"], 24);
        assert!(lines[0]["timestamp"].as_u64().is_some());
        assert_eq!(lines[1][1], "o");
        assert_eq!(lines[1][2], "a→");
        assert_eq!(lines[2][2], "→");
        assert_eq!(lines[3][1], "r");
        assert_eq!(lines[3][2], "100x30");
        let times: Vec<f64> = lines[1..].iter().map(|l| l[0].as_f64().unwrap()).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
        // Seconds since the start: never before it, and not far after it.
        assert!(times.iter().all(|t| (0.0..60.0).contains(t)), "{times:?}");
    }

    #[test]
    fn a_failed_write_stops_the_recording_not_the_terminal() {
        let sink = Full {
            room: 200,
            taken: Vec::new(),
        };
        let cast = Cast::start(sink, Path::new("full.cast"), 80, 24).expect("header fits");
        let (mut tee, handle) = Tee::new(Vec::new(), Some(cast));
        tee.write_all(&[b'x'; 300]).unwrap();
        // The terminal got its frame; the recording could not take it.
        assert!(tee.flush().is_ok());
        assert!(!handle.recording());
        let error = handle.take_error().expect("a typed error");
        assert!(
            matches!(&error, RecordError::Write { source, .. } if source.kind() == io::ErrorKind::StorageFull)
        );
        assert!(
            error.to_string().contains("full.cast stopped: disk full"),
            "{error}"
        );
        tee.write_all(b"more").unwrap();
        tee.flush().unwrap();
        assert_eq!(tee.terminal.len(), 304);
        assert!(handle.take_error().is_none(), "told once");
        assert!(handle.finish().is_none());
    }

    #[test]
    fn a_directory_or_a_missing_folder_is_refused_at_creation() {
        let dir = tempfile::tempdir().expect("temp dir");
        for path in [dir.path().to_path_buf(), dir.path().join("no/such/x.cast")] {
            match Cast::create(&path, 80, 24) {
                Err(RecordError::Create { .. }) => {}
                Err(other) => panic!("{other}"),
                Ok(_) => panic!("created {}", path.display()),
            }
        }
    }
}
