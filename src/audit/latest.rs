//! `toolup latest`: the latest upstream release of each selected tool,
//! without looking at this machine — the caches, refreshed from the network
//! unless offline — as a document with the run's facts.

use std::time::Instant;

use serde::Serialize;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::model::{Counts, Durations, Latest, Meta, SCHEMA_VERSION};
use crate::settings::Settings;
use crate::upstream::NoAnswer;

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
    /// Each tool that had no answer and why, for the message that goes with
    /// the exit status (empty when `failed` is false).
    pub unanswered: Vec<Unanswered>,
}

/// A tool with an upstream source and no latest version, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    pub name: String,
    /// In a few words: offline, not cached yet, the lookup's failure
    /// (unreachable, an HTTP error, no address for the registry).
    pub reason: String,
}

/// Why `tool` has no answer, or `None` when that is no failure (the
/// catalog names no upstream).
fn reason(no_answer: NoAnswer, tool: &Tool, offline: bool) -> Option<String> {
    let sources = tool.upstream.to_string();
    Some(match no_answer {
        NoAnswer::NoUpstream => return None,
        _ if offline => format!("offline, and nothing cached for {sources}"),
        NoAnswer::Failed(why) => why,
        NoAnswer::NoAddress(label) => format!(
            "no address for the {label} registry (`toolup doctor` lists every place looked)"
        ),
        NoAnswer::FailedBefore(when) => format!(
            "not cached yet: its lookup failed at {when} and waits a while before it is retried (--refresh retries now)"
        ),
        NoAnswer::Offline(sources) => format!("offline, and nothing cached for {sources}"),
        NoAnswer::NotCached(sources) => format!("not cached yet: nothing fetched from {sources}"),
    })
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
    let unanswered: Vec<Unanswered> = selected
        .iter()
        .zip(&records)
        .filter(|(_, r)| r.latest.is_none())
        .filter_map(|(tool, r)| {
            let why = reason(latest.no_answer(*tool), tool, settings.offline)?;
            Some(Unanswered {
                name: r.name.clone(),
                reason: why,
            })
        })
        .collect();
    let failed = !unanswered.is_empty();
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
        unanswered,
    })
}
