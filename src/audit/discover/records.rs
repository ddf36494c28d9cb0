//! Reading a version from a record the package itself ships, instead of
//! starting the program: a Python console script's `dist-info`, an npm
//! package's `package.json`, an SDK's `VERSION`/`release` file, cargo's
//! `.crates2.json`.
//!
//! A record is used only when it is trustworthy for *this* file: the owning
//! distribution must be the one the catalog names (so it doubles as the
//! identity check), it must list this script, and cargo's record must be at
//! least as new as the binary. Anything else falls back to a probe.

use super::classify::CargoOwner;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::catalog::Tool;
use crate::model::Version;

/// A version read from a record, and which record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub version: String,
    pub source: String,
    /// The file the version was read from: a cached answer is reused only
    /// while this file is unchanged too.
    pub path: PathBuf,
    /// The package the record belongs to (the dist, crate, npm package or gem).
    pub package: Option<String>,
}

/// Per-run memo of directory listings and parsed records.
#[derive(Debug, Default)]
pub struct RecordReader {
    sites: Mutex<HashMap<PathBuf, Arc<Vec<Dist>>>>,
    crates2: Mutex<HashMap<PathBuf, Option<Arc<Crates2>>>>,
}

#[derive(Debug)]
struct Dist {
    normalized: String,
    version: Option<String>,
    path: PathBuf,
}

#[derive(Debug)]
struct Crates2 {
    /// (crate, version, bins)
    installs: Vec<(String, String, Vec<String>)>,
    mtime: std::time::SystemTime,
}

impl RecordReader {
    /// Tries every record kind that fits this file.
    pub fn read(
        &self,
        tool: &Tool,
        found_as: &Path,
        target: &Path,
        cargo_bin: Option<&Path>,
    ) -> Option<Record> {
        if let Some(r) = version_file(tool, target) {
            return Some(r);
        }
        if target.components().any(|c| c.as_os_str() == "node_modules") {
            return npm_package(tool, target);
        }
        if let Some(dir) = cargo_bin
            && found_as.parent() == Some(dir)
            && let Some(r) = self.cargo_install(tool, found_as, dir)
        {
            return Some(r);
        }
        let head = read_head(target, 2048)?;
        let shebang = head.lines().next()?;
        if !shebang.starts_with("#!") {
            return None;
        }
        if shebang.contains("python") {
            return self.python_dist(tool, found_as, target, &head);
        }
        if shebang.contains("ruby") {
            return self.ruby_gem(tool, target, &head);
        }
        None
    }

