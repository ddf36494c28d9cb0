//! `toolup modules sync`: fetch the repository, then per module compare
//! schema versions and replace newer ones whole — staged next to the
//! installed one, validated, swapped in with one rename (`RENAME_EXCHANGE`),
//! checked, the old kept as a backup; a module that fails is put back and
//! the others go on. The swap itself, its journal and the recovery after a
//! kill are in `swap`; the user's own choices (prune, rollback, enable) in
//! `choices`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::index::{Entry, Index};
use super::manifest::Manifest;
use super::swap::{STAGING, ensure, lock, lock_file, pending_recovery, recover, swap_in};
use super::{choices, git, validate};
use crate::catalog::CatalogSource;
use crate::state::tree;

/// Bounds on one module's files.
const LIMITS: tree::Limits = tree::Limits {
    max_entries: 20_000,
    max_bytes: 256 * 1024 * 1024,
};

/// What `sync` was asked.
pub struct Request<'a> {
    pub repository: &'a str,
    pub branch: Option<&'a str>,
    pub check_only: bool,
    pub prune: bool,
    pub git_timeout: Duration,
    pub modules_dir: &'a Path,
    pub cache_dir: &'a Path,
    /// The catalog modules join (built-in or replacement, and the user's overlay).
    pub catalog: &'a CatalogSource,
}

/// What happened to one module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Installed,
    Updated,
    Unchanged,
    /// The update failed validation or its post-update check; the installed
    /// version stays.
    RolledBack,
    /// A first install failed validation or its check; nothing is installed.
    Failed,
    /// It needs a newer toolup.
    Refused,
    /// The version `modules rollback` stepped back from.
    Held,
    /// Gone from the repository; kept (`--prune` removes it).
    NotInRepository,
    Pruned,
    WouldInstall,
    WouldUpdate,
    WouldPrune,
}

impl Outcome {
    pub fn id(self) -> &'static str {
        match self {
            Outcome::Installed => "installed",
            Outcome::Updated => "updated",
            Outcome::Unchanged => "unchanged",
            Outcome::RolledBack => "rolled-back",
            Outcome::Failed => "failed",
            Outcome::Refused => "refused",
            Outcome::Held => "held",
            Outcome::NotInRepository => "not-in-repository",
            Outcome::Pruned => "pruned",
            Outcome::WouldInstall => "would-install",
            Outcome::WouldUpdate => "would-update",
            Outcome::WouldPrune => "would-prune",
        }
    }

    /// An outcome that makes the sync exit 1.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Outcome::RolledBack | Outcome::Failed | Outcome::Refused
        )
    }
}

/// One module's line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct ModuleReport {
    pub name: String,
    /// The version installed before this sync.
    pub installed: Option<String>,
    /// The version in the repository.
    pub repository: Option<String>,
    pub outcome: Outcome,
    pub detail: String,
}

/// The whole sync.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Credentials removed.
    pub repository: String,
    pub commit: String,
    pub check_only: bool,
    /// What an interrupted earlier sync left, and what was done about it.
    pub recovered: Vec<String>,
    pub modules: Vec<ModuleReport>,
}

