//! Upstream releases: what is current, fetched politely and cached so that
//! nothing known is ever lost.
//!
//! Order of answers for a tool: this run's fetch (`from: network`), the
//! user's cache (`cache`), the committed baseline embedded in the binary
//! (`manual`). A failed fetch never replaces a cached entry; the cache is
//! read-modify-written under a file lock and replaced atomically, so two
//! toolup processes at once both land their results.

pub mod addresses;
mod dns;
mod http;
mod latest_versions;
mod sources;
mod spec;
mod tags;
mod token;

pub use addresses::{Address, Addresses, Origin, Registry};
pub use http::{
    BodyError, HttpClient, HttpOptions, Reply, Request, Response, host_of, may_carry_secret,
};
pub use latest_versions::{Entry, LatestVersions, LatestVersionsError};
pub use sources::debian::upstream_version as debian_upstream_version;
pub use sources::{
    GITHUB_API, SOURCES, Source, config_keys, documents, kinds as source_kinds, source,
};
pub use spec::{Released, Upstream, UpstreamField, Upstreams};
pub use token::{Token, github_token};

use crate::base::redact::redact_text;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use crate::model::{Latest, LatestFrom};
use sources::{Context, Lookup, Query};

/// The baseline shipped inside the binary.
pub static EMBEDDED_BASELINE: &str = include_str!("../../latest_versions.json");

/// The largest latest-versions file (cache, failures, a baseline) read:
/// the whole catalog's is some 25 KiB.
pub const MAX_CACHE_BYTES: u64 = 64 * crate::state::MIB;

/// Why a tool has no latest version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoAnswer {
    /// The catalog names no upstream source (not a failure).
    NoUpstream,
    /// This run asked and no source answered: why (unreachable, an HTTP
    /// error, too young …).
    Failed(String),
    /// Its one source has no address (no registry configured or found):
    /// the source's label. The run's warning already said where it looked.
    NoAddress(String),
    /// Not asked this run: its lookup failed at this time, and failed
    /// lookups wait out their TTL before they are tried again.
    FailedBefore(String),
    /// Offline by flag, and nothing cached: the sources it would be asked of.
    Offline(String),
    /// Not asked this run (not due) and nothing cached: the sources it
    /// would be asked of.
    NotCached(String),
}

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
    /// One line per registry this run needed and found no address for.
    pub unresolved: Vec<String>,
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
    /// This run's failed lookups, when and why, for the negative cache.
    failed_now: BTreeMap<String, Failure>,
    /// When (and why) lookups last failed (`upstream_failures.json`, beside
    /// the cache): not retried until the failure TTL passes, so an
    /// unreachable source costs one timeout per TTL, and
    /// `latest_versions.json` itself is left byte for byte as it was when
    /// nothing could be fetched.
    failed_before: BTreeMap<String, Failure>,
    /// This run's sources without an address: the failure that says so
    /// (the warning's text) → the source's label.
    unaddressed: BTreeMap<String, String>,
    ttl: Duration,
    /// This run may not ask the network (`--offline`).
    offline: bool,
}

/// A failed lookup in the negative cache: when, and why (older files hold
/// only the time).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
enum Failure {
    At(String),
    Why { at: String, reason: String },
}

impl Failure {
    fn at(&self) -> &str {
        match self {
            Failure::At(at) | Failure::Why { at, .. } => at,
        }
    }
}

