//! Whole-system updates: every applicable updater (the managers' own, the
//! external plugins, toolup's catalog, the team's modules) asked what is
//! pending — read-only, side by side — before anything is touched, then
//! updated as a graph of jobs in a fixed order, one run per machine.

pub mod catalog_updater;
pub mod check;
pub mod history;
pub mod jobs;
pub mod modules_updater;
pub mod reboot;
pub mod sudoers;
pub mod update;
pub mod validate;

pub use check::{CheckReport, UpdaterCheck};

use anyhow::bail;
use serde::Serialize;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::managers::{Manager, Updater, plugin};
use crate::settings::Settings;

/// The built-in updaters, toolup's own catalog, the team's modules (when a
/// modules repository is configured) and the external plugins, a plugin
/// replacing a built-in of the same name; the warnings name manifests that
/// were skipped.
pub fn available(settings: &Settings) -> (Vec<&'static dyn Updater>, Vec<String>) {
    let (plugins, problems) = plugin::load_all(&settings.plugin_dirs());
    let plugins: Vec<&'static plugin::Plugin> = plugins
        .into_iter()
        .map(|p| &*Box::leak(Box::new(p)))
        .collect();
    let replaced = |id: &str| plugins.iter().any(|p| p.id() == id);
    let mut all: Vec<&'static dyn Updater> = crate::managers::updaters()
        .filter(|u| !replaced(u.id()))
        .collect();
    if !replaced(catalog_updater::ID) {
        all.push(Box::leak(Box::new(catalog_updater::Catalog::new(settings))));
    }
    if settings.config.modules_repository.is_some() && !replaced(modules_updater::ID) {
        all.push(Box::leak(Box::new(modules_updater::Modules::new())));
    }
    all.extend(plugins.into_iter().map(|p| p as &'static dyn Updater));
    (all, problems)
}

/// The updaters `--only` and `--skip` select; an unknown name is an error
/// listing the known ones and suggesting the closest (`ap` → apt).
pub fn selected(
    settings: &Settings,
    printer: Printer,
    skip: &[String],
) -> anyhow::Result<Vec<&'static dyn Updater>> {
    let (all, problems) = available(settings);
    for problem in &problems {
        printer.warn(problem);
    }
    let known: Vec<&str> = all.iter().map(|u| u.id()).collect();
    for name in settings.filter.only.iter().chain(skip) {
        if !known.contains(&name.as_str()) {
            bail!(
                "no updater named {:?} (one of {}){}",
                crate::base::printer::visible(name),
                known.join(", "),
                crate::base::names::did_you_mean(name, known.iter().copied())
            );
        }
    }
    Ok(all
        .iter()
        .copied()
        .filter(|u| {
            settings.filter.only.is_empty() || settings.filter.only.iter().any(|n| n == u.id())
        })
        .filter(|u| !skip.iter().any(|n| n == u.id()))
        .collect())
}

/// One updater as `toolup system updaters` lists it.
#[derive(Debug, Clone, Serialize)]
pub struct UpdaterInfo {
    pub id: &'static str,
    pub program: &'static str,
    /// Whether it applies on this host (its program is there).
    pub applies: bool,
    /// Its check command; empty when it checks through registry lookups.
    pub check: Vec<String>,
    pub update: Vec<String>,
    pub needs_root: bool,
    pub runs_after: &'static [&'static str],
}

/// What each of `updaters` runs to check and to update, whether it applies
/// on `host`, needs root, and which updaters it runs after.
pub fn describe(updaters: &[&dyn Updater], host: &Host) -> Vec<UpdaterInfo> {
    updaters
        .iter()
        .map(|u| UpdaterInfo {
            id: u.id(),
            program: u.program(),
            applies: u.applies(host),
            check: u.check_argv(),
            update: u.update_argv(),
            needs_root: u.needs_root(),
            runs_after: u.runs_after(),
        })
        .collect()
}

/// What the command line's arguments complete to on this machine.
#[derive(Debug, Clone, Default)]
pub struct CompletionWords {
    /// Catalog tools and the commands they provide.
    pub tools: Vec<String>,
    pub presets: Vec<String>,
    pub categories: Vec<String>,
    /// Every updater `--only` accepts: built-ins, plugins, `toolup`,
    /// `modules` when configured.
    pub updaters: Vec<String>,
}

/// The words completions offer, sorted, each once.
pub fn completion_words(settings: &Settings) -> CompletionWords {
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let mut words = CompletionWords::default();
    if let Ok(catalog) = settings.catalog() {
        words.tools = sorted(
            catalog
                .tools
                .iter()
                .flat_map(|t| {
                    std::iter::once(t.name().to_owned()).chain(t.spec.bins.iter().cloned())
                })
                .collect(),
        );
        words.presets = sorted(
            catalog
                .presets
                .keys()
                .chain(settings.config.presets.keys())
                .cloned()
                .collect(),
        );
        words.categories = sorted(
            catalog
                .tools
                .iter()
                .map(|t| t.spec.category.clone())
                .collect(),
        );
    }
    let (updaters, _) = available(settings);
    words.updaters = sorted(updaters.iter().map(|u| u.id().to_owned()).collect());
    words
}
