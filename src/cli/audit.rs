//! `toolup audit` and `toolup collect`: discover, compare, write the snapshot (and print it).

use crate::collect::{CollectOptions, collect};
use crate::discover::{DiscoverOptions, Discoverer, HostEnv, ProbeCache};
use crate::model::{Counts, Snapshot, ToolRecord};
use crate::printer::Printer;
use crate::settings::Settings;
use crate::state::{load_snapshot, save_snapshot, write_atomic};
use crate::upstream::LatestSource;

use super::Outcome;

/// Runs a collection; prints the result when `print` is set (audit) and not otherwise (collect).
pub fn run(settings: &Settings, printer: Printer, print: bool) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let tools = settings.select(&catalog)?;
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
        offline: settings.offline,
        progress: !settings.quiet,
    };
    let latest = LatestSource::load(settings.dirs.as_ref().map(|d| d.latest_cache()).as_deref());
    let mut snapshot = collect(&tools, &discoverer, &latest, &options);
    if let (Some(path), Some(bytes)) = (&cache_path, discoverer.cache().to_bytes_if_dirty())
        && let Err(e) = write_atomic(path, &bytes)
    {
        printer.warn(&format!(
            "cannot save the probe cache {}: {e}",
            path.display()
        ));
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

/// A partial collection (`--only`, `--category`) updates its tools in the
/// previous snapshot instead of replacing the whole file.
fn merge(previous: Snapshot, fresh: Snapshot) -> Snapshot {
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
