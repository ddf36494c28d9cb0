//! Locks on files: the locks other programs take (a package manager's
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
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: F_GETLK reads the flock we pass and writes the answer into it.
    let mut lock: libc::flock = unsafe { std::mem::zeroed() };
    lock.l_type = libc::F_WRLCK as libc::c_short;
    lock.l_whence = libc::SEEK_SET as libc::c_short;
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut lock) };
    (rc == 0 && lock.l_type != libc::F_UNLCK as libc::c_short).then_some(lock.l_pid)
}
