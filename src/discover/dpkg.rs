//! Which Debian package owns a file, read straight from dpkg's database in one
//! pass over `info/*.list` (instead of one `dpkg -S` process per binary).
//!
//! Only paths with a `bin/` component are kept: those are the files the
//! audit asks about (executables and the targets their links resolve to).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The default dpkg admin directory.
pub const DEFAULT_ADMINDIR: &str = "/var/lib/dpkg";

/// File → owning package, for files under some `bin/`.
#[derive(Debug, Default)]
pub struct DpkgIndex {
    owners: HashMap<PathBuf, String>,
}

impl DpkgIndex {
    /// Reads `<admindir>/info/*.list`; `None` when there is no dpkg database.
    pub fn load(admindir: &Path) -> Option<DpkgIndex> {
        let info = admindir.join("info");
        let entries = std::fs::read_dir(&info).ok()?;
        let mut owners = HashMap::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(package) = name.strip_suffix(".list") else { continue };
            let package = package.split(':').next().unwrap_or(package);
            let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
            for line in text.lines() {
                if line.contains("bin/") {
                    owners.entry(PathBuf::from(line)).or_insert_with(|| package.to_owned());
                }
            }
        }
        Some(DpkgIndex { owners })
    }

    /// The package owning `path`, trying the merged-/usr alias too (`/bin/x` ↔ `/usr/bin/x`).
    pub fn owner(&self, path: &Path) -> Option<&str> {
        if let Some(p) = self.owners.get(path) {
            return Some(p);
        }
        let alias = if let Ok(rest) = path.strip_prefix("/usr") {
            Path::new("/").join(rest)
        } else {
            Path::new("/usr").join(path.strip_prefix("/").ok()?)
        };
        self.owners.get(&alias).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_owners_with_usr_merge_and_arch_qualifiers() {
        let dir = tempfile::tempdir().unwrap();
        let info = dir.path().join("info");
        std::fs::create_dir_all(&info).unwrap();
        std::fs::write(info.join("ripgrep.list"), "/.\n/usr\n/usr/bin\n/usr/bin/rg\n/usr/share/doc/ripgrep\n").unwrap();
        std::fs::write(info.join("bash:amd64.list"), "/bin/bash\n").unwrap();
        let index = DpkgIndex::load(dir.path()).unwrap();
        assert_eq!(index.owner(Path::new("/usr/bin/rg")), Some("ripgrep"));
        assert_eq!(index.owner(Path::new("/bin/rg")), Some("ripgrep"));
        assert_eq!(index.owner(Path::new("/usr/bin/bash")), Some("bash"));
        assert_eq!(index.owner(Path::new("/usr/bin/fd")), None);
        assert!(DpkgIndex::load(&dir.path().join("missing")).is_none());
    }
}
