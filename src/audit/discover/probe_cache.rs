//! Remembered probe results, keyed by the binary's identity, so a repeat
//! audit re-probes only what changed.
//!
//! The fingerprint is (size, mtime, ctime, inode, device) of the resolved
//! target. ctime cannot be set from user space, so even a replacement that
//! restores the old mtime (`cp -p`, `touch -r`) is re-probed; a different
//! catalog definition for the tool (args, patterns) invalidates too.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use crate::catalog::Tool;
use crate::model::{Method, VersionSource};

const CACHE_SCHEMA: u32 = 3;

/// The identity of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    // i64 nanoseconds (good until 2262): serde cannot buffer i128 inside
    // the internally tagged `CachedFinding`.
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
    pub dev: u64,
}

impl Fingerprint {
    /// Reads the fingerprint of `path` (following links).
    pub fn of(path: &Path) -> Option<Fingerprint> {
        let m = std::fs::metadata(path).ok()?;
        Some(Fingerprint {
            size: m.size(),
            mtime_ns: m
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(m.mtime_nsec()),
            ctime_ns: m
                .ctime()
                .saturating_mul(1_000_000_000)
                .saturating_add(m.ctime_nsec()),
            ino: m.ino(),
            dev: m.dev(),
        })
    }
}

/// What a previous run learned about one (tool, binary) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CachedFinding {
    /// A version, and how it was first read.
    Version {
        version: String,
        from: VersionSource,
        method: Method,
        reason: String,
        /// For versions read from a record: that file and its fingerprint then.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        record: Option<(String, Fingerprint)>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package: Option<String>,
    },
    /// Output did not match the tool's identity pattern.
    Impostor { line: String },
    /// The program answered but no version could be read.
    NoVersion {
        line: String,
        method: Method,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        package: Option<String>,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    fingerprint: Fingerprint,
    spec: u64,
    finding: CachedFinding,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    schema: u32,
    entries: BTreeMap<String, Entry>,
}

/// The in-memory probe cache for one run.
#[derive(Debug, Default)]
pub struct ProbeCache {
    entries: Mutex<BTreeMap<String, Entry>>,
    dirty: AtomicBool,
}

impl ProbeCache {
    /// Loads the cache file; a missing, unreadable or outdated file is an empty cache.
    pub fn load(path: &Path) -> ProbeCache {
        let file: CacheFile = crate::state::read_file(path, 64 * crate::state::MIB)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|f: &CacheFile| f.schema == CACHE_SCHEMA)
            .unwrap_or_default();
        ProbeCache {
            entries: Mutex::new(file.entries),
            dirty: AtomicBool::new(false),
        }
    }

    /// The cached finding for this tool and file, if the file and the tool's definition are unchanged.
    pub fn get(
        &self,
        tool: &Tool,
        found_as: &Path,
        target: &Path,
        fingerprint: &Fingerprint,
    ) -> Option<CachedFinding> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = entries.get(&key(tool, found_as, target))?;
        if entry.fingerprint != *fingerprint || entry.spec != spec_hash(tool) {
            return None;
        }
        if let CachedFinding::Version {
            record: Some((path, then)),
            ..
        } = &entry.finding
            && Fingerprint::of(Path::new(path)).as_ref() != Some(then)
        {
            return None;
        }
        Some(entry.finding.clone())
    }

    /// Records a finding.
    pub fn put(
        &self,
        tool: &Tool,
        found_as: &Path,
        target: &Path,
        fingerprint: Fingerprint,
        finding: CachedFinding,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let entry = Entry {
            fingerprint,
            spec: spec_hash(tool),
            finding,
        };
        let k = key(tool, found_as, target);
        if entries.get(&k).is_none_or(|old| {
            old.fingerprint != entry.fingerprint
                || old.finding != entry.finding
                || old.spec != entry.spec
        }) {
            entries.insert(k, entry);
            self.dirty.store(true, Ordering::Relaxed);
        }
    }

    /// The serialised cache when something changed since loading.
    pub fn to_bytes_if_dirty(&self) -> Option<Vec<u8>> {
        if !self.dirty.load(Ordering::Relaxed) {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let file = CacheFile {
            schema: CACHE_SCHEMA,
            entries: entries.clone(),
        };
        serde_json::to_vec(&file).ok()
    }
}

/// Keyed by the path the user runs and the file it resolves to: the method
/// depends on the first, the version on the second.
fn key(tool: &Tool, found_as: &Path, target: &Path) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        tool.name(),
        found_as.display(),
        target.display()
    )
}

/// Bumped whenever classification or version-reading rules change, so a cached
/// finding made under the old rules is made again rather than kept.
const RULES_REVISION: u32 = 2;

/// A hash of everything in the tool's definition that changes what a probe means.
fn spec_hash(tool: &Tool) -> u64 {
    let s = &tool.spec;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        &s.version_args,
        &s.version_pattern,
        &s.identity,
        &s.version_file,
        &s.version_file_pattern,
        &s.install,
    )
        .hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    RULES_REVISION.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_survives_a_round_trip_through_the_file() {
        let fp = Fingerprint {
            size: 1,
            mtime_ns: 2,
            ctime_ns: 3,
            ino: 4,
            dev: 5,
        };
        let findings = [
            CachedFinding::Version {
                version: "1.0".into(),
                from: VersionSource::Metadata,
                method: Method::Npm,
                reason: "r".into(),
                record: Some(("/x/package.json".into(), fp)),
                package: Some("x".into()),
            },
            CachedFinding::Impostor { line: "l".into() },
            CachedFinding::NoVersion {
                line: "l".into(),
                method: Method::Apt,
                reason: "r".into(),
                package: None,
            },
        ];
        for finding in findings {
            let entry = Entry {
                fingerprint: fp,
                spec: 9,
                finding: finding.clone(),
            };
            let text = serde_json::to_string(&entry).unwrap();
            let back: Entry = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(back.finding, finding);
        }
    }
}
