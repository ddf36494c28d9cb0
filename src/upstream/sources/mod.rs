//! One file per upstream source, each behind the small `Source` trait, and
//! the list of them. Adding a source is one file here plus one line in
//! `SOURCES`: its catalog kind, its addresses (with their variables and
//! config keys) and how its client names them all live on the source.
//!
//! Every source turns a catalog `upstream` into the latest stable release,
//! skipping drafts, pre-releases and yanked versions unless asked for them,
//! and reads registry documents as streams into the few fields it uses.

mod crates;
pub(crate) mod debian;
pub mod documents;
mod github;
mod gitlab;
mod gnu;
mod npm;
mod pypi;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde::de::DeserializeOwned;

use super::Upstream;
use super::addresses::{Addresses, Registry};
use super::http::{BodyError, BodyInfo, HttpClient, Reply, Request};

/// Every upstream source toolup knows, in no particular order.
pub static SOURCES: &[&dyn Source] = &[
    &github::Github,
    &gitlab::Gitlab,
    &gnu::Gnu,
    &pypi::Pypi,
    &npm::Npm,
    &crates::Crates,
    &debian::Debian,
];

/// An upstream source: a registry or release page that knows latest versions.
/// Its name, addresses and their discovery are its `Registry` side.
pub trait Source: Registry {
    /// Checks the name after the colon; the error says what was expected.
    fn check(&self, _ident: &str) -> Result<(), String> {
        Ok(())
    }
    /// The URL `toolup doctor` asks to see that address `key` (at `base`)
    /// answers: the smallest document the registry serves.
    fn ping_url(&self, _key: &str, base: &str) -> String {
        format!("{base}/")
    }
    /// True when lookups send the GitHub token (so it is looked up first).
    fn uses_github_token(&self) -> bool {
        false
    }
    /// The latest release of `ident`.
    fn lookup(&self, cx: &Context<'_>, q: &Query<'_>, ident: &str) -> Lookup;
}

/// Every `[sources]` key any source accepts, for config validation.
pub fn config_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = SOURCES
        .iter()
        .flat_map(|s| s.addresses().iter().map(|a| a.key))
        .collect();
    keys.sort_unstable();
    keys
}

/// The key of GitHub's API address (where the token goes).
pub const GITHUB_API: &str = github::API;

/// The source of a catalog kind.
pub fn source(kind: &str) -> Option<&'static dyn Source> {
    SOURCES.iter().copied().find(|s| s.kind() == kind)
}

/// Every kind, sorted, for messages.
pub fn kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = SOURCES.iter().map(|s| s.kind()).collect();
    kinds.sort_unstable();
    kinds
}

/// A release found upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub version: String,
    /// RFC 3339 publish time, when the registry says.
    pub published_at: Option<String>,
    pub etag: Option<String>,
    /// Which lookup worked (`releases_latest`, `atom`, `sparse_index`, …): tried first next time.
    pub method: &'static str,
}

impl Release {
    /// A release known only by its version (no publish time, no ETag).
    pub fn bare(version: String, method: &'static str) -> Release {
        Release {
            version,
            published_at: None,
            etag: None,
            method,
        }
    }
}

/// What a lookup concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(Release),
    /// 304: the cached version still holds.
    Unchanged,
    Failed(String),
}

/// Shared state for one run's lookups.
pub struct Context<'a> {
    pub client: &'a HttpClient,
    pub addresses: &'a Addresses,
    pub github_token: Option<&'a str>,
    /// Set once GitHub says the quota is gone: no more API calls this run.
    pub github_limited: AtomicBool,
    pub github_reset: AtomicU64,
    /// Every name this run asks each kind about, for sources that answer
    /// many names from one document (Debian's Sources index).
    pub wanted: BTreeMap<&'static str, BTreeSet<String>>,
    /// Documents such sources read once per run.
    pub shared: std::sync::Mutex<BTreeMap<&'static str, std::sync::Arc<SharedDocument>>>,
    /// Sources a lookup needed and found no address for: kind → why.
    pub missing: std::sync::Mutex<BTreeMap<&'static str, String>>,
}

/// A per-run document shared by the lookups of one source.
pub type SharedDocument = std::sync::OnceLock<Result<BTreeMap<String, String>, String>>;

