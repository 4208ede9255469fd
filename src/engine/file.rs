//! Files in and out of the lab: reading at most the inspector's limit from a
//! regular file, and writing a new file only. The bytes go to a temporary file
//! of a name of its own (random, made with `O_EXCL` by the `tempfile` crate) in
//! the target's folder, which is then linked to the target's name only if that
//! name is free: a failed write leaves no file behind, and no file the lab did
//! not create is ever replaced or removed. Every error names its cause
//! ([`WriteProblem`]) and the path with its control characters escaped.

use std::fmt;
use std::fs;
use std::io::{self, ErrorKind, Write as _};
use std::path::{Path, PathBuf};

use crate::domain::escape_controls;
use crate::inspect::encoding::{read_limited, MAX_INPUT};
use crate::inspect::InspectError;

/// The longest file name (one path component), in bytes, most file systems take
/// (`NAME_MAX`).
pub const MAX_FILE_NAME_BYTES: usize = 255;

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
pub fn read(path: &str) -> Result<Vec<u8>, FileError> {
    let refused = |reason: String| FileError::Read {
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

/// A file the lab could not read or write, with the path as shown
/// ([`shown`]); the engine reports it as `CannotRead` or `CannotWrite`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    Read { path: String, reason: String },
    Write { path: String, reason: WriteProblem },
}

/// Why a new file could not be written. Nothing was created or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteProblem {
    /// An empty path, or one that ends in `/` or `..`: it names no file.
    NoFileName,
    /// The path is a directory.
    IsDirectory,
    /// Something is there already (a file, a link, a device): the lab writes
    /// only files that did not exist.
    Exists,
    /// The folder the file would go in does not exist.
    FolderMissing,
    /// The folder the file would go in is not a directory.
    FolderNotDirectory,
    PermissionDenied,
    /// The file's name is longer than [`MAX_FILE_NAME_BYTES`].
    NameTooLong {
        bytes: usize,
    },
    ReadOnlyFileSystem,
    StorageFull,
    /// Any other error of the system, in its words.
    Other(String),
}

impl WriteProblem {
    /// The cause behind an error of the system.
    pub fn of(error: &io::Error) -> Self {
        match error.kind() {
            ErrorKind::AlreadyExists => Self::Exists,
            ErrorKind::NotFound => Self::FolderMissing,
            ErrorKind::NotADirectory => Self::FolderNotDirectory,
            ErrorKind::IsADirectory => Self::IsDirectory,
            ErrorKind::PermissionDenied => Self::PermissionDenied,
            ErrorKind::ReadOnlyFilesystem => Self::ReadOnlyFileSystem,
            ErrorKind::StorageFull => Self::StorageFull,
            _ => Self::Other(error.to_string()),
        }
    }
}

impl fmt::Display for WriteProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoFileName => f.write_str("it names no file"),
            Self::IsDirectory => f.write_str("it is a directory"),
            Self::Exists => f.write_str("it exists already, and the lab never replaces a file"),
            Self::FolderMissing => f.write_str("its folder does not exist"),
            Self::FolderNotDirectory => f.write_str("its folder is not a directory"),
            Self::PermissionDenied => f.write_str("permission denied"),
            Self::NameTooLong { bytes } => write!(
                f,
                "its name is {bytes} bytes long, more than the {MAX_FILE_NAME_BYTES} a file name may have"
            ),
            Self::ReadOnlyFileSystem => f.write_str("the file system is read-only"),
            Self::StorageFull => f.write_str("no space left on the device"),
            Self::Other(message) => f.write_str(message),
        }
    }
}

/// Writes `bytes` to `path`, a file that must not exist yet (see the module).
pub fn write(path: &str, bytes: &[u8]) -> Result<(), FileError> {
    write_new(Path::new(path), bytes).map_err(|reason| FileError::Write {
        path: shown(path),
        reason,
    })
}

