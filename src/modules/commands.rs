//! The `toolup modules` commands' work, one call each: read the installed
//! modules after repairing what an interrupted sync left; sync from the
//! repository a flag or the config names; enable, disable, roll back — each
//! change recorded in toolup's history (`history.rs`). This room sits below
//! settings and config, so the command line hands over what they say.

use std::path::PathBuf;
use std::time::Duration;

use super::sync::{Report, Request};
use super::{Installed, installed};
use crate::base::printer::{Printer, visible};
use crate::catalog::CatalogSource;
use crate::state::AppDirs;

/// How long one git command may take unless `--timeout` says otherwise.
pub const GIT_TIMEOUT: Duration = Duration::from_secs(300);

/// Where toolup keeps its modules; an error without a home directory.
pub fn modules_dir(dirs: Option<&AppDirs>) -> Result<PathBuf, String> {
    dirs.map(AppDirs::modules)
        .ok_or_else(|| "no home directory: nowhere to keep modules".to_owned())
}

/// The installed modules, once what an interrupted sync left is repaired:
/// what the repair did is noted, a module passed over is warned about.
pub fn read(dirs: Option<&AppDirs>, printer: Printer) -> Result<Vec<Installed>, String> {
    let dir = modules_dir(dirs)?;
    if super::swap::interrupted(&dir) {
        let _lock = super::swap::lock(&dir)?;
        for note in super::swap::recover(&dir)? {
            printer.note(&note);
        }
    }
    let (modules, problems) = installed(&dir);
    for p in problems {
        printer.warn(&p);
    }
    Ok(modules)
}

/// What `toolup modules sync` was asked, and what the config says.
pub struct SyncOrder<'a> {
    /// `--repo`.
    pub repo: Option<&'a str>,
    /// `--branch`.
    pub branch: Option<&'a str>,
    /// `[modules] repository`.
    pub configured_repo: Option<&'a str>,
    /// `[modules] branch`.
    pub configured_branch: Option<&'a str>,
    pub check_only: bool,
    pub prune: bool,
    /// `--timeout` when given (else `GIT_TIMEOUT`).
    pub timeout: Option<Duration>,
    pub dirs: &'a AppDirs,
    /// The run's catalog; the installed modules' layers are left out.
    pub catalog: &'a CatalogSource,
}

/// A sync's report and the modules installed after it.
pub struct Synced {
    pub report: Report,
    pub now: Vec<Installed>,
}

impl Synced {
    /// True when a module rolled back, failed or was refused (exit 1).
    pub fn failed(&self) -> bool {
        self.report.modules.iter().any(|m| m.outcome.is_failure())
    }
}

/// Syncs from `--repo` (else `[modules] repository`; neither is an error
/// naming the user's config file) and `--branch` (else `[modules] branch`);
/// unless only checking, records what changed in the history.
pub fn sync(order: &SyncOrder<'_>, printer: Printer) -> Result<Synced, String> {
    let dirs = order.dirs;
    let Some(repository) = order.repo.or(order.configured_repo) else {
        return Err(format!(
            "no modules repository: pass --repo URL or set `[modules] repository` in {}",
            dirs.config.join("config.toml").display()
        ));
    };
    let catalog = CatalogSource {
        modules: Vec::new(),
        ..order.catalog.clone()
    };
    let report = super::sync::sync(&Request {
        repository,
        branch: order.branch.or(order.configured_branch),
        check_only: order.check_only,
        prune: order.prune,
        git_timeout: order.timeout.unwrap_or(GIT_TIMEOUT),
        modules_dir: &dirs.modules(),
        cache_dir: &dirs.cache,
        catalog: &catalog,
    })?;
    if !report.check_only {
        super::history::record_sync(&dirs.history(), printer, &report);
    }
    let (now, _) = installed(&dirs.modules());
    Ok(Synced { report, now })
}