    /// A RubyGems binstub names its gem (`Gem.activate_bin_path('rubocop', …)`);
    /// the highest installed spec of that gem is what it runs.
    fn ruby_gem(&self, tool: &Tool, target: &Path, head: &str) -> Option<Record> {
        let gem = head.lines().find_map(|l| {
            let rest = l.split("activate_bin_path(").nth(1)?;
            let quoted = rest.trim_start().strip_prefix(['\'', '"'])?;
            Some(quoted.split(['\'', '"']).next()?.to_owned())
        })?;
        if !expected_names(tool, "gem").contains(&gem) {
            return None;
        }
        let interpreter = head
            .lines()
            .next()?
            .trim_start_matches("#!")
            .split_whitespace()
            .next()
            .map(PathBuf::from);
        let mut dirs: Vec<PathBuf> = vec![PathBuf::from(
            "/usr/share/rubygems-integration/all/specifications",
        )];
        let prefixes = [
            target.parent()?.parent().map(Path::to_path_buf),
            interpreter.and_then(|i| i.parent()?.parent().map(Path::to_path_buf)),
            Some(PathBuf::from("/var/lib")),
        ];
        for prefix in prefixes.into_iter().flatten() {
            for gems in [prefix.join("lib/ruby/gems"), prefix.join("gems")] {
                if let Ok(entries) = std::fs::read_dir(&gems) {
                    dirs.extend(
                        entries
                            .filter_map(Result::ok)
                            .map(|e| e.path().join("specifications")),
                    );
                }
            }
        }
        let best = dirs
            .iter()
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|entries| entries.filter_map(Result::ok))
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let version = name
                    .strip_suffix(".gemspec")?
                    .strip_prefix(&format!("{gem}-"))?
                    .to_owned();
                let parsed = Version::parse(&version).ok()?;
                Some((parsed, version, e.path()))
            })
            .max_by(|a, b| a.0.cmp(&b.0))?;
        Some(Record {
            version: best.1,
            source: best.2.file_name()?.to_string_lossy().into_owned(),
            path: best.2,
            package: Some(gem),
        })
    }

    fn python_dist(
        &self,
        tool: &Tool,
        found_as: &Path,
        target: &Path,
        head: &str,
    ) -> Option<Record> {
        let first = head.lines().next()?;
        let expected = expected_names(tool, "pypi");
        let script = found_as.file_name()?.to_str()?;
        let interpreter = first
            .trim_start_matches("#!")
            .split_whitespace()
            .next()
            .map(PathBuf::from);
        let prefixes = [
            target.parent()?.parent().map(Path::to_path_buf),
            interpreter
                .as_deref()
                .and_then(|i| i.parent()?.parent().map(Path::to_path_buf)),
        ];
        for prefix in prefixes.into_iter().flatten() {
            for site in site_dirs(&prefix) {
                let dists = self.site(&site);
                for dist in dists.iter().filter(|d| {
                    expected
                        .iter()
                        .any(|e| crate::model::package_name::python_project(e) == d.normalized)
                }) {
                    if lists_console_script(&dist.path, script)
                        || imports_dist(head, &dist.normalized)
                        || records_script(&dist.path, script)
                    {
                        let version = dist
                            .version
                            .clone()
                            .or_else(|| pkg_info_version(&dist.path))?;
                        let label = dist.path.file_name()?.to_string_lossy().into_owned();
                        return Some(Record {
                            version,
                            source: label,
                            path: dist.path.clone(),
                            package: dist
                                .path
                                .file_name()
                                .and_then(|n| n.to_str())
                                .and_then(|n| n.split('-').next())
                                .map(str::to_owned),
                        });
                    }
                }
            }
        }
        None
    }

    fn site(&self, site: &Path) -> Arc<Vec<Dist>> {
        let mut sites = self.sites.lock().unwrap_or_else(|e| e.into_inner());
        sites
            .entry(site.to_path_buf())
            .or_insert_with(|| Arc::new(list_dists(site)))
            .clone()
    }

    /// cargo's record in `cargo_home`, read once per run.
    fn crates2(&self, cargo_home: &Path) -> Option<Arc<Crates2>> {
        let mut memo = self.crates2.lock().unwrap_or_else(|e| e.into_inner());
        memo.entry(cargo_home.to_path_buf())
            .or_insert_with(|| load_crates2(cargo_home).map(Arc::new))
            .clone()
    }

    /// Which crate's `cargo install` put binary `bin` into `cargo_home/bin`.
    pub fn cargo_owner(&self, cargo_home: &Path, bin: &str) -> CargoOwner {
        let Some(crates2) = self.crates2(cargo_home) else {
            return CargoOwner::NoRecord;
        };
        crates2
            .installs
            .iter()
            .find(|(_, _, bins)| bins.iter().any(|b| b == bin))
            .map_or(CargoOwner::NotListed, |(krate, _, _)| {
                CargoOwner::Crate(krate.clone())
            })
    }

    fn cargo_install(&self, tool: &Tool, binary: &Path, cargo_bin: &Path) -> Option<Record> {
        let home = cargo_bin.parent()?;
        let crates2 = self.crates2(home)?;
        let bin = binary.file_name()?.to_str()?;
        let expected = expected_names(tool, "cargo");
        let (krate, version, _) = crates2.installs.iter().find(|(krate, _, bins)| {
            bins.iter().any(|b| b == bin) && expected.iter().any(|e| e == krate)
        })?;
        // A binary newer than cargo's record was replaced by something else.
        let bin_mtime = std::fs::metadata(binary).and_then(|m| m.modified()).ok()?;
        if bin_mtime > crates2.mtime + std::time::Duration::from_secs(2) {
            return None;
        }
        Some(Record {
            version: version.clone(),
            source: format!("cargo install {krate} {version}"),
            path: home.join(".crates2.json"),
            package: Some(krate.clone()),
        })
    }
}

/// Names a record may carry for this tool: the catalog's package for that
/// registry and the upstream name when it is that registry. Never the bare tool
/// name: Debian's Python `yq` would otherwise vouch for mikefarah's `yq`.
fn expected_names(tool: &Tool, install_key: &str) -> Vec<String> {
    let mut names: Vec<String> = tool
        .spec
        .install
        .get(install_key)
        .cloned()
        .into_iter()
        .collect();
    let kind = match install_key {
        "pypi" => "pypi",
        "npm" => "npm",
        "cargo" => "crates",
        _ => "",
    };
    names.extend(tool.upstream.of_kind(kind).map(|u| u.ident().to_owned()));
    names
}

fn read_head(path: &Path, limit: usize) -> Option<String> {
    use std::io::Read;
    let mut buf = vec![0u8; limit];
    let (mut file, _) = crate::state::open_regular(path).ok()?;
    let n = file.read(&mut buf).ok()?;
    buf.truncate(n);
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// `lib/python3*/{site,dist}-packages` and Debian's `lib/python3/dist-packages`.
fn site_dirs(prefix: &Path) -> Vec<PathBuf> {
    let lib = prefix.join("lib");
    let Ok(entries) = std::fs::read_dir(&lib) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with("python") {
            for leaf in ["site-packages", "dist-packages"] {
                let site = entry.path().join(leaf);
                if site.is_dir() {
                    out.push(site);
                }
            }
        }
    }
    out.sort();
    out
}

