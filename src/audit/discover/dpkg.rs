//! Which Debian package owns a file, read straight from dpkg's database in one
//! pass over `info/*.list` (instead of one `dpkg -S` process per binary).
//!
//! Only paths with a `bin/` component are kept: those are the files the
//! audit asks about (executables and the targets their links resolve to).

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use md5::Digest;

/// The default dpkg admin directory.
pub const DEFAULT_ADMINDIR: &str = "/var/lib/dpkg";

/// File → owning package, for files under some `bin/`.
#[derive(Debug, Default)]
pub struct DpkgIndex {
    admindir: PathBuf,
    owners: HashMap<PathBuf, String>,
}

impl DpkgIndex {
    /// Reads `<admindir>/info/*.list`, keeping only the files in `wanted`
    /// (the executables this run found and what they resolve to), so memory
    /// stays small however many packages are installed. `None` when there is
    /// no dpkg database.
    pub fn load(admindir: &Path, wanted: &HashSet<PathBuf>) -> Option<DpkgIndex> {
        let info = admindir.join("info");
        let entries = std::fs::read_dir(&info).ok()?;
        let mut owners = HashMap::new();
        let mut line = String::new();
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Some(package) = name.strip_suffix(".list") else {
                continue;
            };
            let package = package.split(':').next().unwrap_or(package);
            let Ok((file, _)) = crate::state::open_regular(entry.path()) else {
                continue;
            };
            // Line by line: some lists are megabytes (google-cloud-cli's is 4 MB).
            let mut reader = BufReader::with_capacity(64 * 1024, file);
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
                let path = Path::new(line.trim_end_matches('\n'));
                if wanted.contains(path) {
                    owners
                        .entry(path.to_path_buf())
                        .or_insert_with(|| package.to_owned());
                }
            }
        }
        Some(DpkgIndex {
            admindir: admindir.to_path_buf(),
            owners,
        })
    }

    /// The set to pass to `load` for these files: each path, its canonical
    /// form, and their merged-/usr aliases (dpkg may list `/bin/x` for `/usr/bin/x`).
    pub fn wanted<'a>(paths: impl IntoIterator<Item = &'a Path>) -> HashSet<PathBuf> {
        let mut wanted = HashSet::new();
        for path in paths {
            let canonical = std::fs::canonicalize(path).ok();
            for p in std::iter::once(path.to_path_buf()).chain(canonical) {
                if let Some(alias) = usr_alias(&p) {
                    wanted.insert(alias);
                }
                wanted.insert(p);
            }
        }
        wanted
    }

    /// Whether `path` differs from what `package` installed (dpkg's md5sums);
    /// `None` when dpkg recorded no checksum for it.
    pub fn is_modified(&self, package: &str, path: &Path) -> Option<bool> {
        let recorded = self.recorded_md5(package, path)?;
        let (mut file, _) = crate::state::open_regular(path).ok()?;
        let mut hasher = md5::Md5::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buf[..n]),
                Err(_) => return None,
            }
        }
        let hex: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Some(hex != recorded)
    }

    fn recorded_md5(&self, package: &str, path: &Path) -> Option<String> {
        let info = self.admindir.join("info");
        let text = crate::state::read_text(
            info.join(format!("{package}.md5sums")),
            64 * crate::state::MIB,
        )
        .or_else(|_| {
            crate::state::read_text(
                info.join(format!("{package}:{}.md5sums", dpkg_arch())),
                64 * crate::state::MIB,
            )
        })
        .ok()?;
        let rel = path.to_str()?.trim_start_matches('/');
        let alias = rel
            .strip_prefix("usr/")
            .map(str::to_owned)
            .unwrap_or_else(|| format!("usr/{rel}"));
        text.lines().find_map(|line| {
            let (sum, file) = line.split_once("  ")?;
            (file == rel || file == alias).then(|| sum.to_owned())
        })
    }

    /// The package owning `path`, trying the merged-/usr alias too (`/bin/x` ↔ `/usr/bin/x`).
    pub fn owner(&self, path: &Path) -> Option<&str> {
        if let Some(p) = self.owners.get(path) {
            return Some(p);
        }
        self.owners.get(&usr_alias(path)?).map(String::as_str)
    }

    /// The installed version of `package` from dpkg's status file.
    pub fn package_version(&self, package: &str) -> Option<String> {
        let status =
            crate::state::read_text(self.admindir.join("status"), 64 * crate::state::MIB).ok()?;
        let stanza = status
            .split("\n\n")
            .find(|s| s.lines().any(|l| l == format!("Package: {package}")))?;
        stanza
            .lines()
            .find_map(|l| l.strip_prefix("Version: "))
            .map(str::to_owned)
    }
}

