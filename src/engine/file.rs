//! Files in and out of the lab: reading at most the inspector's limit from a
//! regular file, and writing through a temporary file renamed into place, so a
//! failed export leaves no file behind and never half-replaces one. Every error
//! names the path with its control characters escaped.

use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use crate::domain::escape_controls;
use crate::engine::EngineError;
use crate::inspect::encoding::{read_limited, MAX_INPUT};
use crate::inspect::InspectError;

/// The path as an error or event shows it: control characters escaped.
pub fn shown(path: &str) -> String {
    escape_controls(path).into_owned()
}

/// The reason an I/O error gives, in words a tester reads.
fn reason(error: &std::io::Error) -> String {
    match error.kind() {
        ErrorKind::NotFound => "no such file or folder".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// Reads a whole regular file of at most [`MAX_INPUT`] bytes. A directory, a
/// device or a pipe is refused before anything is read (a pipe could block the
/// lab for ever).
pub fn read(path: &str) -> Result<Vec<u8>, EngineError> {
    let refused = |reason: String| EngineError::CannotRead {
        path: shown(path),
        reason,
    };
    if path.is_empty() {
        return Err(refused("no file name given".into()));
    }
    let metadata = fs::metadata(path).map_err(|e| refused(reason(&e)))?;
    if metadata.is_dir() {
        return Err(refused("it is a directory".into()));
    }
    if !metadata.is_file() {
        return Err(refused("it is not a regular file".into()));
    }
    if metadata.len() > MAX_INPUT {
        return Err(refused(format!("it is larger than {MAX_INPUT} bytes")));
    }
    let file = fs::File::open(path).map_err(|e| refused(reason(&e)))?;
    read_limited(file).map_err(|e| match e {
        InspectError::TooLarge { limit } => refused(format!("it is larger than {limit} bytes")),
        other => refused(other.to_string()),
    })
}

/// Writes `bytes` to `path`, replacing a regular file that is there. The bytes
/// go to a new file beside it first, which is renamed over `path` only once
/// complete: on any failure no file is created or changed.
pub fn write(path: &str, bytes: &[u8]) -> Result<(), EngineError> {
    let refused = |reason: String| EngineError::CannotWrite {
        path: shown(path),
        reason,
    };
    if path.is_empty() {
        return Err(refused("no file name given".into()));
    }
    let target = Path::new(path);
    match fs::metadata(target) {
        Ok(m) if m.is_dir() => return Err(refused("it is a directory".into())),
        Ok(m) if !m.is_file() => return Err(refused("it is not a regular file".into())),
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(refused(reason(&e))),
    }
    if path.ends_with('/') || path.ends_with(std::path::MAIN_SEPARATOR) {
        return Err(refused("it names a directory".into()));
    }
    let Some(file_name) = target.file_name() else {
        return Err(refused("it names no file".into()));
    };
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(refused("its folder does not exist".into()));
    }
    let temporary = folder.join(format!(
        ".{}.{}.partial",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, target));
    written.map_err(|e| {
        // The partial file is ours; if it cannot be removed there is nothing more to do.
        let _ = fs::remove_file(&temporary);
        refused(reason(&e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mls-lab-file-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn code(result: Result<impl std::fmt::Debug, EngineError>) -> String {
        result.unwrap_err().code().to_string()
    }

    #[test]
    fn reading_refuses_what_is_not_a_small_regular_file() {
        let dir = scratch("read");
        let text = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(code(read(&text(&dir.join("missing")))), "CannotRead");
        assert_eq!(code(read(&text(&dir))), "CannotRead");
        assert_eq!(code(read("")), "CannotRead");
        assert_eq!(code(read("/dev/zero")), "CannotRead");
        let error = read(&text(&dir)).unwrap_err().to_string();
        assert!(error.ends_with("it is a directory"), "{error}");
        let big = dir.join("big");
        fs::File::create(&big)
            .unwrap()
            .set_len(MAX_INPUT + 1)
            .unwrap();
        let error = read(&text(&big)).unwrap_err().to_string();
        assert!(error.contains("larger than"), "{error}");
        let error = read("bad\u{1b}[2Jname").unwrap_err().to_string();
        assert!(error.contains("bad\\u{1b}[2Jname"), "{error}");
        fs::write(dir.join("ok"), b"abc").unwrap();
        assert_eq!(read(&text(&dir.join("ok"))).unwrap(), b"abc");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_replaces_the_file() {
        let dir = scratch("write");
        let text = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(code(write(&text(&dir), b"x")), "CannotWrite");
        assert_eq!(
            code(write(&format!("{}/", text(&dir)), b"x")),
            "CannotWrite"
        );
        assert_eq!(
            code(write(&text(&dir.join("no/such/file")), b"x")),
            "CannotWrite"
        );
        assert_eq!(code(write("", b"x")), "CannotWrite");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "nothing was left");
        let file = dir.join("out");
        write(&text(&file), b"first").unwrap();
        write(&text(&file), b"second").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"second");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no partial file stays"
        );
        fs::remove_dir_all(dir).unwrap();
    }
}
