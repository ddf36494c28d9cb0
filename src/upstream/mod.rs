//! Upstream releases: what is current, fetched politely and cached so that
//! nothing known is ever lost.
//!
//! Order of answers for a tool: this run's fetch (`from: network`), the
//! user's cache (`cache`), the committed baseline embedded in the binary
//! (`manual`). A failed fetch never replaces a cached entry; the cache is
//! read-modify-written under a file lock and replaced atomically, so two
//! toolup processes at once both land their results.

mod dns;
mod endpoints;
mod http;
mod latest_versions;
mod sources;
mod tags;
mod token;

pub use endpoints::Endpoints;
pub use http::{HttpClient, HttpOptions, Request, Response};
pub use latest_versions::{Entry, LatestVersions, LatestVersionsError};
pub use token::{Token, github_token};

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use crate::catalog::{Tool, Upstream};
use crate::model::{Latest, LatestFrom};
use sources::{Context, Lookup, Query};

/// The baseline shipped inside the binary.
pub static EMBEDDED_BASELINE: &str = include_str!("../../latest_versions.json");

/// How to refresh.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// Fetch even entries younger than the TTL.
    pub force: bool,
    pub ttl: Duration,
    /// How long a failed lookup is not retried (unless forced).
    pub failure_ttl: Duration,
    /// Requests in flight at once (the network pool, separate from probes).
    pub jobs: usize,
    /// A release younger than this is not yet called latest.
    pub min_release_age: Option<Duration>,
    pub http: HttpOptions,
}

impl Default for RefreshOptions {
    fn default() -> RefreshOptions {
        RefreshOptions {
            force: false,
            ttl: Duration::from_secs(3600),
            failure_ttl: Duration::from_secs(600),
            jobs: 16,
            min_release_age: None,
            http: HttpOptions::default(),
        }
    }
}

/// What a refresh did, honestly counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshReport {
    /// A new answer arrived (possibly the same version).
    pub fetched: usize,
    /// The server said 304, or the cache entry was within its TTL.
    pub unchanged: usize,
    pub failed: usize,
    /// When GitHub rate-limited this run: its reset time (Unix seconds, 0 if unknown).
    pub github_rate_limited: Option<u64>,
}

/// Answers "what is the latest release of this tool?".
#[derive(Debug, Default)]
pub struct LatestSource {
    user: LatestVersions,
    baseline: LatestVersions,
    /// This run's successful fetches (tool → entry), and new hints.
    fresh: BTreeMap<String, Entry>,
    hints: BTreeMap<String, String>,
    failures: BTreeMap<String, String>,
    /// This run's failed lookups and when, for the negative cache.
    failed_now: BTreeMap<String, String>,
    /// When lookups last failed (`upstream_failures.json`, beside the cache):
    /// not retried until the failure TTL passes, so an unreachable source
    /// costs one timeout per TTL, and `latest_versions.json` itself is left
    /// byte for byte as it was when nothing could be fetched.
    failed_before: BTreeMap<String, String>,
    ttl: Duration,
}