/// `/bin/x` ↔ `/usr/bin/x`.
fn usr_alias(path: &Path) -> Option<PathBuf> {
    match path.strip_prefix("/usr") {
        Ok(rest) => Some(Path::new("/").join(rest)),
        Err(_) => Some(Path::new("/usr").join(path.strip_prefix("/").ok()?)),
    }
}

/// The upstream part of a Debian version: `1:2.39.2-1+b1` → `2.39.2`,
/// `4.8+really4.7.5-1` → `4.7.5`, `0.4.0~~pre6-1` → `0.4.0`.
pub fn upstream_version(debian: &str) -> String {
    let v = debian.split_once(':').map_or(debian, |(_, rest)| rest);
    let v = v.rsplit_once('-').map_or(v, |(upstream, _)| upstream);
    let v = v.rsplit_once("really").map_or(v, |(_, real)| real);
    v.split(['+', '~']).next().unwrap_or(v).to_owned()
}

fn dpkg_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn finds_owners_with_usr_merge_and_arch_qualifiers() {
        let dir = tempfile::tempdir().unwrap();
        let info = dir.path().join("info");
        std::fs::create_dir_all(&info).unwrap();
        std::fs::write(
            info.join("ripgrep.list"),
            "/.\n/usr\n/usr/bin\n/usr/bin/rg\n/usr/share/doc/ripgrep\n",
        )
        .unwrap();
        std::fs::write(info.join("bash:amd64.list"), "/bin/bash\n").unwrap();
        let wanted = DpkgIndex::wanted([Path::new("/usr/bin/rg"), Path::new("/usr/bin/bash")]);
        let index = DpkgIndex::load(dir.path(), &wanted).unwrap();
        assert_eq!(index.owner(Path::new("/usr/bin/rg")), Some("ripgrep"));
        assert_eq!(index.owner(Path::new("/bin/rg")), Some("ripgrep"));
        assert_eq!(index.owner(Path::new("/usr/bin/bash")), Some("bash"));
        assert_eq!(index.owner(Path::new("/usr/bin/fd")), None);
        assert!(DpkgIndex::load(&dir.path().join("missing"), &wanted).is_none());
    }

    #[test]
    fn detects_files_changed_since_dpkg_installed_them() {
        let dir = tempfile::tempdir().unwrap();
        let info = dir.path().join("info");
        std::fs::create_dir_all(&info).unwrap();
        let file = dir.path().join("tool");
        std::fs::write(&file, b"hello\n").unwrap();
        let rel = file.to_str().unwrap().trim_start_matches('/');
        // md5("hello\n")
        std::fs::write(
            info.join("pkg.md5sums"),
            format!("b1946ac92492d2347c6235b4d2611184  {rel}\n"),
        )
        .unwrap();
        std::fs::write(info.join("pkg.list"), format!("/{rel}\n")).unwrap();
        std::fs::write(dir.path().join("status"), "Package: other\nVersion: 1\n\nPackage: pkg\nStatus: install ok installed\nVersion: 1:2.3.4-1+b2\n").unwrap();
        let index = DpkgIndex::load(dir.path(), &DpkgIndex::wanted([file.as_path()])).unwrap();
        assert_eq!(index.is_modified("pkg", &file), Some(false));
        std::fs::write(&file, b"changed\n").unwrap();
        assert_eq!(index.is_modified("pkg", &file), Some(true));
        assert_eq!(index.is_modified("other", &file), None);
        assert_eq!(
            index.package_version("pkg").as_deref(),
            Some("1:2.3.4-1+b2")
        );
    }

    #[test]
    fn debian_versions_to_upstream() {
        assert_eq!(upstream_version("1:2.39.2-1+b1"), "2.39.2");
        assert_eq!(upstream_version("4.8+really4.7.5-1"), "4.7.5");
        assert_eq!(upstream_version("0.4.0~~pre6-1+b1"), "0.4.0");
        assert_eq!(upstream_version("0.8.1-1+b6"), "0.8.1");
        assert_eq!(upstream_version("590"), "590");
    }
}
