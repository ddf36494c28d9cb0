//! Modules: a team's catalog entries and updater plugins, kept in a git
//! repository and synced onto each machine.
//!
//! A module is a directory with `module.toml` (name, semver
//! `schema_version`, `enabled`, `min_toolup`, an optional post-update
//! `check`), `catalog/*.toml` and `plugins.d/*.toml` with their
//! executables. Installed modules live in the data dir's `modules/NAME/`,
//! tracked by `modules/index.json`. Enabled modules' catalog entries overlay
//! the built-in catalog (below the user's own overlay) and their plugins
//! join the updaters; `sync` replaces a module only whole (stage, validate,
//! swap with one rename, check, keep the old as a backup).

pub mod choices;
pub mod commands;
pub mod git;
pub mod history;
pub mod index;
pub mod manifest;
pub mod swap;
pub mod sync;
mod validate;

use std::path::{Path, PathBuf};

pub use index::{Entry, Index};
pub use manifest::{MANIFEST, Manifest};

/// An installed module as this run sees it.
#[derive(Debug, Clone)]
pub struct Installed {
    pub manifest: Manifest,
    pub dir: PathBuf,
    /// Its index entry (where it came from), when there is one.
    pub entry: Option<Entry>,
    /// The module's own `enabled`, unless the user chose otherwise.
    pub enabled: bool,
}

impl Installed {
    /// The tool names its catalog defines (file stems).
    pub fn tools(&self) -> Vec<String> {
        stems(&self.dir.join("catalog"))
    }

    /// The updaters its plugins add (their manifests' names).
    pub fn plugins(&self) -> Vec<String> {
        plugin_names(&self.dir.join("plugins.d"))
    }
}

/// The names of the plugin manifests in a `plugins.d` directory (a file
/// that does not load is named by its file stem).
pub fn plugin_names(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = crate::managers::plugin::manifests(&[dir.to_path_buf()])
        .iter()
        .map(|path| {
            crate::managers::plugin::Plugin::load(path).map_or_else(
                |_| {
                    path.file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default()
                },
                |p| p.manifest.name,
            )
        })
        .collect();
    out.sort();
    out
}

fn stems(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_owned))
        .filter(|s| s != "presets")
        .collect();
    out.sort();
    out
}

