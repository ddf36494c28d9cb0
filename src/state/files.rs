//! The small changes to the file tree that other rooms ask for: a
//! directory made (or made private), a name moved or removed, a scratch
//! copy of some text for a program to read. Everything that writes goes
//! through `state`; clippy's `disallowed-methods` keeps it so.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// `dir` and its parents, made where missing.
pub fn ensure_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// `dir` (and its parents) made where missing, then readable by its owner
/// alone (0700): for what may hold credentials.
pub fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

/// Moves `from` to `to` in one step (same filesystem), replacing a file
/// or an empty directory there.
pub fn rename(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

/// Removes the file (or link) `path`; one already gone is no error.
pub fn remove_file(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes the directory `dir` if it is empty; anything else is left.
pub fn remove_empty_dir(dir: &Path) {
    let _ = std::fs::remove_dir(dir);
}

/// A private temporary file holding `bytes`, removed when dropped: for a
/// program that must read a file (`visudo -c -f`).
pub fn scratch_with(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(bytes)?;
    file.flush()?;
    Ok(file)
}

/// A private temporary directory, removed with what it holds when
/// dropped: for files a program must read before they go anywhere (units
/// `systemd-analyze verify` checks before they are installed).
pub fn scratch_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("toolup-").tempdir()
}
