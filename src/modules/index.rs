//! `modules/index.json`, the global index of installed modules: each
//! module's schema version, the repository and commit it came from, when it
//! was installed, and the user's own choices (enabled or not, a version
//! held back after a rollback). Written atomically, only under the modules
//! lock.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// The index file's name inside the modules directory.
pub const INDEX: &str = "index.json";

/// The whole index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema_version: u32,
    #[serde(default)]
    pub modules: BTreeMap<String, Entry>,
    /// The entries of the versions kept in `.backups/`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub backups: BTreeMap<String, Entry>,
}

/// One installed module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub schema_version: String,
    /// Credentials removed.
    pub repository: String,
    pub commit: String,
    pub installed_at: String,
    /// `toolup modules enable|disable`, over the module's own `enabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// After `toolup modules rollback`: the version rolled back from, which
    /// a sync does not install again (a newer one it does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_back: Option<String>,
}

impl Index {
    /// Reads the index; a missing one is empty, a damaged one an error that names it.
    pub fn load(modules_dir: &Path) -> Result<Index, String> {
        let path = modules_dir.join(INDEX);
        match crate::state::read_file(&path, 4 * crate::state::MIB) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: not a module index ({e})", path.display())),
            Err(e) if e.is_missing() => Ok(Index {
                schema_version: 1,
                ..Index::default()
            }),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Records (or, with `None`, forgets) the entry of `name`'s backup.
    pub fn backups_set(&mut self, name: &str, entry: Option<Entry>) {
        match entry {
            Some(e) => self.backups.insert(name.to_owned(), e),
            None => self.backups.remove(name),
        };
    }

    /// Takes the entry of `name`'s backup out.
    pub fn backups_take(&mut self, name: &str) -> Option<Entry> {
        self.backups.remove(name)
    }

    /// Writes the index atomically (a reader sees the old or the new, whole).
    pub fn save(&self, modules_dir: &Path) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::state::write_atomic(&modules_dir.join(INDEX), text.as_bytes())
    }
}
