//! Whole-system updates: the updaters (apt, npm -g, rustup, …) behind one
//! small trait, and `toolup system check`, which asks every applicable
//! updater what is pending — read-only, side by side — before anything is
//! touched.

pub mod check;
pub mod plugins;
pub mod reboot;
pub mod updater;
pub mod updaters;
pub mod validate;
pub mod window;

pub use check::{CheckReport, UpdaterCheck};
pub use updater::{CheckContext, Host, LockFile, Pending, Phase, Updater};

/// The built-in updaters and the external plugins, a plugin replacing a
/// built-in of the same name; the warnings name manifests that were skipped.
pub fn available(plugin_dirs: &[std::path::PathBuf]) -> (Vec<&'static dyn Updater>, Vec<String>) {
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
    all.extend(plugins.into_iter().map(|p| p as &'static dyn Updater));
    (all, problems)
}