impl<'a> Context<'a> {
    pub fn new(
        client: &'a HttpClient,
        addresses: &'a Addresses,
        github_token: Option<&'a str>,
    ) -> Context<'a> {
        Context {
            client,
            addresses,
            github_token,
            github_limited: AtomicBool::new(false),
            github_reset: AtomicU64::new(0),
            wanted: BTreeMap::new(),
            shared: std::sync::Mutex::new(BTreeMap::new()),
            missing: std::sync::Mutex::new(BTreeMap::new()),
        }
    }

    /// The reset time (Unix seconds, 0 if unknown) once GitHub's API quota ran out in this run.
    pub fn github_rate_limited(&self) -> Option<u64> {
        self.github_limited
            .load(Ordering::Relaxed)
            .then(|| self.github_reset.load(Ordering::Relaxed))
    }

    /// The slot for a per-run document of `kind` (filled by the first lookup that needs it).
    pub fn shared_document(&self, kind: &'static str) -> std::sync::Arc<SharedDocument> {
        self.shared
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(kind)
            .or_default()
            .clone()
    }

    /// The address `key` of `source`, or the failure that says where none was found.
    pub fn address(&self, source: &dyn Source, key: &str) -> Result<String, Lookup> {
        match self.addresses.get(source, key) {
            Some(address) => Ok(address.url),
            None => Err(Lookup::Failed(self.no_address(source))),
        }
    }

    /// Notes (once per run, for the warning) that `source` has no address, and says why.
    pub fn no_address(&self, source: &dyn Source) -> String {
        let why = self.addresses.missing(source);
        self.missing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(source.kind())
            .or_insert_with(|| why.clone());
        why
    }
}

/// What one lookup is about.
pub struct Query<'q> {
    pub tool: &'q str,
    pub upstream: &'q Upstream,
    /// The ETag of the last good answer from this source, for a conditional request.
    pub etag: Option<&'q str>,
    /// The method that worked last time.
    pub hint: Option<&'q str>,
    pub prereleases: bool,
    /// With a minimum release age: releases published after this are not yet latest.
    pub cutoff: Option<std::time::SystemTime>,
}

/// Looks up the latest release of one tool from one of its sources.
pub fn lookup(cx: &Context<'_>, q: &Query<'_>) -> Lookup {
    let started = std::time::Instant::now();
    let outcome = match source(q.upstream.kind()) {
        Some(source) => source.lookup(cx, q, q.upstream.ident()),
        None => Lookup::Failed(format!("unknown source {}", q.upstream)),
    };
    tracing::debug!(
        tool = q.tool,
        source = %q.upstream,
        elapsed_ms = started.elapsed().as_millis() as u64,
        found = matches!(outcome, Lookup::Found(_)),
        "lookup"
    );
    outcome
}

/// GET with the query's ETag, the body read by `read` as a stream: the
/// value and its ETag, or the `Lookup` that ends the search.
fn fetch_with<T>(
    cx: &Context<'_>,
    request: &Request<'_>,
    read: impl FnMut(&BodyInfo, &mut dyn Read) -> Result<T, BodyError>,
) -> Result<(T, Option<String>), Lookup> {
    match cx.client.fetch(request, read) {
        Reply::Ok { body, etag, .. } => Ok((body, etag)),
        Reply::NotModified => Err(Lookup::Unchanged),
        other => Err(Lookup::Failed(format!(
            "{}: {}",
            crate::base::redact::redact(request.url),
            other.describe()
        ))),
    }
}

/// `fetch_with`, deserializing JSON from the stream into `T` (which names
/// only the fields a source uses; serde skips the rest without keeping it).
fn fetch_json<T: DeserializeOwned>(
    cx: &Context<'_>,
    url: &str,
    accept: &str,
    etag: Option<&str>,
) -> Result<(T, Option<String>), Lookup> {
    let request = Request {
        url,
        accept,
        if_none_match: etag,
        ..Request::default()
    };
    fetch_with(cx, &request, |_, reader| read_json(reader))
}

/// Deserializes JSON from a body stream.
fn read_json<T: DeserializeOwned>(reader: &mut dyn Read) -> Result<T, BodyError> {
    serde_json::from_reader(std::io::BufReader::with_capacity(64 * 1024, reader))
        .map_err(|e| BodyError::json(&e))
}

/// Reads a text body line by line, handing each line to `each` (lossily
/// decoded; lines are bounded by the body's cap).
fn read_lines(reader: &mut dyn Read, mut each: impl FnMut(&str)) -> Result<(), BodyError> {
    use std::io::BufRead;
    let mut lines = std::io::BufReader::with_capacity(64 * 1024, reader);
    let mut line = Vec::new();
    loop {
        line.clear();
        match lines.read_until(b'\n', &mut line) {
            Ok(0) => return Ok(()),
            Ok(_) => each(&String::from_utf8_lossy(&line)),
            Err(e) => return Err(BodyError::io(&e)),
        }
    }
}
