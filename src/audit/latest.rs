//! `toolup latest`: the latest upstream release of each selected tool,
//! without looking at this machine — the caches, refreshed from the network
//! unless offline — as a document with the run's facts.

use std::time::Instant;

use serde::Serialize;

use crate::base::printer::Printer;
use crate::model::{Counts, Durations, Latest, Meta, SCHEMA_VERSION};
use crate::settings::Settings;

/// The answers, as `toolup latest --format json` prints them.
#[derive(Debug, Clone, Serialize)]
pub struct LatestDocument {
    #[serde(rename = "__meta__")]
    pub meta: Meta,
    pub tools: Vec<LatestRecord>,
}

/// One tool's answer.
#[derive(Debug, Clone, Serialize)]
pub struct LatestRecord {
    pub name: String,
    pub latest: Option<Latest>,
    /// Why there is no answer, or why it came from a cache.
    pub error: Option<String>,
}

/// The answers, and whether any lookup failed.
#[derive(Debug, Clone)]
pub struct Answers {
    pub document: LatestDocument,
    /// A lookup failed and no cache knew the answer (exit 1); a tool with
    /// no upstream at all is not a failure.
    pub failed: bool,
}

/// Looks up the tools `names` names (or, without names, those `--only` and
/// `--category` select).
pub fn lookup(settings: &Settings, printer: Printer, names: &[String]) -> anyhow::Result<Answers> {
    let started = Instant::now();
    let catalog = settings.catalog()?;
    let mut selected = settings.select(&catalog)?;
    if !names.is_empty() {
        let named = settings.resolve_names(&catalog, names)?;
        selected.retain(|t| named.iter().any(|n| n.name() == t.name()));
    }
    let latest = super::latest_source(settings, &selected, printer);
    let records: Vec<LatestRecord> = selected
        .iter()
        .map(|tool| match latest.latest(*tool) {
            Ok(l) => LatestRecord {
                name: tool.name().to_owned(),
                latest: Some(l),
                // Answered from a cache because this run's lookup failed: say why.
                error: latest.problem(*tool),
            },
            Err(e) => LatestRecord {
                name: tool.name().to_owned(),
                latest: None,
                error: Some(e),
            },
        })
        .collect();
    let failed = selected
        .iter()
        .zip(&records)
        .any(|(tool, r)| r.latest.is_none() && !tool.upstream.is_none());
    let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let meta = Meta {
        schema_version: SCHEMA_VERSION,
        generator: format!("toolup {}", env!("CARGO_PKG_VERSION")),
        created_at: crate::base::clock::now_rfc3339(),
        host: super::collect::host(),
        offline: settings.offline,
        counts: Counts::default(),
        durations_ms: Durations {
            discover: 0,
            upstream: elapsed,
            total: elapsed,
        },
    };
    Ok(Answers {
        document: LatestDocument {
            meta,
            tools: records,
        },
        failed,
    })
}
