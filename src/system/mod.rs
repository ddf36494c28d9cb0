//! Whole-system updates: the updaters (apt, npm -g, rustup, …) behind one
//! small trait, and `toolup system check`, which asks every applicable
//! updater what is pending — read-only, side by side — before anything is
//! touched.

pub mod check;
pub mod modules_updater;
pub mod plugins;
pub mod reboot;
pub mod updater;
pub mod updaters;
pub mod validate;

pub use check::{CheckReport, UpdaterCheck};
pub use updater::{CheckContext, LockFile, Pending, Phase, Updater};

/// The built-in updaters, the team's modules (when a modules repository is
/// configured) and the external plugins, a plugin replacing a built-in of
/// the same name; the warnings name manifests that were skipped.
pub fn available(
    plugin_dirs: &[std::path::PathBuf],
    modules_configured: bool,
) -> (Vec<&'static dyn Updater>, Vec<String>) {
    let (plugins, problems) = plugins::load_all(plugin_dirs);
    let plugins: Vec<&'static plugins::Plugin> = plugins
        .into_iter()
        .map(|p| &*Box::leak(Box::new(p)))
        .collect();
    let mut all: Vec<&'static dyn Updater> = updaters::ALL
        .iter()
        .copied()
        .filter(|u| !plugins.iter().any(|p| p.id() == u.id()))
        .collect();
    if modules_configured && !plugins.iter().any(|p| p.id() == modules_updater::ID) {
        all.push(Box::leak(Box::new(modules_updater::Modules::new())));
    }
    all.extend(plugins.into_iter().map(|p| p as &'static dyn Updater));
    (all, problems)
}