fn list_dists(site: &Path) -> Vec<Dist> {
    let Ok(entries) = std::fs::read_dir(site) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name
                .strip_suffix(".dist-info")
                .or_else(|| name.strip_suffix(".egg-info"))?;
            let mut parts = stem.split('-');
            let dist = parts.next()?;
            let version = parts
                .next()
                .filter(|v| Version::parse(v).is_ok())
                .map(str::to_owned);
            Some(Dist {
                normalized: crate::model::package_name::python_project(dist),
                version,
                path: e.path(),
            })
        })
        .collect()
}

/// True when `entry_points.txt` declares `script` under `[console_scripts]` or `[gui_scripts]`.
fn lists_console_script(dist: &Path, script: &str) -> bool {
    let Ok(text) = crate::state::read_text(dist.join("entry_points.txt"), 16 * crate::state::MIB)
    else {
        return false;
    };
    let mut in_scripts = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_scripts = line == "[console_scripts]" || line == "[gui_scripts]";
        } else if in_scripts && line.split('=').next().is_some_and(|k| k.trim() == script) {
            return true;
        }
    }
    false
}

/// A script that imports the distribution's package runs that distribution
/// (awscli's `aws`, checkov, Mercurial's `hg` are plain scripts, not entry points).
fn imports_dist(head: &str, normalized: &str) -> bool {
    let module = normalized.replace('-', "_");
    head.lines().any(|l| {
        let l = l.trim();
        let imported = l
            .strip_prefix("from ")
            .or_else(|| l.strip_prefix("import "));
        imported.is_some_and(|rest| {
            let name = rest.split([' ', '.', ',']).next().unwrap_or("");
            name == module
        })
    })
}

/// pip's `RECORD` lists the scripts it installed (`../../../bin/aws,sha256=…`).
fn records_script(dist: &Path, script: &str) -> bool {
    let Ok(text) = crate::state::read_text(dist.join("RECORD"), 16 * crate::state::MIB) else {
        return false;
    };
    let suffix = format!("/bin/{script}");
    text.lines()
        .any(|l| l.split(',').next().is_some_and(|p| p.ends_with(&suffix)))
}

fn pkg_info_version(dist: &Path) -> Option<String> {
    let text = crate::state::read_text(dist.join("METADATA"), 16 * crate::state::MIB)
        .or_else(|_| crate::state::read_text(dist.join("PKG-INFO"), 16 * crate::state::MIB))
        .ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix("Version:"))
        .map(|v| v.trim().to_owned())
}

/// `package.json` of the npm package that contains `target`.
fn npm_package(tool: &Tool, target: &Path) -> Option<Record> {
    let components: Vec<_> = target.components().collect();
    let nm = components
        .iter()
        .rposition(|c| c.as_os_str() == "node_modules")?;
    let first = components.get(nm + 1)?.as_os_str().to_str()?;
    let depth = if first.starts_with('@') {
        nm + 3
    } else {
        nm + 2
    };
    let root: PathBuf = components.get(..depth)?.iter().collect();
    let manifest = root.join("package.json");
    let json: serde_json::Value =
        serde_json::from_slice(&crate::state::read_file(&manifest, 16 * crate::state::MIB).ok()?)
            .ok()?;
    let name = json.get("name")?.as_str()?;
    let version = json.get("version")?.as_str()?;
    let expected = expected_names(tool, "npm");
    if !expected.iter().any(|e| e == name) || Version::parse(version).is_err() {
        return None;
    }
    Some(Record {
        version: version.to_owned(),
        source: format!("{name}/package.json"),
        path: manifest,
        package: Some(name.to_owned()),
    })
}

/// The catalog's `version_file`, relative to the binary's directory.
fn version_file(tool: &Tool, target: &Path) -> Option<Record> {
    let rel = tool.spec.version_file.as_deref()?;
    let file = target.parent()?.join(rel);
    let text = read_head(&file, 64 * 1024)?;
    let version = match tool.version_file_regex() {
        Some(re) => re.captures(&text)?.get(1)?.as_str().to_owned(),
        None => text.lines().next()?.trim().to_owned(),
    };
    Version::parse(&version).ok()?;
    let shown = std::fs::canonicalize(&file).unwrap_or(file);
    Some(Record {
        version,
        source: shown.display().to_string(),
        path: shown,
        package: None,
    })
}

fn load_crates2(cargo_home: &Path) -> Option<Crates2> {
    let path = cargo_home.join(".crates2.json");
    let mtime = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    let json: serde_json::Value =
        serde_json::from_slice(&crate::state::read_file(&path, 16 * crate::state::MIB).ok()?)
            .ok()?;
    let installs = json
        .get("installs")?
        .as_object()?
        .iter()
        .filter_map(|(key, value)| {
            let mut words = key.split_whitespace();
            let krate = words.next()?.to_owned();
            let version = words.next()?.to_owned();
            let bins = value
                .get("bins")?
                .as_array()?
                .iter()
                .filter_map(|b| b.as_str().map(str::to_owned))
                .collect();
            Some((krate, version, bins))
        })
        .collect();
    Some(Crates2 { installs, mtime })
}
