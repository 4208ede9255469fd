//! Reading scripts. Lines are read one at a time with a bounded length
//! ([`MAX_LINE_BYTES`]), so input that is not a script (binary data, a stream
//! without newlines) is refused at once, naming its line, and memory never grows
//! with what is read ahead. A file is read whole (up to [`MAX_SCRIPT_BYTES`]) to
//! be checked before anything runs; a stream is run as each line arrives.

use std::io::{self, BufRead, Read as _};
use std::path::Path;

use crate::command::{Problem, MAX_LINE_BYTES};

/// The largest script file read whole; longer input can be streamed (`run -`).
pub const MAX_SCRIPT_BYTES: u64 = 16 * 1024 * 1024;

/// Why input could not be read as a script.
#[derive(Debug)]
pub enum ReadError {
    /// The input itself failed.
    Io(io::Error),
    /// Line `line_no` is not a line of text (see [`Problem::NotUtf8`], [`Problem::TooLong`]).
    Line { line_no: usize, problem: Problem },
    /// A file larger than [`MAX_SCRIPT_BYTES`].
    TooBig,
}

impl ReadError {
    /// The message for input called `name`: `name:line: problem` for a bad line.
    pub fn message(&self, name: &str) -> String {
        match self {
            Self::Io(error) => format!("mls-lab: cannot read {name}: {error}"),
            Self::Line { line_no, problem } => format!("{name}:{line_no}: {problem}"),
            Self::TooBig => format!(
                "mls-lab: {name} is larger than {} MiB; stream it instead: mls-lab run - < FILE",
                MAX_SCRIPT_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// A script file, read whole with [`read_script`].
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    read_script(io::BufReader::new(file))
}

/// Lines of text from a reader, numbered from 1, each at most [`MAX_LINE_BYTES`]
/// bytes (without its `\n` or `\r\n`).
pub struct Lines<R> {
    reader: R,
    line_no: usize,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            line_no: 0,
            buffer: Vec::with_capacity(256),
            done: false,
        }
    }

    /// The next line and its number; `None` at the end. After an error, `None`.
    pub fn next_line(&mut self) -> Option<Result<(usize, String), ReadError>> {
        if self.done {
            return None;
        }
        self.buffer.clear();
        // One byte more than a line may hold (plus its newline) tells a long line.
        let limit = MAX_LINE_BYTES as u64 + 2;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buffer);
        let result = match read {
            Err(error) => Err(ReadError::Io(error)),
            Ok(0) => {
                self.done = true;
                return None;
            }
            Ok(_) => {
                self.line_no += 1;
                self.text()
            }
        };
        if result.is_err() {
            self.done = true;
        }
        Some(result.map(|text| (self.line_no, text)))
    }

    fn text(&mut self) -> Result<String, ReadError> {
        let line_no = self.line_no;
        let mut bytes = self.buffer.as_slice();
        let ended = bytes.last() == Some(&b'\n');
        if ended {
            bytes = &bytes[..bytes.len() - 1];
        }
        if bytes.last() == Some(&b'\r') {
            bytes = &bytes[..bytes.len() - 1];
        }
        // A byte-order mark, as some editors save UTF-8, is not part of the script.
        if line_no == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if bytes.len() > MAX_LINE_BYTES {
            return Err(ReadError::Line {
                line_no,
                problem: Problem::TooLong {
                    limit: MAX_LINE_BYTES,
                },
            });
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(_) => Err(ReadError::Line {
                line_no,
                problem: Problem::NotUtf8,
            }),
        }
    }
}

/// A whole script from `reader`, checked line by line; stops at the first line
/// that is not text, or past [`MAX_SCRIPT_BYTES`].
pub fn read_script(reader: impl BufRead) -> Result<String, ReadError> {
    let mut lines = Lines::new(reader);
    let mut source = String::new();
    while let Some(line) = lines.next_line() {
        let (_, text) = line?;
        if (source.len() + text.len()) as u64 > MAX_SCRIPT_BYTES {
            return Err(ReadError::TooBig);
        }
        source.push_str(&text);
        source.push('\n');
    }
    Ok(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8]) -> Vec<Result<(usize, String), String>> {
        let mut lines = Lines::new(input);
        std::iter::from_fn(|| lines.next_line())
            .map(|r| r.map_err(|e| e.message("in")))
            .collect()
    }

    #[test]
    fn lines_are_numbered_and_lose_their_newline() {
        assert_eq!(
            all(b"a\r\n\nb"),
            vec![
                Ok((1, "a".into())),
                Ok((2, String::new())),
                Ok((3, "b".into()))
            ]
        );
        assert!(all(b"").is_empty());
        assert_eq!(
            all(b"\xEF\xBB\xBFclients a\n\xEF\xBB\xBFx"),
            vec![Ok((1, "clients a".into())), Ok((2, "\u{feff}x".into()))]
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_stop_at_their_line() {
        assert_eq!(
            all(b"ok\nbad \xff\nnever read\n"),
            vec![Ok((1, "ok".into())), Err("in:2: not UTF-8 text".into())]
        );
    }

    #[test]
    fn a_line_may_hold_the_limit_and_not_one_byte_more() {
        let mut input = vec![b'a'; MAX_LINE_BYTES];
        input.push(b'\n');
        assert!(matches!(all(&input)[..], [Ok(_)]));
        let long = vec![b'a'; MAX_LINE_BYTES + 1];
        assert_eq!(
            all(&long),
            vec![Err(format!(
                "in:1: line longer than {MAX_LINE_BYTES} bytes"
            ))]
        );
        // Without newlines at all the reader stops after the first too-long line.
        let endless = vec![b'a'; 10 * MAX_LINE_BYTES];
        assert_eq!(all(&endless).len(), 1);
    }

    #[test]
    fn a_script_is_read_whole_or_refused() {
        assert_eq!(read_script(&b"x\ny"[..]).unwrap(), "x\ny\n");
        let error = read_script(&b"x\n\xc3\x28\n"[..]).unwrap_err();
        assert_eq!(error.message("f"), "f:2: not UTF-8 text");
    }
}
