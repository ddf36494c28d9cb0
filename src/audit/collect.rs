//! Parallel orchestration: discover every selected tool, look up its latest
//! release, decide its status, and assemble the snapshot.
//!
//! Probes are CPU-bound child processes, so the pool is bounded by the
//! machine's cores (`--jobs`): oversubscribing only makes slow CLIs time out.

use std::time::Instant;

use crate::base::clock::now_rfc3339;
use crate::base::host::hostname;

use rayon::prelude::*;

use crate::audit::discover::{Discoverer, ToolDiscovery};
use crate::catalog::Tool;
use crate::model::{
    Counts, Durations, Host, Meta, SCHEMA_VERSION, Snapshot, Status, ToolRecord, Version,
};
use crate::upstream::LatestSource;

/// How to run a collection.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    pub jobs: usize,
    pub offline: bool,
    /// Show a progress bar (only ever on a terminal).
    pub progress: bool,
}

/// Collects a snapshot of `tools`. `upstream` (network lookups and caches)
/// runs on its own thread while discovery probes on the bounded pool, so the
/// two costs overlap; it returns the answers the records are built from.
pub fn collect<U>(
    tools: &[&Tool],
    discoverer: &Discoverer,
    options: &CollectOptions,
    upstream: U,
) -> (Snapshot, LatestSource)
where
    U: FnOnce() -> LatestSource + Send,
{
    let started = Instant::now();
    let (found, discover_ms, latest, upstream_ms) = std::thread::scope(|scope| {
        let network = scope.spawn(|| {
            let t = Instant::now();
            let latest = upstream();
            (latest, elapsed_ms(t))
        });
        let found = discover_all(tools, discoverer, options);
        let discover_ms = elapsed_ms(started);
        let (latest, upstream_ms) = network
            .join()
            .unwrap_or_else(|_| (LatestSource::default(), 0));
        (found, discover_ms, latest, upstream_ms)
    });
    let records: Vec<ToolRecord> = tools
        .iter()
        .zip(found)
        .map(|(tool, found)| record(tool, found, &latest))
        .collect();
    let snapshot = Snapshot {
        meta: Meta {
            schema_version: SCHEMA_VERSION,
            generator: format!("toolup {}", env!("CARGO_PKG_VERSION")),
            created_at: now_rfc3339(),
            host: host(),
            offline: options.offline,
            counts: Counts::of(&records),
            durations_ms: Durations {
                discover: discover_ms,
                upstream: upstream_ms,
                total: elapsed_ms(started),
            },
        },
        tools: records,
    };
    (snapshot, latest)
}

fn discover_all(
    tools: &[&Tool],
    discoverer: &Discoverer,
    options: &CollectOptions,
) -> Vec<ToolDiscovery> {
    let bar = super::progress::bar(tools.len() as u64, options.progress);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build();
    let run = || -> Vec<ToolDiscovery> {
        tools
            .par_iter()
            .map(|tool| {
                let found = discoverer.discover(tool);
                bar.inc(1);
                found
            })
            .collect()
    };
    let found = match &pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    };
    bar.finish_and_clear();
    found
}

/// One tool's record: installation facts, latest release, status.
///
/// `unknown` keeps its status id but says which half is missing: the
/// installed version ("installed version unreadable: …") or the latest one
/// ("no latest version known: …").
pub fn record(tool: &Tool, found: ToolDiscovery, latest: &LatestSource) -> ToolRecord {
    let installed = found.installed.map(|i| found.installations[i].clone());
    let latest_result = latest.latest(tool);
    let mut notes = found.notes;
    if let Some(problem) = latest.problem(tool) {
        notes.push(problem);
    }
    let (status, error) = match (&installed, &latest_result) {
        // Not installed: why no latest is known, if it is not (installing
        // it needs one), where the catalog names a source.
        (None, Err(reason)) if !tool.upstream.is_none() => {
            (Status::NotInstalled, Some(reason.clone()))
        }
        (None, _) => (Status::NotInstalled, None),
        (Some(i), latest_result) => match (i.version.as_deref(), latest_result) {
            (None, _) => (
                Status::Unknown,
                Some(format!(
                    "installed version unreadable: {}",
                    found
                        .error
                        .clone()
                        .unwrap_or_else(|| "no version found".to_owned())
                )),
            ),
            (Some(v), Ok(l)) => match (Version::parse(v), Version::parse(&l.version)) {
                (Ok(iv), Ok(lv)) => (Status::compare(&iv, &lv), None),
                (Err(e), _) => (
                    Status::Unknown,
                    Some(format!("installed version unreadable: {e}")),
                ),
                (_, Err(e)) => (
                    Status::Unknown,
                    Some(format!("latest version unreadable: {e}")),
                ),
            },
            (Some(_), Err(reason)) => (Status::Unknown, Some(reason.clone())),
        },
    };
    ToolRecord {
        name: tool.name().to_owned(),
        category: tool.spec.category.clone(),
        status,
        installed,
        installations: found.installations,
        latest: latest_result.ok(),
        error,
        notes,
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

pub fn host() -> Host {
    Host {
        hostname: hostname(),
        os: std::env::consts::OS.to_owned(),
        arch: std::env::consts::ARCH.to_owned(),
    }
}
