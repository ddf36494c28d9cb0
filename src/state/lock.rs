//! Locks on files: toolup's own (`LockedFile`, the one kind it takes),
//! and the locks other programs take (a package manager's
//! `dpkg` lock, pacman's `db.lck`), asked without taking them, so toolup
//! can wait for them and name who holds one.

use std::path::{Path, PathBuf};

/// A lock a package manager takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockFile {
    /// An fcntl lock on the file (dpkg, apt, rpm).
    Fcntl(PathBuf),
    /// The file's existence is the lock (pacman's `db.lck`).
    Exists(PathBuf),
}

impl LockFile {
    /// Whether the lock is free, and if not who holds it.
    pub fn state(&self) -> (bool, String) {
        match self {
            LockFile::Exists(path) => {
                if path.exists() {
                    (
                        false,
                        format!("{} exists: another update is running", path.display()),
                    )
                } else {
                    (true, format!("{} is free", path.display()))
                }
            }
            LockFile::Fcntl(path) => match fcntl_holder(path) {
                None => (true, format!("{} is free", path.display())),
                Some(pid) => (
                    false,
                    format!(
                        "{} is held by pid {pid} ({})",
                        path.display(),
                        crate::base::host::command_line(&pid.to_string())
                    ),
                ),
            },
        }
    }
}

/// The pid holding an fcntl write lock on `path`, asked without taking it.
fn fcntl_holder(path: &Path) -> Option<i32> {
    use std::os::fd::AsRawFd;
    // Opened without blocking: a FIFO named as a lock file is no lock.
    let (file, _) = super::open_regular(path).ok()?;
    // SAFETY: F_GETLK reads the flock we pass and writes the answer into it.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    (rc == 0 && lock.l_type != libc::F_UNLCK as libc::c_short).then_some(lock.l_pid)
}

/// toolup's own lock, the one kind it takes: an advisory `flock` on a file
/// (created when missing, holding the holder's pid) or on a directory
/// itself (which leaves no file behind), released when dropped.
#[derive(Debug)]
pub struct LockedFile {
    _file: std::fs::File,
}

/// Why a lock was not taken.
#[derive(Debug)]
pub enum NotLocked {
    /// Another process holds it (its pid, when the lock file says).
    Held {
        pid: Option<String>,
    },
    Io(std::io::Error),
}

impl std::fmt::Display for NotLocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotLocked::Held { pid: Some(pid) } => write!(
                f,
                "held by pid {pid} ({})",
                crate::base::host::command_line(pid)
            ),
            NotLocked::Held { pid: None } => write!(f, "held by another process"),
            NotLocked::Io(e) => write!(f, "{e}"),
        }
    }
}

impl LockedFile {
    /// Locks the file `path` (its directory made first), waiting up to
    /// `wait` for a holder to let go; the file then holds this process's
    /// pid, so the next one to wait can name it.
    pub fn acquire(path: &Path, wait: std::time::Duration) -> Result<LockedFile, NotLocked> {
        use std::io::{Read, Seek, Write};
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(NotLocked::Io)?;
        }
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(NotLocked::Io)?;
        take(&file, wait).map_err(|e| match e {
            NotLocked::Held { .. } => {
                let mut pid = String::new();
                let _ = file.read_to_string(&mut pid);
                let pid = pid.trim();
                NotLocked::Held {
                    pid: (!pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()))
                        .then(|| pid.to_owned()),
                }
            }
            io => io,
        })?;
        file.set_len(0).map_err(NotLocked::Io)?;
        file.rewind().map_err(NotLocked::Io)?;
        write!(file, "{}", std::process::id()).map_err(NotLocked::Io)?;
        Ok(LockedFile { _file: file })
    }

    /// `acquire`, telling `waiting` who holds the lock (once) before it
    /// waits for them, up to `wait`.
    pub fn acquire_saying(
        path: &Path,
        wait: std::time::Duration,
        waiting: impl FnOnce(&NotLocked),
    ) -> Result<LockedFile, NotLocked> {
        match LockedFile::acquire(path, std::time::Duration::ZERO) {
            Err(held @ NotLocked::Held { .. }) if !wait.is_zero() => {
                waiting(&held);
                LockedFile::acquire(path, wait)
            }
            other => other,
        }
    }

    /// Locks the directory `dir` itself (made first), waiting as long as
    /// another holder keeps it.
    pub fn acquire_dir(dir: &Path) -> Result<LockedFile, NotLocked> {
        std::fs::create_dir_all(dir).map_err(NotLocked::Io)?;
        let file = std::fs::File::open(dir).map_err(NotLocked::Io)?;
        file.lock().map_err(NotLocked::Io)?;
        Ok(LockedFile { _file: file })
    }
}

/// The lock file of `name` in `dir`: `NAME.lock`, a safe file name
/// (`state::names`) however `name` is spelt (`locks/TOOL.lock`).
pub fn path_for(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{}.lock", super::names::file_name(name)))
}

/// Takes the lock on `file`, polling until `wait` has passed.
fn take(file: &std::fs::File, wait: std::time::Duration) -> Result<(), NotLocked> {
    let deadline = std::time::Instant::now() + wait;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => return Err(NotLocked::Held { pid: None }),
            Err(std::fs::TryLockError::Error(e)) => return Err(NotLocked::Io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_then_is_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.lock");
        let first = LockedFile::acquire(&path, std::time::Duration::ZERO).unwrap();
        // flock is per open file: a second open in this process contends.
        let second = LockedFile::acquire(&path, std::time::Duration::from_millis(200));
        match second {
            Err(NotLocked::Held { pid }) => {
                assert_eq!(
                    pid.as_deref(),
                    Some(std::process::id().to_string().as_str())
                );
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        // A child another test forks holds the descriptor until it execs:
        // give it a moment.
        assert!(LockedFile::acquire(&path, std::time::Duration::from_secs(10)).is_ok());
    }
}