/// Every installed module, by name, and why any directory was passed over.
/// Reads only: never repairs (a sync does that under its lock).
pub fn installed(modules_dir: &Path) -> (Vec<Installed>, Vec<String>) {
    let mut problems = Vec::new();
    let index = Index::load(modules_dir).unwrap_or_else(|e| {
        problems.push(e);
        Index::default()
    });
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(modules_dir) else {
        return (out, problems);
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort();
    // A version a killed sync swapped in but never checked is not used:
    // its predecessor, whole beside it, is (until a `modules` command
    // finishes or undoes the swap).
    let unchecked = swap::unchecked(modules_dir);
    for dir in dirs {
        let dir = match &unchecked {
            Some((name, old)) if dir.file_name().is_some_and(|n| n == name.as_str()) => old.clone(),
            _ => dir,
        };
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Manifest::read(&dir) {
            Ok(manifest) if manifest.name == name => {
                let entry = index.modules.get(&name).cloned();
                let enabled = entry
                    .as_ref()
                    .and_then(|e| e.enabled)
                    .unwrap_or(manifest.enabled);
                out.push(Installed {
                    manifest,
                    dir,
                    entry,
                    enabled,
                });
            }
            Ok(manifest) => problems.push(format!(
                "module in {}: its module.toml names {:?}; skipped",
                dir.display(),
                manifest.name
            )),
            Err(e) => problems.push(format!("module skipped: {e}")),
        }
    }
    (out, problems)
}

/// What the enabled modules add: catalog directories and plugin directories.
#[derive(Debug, Clone, Default)]
pub struct Layers {
    pub catalogs: Vec<PathBuf>,
    pub plugins: Vec<PathBuf>,
}

/// The layers of the enabled modules, in name order.
pub fn layers(installed: &[Installed]) -> Layers {
    let mut layers = Layers::default();
    for m in installed.iter().filter(|m| m.enabled) {
        let (catalog, plugins) = (m.dir.join("catalog"), m.dir.join("plugins.d"));
        if catalog.is_dir() {
            layers.catalogs.push(catalog);
        }
        if plugins.is_dir() {
            layers.plugins.push(plugins);
        }
    }
    layers
}

/// Tools that more than one enabled module defines: the later by name wins,
/// which a user should hear about.
pub fn conflicts(installed: &[Installed]) -> Vec<String> {
    let mut by_tool: std::collections::BTreeMap<String, Vec<&str>> =
        std::collections::BTreeMap::new();
    for m in installed.iter().filter(|m| m.enabled) {
        for tool in m.tools() {
            by_tool.entry(tool).or_default().push(&m.manifest.name);
        }
    }
    by_tool
        .into_iter()
        .filter(|(_, modules)| modules.len() > 1)
        .map(|(tool, modules)| {
            format!(
                "tool {tool} is defined by modules {}: {}'s is used (the last by name)",
                modules.join(", "),
                modules.last().copied().unwrap_or_default()
            )
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    fn module(root: &Path, name: &str, enabled: bool, tools: &[&str]) {
        let dir = root.join(name);
        std::fs::create_dir_all(dir.join("catalog")).unwrap();
        std::fs::write(
            dir.join(MANIFEST),
            format!("name = {name:?}\nschema_version = \"1.0.0\"\nenabled = {enabled}\n"),
        )
        .unwrap();
        for t in tools {
            std::fs::write(dir.join("catalog").join(format!("{t}.toml")), "").unwrap();
        }
    }

    #[test]
    fn readers_use_the_previous_version_while_a_swap_is_unchecked() {
        let root = tempfile::tempdir().unwrap();
        let write = |dir: &Path, version: &str| {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(
                dir.join(MANIFEST),
                format!("name = \"team\"\nschema_version = \"{version}\"\n"),
            )
            .unwrap();
        };
        write(&root.path().join("team"), "2.0.0");
        write(&root.path().join(".staging/team"), "1.0.0");
        let journal = r#"{"name":"team","from":"1.0.0","to":"2.0.0","step":"swapping",
            "entry":{"schema_version":"2.0.0","repository":"r","commit":"c","installed_at":"t"}}"#;
        std::fs::write(root.path().join(".journal.json"), journal).unwrap();
        let (found, problems) = installed(root.path());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(found[0].manifest.schema_version.to_string(), "1.0.0");
        assert!(found[0].dir.ends_with(".staging/team"));
        // Once checked ("swapped"), the new one is used.
        std::fs::write(
            root.path().join(".journal.json"),
            journal.replace("swapping", "swapped"),
        )
        .unwrap();
        let (found, _) = installed(root.path());
        assert_eq!(found[0].manifest.schema_version.to_string(), "2.0.0");
    }

    #[test]
    fn enabled_modules_layer_in_name_order_and_a_shared_tool_is_named() {
        let root = tempfile::tempdir().unwrap();
        module(root.path(), "b-team", true, &["deployctl", "lint"]);
        module(root.path(), "a-team", true, &["deployctl"]);
        module(root.path(), "c-off", false, &["deployctl"]);
        std::fs::create_dir_all(root.path().join(".backups/a-team")).unwrap();
        let (installed, problems) = installed(root.path());
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = installed.iter().map(|m| m.manifest.name.as_str()).collect();
        assert_eq!(names, ["a-team", "b-team", "c-off"]);
        let layers = layers(&installed);
        assert_eq!(layers.catalogs.len(), 2, "the disabled module adds nothing");
        assert!(layers.catalogs[1].starts_with(root.path().join("b-team")));
        assert_eq!(
            conflicts(&installed),
            [
                "tool deployctl is defined by modules a-team, b-team: b-team's is used (the last by name)"
            ]
        );
    }
}