/// Runs a sync.
pub fn sync(req: &Request<'_>) -> Result<Report, String> {
    let _data_lock = if req.check_only {
        None
    } else {
        Some(lock(req.modules_dir)?)
    };
    let clone = git::clone_dir(req.cache_dir, req.repository, req.branch);
    let _cache_lock = lock_file(&clone.with_extension("lock"))?;
    let mut recovered = if req.check_only {
        pending_recovery(req.modules_dir)
    } else {
        recover(req.modules_dir)?
    };
    let checkout = git::sync(req.repository, req.branch, &clone, req.git_timeout)?;
    let shown_repo = crate::base::redact::redact_text(req.repository);
    // `modules/` only as a real directory: a link could point anywhere.
    let sub = checkout.dir.join("modules");
    let root = if std::fs::symlink_metadata(&sub).is_ok_and(|m| m.is_dir()) {
        sub
    } else {
        checkout.dir.clone()
    };
    let upstream = repository_modules(&root);
    let (installed, _) = super::installed(req.modules_dir);
    let mut index = match Index::load(req.modules_dir) {
        Ok(index) => index,
        Err(e) if req.check_only => {
            recovered.push(format!("{e}; the next sync rebuilds it"));
            Index::default()
        }
        Err(e) => return Err(e),
    };
    let scratch_parent = req.cache_dir.join("modules");
    remove_stale_scratch(&scratch_parent);
    let scratch = tempfile::Builder::new()
        .prefix("scratch-")
        .tempdir_in(ensure(&scratch_parent)?)
        .map_err(|e| format!("{}: {e}", scratch_parent.display()))?;
    let staging_root = if req.check_only {
        scratch.path().to_path_buf()
    } else {
        req.modules_dir.join(STAGING)
    };
    let mut reports = Vec::new();
    for (name, source) in &upstream {
        let current = installed.iter().find(|m| &m.manifest.name == name);
        let mut report = ModuleReport {
            name: name.clone(),
            installed: current.map(|m| m.manifest.schema_version.to_string()),
            repository: None,
            outcome: Outcome::Unchanged,
            detail: String::new(),
        };
        let fail = if current.is_some() {
            Outcome::RolledBack
        } else {
            Outcome::Failed
        };
        // Errors name the module's own paths, not the clone's.
        let root_prefix = format!("{}/", root.display());
        let manifest = match source {
            Ok(dir) => Manifest::read(dir).map_err(|e| e.replace(&root_prefix, "")),
            Err(e) => Err(e.clone()),
        };
        let manifest = match manifest {
            Ok(m) => m,
            Err(e) => {
                report.outcome = fail;
                report.detail = e;
                reports.push(report);
                continue;
            }
        };
        report.repository = Some(manifest.schema_version.to_string());
        if let Some(why) = manifest.too_new() {
            report.outcome = Outcome::Refused;
            report.detail = why;
            reports.push(report);
            continue;
        }
        if let Some(m) = current {
            if manifest.schema_version <= m.manifest.schema_version {
                if manifest.schema_version < m.manifest.schema_version {
                    report.detail = "the installed version is newer; left alone".to_owned();
                }
                reports.push(report);
                continue;
            }
            let held = index.modules.get(name).and_then(|e| e.held_back.as_deref());
            if held == Some(&manifest.schema_version.to_string()) {
                report.outcome = Outcome::Held;
                report.detail =
                    "rolled back from this version; a newer one will be installed".to_owned();
                reports.push(report);
                continue;
            }
        }
        let Ok(source_dir) = source else { continue };
        let others: Vec<PathBuf> = installed
            .iter()
            .filter(|m| m.enabled && &m.manifest.name != name)
            .map(|m| m.dir.join("catalog"))
            .collect();
        let base = CatalogSource {
            modules: others,
            ..req.catalog.clone()
        };
        let staged = staging_root.join(name);
        let checked = stage(source_dir, &staged, name, &base);
        match checked {
            Err(e) => {
                let _ = tree::remove(&staged);
                report.outcome = fail;
                report.detail = e;
            }
            Ok(_) if req.check_only => {
                let _ = tree::remove(&staged);
                report.outcome = if current.is_some() {
                    Outcome::WouldUpdate
                } else {
                    Outcome::WouldInstall
                };
            }
            Ok(hash) => {
                let entry = Entry {
                    schema_version: manifest.schema_version.to_string(),
                    repository: shown_repo.clone(),
                    commit: checkout.commit.clone(),
                    installed_at: crate::base::clock::now_rfc3339(),
                    enabled: index.modules.get(name).and_then(|e| e.enabled),
                    held_back: None,
                };
                match swap_in(
                    req.modules_dir,
                    name,
                    &staged,
                    &hash,
                    report.installed.clone(),
                    entry,
                    &mut index,
                ) {
                    Ok(()) => {
                        report.outcome = if current.is_some() {
                            Outcome::Updated
                        } else {
                            Outcome::Installed
                        };
                    }
                    Err(e) => {
                        report.outcome = fail;
                        report.detail = e;
                    }
                }
            }
        }
        reports.push(report);
    }
    for m in installed
        .iter()
        .filter(|m| !upstream.contains_key(&m.manifest.name))
    {
        let mut report = ModuleReport {
            name: m.manifest.name.clone(),
            installed: Some(m.manifest.schema_version.to_string()),
            repository: None,
            outcome: Outcome::NotInRepository,
            detail: "no longer in the repository; kept (--prune removes it)".to_owned(),
        };
        if req.prune {
            report.detail = String::new();
            report.outcome = if req.check_only {
                Outcome::WouldPrune
            } else {
                choices::prune(req.modules_dir, &m.manifest.name, &mut index)?;
                Outcome::Pruned
            };
        }
        reports.push(report);
    }
    if !req.check_only {
        crate::state::files::remove_empty_dir(&staging_root);
    }
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Report {
        repository: shown_repo,
        commit: checkout.commit,
        check_only: req.check_only,
        recovered,
        modules: reports,
    })
}

/// Removes scratch directories a killed `--check-only` left (a day old:
/// another sync's, still running, is never that old).
fn remove_stale_scratch(dir: &Path) {
    let day_ago = std::time::SystemTime::now() - Duration::from_secs(86_400);
    for entry in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < day_ago);
        if old && entry.file_name().to_string_lossy().starts_with("scratch-") {
            let _ = tree::remove(&entry.path());
        }
    }
}

/// The repository's modules by directory name: the directory, or why it is
/// not a module.
fn repository_modules(root: &Path) -> std::collections::BTreeMap<String, Result<PathBuf, String>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if name.starts_with('.') || !is_dir || !entry.path().join(super::MANIFEST).exists() {
            continue;
        }
        let value = if super::manifest::is_module_name(&name) {
            Ok(entry.path())
        } else {
            Err(format!(
                "{:?} is not a module name",
                crate::base::printer::visible(&name)
            ))
        };
        out.insert(name, value);
    }
    out
}

/// Copies the repository's module to `staged` (contained: nothing may
/// point outside it), validates it, and returns its tree hash.
fn stage(source: &Path, staged: &Path, name: &str, base: &CatalogSource) -> Result<String, String> {
    tree::remove(staged).map_err(|e| format!("{}: {e}", staged.display()))?;
    if let Some(parent) = staged.parent() {
        ensure(parent)?;
    }
    // Errors name the module's own paths, not the staging directory.
    let shown = |e: String| e.replace(&staged.display().to_string(), name);
    tree::copy_contained(source, staged, LIMITS).map_err(|e| format!("{name}/{e}"))?;
    validate::staged(staged, name, base).map_err(shown)?;
    tree::hash(staged).map_err(|e| format!("{}: {e}", staged.display()))
}
