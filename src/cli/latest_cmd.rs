//! `toolup latest [TOOL…]`: latest upstream releases, without local discovery.

use std::time::Instant;

use serde::Serialize;
use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::model::{Counts, Durations, Latest, Meta, SCHEMA_VERSION};
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

#[derive(Serialize)]
struct LatestDocument {
    #[serde(rename = "__meta__")]
    meta: Meta,
    tools: Vec<LatestRecord>,
}

#[derive(Serialize)]
struct LatestRecord {
    name: String,
    latest: Option<Latest>,
    error: Option<String>,
}

pub fn run(settings: &Settings, printer: Printer, names: &[String]) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let catalog = settings.catalog()?;
    let mut selected = settings.select(&catalog)?;
    if !names.is_empty() {
        let named = settings.resolve_names(&catalog, names)?;
        selected.retain(|t| named.iter().any(|n| n.name() == t.name()));
    }
    let latest = crate::audit::latest_source(settings, &selected, printer);
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
    // Exit 1 when a lookup failed and no cache knew the answer ("some items failed");
    // a tool with no upstream at all is not a failure.
    let failed = selected
        .iter()
        .zip(&records)
        .any(|(tool, r)| r.latest.is_none() && !tool.upstream.is_none());
    match settings.format {
        Format::Json => {
            let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let doc = LatestDocument {
                meta: Meta {
                    schema_version: SCHEMA_VERSION,
                    generator: format!("toolup {}", env!("CARGO_PKG_VERSION")),
                    created_at: crate::base::clock::now_rfc3339(),
                    host: crate::audit::collect::host(),
                    offline: settings.offline,
                    counts: Counts::default(),
                    durations_ms: Durations {
                        discover: 0,
                        upstream: elapsed,
                        total: elapsed,
                    },
                },
                tools: records,
            };
            printer.json(&doc)?;
        }
        Format::Table | Format::Markdown => {
            let mut builder = Builder::default();
            builder.push_record(["TOOL", "LATEST", "SOURCE", "FROM", "FETCHED", "NOTES"]);
            for r in &records {
                match &r.latest {
                    Some(l) => builder.push_record([
                        r.name.clone(),
                        l.version.clone(),
                        l.source.clone(),
                        format!("{}{}", l.from.id(), if l.stale { " (stale)" } else { "" }),
                        l.fetched_at.clone().unwrap_or_default(),
                        r.error.clone().unwrap_or_default(),
                    ]),
                    None => builder.push_record([
                        r.name.clone(),
                        "-".into(),
                        String::new(),
                        String::new(),
                        String::new(),
                        r.error.clone().unwrap_or_default(),
                    ]),
                }
            }
            let table = crate::render::fit(builder, crate::render::terminal_width(), &[5, 2, 4, 0]);
            printer.out(&format!("{table}\n"));
        }
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