/// Creates the file `target` holding `bytes`, through a temporary file of its
/// own beside it; `target` must not exist. On any failure nothing is left.
pub fn write_new(target: &Path, bytes: &[u8]) -> Result<(), WriteProblem> {
    let text = target.as_os_str().as_encoded_bytes();
    if text.is_empty() {
        return Err(WriteProblem::NoFileName);
    }
    if let Some(bytes) = target
        .file_name()
        .map(|name| name.as_encoded_bytes().len())
        .filter(|bytes| *bytes > MAX_FILE_NAME_BYTES)
    {
        return Err(WriteProblem::NameTooLong { bytes });
    }
    match fs::symlink_metadata(target) {
        Ok(found) if found.is_dir() => return Err(WriteProblem::IsDirectory),
        Ok(_) => return Err(WriteProblem::Exists),
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        // A folder on the way that is a file, or one that cannot be searched.
        Err(e) => return Err(WriteProblem::of(&e)),
    }
    if text.ends_with(b"/") || text.ends_with(std::path::MAIN_SEPARATOR_STR.as_bytes()) {
        return Err(WriteProblem::NoFileName);
    }
    if target.file_name().is_none() {
        return Err(WriteProblem::NoFileName);
    }
    let folder = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&folder) {
        Ok(found) if found.is_dir() => {}
        Ok(_) => return Err(WriteProblem::FolderNotDirectory),
        Err(e) if e.kind() == ErrorKind::NotFound => return Err(WriteProblem::FolderMissing),
        Err(e) => return Err(WriteProblem::of(&e)),
    }
    // A name of its own, short whatever the target's: it never collides with a
    // file of the user's (created with O_EXCL, another name tried if taken), and
    // it is removed when dropped unless persisted.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".mls-lab-").suffix(".partial");
    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::PermissionsExt as _;
        // As `File::create` would make it (the umask still applies).
        fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(permissions);
    let mut temporary = builder
        .tempfile_in(&folder)
        .map_err(|e| WriteProblem::of(&e))?;
    temporary
        .write_all(bytes)
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| WriteProblem::of(&e))?;
    // Linked to the target's name only if that is free, atomically: a file
    // that appeared meanwhile is left as it is.
    temporary
        .persist_noclobber(target)
        .map(|_| ())
        .map_err(|e| WriteProblem::of(&e.error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineError;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mls-lab-file-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn code(result: Result<impl std::fmt::Debug, FileError>) -> String {
        EngineError::from(result.unwrap_err()).code().to_string()
    }

    #[test]
    fn reading_refuses_what_is_not_a_small_regular_file() {
        let dir = scratch("read");
        let text = |p: &Path| p.to_string_lossy().into_owned();
        assert_eq!(code(read(&text(&dir.join("missing")))), "CannotRead");
        assert_eq!(code(read(&text(&dir))), "CannotRead");
        assert_eq!(code(read("")), "CannotRead");
        assert_eq!(code(read("/dev/zero")), "CannotRead");
        let error = EngineError::from(read(&text(&dir)).unwrap_err()).to_string();
        assert!(error.ends_with("it is a directory"), "{error}");
        let big = dir.join("big");
        fs::File::create(&big)
            .unwrap()
            .set_len(MAX_INPUT + 1)
            .unwrap();
        let error = EngineError::from(read(&text(&big)).unwrap_err()).to_string();
        assert!(error.contains("larger than"), "{error}");
        let error = EngineError::from(read("bad\u{1b}[2Jname").unwrap_err()).to_string();
        assert!(error.contains("bad\\u{1b}[2Jname"), "{error}");
        fs::write(dir.join("ok"), b"abc").unwrap();
        assert_eq!(read(&text(&dir.join("ok"))).unwrap(), b"abc");
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_file_is_never_replaced() {
        let dir = scratch("write");
        let text = |p: &Path| p.to_string_lossy().into_owned();
        let problem = |path: &str| match write(path, b"x") {
            Err(FileError::Write { reason, .. }) => reason,
            other => panic!("{path}: {other:?}"),
        };
        assert_eq!(problem(&text(&dir)), WriteProblem::IsDirectory);
        assert_eq!(
            problem(&format!("{}/", text(&dir.join("new")))),
            WriteProblem::NoFileName
        );
        assert_eq!(
            problem(&text(&dir.join("no/such/file"))),
            WriteProblem::FolderMissing
        );
        assert_eq!(problem(""), WriteProblem::NoFileName);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0, "nothing was left");
        let file = dir.join("out");
        write(&text(&file), b"first").unwrap();
        assert_eq!(problem(&text(&file)), WriteProblem::Exists);
        assert_eq!(fs::read(&file).unwrap(), b"first");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "no partial file stays"
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn each_system_error_has_its_cause() {
        let of = |kind: ErrorKind| WriteProblem::of(&io::Error::from(kind));
        assert_eq!(of(ErrorKind::AlreadyExists), WriteProblem::Exists);
        assert_eq!(
            of(ErrorKind::PermissionDenied),
            WriteProblem::PermissionDenied
        );
        assert_eq!(of(ErrorKind::NotFound), WriteProblem::FolderMissing);
        assert_eq!(of(ErrorKind::StorageFull), WriteProblem::StorageFull);
        assert_eq!(
            of(ErrorKind::ReadOnlyFilesystem),
            WriteProblem::ReadOnlyFileSystem
        );
        assert_eq!(
            WriteProblem::PermissionDenied.to_string(),
            "permission denied"
        );
    }
}
