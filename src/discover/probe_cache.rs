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

const CACHE_SCHEMA: u32 = 1;

/// The identity of a file on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub size: u64,
    pub mtime_ns: i128,
    pub ctime_ns: i128,
    pub ino: u64,
    pub dev: u64,
}

impl Fingerprint {
    /// Reads the fingerprint of `path` (following links).
    pub fn of(path: &Path) -> Option<Fingerprint> {
        let m = std::fs::metadata(path).ok()?;
        Some(Fingerprint {
            size: m.size(),
            mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
            ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
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
    },
    /// Output did not match the tool's identity pattern.
    Impostor { line: String },
    /// The program answered but no version could be read.
    NoVersion {
        line: String,
        method: Method,
        reason: String,
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
        let file: CacheFile = std::fs::read(path)
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
        (entry.fingerprint == *fingerprint && entry.spec == spec_hash(tool))
            .then(|| entry.finding.clone())
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
    h.finish()
}
