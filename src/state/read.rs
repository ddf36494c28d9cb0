//! Reading a file toolup is handed — a config file, a catalog entry, a
//! plugin or module manifest, a cache, another program's record — the one
//! way: it must be a regular file once links are followed, it is opened
//! without ever waiting (a FIFO would block `open` until a writer came),
//! and at most `limit` bytes are read. A FIFO, a device (`/dev/zero`), a
//! socket, a directory or a file past the limit is an error that names the
//! file, never a hang or an unbounded read. clippy's `disallowed-methods`
//! bans `std::fs::read`, `std::fs::read_to_string` and `File::open`
//! elsewhere.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// One kibibyte, for limits.
pub const KIB: u64 = 1024;
/// One mebibyte, for limits.
pub const MIB: u64 = 1024 * 1024;

/// A file that could not be read, and why; shown as `PATH: why`.
#[derive(Debug)]
pub struct ReadError {
    pub path: PathBuf,
    pub why: Why,
}

/// Why a file could not be read (without its name: `ReadError` adds it).
#[derive(Debug, thiserror::Error)]
pub enum Why {
    #[error("no such file")]
    Missing,
    #[error("not a regular file but {0}; toolup reads only regular files there")]
    NotRegular(&'static str),
    #[error("larger than {}, the most toolup reads of it", show_size(*.0))]
    TooLarge(u64),
    #[error("not UTF-8 text")]
    NotText,
    #[error("{0}")]
    Io(std::io::Error),
}

impl ReadError {
    /// True when there is no file at all (a missing optional file is no error).
    pub fn is_missing(&self) -> bool {
        matches!(self.why, Why::Missing)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.why)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.why {
            Why::Io(e) => Some(e),
            _ => None,
        }
    }
}

/// For callers that speak `std::io`: the kind kept (`NotFound` for a
/// missing file), the message the reason alone (the caller names the file).
impl From<ReadError> for std::io::Error {
    fn from(e: ReadError) -> std::io::Error {
        use std::io::ErrorKind;
        match e.why {
            Why::Io(io) => io,
            Why::Missing => std::io::Error::new(ErrorKind::NotFound, "no such file"),
            why @ Why::NotRegular(_) => std::io::Error::new(ErrorKind::InvalidInput, why),
            why @ (Why::TooLarge(_) | Why::NotText) => {
                std::io::Error::new(ErrorKind::InvalidData, why)
            }
        }
    }
}

fn show_size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// What a file that is not a regular one is, in words.
fn not_regular(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if t.is_char_device() {
        Some("a character device")
    } else if t.is_block_device() {
        Some("a block device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("something else")
    }
}

fn io_why(e: std::io::Error) -> Why {
    if e.kind() == std::io::ErrorKind::NotFound {
        Why::Missing
    } else {
        Why::Io(e)
    }
}

/// Opens `path` for reading if it is a regular file once links are
/// followed: refused before opening when its name says otherwise (opening
/// a device may do something), opened without blocking (a FIFO swapped in
/// meanwhile cannot hold `open`), and checked again on the open file.
/// For readers that stream (a checksum, a file read line by line); the
/// rest use `read_file` or `read_text`.
pub fn open_regular(path: impl AsRef<Path>) -> Result<(File, Metadata), ReadError> {
    let path = path.as_ref();
    let fail = |why| ReadError {
        path: path.to_owned(),
        why,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(io_why(e)))?;
    if let Some(what) = not_regular(&meta) {
        return Err(fail(Why::NotRegular(what)));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| fail(io_why(e)))?;
    let meta = file.metadata().map_err(|e| fail(Why::Io(e)))?;
    if let Some(what) = not_regular(&meta) {
        return Err(fail(Why::NotRegular(what)));
    }
    // A regular file reads the same either way; the flag is dropped so
    // the descriptor behaves as any other.
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor we own, with flags it returned.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags >= 0 {
                libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
            }
        }
    }
    Ok((file, meta))
}

/// The bytes of the regular file `path`, at most `limit` of them (see the
/// module's text): the one way toolup reads a file it is handed.
pub fn read_file(path: impl AsRef<Path>, limit: u64) -> Result<Vec<u8>, ReadError> {
    let path = path.as_ref();
    let fail = |why| ReadError {
        path: path.to_owned(),
        why,
    };
    let (file, meta) = open_regular(path)?;
    if meta.len() > limit {
        return Err(fail(Why::TooLarge(limit)));
    }
    // The size stat gave is a hint (a file in /proc says 0, a file may grow).
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| fail(Why::Io(e)))?;
    if bytes.len() as u64 > limit {
        return Err(fail(Why::TooLarge(limit)));
    }
    Ok(bytes)
}

/// `read_file` for text: the file must also be UTF-8.
pub fn read_text(path: impl AsRef<Path>, limit: u64) -> Result<String, ReadError> {
    let path = path.as_ref();
    String::from_utf8(read_file(path, limit)?).map_err(|_| ReadError {
        path: path.to_owned(),
        why: Why::NotText,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.toml");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_text(&fifo, MIB).unwrap_err();
        assert!(matches!(e.why, Why::NotRegular(_)), "{e}");
        assert!(
            e.to_string().starts_with(&fifo.display().to_string()),
            "{e}"
        );
        assert!(e.to_string().contains("FIFO"), "{e}");
    }

    #[test]
    fn a_device_behind_a_link_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero.toml");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let e = read_file(&link, MIB).unwrap_err();
        assert!(e.to_string().contains("character device"), "{e}");
    }

    #[test]
    fn a_file_past_the_limit_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.toml");
        std::fs::write(&file, vec![b'#'; 2048]).unwrap();
        let e = read_file(&file, 2 * KIB - 1).unwrap_err();
        assert!(matches!(e.why, Why::TooLarge(_)), "{e}");
        assert!(e.to_string().contains("big.toml"), "{e}");
        assert_eq!(read_file(&file, 2 * KIB).unwrap().len(), 2048);
        let missing = read_text(dir.path().join("none"), KIB).unwrap_err();
        assert!(missing.is_missing());
        let io: std::io::Error = missing.into();
        assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    }

    #[test]
    fn proc_files_that_say_they_are_empty_are_read() {
        let text = read_text(Path::new("/proc/self/status"), 64 * KIB).unwrap();
        assert!(text.contains("Name:"));
    }
}
