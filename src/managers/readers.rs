//! What toolup reads from package managers and plugins besides each
//! updater's `parse` (reached through `updater(id)`) and each installer's
//! `parse_candidates`: apt's simulation, the records of the updaters that
//! ask registries (cargo's `.crates2.json`, `pipx list --json`, `uv tool
//! list`) and how their answers become pending updates, and a plugin's
//! list answers. The checks call these same functions; the fuzz targets
//! (fuzz/targets/) call them here.

use super::Pending;

/// `apt-get -s dist-upgrade`'s `Inst` lines.
pub fn apt_simulation(stdout: &str) -> Vec<Pending> {
    super::apt::simulated(stdout)
}

/// `(name, version)` of the registry crates in cargo's `.crates2.json`.
pub fn cargo_installed(text: &str) -> Result<Vec<(String, String)>, String> {
    super::cargo::installed(text)
}

/// `(package, version)` per venv of `pipx list --json`.
pub fn pipx_installed(stdout: &str) -> Result<Vec<(String, String)>, String> {
    super::pipx::installed(stdout)
}

/// `(name, version, specifier)` per tool of `uv tool list
/// --show-version-specifiers`.
pub fn uv_installed(stdout: &str) -> Vec<(String, String, Option<String>)> {
    super::uv::installed(stdout)
}

/// One installed package, `(name, version)`, with its latest version
/// answer (or why there is none).
pub type Answered = ((String, String), Result<String, String>);

/// The pending updates among installed packages and their latest version
/// answers, as the registry-checked updaters decide them.
pub fn newer(pairs: &[Answered]) -> Result<Vec<Pending>, String> {
    super::registry::newer(pairs.iter().map(|(p, latest)| (p, latest.clone())))
}

/// A plugin's answer to a list query (`update-mutexes`, `runs-after`).
pub fn plugin_list(stdout: &str) -> Vec<String> {
    super::plugin::list_answer(stdout)
}
