//! The audit: every selected tool found on this machine (discover), its
//! latest release looked up (upstream), its status decided, and the
//! snapshot assembled and stored. Commands call `run`; the install
//! transaction and the system check call `gather` for the tools they act on.

pub mod collect;
pub mod discover;
pub mod latest;
mod progress;

use std::path::Path;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::model::{Counts, Snapshot, ToolRecord};
use crate::settings::Settings;
use crate::state::{AppDirs, load_snapshot, save_snapshot, write_atomic};
use crate::upstream::{
    LatestSource, LatestVersions, RefreshOptions, github_token, merge_into_file,
};
use collect::{CollectOptions, collect};
use discover::{DiscoverOptions, Discoverer, HostEnv, ProbeCache};

/// What `toolup audit` and `toolup collect` found: the snapshot as saved.
pub struct Audited {
    pub snapshot: Snapshot,
    /// These settings with `--only` naming catalog tools, for presenting.
    pub settings: Settings,
}

/// Audits the tools the settings select, writes the snapshot (a partial
/// audit updates its tools in the previous one) and, with
/// `update_baseline`, merges this run's fetches into that baseline file.
pub fn run(
    settings: &Settings,
    printer: Printer,
    update_baseline: Option<&Path>,
) -> anyhow::Result<Audited> {
    let catalog = settings.catalog()?;
    let tools = settings.select(&catalog)?;
    // `--only rg` selected ripgrep: show it as ripgrep.
    let settings = settings.with_only(&tools);
    if update_baseline.is_some() && settings.offline {
        anyhow::bail!("--update-baseline needs the network; it cannot run with --offline");
    }
    let (mut snapshot, latest) = gather(&settings, printer, &tools, true);
    if let Some(baseline) = update_baseline {
        let with_upstream = tools.iter().filter(|t| !t.upstream.is_none()).count();
        update_baseline_file(baseline, &latest, with_upstream, printer)?;
    }
    let partial = !settings.filter.only.is_empty() || !settings.filter.category.is_empty();
    if partial && let Ok(previous) = load_snapshot(&settings.snapshot_path) {
        snapshot = merge(previous, snapshot);
    }
    save_snapshot(&settings.snapshot_path, &snapshot)?;
    Ok(Audited { snapshot, settings })
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
    let (snapshot, latest) = collect(tools, &discoverer, &options, || {
        if persist {
            latest_source(settings, tools, printer)
        } else {
            // The caches alone: offline only if the user said so.
            let cache = settings.dirs.as_ref().map(AppDirs::latest_cache);
            let mut latest = LatestSource::load(cache.as_deref(), settings.latest_ttl);
            if settings.offline {
                latest.set_offline();
            }
            latest
        }
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
    let before = match crate::state::read_text(path, crate::upstream::MAX_CACHE_BYTES) {
        Ok(text) => {
            LatestVersions::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        Err(e) if e.is_missing() => LatestVersions::default(),
        Err(e) => anyhow::bail!("cannot read {e}"),
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
pub fn merge(previous: Snapshot, fresh: Snapshot) -> Snapshot {
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

/// The latest-version answers: the caches, refreshed from the network unless offline.
pub fn latest_source(
    settings: &Settings,
    tools: &[&Tool],
    printer: crate::base::printer::Printer,
) -> LatestSource {
    let cache = settings.dirs.as_ref().map(AppDirs::latest_cache);
    let mut latest = LatestSource::load(cache.as_deref(), settings.latest_ttl);
    if settings.offline {
        latest.set_offline();
        return latest;
    }
    let options = RefreshOptions {
        force: settings.refresh,
        ttl: settings.latest_ttl,
        min_release_age: settings.min_release_age,
        http: settings.http_options(),
        ..RefreshOptions::default()
    };
    let addresses = settings.addresses();
    let token = || github_token(std::env::var_os("PATH").as_deref());
    let report = latest.refresh(tools, &options, &addresses, token);
    addresses.save();
    for line in &report.unresolved {
        printer.warn(&format!(
            "{line}; answers come from the cache or the baseline"
        ));
    }
    if let Some(reset) = report.github_rate_limited {
        let when = match reset {
            0 => None,
            secs => crate::base::clock::unix_rfc3339(secs),
        }
        .unwrap_or_else(|| "later".to_owned());
        printer.warn(&format!("GitHub API rate limit reached: no more GitHub API calls this run (resets {when}); used the quota-free fallbacks and caches"));
    }
    tracing::info!(
        fetched = report.fetched,
        unchanged = report.unchanged,
        failed = report.failed,
        "upstream"
    );
    if let Some(path) = &cache
        && let Err(e) = latest.save(path)
    {
        printer.warn(&format!("cannot save {}: {e}", path.display()));
    }
    latest
}
