//! What client processes answered (`npm config get registry`, pip's index
//! model), cached so a warm run starts no client process.
//!
//! An answer stays valid while its fingerprint does: the client program's
//! identity (device, inode, size, mtime of the resolved file), the files the
//! client reads (present or absent, with size and mtime) and the variables it
//! reads (as hashes, never values: a variable may hold a credential). An
//! answer that carries a credential is never written.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The cache file, in toolup's cache directory.
pub const FILE_NAME: &str = "client_answers.json";

/// What an answer depends on: `(what, state)` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint(Vec<(String, String)>);

impl Fingerprint {
    /// A program, by the identity of the file it resolves to.
    pub fn program(mut self, path: &Path) -> Fingerprint {
        let state = std::fs::metadata(path).map_or_else(|_| "absent".to_owned(), |m| identity(&m));
        self.0.push((format!("program {}", path.display()), state));
        self
    }

    /// A file the client reads (its absence counts too).
    pub fn file(mut self, path: &Path) -> Fingerprint {
        self.0
            .push((format!("file {}", path.display()), file_state(path)));
        self
    }

    /// A variable the client reads, as a hash of its value.
    pub fn var(mut self, name: &str) -> Fingerprint {
        let state = std::env::var_os(name).map_or_else(
            || "unset".to_owned(),
            |v| hex(&Sha256::digest(v.as_encoded_bytes())),
        );
        self.0.push((format!("variable {name}"), state));
        self
    }
}

/// One cached answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    fingerprint: Fingerprint,
    /// Files named by the answer itself (pip's module file), re-checked too.
    #[serde(default)]
    depends_on: Vec<(String, String)>,
    answer: Option<String>,
}

/// The cache of client answers for one run.
#[derive(Debug, Default)]
pub struct ClientAnswers {
    path: Option<PathBuf>,
    entries: Mutex<BTreeMap<String, Cached>>,
    dirty: AtomicBool,
}

impl ClientAnswers {
    /// Reads the cache at `path` (a missing or corrupt one is empty: it is only a cache).
    pub fn load(path: Option<PathBuf>) -> ClientAnswers {
        let entries = path
            .as_deref()
            .and_then(|p| crate::state::read_file(p, 16 * crate::state::MIB).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        ClientAnswers {
            path,
            entries: Mutex::new(entries),
            dirty: AtomicBool::new(false),
        }
    }

    /// The answer to `question` (a program and its arguments, as text):
    /// cached while `fingerprint` and the answer's own dependencies hold,
    /// otherwise asked now. `ask` returns the answer and the files it names.
    /// The second value is true when the answer came from the cache.
    pub fn ask(
        &self,
        question: &str,
        fingerprint: Fingerprint,
        ask: impl FnOnce() -> (Option<String>, Vec<PathBuf>),
    ) -> (Option<String>, bool) {
        {
            let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(hit) = entries.get(question)
                && hit.fingerprint == fingerprint
                && hit
                    .depends_on
                    .iter()
                    .all(|(path, state)| file_state(Path::new(path)) == *state)
            {
                return (hit.answer.clone(), true);
            }
        }
        let (answer, files) = ask();
        if answer.as_deref().is_some_and(has_credentials) {
            return (answer, false);
        }
        let depends_on = files
            .iter()
            .map(|f| (f.display().to_string(), file_state(f)))
            .collect();
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                question.to_owned(),
                Cached {
                    fingerprint,
                    depends_on,
                    answer: answer.clone(),
                },
            );
        self.dirty.store(true, Ordering::Relaxed);
        (answer, false)
    }

    /// Writes the cache if anything new was asked.
    pub fn save(&self) {
        let Some(path) = &self.path else { return };
        if !self.dirty.load(Ordering::Relaxed) {
            return;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(text) = serde_json::to_string_pretty(&*entries)
            && let Err(e) = crate::state::write_atomic(path, text.as_bytes())
        {
            tracing::debug!("cannot save {}: {e}", path.display());
        }
    }
}

/// True when a URL carries a user name or password.
pub fn has_credentials(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.contains('@')
}

fn identity(m: &std::fs::Metadata) -> String {
    format!(
        "{}:{}:{}:{}",
        m.dev(),
        m.ino(),
        m.size(),
        m.mtime_nsec() + m.mtime() * 1_000_000_000
    )
}

fn file_state(path: &Path) -> String {
    std::fs::metadata(path).map_or_else(|_| "absent".to_owned(), |m| identity(&m))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn answers_are_reused_while_their_fingerprint_holds() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("npmrc");
        let cache = dir.path().join(FILE_NAME);
        let answers = ClientAnswers::load(Some(cache.clone()));
        let fp = || Fingerprint::default().file(&config);
        let (a, cached) = answers.ask("npm config get registry", fp(), || {
            (Some("https://one.example".into()), vec![])
        });
        assert_eq!((a.as_deref(), cached), (Some("https://one.example"), false));
        answers.save();
        let answers = ClientAnswers::load(Some(cache.clone()));
        let (a, cached) = answers.ask("npm config get registry", fp(), || unreachable!());
        assert_eq!((a.as_deref(), cached), (Some("https://one.example"), true));
        // The client's config appears: asked again.
        std::fs::write(&config, "registry=https://two.example\n").unwrap();
        let (a, cached) = answers.ask("npm config get registry", fp(), || {
            (Some("https://two.example".into()), vec![])
        });
        assert_eq!((a.as_deref(), cached), (Some("https://two.example"), false));
    }

    #[test]
    fn answers_with_credentials_are_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join(FILE_NAME);
        let answers = ClientAnswers::load(Some(cache.clone()));
        answers.ask("q", Fingerprint::default(), || {
            (
                Some("https://user:secret@mirror.example/simple".into()),
                vec![],
            )
        });
        answers.save();
        assert!(!cache.exists());
        assert!(has_credentials("https://u:p@h/x"));
        assert!(!has_credentials("https://h/x@y"));
    }
}