/// The installed module `name`; an error listing those there are and
/// suggesting the closest.
pub fn find<'m>(modules: &'m [Installed], name: &str) -> Result<&'m Installed, String> {
    modules
        .iter()
        .find(|m| m.manifest.name == name)
        .ok_or_else(|| {
            let names: Vec<&str> = modules.iter().map(|m| m.manifest.name.as_str()).collect();
            format!(
                "no installed module named {:?} (installed: {}){}",
                visible(name),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                },
                crate::base::names::did_you_mean(name, names.iter().copied())
            )
        })
}

/// Enables or disables module `name` (the user's choice, kept across
/// syncs); returns how many tools and updaters it has.
pub fn set_enabled(
    dirs: Option<&AppDirs>,
    printer: Printer,
    name: &str,
    enabled: bool,
) -> Result<(usize, usize), String> {
    let modules = read(dirs, printer)?;
    let m = find(&modules, name)?;
    super::choices::set_enabled(&modules_dir(dirs)?, name, enabled)?;
    Ok((m.tools().len(), m.plugins().len()))
}

/// Rolls module `name` back to its backup and records it; returns the
/// versions from and to.
pub fn rollback(
    dirs: Option<&AppDirs>,
    printer: Printer,
    name: &str,
) -> Result<(String, String), String> {
    if !super::manifest::is_module_name(name) {
        return Err(format!("{:?} is not a module name", visible(name)));
    }
    let _ = read(dirs, printer)?;
    let (from, to) = super::choices::rollback(&modules_dir(dirs)?, name)?;
    if let Some(dirs) = dirs {
        super::history::record_rollback(&dirs.history(), printer, name, &from, &to);
    }
    Ok((from, to))
}

/// A module's backup version (what `rollback` would bring back), if any.
pub fn backup_version(m: &Installed) -> Option<String> {
    m.dir
        .parent()
        .map(|d| d.join(".backups").join(&m.manifest.name))
        .and_then(|b| super::Manifest::read(&b).ok())
        .map(|b| b.schema_version.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn dirs(root: &Path) -> AppDirs {
        AppDirs {
            config: root.join("config"),
            cache: root.join("cache"),
            state: root.join("state"),
            data: root.join("data"),
        }
    }

    #[test]
    fn a_sync_without_a_repository_names_the_config_file() {
        let root = tempfile::tempdir().unwrap();
        let dirs = dirs(root.path());
        let catalog = CatalogSource::default();
        let order = SyncOrder {
            repo: None,
            branch: None,
            configured_repo: None,
            configured_branch: None,
            check_only: true,
            prune: false,
            timeout: None,
            dirs: &dirs,
            catalog: &catalog,
        };
        let Err(e) = sync(&order, Printer { quiet: true }) else {
            panic!("a sync without a repository ran");
        };
        assert_eq!(
            e,
            format!(
                "no modules repository: pass --repo URL or set `[modules] repository` in {}",
                root.path().join("config/config.toml").display()
            )
        );
    }

    #[test]
    fn no_home_directory_and_bad_names_are_errors_before_anything_is_read() {
        let printer = Printer { quiet: true };
        assert_eq!(
            read(None, printer).unwrap_err(),
            "no home directory: nowhere to keep modules"
        );
        assert_eq!(
            rollback(None, printer, "../x").unwrap_err(),
            "\"../x\" is not a module name"
        );
        assert_eq!(
            find(&[], "team").unwrap_err(),
            "no installed module named \"team\" (installed: none)"
        );
    }

    #[test]
    fn a_misspelt_module_name_suggests_the_module_meant() {
        let module = |name: &str| Installed {
            manifest: crate::modules::manifest::Manifest {
                name: name.to_owned(),
                schema_version: semver::Version::new(1, 0, 0),
                enabled: true,
                description: String::new(),
                min_toolup: None,
                check: Vec::new(),
            },
            dir: std::path::PathBuf::new(),
            entry: None,
            enabled: true,
        };
        let modules = [module("team-tools"), module("security")];
        assert_eq!(
            find(&modules, "security").unwrap().manifest.name,
            "security"
        );
        assert_eq!(
            find(&modules, "team-tols").unwrap_err(),
            "no installed module named \"team-tols\" (installed: team-tools, security); did you mean team-tools?"
        );
    }
}