impl LatestSource {
    /// The user cache at `user_cache` (if readable) over the embedded baseline.
    /// A corrupt user cache is reported and treated as empty: it is only a cache.
    pub fn load(user_cache: Option<&Path>, ttl: Duration) -> LatestSource {
        let user = match user_cache.map(|p| (p, std::fs::read_to_string(p))) {
            Some((path, Ok(text))) => LatestVersions::parse(&text).unwrap_or_else(|e| {
                tracing::warn!("ignoring {}", LatestVersionsError::at(path, e));
                LatestVersions::default()
            }),
            _ => LatestVersions::default(),
        };
        let failed_before = user_cache
            .and_then(|p| std::fs::read(failures_path(p)).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        LatestSource {
            user,
            baseline: LatestVersions::parse(EMBEDDED_BASELINE).unwrap_or_default(),
            failed_before,
            ttl,
            ..LatestSource::default()
        }
    }

    /// Fetches what is due for `tools`; never opens a socket unless called.
    /// `token` is asked only when a GitHub lookup is due (it may run `gh`).
    pub fn refresh(
        &mut self,
        tools: &[&Tool],
        options: &RefreshOptions,
        endpoints: impl FnOnce() -> Endpoints,
        token: impl FnOnce() -> Option<Token>,
    ) -> RefreshReport {
        let now = SystemTime::now();
        let cutoff = options.min_release_age.and_then(|age| now.checked_sub(age));
        let due: Vec<&Tool> = tools
            .iter()
            .copied()
            .filter(|t| t.upstream != Upstream::None)
            .filter(|t| {
                options.force
                    || !(self.is_fresh(t, now) || self.failed_recently(t, options.failure_ttl, now))
            })
            .collect();
        let mut report = RefreshReport {
            unchanged: tools
                .iter()
                .filter(|t| t.upstream != Upstream::None)
                .count()
                - due.len(),
            ..RefreshReport::default()
        };
        if due.is_empty() {
            return report;
        }
        let token = if due
            .iter()
            .any(|t| matches!(t.upstream, Upstream::Github { .. }))
        {
            token()
        } else {
            None
        };
        let client = HttpClient::new(options.http.clone());
        let endpoints = endpoints();
        let cx = Context::new(&client, &endpoints, token.as_ref().map(Token::expose));
        let lookups = |tool: &&Tool| {
            let source = tool.upstream.to_string();
            let cached_here = self.user.get(tool.name(), &source).is_some();
            let query = Query {
                tool: tool.name(),
                upstream: &tool.upstream,
                etag: if cached_here {
                    self.user.etags.get(tool.name()).map(String::as_str)
                } else {
                    None
                },
                hint: self.user.hints.get(&source).map(String::as_str),
                prereleases: tool.spec.prereleases,
                cutoff,
            };
            (tool.name().to_owned(), source, sources::lookup(&cx, &query))
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.jobs.max(1))
            .build();
        let results: Vec<(String, String, Lookup)> = match &pool {
            Ok(pool) => pool.install(|| due.par_iter().map(lookups).collect()),
            Err(_) => due.iter().map(lookups).collect(),
        };
        let fetched_at = crate::collect::now_rfc3339();
        for (tool, source, lookup) in results {
            match lookup {
                Lookup::Found(release) if too_young(release.published_at.as_deref(), cutoff) => {
                    report.failed += 1;
                    self.failures.insert(
                        tool,
                        format!(
                            "{} {} is younger than the minimum release age",
                            source, release.version
                        ),
                    );
                }
                Lookup::Found(release) => {
                    report.fetched += 1;
                    self.hints.insert(source.clone(), release.method.to_owned());
                    let entry = Entry {
                        version: release.version,
                        fetched_at: fetched_at.clone(),
                        source,
                        etag: release.etag,
                        published_at: release.published_at,
                    };
                    self.fresh.insert(tool, entry);
                }
                Lookup::Unchanged => match self.user.get(&tool, &source) {
                    Some(version) => {
                        report.unchanged += 1;
                        let entry = Entry {
                            version: version.to_owned(),
                            fetched_at: fetched_at.clone(),
                            etag: self.user.etags.get(&tool).cloned(),
                            published_at: self.user.published_at.get(&tool).cloned(),
                            source,
                        };
                        self.fresh.insert(tool, entry);
                    }
                    None => {
                        report.failed += 1;
                        self.failures
                            .insert(tool, "304 without a cached answer".to_owned());
                    }
                },
                Lookup::Failed(reason) => {
                    report.failed += 1;
                    self.failed_now.insert(tool.clone(), fetched_at.clone());
                    self.failures.insert(tool, reason);
                }
            }
        }
        report.github_rate_limited = cx.github_rate_limited();
        report
    }

    fn failed_recently(&self, tool: &Tool, failure_ttl: Duration, now: SystemTime) -> bool {
        self.failed_before
            .get(tool.name())
            .is_some_and(|t| !older_than(t, failure_ttl, now))
    }

    fn is_fresh(&self, tool: &Tool, now: SystemTime) -> bool {
        self.user
            .get(tool.name(), &tool.upstream.to_string())
            .is_some()
            && self
                .user
                .fetched_at
                .get(tool.name())
                .is_some_and(|t| !older_than(t, self.ttl, now))
    }

    /// The latest release of `tool`, or why there is none.
    pub fn latest(&self, tool: &Tool) -> Result<Latest, String> {
        if tool.upstream == Upstream::None {
            return Err("no upstream source in the catalog".to_owned());
        }
        let name = tool.name();
        let source = tool.upstream.to_string();
        let now = SystemTime::now();
        if let Some(entry) = self.fresh.get(name) {
            return Ok(Latest {
                version: entry.version.clone(),
                source,
                from: LatestFrom::Network,
                fetched_at: Some(entry.fetched_at.clone()),
                stale: false,
            });
        }
        for (cache, from) in [
            (&self.user, LatestFrom::Cache),
            (&self.baseline, LatestFrom::Manual),
        ] {
            if let Some(version) = cache.get(name, &source) {
                let fetched_at = cache.fetched_at.get(name).cloned();
                let stale = fetched_at
                    .as_deref()
                    .is_none_or(|t| older_than(t, self.ttl, now));
                return Ok(Latest {
                    version: version.to_owned(),
                    source,
                    from,
                    fetched_at,
                    stale,
                });
            }
        }
        Err(match self.failures.get(name) {
            Some(reason) => format!("no release known: {reason}"),
            None => format!("no cached release for {source}"),
        })
    }

    /// This run's fetched entries (for `--update-baseline`).
    pub fn fresh_entries(&self) -> &BTreeMap<String, Entry> {
        &self.fresh
    }

    /// Merges this run's results into the cache file at `path` under a lock.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if !self.failed_now.is_empty()
            || self
                .fresh
                .keys()
                .any(|t| self.failed_before.contains_key(t))
        {
            let mut failures = self.failed_before.clone();
            failures.retain(|tool, _| !self.fresh.contains_key(tool));
            failures.extend(self.failed_now.iter().map(|(k, v)| (k.clone(), v.clone())));
            let text = serde_json::to_string_pretty(&failures).unwrap_or_default();
            crate::state::write_atomic(&failures_path(path), text.as_bytes())?;
        }
        if self.fresh.is_empty() && self.hints.is_empty() {
            return Ok(());
        }
        merge_into_file(path, &self.fresh, &self.hints)
    }
}