impl LatestSource {
    /// The user cache at `user_cache` (if readable) over the embedded baseline.
    /// A corrupt user cache is reported and treated as empty: it is only a cache.
    pub fn load(user_cache: Option<&Path>, ttl: Duration) -> LatestSource {
        let user = match user_cache.map(|p| (p, crate::state::read_text(p, MAX_CACHE_BYTES))) {
            Some((path, Ok(text))) => LatestVersions::parse(&text).unwrap_or_else(|e| {
                // Set aside, so this run's answers make a good one again.
                let error = LatestVersionsError::at(path, e);
                match crate::state::set_aside(path) {
                    Ok(aside) => {
                        tracing::warn!("{error}; moved to {} and starting afresh", aside.display())
                    }
                    Err(_) => tracing::warn!("ignoring {error}"),
                }
                LatestVersions::default()
            }),
            Some((_, Err(e))) if !e.is_missing() => {
                tracing::warn!("ignoring the latest-versions cache: {e}");
                LatestVersions::default()
            }
            _ => LatestVersions::default(),
        };
        let failed_before = user_cache
            .and_then(|p| crate::state::read_file(failures_path(p), MAX_CACHE_BYTES).ok())
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

    /// This run asks no network (`--offline`): answers say so.
    pub fn set_offline(&mut self) {
        self.offline = true;
    }

    /// Fetches what is due for `tools`, each from its sources in order
    /// until one answers; never opens a socket unless called. `token` is
    /// asked only when a GitHub lookup is due (it may run `gh`).
    pub fn refresh<T: Released>(
        &mut self,
        tools: &[&T],
        options: &RefreshOptions,
        addresses: &Addresses,
        token: impl FnOnce() -> Option<Token>,
    ) -> RefreshReport {
        let now = SystemTime::now();
        let cutoff = options.min_release_age.and_then(|age| now.checked_sub(age));
        let with_upstream = tools.iter().filter(|t| !t.upstreams().is_none()).count();
        let due: Vec<&T> = tools
            .iter()
            .copied()
            .filter(|t| !t.upstreams().is_none())
            .filter(|t| {
                options.force
                    || !(self.is_fresh(*t, now)
                        || self.failed_recently(*t, options.failure_ttl, now))
            })
            .collect();
        let mut report = RefreshReport {
            unchanged: with_upstream - due.len(),
            ..RefreshReport::default()
        };
        if due.is_empty() {
            return report;
        }
        let token = if due.iter().any(|t| {
            t.upstreams()
                .iter()
                .any(|u| source(u.kind()).is_some_and(|s| s.uses_github_token()))
        }) {
            token()
        } else {
            None
        };
        let client = HttpClient::new(options.http.clone());
        let mut cx = Context::new(&client, addresses, token.as_ref().map(Token::expose));
        for tool in &due {
            for u in tool.upstreams().iter() {
                cx.wanted
                    .entry(u.kind())
                    .or_default()
                    .insert(u.ident().to_owned());
            }
        }
        let cx = cx;
        let lookups = |tool: &&T| (tool.name().to_owned(), self.ask_sources(&cx, *tool, cutoff));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.jobs.max(1))
            .build();
        let results: Vec<(String, Answered)> = match &pool {
            Ok(pool) => pool.install(|| due.par_iter().map(lookups).collect()),
            Err(_) => due.iter().map(lookups).collect(),
        };
        let fetched_at = crate::base::clock::now_rfc3339();
        for (tool, answered) in results {
            match answered {
                Answered::Found(source, release) => {
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
                Answered::Unchanged(source) => match self.user.get(&tool, &source) {
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
                Answered::TooYoung(reason) => {
                    report.failed += 1;
                    self.failures.insert(tool, reason);
                }
                Answered::Failed(reason) => {
                    report.failed += 1;
                    self.failed_now.insert(
                        tool.clone(),
                        Failure::Why {
                            at: fetched_at.clone(),
                            reason: reason.clone(),
                        },
                    );
                    self.failures.insert(tool, reason);
                }
            }
        }
        report.github_rate_limited = cx.github_rate_limited();
        let missing = cx.missing.lock().unwrap_or_else(|e| e.into_inner());
        report.unresolved = missing.values().cloned().collect();
        self.unaddressed = missing
            .iter()
            .map(|(kind, why)| {
                let label = source(kind).map_or(*kind, |s| s.label());
                (redact_text(why), label.to_owned())
            })
            .collect();
        drop(missing);
        report
    }

    /// Asks a tool's sources in order until one answers.
    fn ask_sources(
        &self,
        cx: &Context<'_>,
        tool: &dyn Released,
        cutoff: Option<SystemTime>,
    ) -> Answered {
        let mut reasons = Vec::new();
        for upstream in tool.upstreams().iter() {
            let source = upstream.to_string();
            let cached_here = self.user.sources.get(tool.name()) == Some(&source);
            let query = Query {
                tool: tool.name(),
                upstream,
                etag: if cached_here {
                    self.user.etags.get(tool.name()).map(String::as_str)
                } else {
                    None
                },
                hint: self.user.hints.get(&source).map(String::as_str),
                prereleases: tool.prereleases(),
                cutoff,
            };
            match sources::lookup(cx, &query) {
                Lookup::Found(release) if too_young(release.published_at.as_deref(), cutoff) => {
                    return Answered::TooYoung(format!(
                        "{source} {} is younger than the minimum release age",
                        release.version
                    ));
                }
                Lookup::Found(release) => {
                    if !reasons.is_empty() {
                        tracing::debug!(tool = tool.name(), answered_by = %source, earlier = %reasons.join("; "), "fallback source");
                    }
                    return Answered::Found(source, release);
                }
                Lookup::Unchanged if cached_here => return Answered::Unchanged(source),
                Lookup::Unchanged => reasons.push(format!("{source}: 304 without a cached answer")),
                Lookup::Failed(reason) => reasons.push(reason),
            }
        }
        Answered::Failed(redact_text(&reasons.join("; ")))
    }

    fn failed_recently(&self, tool: &dyn Released, failure_ttl: Duration, now: SystemTime) -> bool {
        self.failed_before
            .get(tool.name())
            .is_some_and(|f| !older_than(f.at(), failure_ttl, now))
    }

    fn is_fresh(&self, tool: &dyn Released, now: SystemTime) -> bool {
        self.user.get_from(tool.name(), tool.upstreams()).is_some()
            && self
                .user
                .fetched_at
                .get(tool.name())
                .is_some_and(|t| !older_than(t, self.ttl, now))
    }

    /// The latest release of `tool`, or why there is none.
    pub fn latest(&self, tool: &dyn Released) -> Result<Latest, String> {
        if tool.upstreams().is_none() {
            return Err("no latest version known: the catalog names no upstream source".to_owned());
        }
        let name = tool.name();
        let now = SystemTime::now();
        if let Some(entry) = self.fresh.get(name) {
            return Ok(Latest {
                version: entry.version.clone(),
                source: entry.source.clone(),
                from: LatestFrom::Network,
                fetched_at: Some(entry.fetched_at.clone()),
                stale: false,
            });
        }
        for (cache, from) in [
            (&self.user, LatestFrom::Cache),
            (&self.baseline, LatestFrom::Manual),
        ] {
            if let Some((version, source)) = cache.get_from(name, tool.upstreams()) {
                let fetched_at = cache.fetched_at.get(name).cloned();
                let stale = fetched_at
                    .as_deref()
                    .is_none_or(|t| older_than(t, self.ttl, now));
                return Ok(Latest {
                    version: version.to_owned(),
                    source: source.to_owned(),
                    from,
                    fetched_at,
                    stale,
                });
            }
        }
        Err(
            match (self.failures.get(name), self.failed_before.get(name)) {
                (Some(reason), _) => format!("no latest version known: {reason}"),
                (None, _) if self.offline => format!(
                    "no latest version known: offline (--offline or TOOLUP_OFFLINE), and nothing cached for {}",
                    tool.upstreams()
                ),
                (None, Some(Failure::Why { at, reason })) => format!(
                    "no latest version known: {reason} (at {}; not asked again for a while)",
                    at.get(11..16).unwrap_or(at)
                ),
                (None, Some(Failure::At(at))) => format!(
                    "no latest version known: its lookup failed at {}; not asked again for a while",
                    at.get(11..16).unwrap_or(at)
                ),
                (None, None) => format!(
                    "no latest version known: not cached yet for {}: `toolup latest {name}` looks it up",
                    tool.upstreams()
                ),
            },
        )
    }

    /// Why `tool` has no latest version at all (when `latest` is an error):
    /// this run's lookup failed, an earlier failure kept it from being
    /// asked again, or nothing was asked and nothing is cached.
    pub fn no_answer(&self, tool: &dyn Released) -> NoAnswer {
        if tool.upstreams().is_none() {
            return NoAnswer::NoUpstream;
        }
        if let Some(reason) = self.failures.get(tool.name()) {
            return match self.unaddressed.get(reason) {
                Some(label) => NoAnswer::NoAddress(label.clone()),
                None => NoAnswer::Failed(reason.clone()),
            };
        }
        match self.failed_before.get(tool.name()) {
            _ if self.offline => NoAnswer::Offline(tool.upstreams().to_string()),
            Some(Failure::Why { reason, .. }) => NoAnswer::Failed(reason.clone()),
            Some(failure) => NoAnswer::FailedBefore(failure.at().to_owned()),
            None => NoAnswer::NotCached(tool.upstreams().to_string()),
        }
    }

    /// Why this run could not refresh `tool`, when it answers from a cache
    /// instead: the reason and how old the answer is.
    pub fn problem(&self, tool: &dyn Released) -> Option<String> {
        let reason = self.failures.get(tool.name())?;
        let latest = self.latest(tool).ok()?;
        let from = match latest.from {
            LatestFrom::Network => return None,
            LatestFrom::Cache => "the cache",
            LatestFrom::Manual => "the baseline",
        };
        let date = latest.fetched_at.as_deref().map_or(String::new(), |t| {
            format!(" of {}", t.get(..10).unwrap_or(t))
        });
        Some(format!("{reason}; answered from {from}{date}"))
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
/// its directory: only the given entries change, everything else is kept.
/// Locking the directory (not a `.lock` file beside it) leaves nothing
/// behind — in the user's cache, or in a repository whose baseline is
/// refreshed with `collect --update-baseline`.
pub fn merge_into_file(
    path: &Path,
    entries: &BTreeMap<String, Entry>,
    hints: &BTreeMap<String, String>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let _lock = crate::state::lock::LockedFile::acquire_dir(dir).map_err(|e| match e {
        crate::state::lock::NotLocked::Io(e) => e,
        held => std::io::Error::other(held.to_string()),
    })?;
    let mut current = match crate::state::read_text(path, MAX_CACHE_BYTES) {
        Ok(text) => LatestVersions::parse(&text).map_err(std::io::Error::other)?,
        Err(e) if e.is_missing() => LatestVersions::default(),
        Err(e) => return Err(std::io::Error::other(e.to_string())),
    };
    let before = current.clone();
    for (tool, entry) in entries {
        current.set(tool, entry.clone());
    }
    current
        .hints
        .extend(hints.iter().map(|(k, v)| (k.clone(), v.clone())));
    // Nothing new: leave the file byte for byte as it is.
    if current == before {
        return Ok(());
    }
    crate::state::write_atomic(path, current.to_json().as_bytes())
}

/// The latest version of each registry package named like a catalog
/// source (`pypi:ruff`, `crates:ripgrep`, `npm:prettier`), asked in
/// parallel through the same sources, addresses and HTTP client as the
/// audit: for updaters that compare what a manager installed with its
/// registry. Answers come in the order asked.
pub fn latest_of(
    specs: &[String],
    addresses: &Addresses,
    http: HttpOptions,
) -> Vec<Result<String, String>> {
    let client = HttpClient::new(http);
    let cx = sources::Context::new(&client, addresses, None);
    let ask = |spec: &String| -> Result<String, String> {
        let upstreams = Upstreams::parse(spec)?;
        let upstream = upstreams
            .iter()
            .next()
            .ok_or_else(|| format!("{spec}: no source"))?;
        let (_, name) = spec.split_once(':').unwrap_or(("", spec));
        let query = sources::Query {
            tool: name,
            upstream,
            etag: None,
            hint: None,
            prereleases: false,
            cutoff: None,
        };
        match sources::lookup(&cx, &query) {
            sources::Lookup::Found(release) => Ok(release.version),
            sources::Lookup::Unchanged => Err(format!("{spec}: no answer")),
            sources::Lookup::Failed(e) => Err(e),
        }
    };
    std::thread::scope(|scope| {
        let mut answers = Vec::with_capacity(specs.len());
        for chunk in specs.chunks(16) {
            let handles: Vec<_> = chunk.iter().map(|s| scope.spawn(|| ask(s))).collect();
            answers.extend(handles.into_iter().map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("the lookup failed".to_owned()))
            }));
        }
        answers
    })
}

/// The negative cache beside a latest-versions cache.
fn failures_path(cache: &Path) -> std::path::PathBuf {
    cache.with_file_name("upstream_failures.json")
}

/// What a tool's sources concluded, together.
enum Answered {
    /// This source answered with this release.
    Found(String, sources::Release),
    /// This source said the cached answer (from it) still holds.
    Unchanged(String),
    /// The newest release is too young; nothing older is known to be latest.
    TooYoung(String),
    /// Every source failed: their reasons, in order.
    Failed(String),
}

/// Runs a client program (pip's Python, npm, uv, cargo) for a short answer:
/// its stdout when it succeeds. Through `exec`, like every process; `cwd`
/// keeps a client out of a project whose files would change its answer.
pub(crate) fn run_client(
    program: &Path,
    args: &[String],
    cwd: Option<&Path>,
    timeout: Duration,
) -> Option<String> {
    let started = std::time::Instant::now();
    // A neutral directory that exists (the cache directory may not yet).
    let cwd = cwd.map(|d| if d.is_dir() { d } else { Path::new("/") });
    let out = match crate::exec::run(
        &crate::exec::ProcessRequest::query(program, args, timeout)
            .env(crate::exec::PROBE_ENV)
            .capture(256 * 1024)
            .cwd(cwd),
    ) {
        Ok(out) => out,
        Err(e) => {
            tracing::debug!(program = %program.display(), "cannot run: {e}");
            return None;
        }
    };
    tracing::debug!(program = %program.display(), ?args, elapsed_ms = started.elapsed().as_millis() as u64, ok = out.status.is_some_and(|s| s.success()), "client");
    if !out.status.is_some_and(|s| s.success()) {
        return None;
    }
    String::from_utf8(out.stdout).ok()
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
