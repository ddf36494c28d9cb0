//! Backups before an upgrade: the files that will be replaced, copied into
//! the state dir with their sha256, restored (and verified) on failure or by
//! `toolup rollback`. Old backups are pruned by count.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One backed-up file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackedUpFile {
    /// Where it lives (and is restored to).
    pub original: PathBuf,
    /// The copy, relative to the backup directory.
    pub copy: String,
    pub sha256: String,
    pub mode: u32,
}

/// A backup of one tool, made before one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub tool: String,
    pub created_at: String,
    pub dir: PathBuf,
    pub files: Vec<BackedUpFile>,
}

const MANIFEST: &str = "manifest.json";

/// Copies `files` (regular files; links are followed) into `<root>/<tool>/<stamp>/`.
pub fn create(root: &Path, tool: &str, stamp: &str, files: &[PathBuf]) -> std::io::Result<Backup> {
    use std::os::unix::fs::PermissionsExt;
    let dir = root.join(tool).join(stamp);
    std::fs::create_dir_all(&dir)?;
    let mut backed = Vec::new();
    for (i, original) in files.iter().enumerate() {
        let bytes = std::fs::read(original)?;
        let copy = format!(
            "{i}-{}",
            original
                .file_name()
                .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
        );
        std::fs::write(dir.join(&copy), &bytes)?;
        let mode = std::fs::metadata(original)?.permissions().mode();
        backed.push(BackedUpFile {
            original: original.clone(),
            copy,
            sha256: sha256_hex(&bytes),
            mode,
        });
    }
    let backup = Backup {
        tool: tool.to_owned(),
        created_at: stamp.to_owned(),
        dir: dir.clone(),
        files: backed,
    };
    let manifest = serde_json::to_vec_pretty(&backup).map_err(std::io::Error::other)?;
    super::write_atomic(&dir.join(MANIFEST), &manifest)?;
    Ok(backup)
}

/// Puts every file back (atomically each) and checks its sha256 afterwards.
pub fn restore(backup: &Backup) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    for file in &backup.files {
        let bytes = std::fs::read(backup.dir.join(&file.copy))
            .map_err(|e| format!("reading the backup of {}: {e}", file.original.display()))?;
        if sha256_hex(&bytes) != file.sha256 {
            return Err(format!(
                "the backup of {} is damaged (sha256 differs)",
                file.original.display()
            ));
        }
        super::write_atomic(&file.original, &bytes)
            .map_err(|e| format!("restoring {}: {e}", file.original.display()))?;
        std::fs::set_permissions(&file.original, std::fs::Permissions::from_mode(file.mode))
            .map_err(|e| format!("restoring the mode of {}: {e}", file.original.display()))?;
        let now = std::fs::read(&file.original)
            .map_err(|e| format!("verifying {}: {e}", file.original.display()))?;
        if sha256_hex(&now) != file.sha256 {
            return Err(format!(
                "{} does not match its backup after restoring",
                file.original.display()
            ));
        }
    }
    Ok(())
}

/// The newest backup of `tool`, if any.
pub fn latest(root: &Path, tool: &str) -> Option<Backup> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join(tool))
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.iter()
        .rev()
        .find_map(|d| serde_json::from_slice(&std::fs::read(d.join(MANIFEST)).ok()?).ok())
}

/// Keeps the newest `keep` backups of `tool`, and none older than `max_age`
/// (the newest is always kept, whatever its age).
pub fn prune(root: &Path, tool: &str, keep: usize, max_age: Option<std::time::Duration>) {
    let Ok(entries) = std::fs::read_dir(root.join(tool)) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    dirs.sort();
    let newest = dirs.last().cloned();
    let excess = dirs.len().saturating_sub(keep.max(1));
    let now = std::time::SystemTime::now();
    for (i, dir) in dirs.into_iter().enumerate() {
        let too_old = max_age.is_some_and(|age| {
            std::fs::metadata(&dir)
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > age)
        });
        if (i < excess || too_old) && Some(&dir) != newest.as_ref() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_restore_round_trip_is_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("bin/tool");
        std::fs::create_dir_all(tool.parent().unwrap()).unwrap();
        std::fs::write(&tool, b"version one").unwrap();
        let root = dir.path().join("backups");
        let backup = create(
            &root,
            "tool",
            "20260101T000000Z",
            std::slice::from_ref(&tool),
        )
        .unwrap();
        std::fs::write(&tool, b"broken halfway").unwrap();
        restore(&backup).unwrap();
        assert_eq!(std::fs::read(&tool).unwrap(), b"version one");
        assert_eq!(latest(&root, "tool").unwrap(), backup);
        std::fs::write(backup.dir.join(&backup.files[0].copy), b"tampered").unwrap();
        assert!(restore(&backup).unwrap_err().contains("damaged"));
        create(
            &root,
            "tool",
            "20260102T000000Z",
            std::slice::from_ref(&tool),
        )
        .unwrap();
        prune(&root, "tool", 1, None);
        assert_eq!(
            latest(&root, "tool").unwrap().created_at,
            "20260102T000000Z"
        );
        assert_eq!(std::fs::read_dir(root.join("tool")).unwrap().count(), 1);
    }
}