/// Read-modify-write of a `latest_versions.json` under an exclusive lock on
/// `<path>.lock`: only the given entries change, everything else is kept.
pub fn merge_into_file(
    path: &Path,
    entries: &BTreeMap<String, Entry>,
    hints: &BTreeMap<String, String>,
) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let lock_path = path.with_extension("json.lock");
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)?;
    // std's advisory lock (flock), stable since Rust 1.89: what fs4 offered.
    lock.lock()?;
    let mut current = match std::fs::read_to_string(path) {
        Ok(text) => LatestVersions::parse(&text).map_err(std::io::Error::other)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => LatestVersions::default(),
        Err(e) => return Err(e),
    };
    let before = current.clone();
    for (tool, entry) in entries {
        current.set(tool, entry.clone());
    }
    current
        .hints
        .extend(hints.iter().map(|(k, v)| (k.clone(), v.clone())));
    // Nothing new: leave the file byte for byte as it is.
    let result = if current == before {
        Ok(())
    } else {
        crate::state::write_atomic(path, current.to_json().as_bytes())
    };
    let _ = lock.unlock();
    result
}

/// The negative cache beside a latest-versions cache.
fn failures_path(cache: &Path) -> std::path::PathBuf {
    cache.with_file_name("upstream_failures.json")
}

fn older_than(rfc3339: &str, ttl: Duration, now: SystemTime) -> bool {
    match humantime::parse_rfc3339_weak(rfc3339.trim_end_matches('Z')) {
        Ok(t) => now.duration_since(t).unwrap_or_default() > ttl,
        Err(_) => true,
    }
}

pub(crate) fn too_young(published_at: Option<&str>, cutoff: Option<SystemTime>) -> bool {
    let (Some(published), Some(cutoff)) = (published_at, cutoff) else {
        return false;
    };
    let trimmed = published
        .split(['.', '+'])
        .next()
        .unwrap_or(published)
        .trim_end_matches('Z');
    humantime::parse_rfc3339_weak(trimmed).is_ok_and(|t| t > cutoff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages() {
        let now = SystemTime::now();
        let stamp = humantime::format_rfc3339_seconds(now - Duration::from_secs(7200)).to_string();
        assert!(older_than(&stamp, Duration::from_secs(3600), now));
        assert!(!older_than(&stamp, Duration::from_secs(3 * 3600), now));
        assert!(older_than("garbage", Duration::from_secs(3600), now));
        let cutoff = Some(now - Duration::from_secs(3 * 86400));
        let yesterday =
            humantime::format_rfc3339_seconds(now - Duration::from_secs(86400)).to_string();
        assert!(too_young(Some(&yesterday), cutoff));
        assert!(!too_young(Some("2020-01-01T00:00:00.123456Z"), cutoff));
        assert!(!too_young(None, cutoff));
    }
}
