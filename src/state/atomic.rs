//! Atomic file replacement: a temp file in the same directory, fsync, rename, fsync the directory.
//!
//! A reader (or a `kill -9` at any instant) sees either the old file or the
//! new one, never a partial write.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Replaces `path` with `bytes` atomically, creating parent directories as
/// needed. The file keeps its mode (a new one is 0644). A symlink is
/// followed: its target is replaced and the link stays a link.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, None)
}

/// Like `write_atomic`, for a file only its owner may read (0600, whatever
/// the file had before).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with_mode(path, bytes, Some(0o600))
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            resolved = resolve_link(path)?;
            resolved.as_path()
        }
        _ => path,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".toolup-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    // tempfile creates 0600; keep the mode of the file we replace (never its
    // setuid/setgid bits), else the usual 0644.
    let mode = mode.unwrap_or_else(|| {
        std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o1777)
    });
    temp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable only once the directory entry is on disk.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Appends `bytes` to `path` (made 0600 when new) and syncs them before
/// returning (a new file's directory too): a log that grows by a line per
/// change, where rewriting the whole file at each change would cost its
/// whole size every time. A symlink at `path` is refused, not followed.
pub fn append_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)?;
    let new = file.metadata()?.len() == 0;
    file.write_all(bytes)?;
    file.sync_data()?;
    // A new file's directory entry is durable only once its directory is synced.
    if new
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A file being written next to `dest`, put in its place atomically by
/// `commit`, or removed when dropped uncommitted: a download or an unpacked
/// binary is streamed to disk, never held in memory, and a failure leaves
/// the old file as it was.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    dest: std::path::PathBuf,
}

impl Staged {
    pub fn new(dest: &Path) -> std::io::Result<Staged> {
        let dir = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(dir)?;
        let temp = tempfile::Builder::new()
            .prefix(".toolup-")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Staged {
            temp,
            dest: dest.to_path_buf(),
        })
    }

    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Gives the file `mode`, syncs it and renames it over `dest`.
    pub fn commit(self, mode: u32) -> std::io::Result<()> {
        self.temp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode & 0o1777))?;
        self.temp.as_file().sync_all()?;
        let dir = self.dest.parent().map(Path::to_path_buf);
        self.temp.persist(&self.dest).map_err(|e| e.error)?;
        if let Some(d) = dir.and_then(|d| File::open(d).ok()) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// An unnamed scratch file (gone when dropped), for data on its way somewhere.
pub fn scratch() -> std::io::Result<File> {
    tempfile::tempfile()
}

/// Moves a damaged file out of the way (`NAME.corrupt-SECONDS`), so the next
/// write starts afresh while the old bytes stay for a human to look at.
pub fn set_aside(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".corrupt-{stamp}"));
    let aside = path.with_file_name(name);
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

/// `read::read_file` for callers that speak `std::io` and name the file
/// themselves: the error's kind is kept, its message is the reason alone.
pub fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    Ok(super::read::read_file(path, limit)?)
}

/// The file a symlink finally points to (which may not exist yet).
fn resolve_link(link: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut path = link.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other(format!(
        "{}: too many levels of symbolic links",
        link.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn appends_privately_and_never_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.jsonl");
        for line in ["one\n", "two\n"] {
            append_private(&path, line.as_bytes()).unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
        assert_eq!(mode(&path), 0o600);
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(append_private(&link, b"three\n").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one\ntwo\n");
    }

    #[test]
    fn replaces_content_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
        assert_eq!(mode(&path), 0o644);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&path, b"three").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[test]
    fn a_symlink_stays_a_link_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.json");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(mode(&target), 0o640);
        write_private(&target, b"secret").unwrap();
        assert_eq!(mode(&target), 0o600);
    }
}
