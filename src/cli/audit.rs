//! `toolup audit` and `toolup collect`: discover, compare, write the snapshot
//! (and print it); `collect --update-baseline` also refreshes the committed baseline.

use std::path::Path;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::collect::{CollectOptions, collect};
use crate::discover::{DiscoverOptions, Discoverer, HostEnv, ProbeCache};
use crate::model::{Counts, Snapshot, ToolRecord};
use crate::settings::Settings;
use crate::state::{load_snapshot, save_snapshot, write_atomic};
use crate::upstream::{LatestSource, LatestVersions, merge_into_file};

use super::Outcome;

/// Runs a collection; prints the result when `print` is set (audit) and not otherwise (collect).
pub fn run(
    settings: &Settings,
    printer: Printer,
    print: bool,
    update_baseline: Option<&Path>,
) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let tools = settings.select(&catalog)?;
    // `--only rg` selected ripgrep: show it as ripgrep.
    let settings = &settings.with_only(&tools);
    if update_baseline.is_some() && settings.offline {
        anyhow::bail!("--update-baseline needs the network; it cannot run with --offline");
    }
    let (mut snapshot, latest) = gather(settings, printer, &tools, true);
    if let Some(baseline) = update_baseline {
        let with_upstream = tools.iter().filter(|t| !t.upstream.is_none()).count();
        update_baseline_file(baseline, &latest, with_upstream, printer)?;
    }
    let partial = !settings.filter.only.is_empty() || settings.filter.category.is_some();
    if partial && let Ok(previous) = load_snapshot(&settings.snapshot_path) {
        snapshot = merge(previous, snapshot);
    }
    save_snapshot(&settings.snapshot_path, &snapshot)?;
    Ok(super::render_cmd::present(
        settings, printer, &snapshot, print,
    ))
}

/// Discovers `tools` and looks up their latest releases. With `persist`,
/// the probe cache and the latest-versions cache are saved; without it
/// (dry runs) nothing on disk changes and latest versions come from the caches.
pub fn gather(
    settings: &Settings,
    printer: Printer,
    tools: &[&Tool],
    persist: bool,
) -> (Snapshot, LatestSource) {
    let cache_path = settings.dirs.as_ref().map(|d| d.probe_cache());
    let cache = match (&cache_path, settings.use_cache) {
        (Some(path), true) => ProbeCache::load(path),
        _ => ProbeCache::default(),
    };
    let discoverer = Discoverer::new(
        tools.iter().copied(),
        HostEnv::capture(),
        cache,
        DiscoverOptions {
            probe_timeout: settings.probe_timeout,
            use_cache: settings.use_cache,
            dpkg_admindir: settings.dpkg_admindir.clone(),
        },
    );
    let options = CollectOptions {
        jobs: settings.jobs,
        offline: settings.offline || !persist,
        progress: !settings.quiet,
    };
    let read_only = Settings {
        offline: true,
        ..settings.clone()
    };
    let upstream_settings = if persist { settings } else { &read_only };
    let (snapshot, latest) = collect(tools, &discoverer, &options, || {
        upstream_settings.latest_source(tools, printer)
    });
    if persist
        && let (Some(path), Some(bytes)) = (&cache_path, discoverer.cache().to_bytes_if_dirty())
        && let Err(e) = write_atomic(path, &bytes)
    {
        printer.warn(&format!(
            "cannot save the probe cache {}: {e}",
            path.display()
        ));
    }
    (snapshot, latest)
}

/// Merges this run's successful fetches into the baseline and says honestly what changed.
fn update_baseline_file(
    path: &Path,
    latest: &crate::upstream::LatestSource,
    asked: usize,
    printer: Printer,
) -> anyhow::Result<()> {
    let before = match std::fs::read_to_string(path) {
        Ok(text) => {
            LatestVersions::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => LatestVersions::default(),
        Err(e) => anyhow::bail!("cannot read {}: {e}", path.display()),
    };
    // The baseline is shared: it keeps versions, times and sources, not this machine's ETags.
    let entries: std::collections::BTreeMap<_, _> = latest
        .fresh_entries()
        .iter()
        .map(|(tool, e)| {
            (
                tool.clone(),
                crate::upstream::Entry {
                    etag: None,
                    ..e.clone()
                },
            )
        })
        .collect();
    let changed = entries
        .iter()
        .filter(|(tool, e)| before.versions.get(*tool) != Some(&e.version))
        .count();
    let none = std::collections::BTreeMap::new();
    merge_into_file(path, &entries, &none)?;
    printer.note(&format!(
        "baseline {}: {} fetched ({} changed, {} unchanged), {} failed; nothing else touched",
        path.display(),
        entries.len(),
        changed,
        entries.len() - changed,
        asked.saturating_sub(entries.len())
    ));
    Ok(())
}

/// A partial collection (`--only`, `--category`) updates its tools in the
/// previous snapshot instead of replacing the whole file.
pub(super) fn merge(previous: Snapshot, fresh: Snapshot) -> Snapshot {
    let mut tools: Vec<ToolRecord> = previous
        .tools
        .into_iter()
        .filter(|old| !fresh.tools.iter().any(|t| t.name == old.name))
        .collect();
    tools.extend(fresh.tools);
    tools.sort_by(|a, b| a.name.cmp(&b.name));
    let mut meta = fresh.meta;
    meta.counts = Counts::of(&tools);
    Snapshot { meta, tools }
}
