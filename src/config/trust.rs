//! Which project files the user trusts.
//!
//! A `.toolup.toml` is found upward from the working directory, so a cloned
//! repository can put one there. Until the user runs `toolup trust`, such a
//! file may only change how the audit looks (`[audit]`, `[upstream]`); the
//! sections that choose what runs, what is sent where, or what is kept
//! (sources, managers, pins, presets, environment, breaking changes,
//! backups) are ignored, and toolup says so. Trust is recorded with the
//! file's sha256, as mise does, so an edited file is untrusted again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The trust store's file name, in the state directory.
pub const FILE_NAME: &str = "trusted_projects.json";

/// Trusted project files: canonical path → sha256 of the bytes trusted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TrustStore {
    schema_version: u32,
    files: BTreeMap<PathBuf, String>,
}

impl TrustStore {
    /// Reads the store; a missing or unreadable one trusts nothing.
    pub fn load(state_dir: Option<&Path>) -> TrustStore {
        state_dir
            .and_then(|d| crate::state::read_file(d.join(FILE_NAME), 16 * crate::state::MIB).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// True when `file` holds exactly the bytes the user trusted.
    pub fn trusts(&self, file: &Path, bytes: &[u8]) -> bool {
        let Ok(canonical) = std::fs::canonicalize(file) else {
            return false;
        };
        self.files
            .get(&canonical)
            .is_some_and(|hash| *hash == crate::base::digest::sha256_hex(bytes))
    }

    /// Trusts `file` as it is now; returns its canonical path and hash.
    /// The file is read as a config file is (a regular file, bounded), so
    /// what is trusted is what `Config::load` would read.
    pub fn trust(&mut self, file: &Path) -> Result<(PathBuf, String), crate::state::ReadError> {
        let canonical = std::fs::canonicalize(file).map_err(|e| crate::state::ReadError {
            path: file.to_owned(),
            why: crate::state::Why::Io(e),
        })?;
        let bytes = crate::state::read_file(&canonical, super::MAX_CONFIG_BYTES)?;
        let hash = crate::base::digest::sha256_hex(&bytes);
        self.files.insert(canonical.clone(), hash.clone());
        Ok((canonical, hash))
    }

    /// Forgets `file`; true when it was trusted.
    pub fn untrust(&mut self, file: &Path) -> bool {
        let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
        self.files.remove(&path).is_some()
    }

    /// Writes the store atomically, readable by its owner only.
    pub fn save(&self, state_dir: &Path) -> std::io::Result<()> {
        let store = TrustStore {
            schema_version: 1,
            files: self.files.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&store).map_err(std::io::Error::other)?;
        crate::state::write_private(&state_dir.join(FILE_NAME), &bytes)
    }
}

/// A project file's sections that were ignored because it is not trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    pub file: PathBuf,
    pub sections: Vec<&'static str>,
}

impl Ignored {
    /// The warning toolup prints, naming what was ignored and the way to trust it.
    pub fn message(&self) -> String {
        format!(
            "{}: ignored {} (this project file is not trusted; to trust it as it is now, run `toolup trust {}`)",
            self.file.display(),
            self.sections.join(", "),
            self.file.display()
        )
    }
}

/// The project file nearest to `cwd`, if any: anything there but a
/// directory (a FIFO or a device is found, and refused by name when read).
pub fn find_project_file(cwd: &Path) -> Option<PathBuf> {
    cwd.ancestors()
        .map(|d| d.join(super::PROJECT_FILE))
        .find(|p| std::fs::metadata(p).is_ok_and(|m| !m.is_dir()))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn an_edited_file_is_untrusted_again() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".toolup.toml");
        std::fs::write(&file, "[audit]\njobs = 2\n").unwrap();
        let mut store = TrustStore::default();
        store.trust(&file).unwrap();
        assert!(store.trusts(&file, &std::fs::read(&file).unwrap()));
        std::fs::write(&file, "[sources]\ngithub_api = \"http://x\"\n").unwrap();
        assert!(!store.trusts(&file, &std::fs::read(&file).unwrap()));
        store.save(dir.path()).unwrap();
        let again = TrustStore::load(Some(dir.path()));
        assert_eq!(again.files.len(), 1);
        assert!(store.untrust(&file));
    }
}
