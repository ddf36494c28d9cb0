//! `toolup modules sync`: fetch the repository, then per module compare
//! schema versions and replace newer ones whole — staged next to the
//! installed one, validated, swapped in with one rename (`RENAME_EXCHANGE`),
//! checked, the old kept as a backup; a module that fails is put back and
//! the others go on. A journal (`.journal.json`) written before each swap
//! lets the next run finish or undo a swap a kill interrupted, so a module
//! is always whole and the index agrees with it.
//!
//! Layout of the modules directory: `NAME/` (installed), `.backups/NAME/`
//! (the version before), `.staging/` (copies being checked), `index.json`,
//! `.journal.json`, `.lock`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::index::{Entry, Index};
use super::manifest::Manifest;
use super::{git, validate};
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

/// The journal of a swap in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Journal {
    name: String,
    from: Option<String>,
    to: String,
    entry: Entry,
    /// "swapping" until the post-update check passed, then "swapped".
    step: String,
}

const JOURNAL: &str = ".journal.json";
const STAGING: &str = ".staging";
const BACKUPS: &str = ".backups";
const TRASH: &str = ".trash";

/// The lock that one process at a time holds to change the modules directory.
pub fn lock(modules_dir: &Path) -> Result<std::fs::File, String> {
    std::fs::create_dir_all(modules_dir).map_err(|e| format!("{}: {e}", modules_dir.display()))?;
    lock_file(&modules_dir.join(".lock"))
}

fn lock_file(path: &Path) -> Result<std::fs::File, String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(format!(
                    "{}: another toolup is changing the modules (waited 120s)",
                    path.display()
                ));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(format!("{}: {e}", path.display()));
            }
        }
    }
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
    let shown_repo = crate::upstream::redact_text(req.repository);
    let root = if checkout.dir.join("modules").is_dir() {
        checkout.dir.join("modules")
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
                    installed_at: crate::collect::now_rfc3339(),
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
                prune(req.modules_dir, &m.manifest.name, &mut index)?;
                Outcome::Pruned
            };
        }
        reports.push(report);
    }
    if !req.check_only {
        let _ = std::fs::remove_dir(&staging_root);
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

fn ensure(dir: &Path) -> Result<&Path, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
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
        let value = if crate::catalog::is_valid_name(&name) {
            Ok(entry.path())
        } else {
            Err(format!(
                "{:?} is not a module name",
                crate::printer::visible(&name)
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

fn save_journal(modules_dir: &Path, journal: &Journal) -> Result<(), String> {
    let text = serde_json::to_string_pretty(journal).map_err(|e| e.to_string())?;
    crate::state::write_atomic(&modules_dir.join(JOURNAL), text.as_bytes())
        .map_err(|e| format!("{}: {e}", modules_dir.join(JOURNAL).display()))
}

fn clear_journal(modules_dir: &Path) -> Result<(), String> {
    match std::fs::remove_file(modules_dir.join(JOURNAL)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("{}: {e}", modules_dir.join(JOURNAL).display())),
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Swaps the staged module in, checks it, and keeps the old one as the
/// backup; a failed check puts the old one back.
fn swap_in(
    modules_dir: &Path,
    name: &str,
    staged: &Path,
    hash: &str,
    from: Option<String>,
    entry: Entry,
    index: &mut Index,
) -> Result<(), String> {
    let target = modules_dir.join(name);
    let mut journal = Journal {
        name: name.to_owned(),
        from: from.clone(),
        to: entry.schema_version.clone(),
        entry,
        step: "swapping".to_owned(),
    };
    save_journal(modules_dir, &journal)?;
    if from.is_some() {
        tree::exchange(staged, &target).map_err(io(&target))?;
    } else {
        std::fs::rename(staged, &target).map_err(io(&target))?;
    }
    if let Err(why) = validate::installed(&target, hash) {
        take_back(modules_dir, name, from.is_some())?;
        clear_journal(modules_dir)?;
        return Err(format!(
            "{why}; {}",
            if from.is_some() {
                "the previous version is back"
            } else {
                "not installed"
            }
        ));
    }
    journal.step = "swapped".to_owned();
    save_journal(modules_dir, &journal)?;
    finish(modules_dir, &journal, index)?;
    clear_journal(modules_dir)
}

/// Undoes a swap: the old tree (at the staging name) goes back, the new one
/// is removed; with no old one, the new one is removed.
fn take_back(modules_dir: &Path, name: &str, had_old: bool) -> Result<(), String> {
    let target = modules_dir.join(name);
    let staged = modules_dir.join(STAGING).join(name);
    if had_old && staged.exists() {
        tree::exchange(&staged, &target).map_err(io(&target))?;
    } else if !had_old && target.exists() {
        std::fs::rename(&target, &staged).map_err(io(&target))?;
    }
    tree::remove(&staged).map_err(io(&staged))
}

/// After a verified swap: the old tree becomes the backup, the index names
/// the new version (keeping the user's enable choice; the old entry becomes
/// the backup's).
fn finish(modules_dir: &Path, journal: &Journal, index: &mut Index) -> Result<(), String> {
    let staged = modules_dir.join(STAGING).join(&journal.name);
    let backup = modules_dir.join(BACKUPS).join(&journal.name);
    if journal.from.is_some() && staged.exists() {
        let trash = modules_dir.join(TRASH).join(&journal.name);
        tree::remove(&trash).map_err(io(&trash))?;
        ensure(&modules_dir.join(TRASH))?;
        ensure(&modules_dir.join(BACKUPS))?;
        if backup.exists() {
            std::fs::rename(&backup, &trash).map_err(io(&backup))?;
        }
        std::fs::rename(&staged, &backup).map_err(io(&staged))?;
        tree::remove(&trash).map_err(io(&trash))?;
    }
    let previous = index.modules.get(&journal.name).cloned();
    let mut entry = journal.entry.clone();
    if let Some(p) = &previous {
        entry.enabled = p.enabled;
    }
    index.modules.insert(journal.name.clone(), entry);
    index.backups_set(&journal.name, previous);
    index.schema_version = 1;
    index.save(modules_dir).map_err(io(modules_dir))
}

/// `--prune`: the module moves to the backups (so `rollback` can bring it
/// back) and leaves the index.
fn prune(modules_dir: &Path, name: &str, index: &mut Index) -> Result<(), String> {
    let target = modules_dir.join(name);
    let backup = modules_dir.join(BACKUPS).join(name);
    ensure(&modules_dir.join(BACKUPS))?;
    tree::remove(&backup).map_err(io(&backup))?;
    std::fs::rename(&target, &backup).map_err(io(&target))?;
    let previous = index.modules.remove(name);
    index.backups_set(name, previous);
    index.save(modules_dir).map_err(io(modules_dir))
}

/// A module a killed sync swapped in but never checked, and where its
/// previous version waits (for readers, which use that one until the next
/// `modules` command finishes or undoes the swap).
pub fn unchecked(modules_dir: &Path) -> Option<(String, PathBuf)> {
    let bytes = std::fs::read(modules_dir.join(JOURNAL)).ok()?;
    let journal: Journal = serde_json::from_slice(&bytes).ok()?;
    if journal.step != "swapping" || journal.from.is_none() {
        return None;
    }
    let now = Manifest::read(&modules_dir.join(&journal.name)).ok()?;
    let old_dir = modules_dir.join(STAGING).join(&journal.name);
    let old = Manifest::read(&old_dir).ok()?;
    (now.schema_version.to_string() == journal.to
        && Some(old.schema_version.to_string()) == journal.from)
        .then_some((journal.name, old_dir))
}

/// Whether an interrupted sync left something to finish or clear.
pub fn interrupted(modules_dir: &Path) -> bool {
    [JOURNAL, STAGING, TRASH]
        .iter()
        .any(|n| std::fs::symlink_metadata(modules_dir.join(n)).is_ok())
}

/// What a sync would find to repair, said without repairing (for `--check-only`).
fn pending_recovery(modules_dir: &Path) -> Vec<String> {
    match std::fs::read(modules_dir.join(JOURNAL)) {
        Ok(bytes) => match serde_json::from_slice::<Journal>(&bytes) {
            Ok(j) => vec![format!(
                "a sync was interrupted while replacing {} with {}; the next sync finishes or undoes it",
                j.name, j.to
            )],
            Err(_) => vec![
                "an unreadable journal of an interrupted sync; the next sync clears it".to_owned(),
            ],
        },
        Err(_) => Vec::new(),
    }
}

/// Finishes or undoes what a killed sync left (under the lock), clears
/// staging, and makes the index agree with the installed modules.
pub fn recover(modules_dir: &Path) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let mut damaged = false;
    let mut index = Index::load(modules_dir).unwrap_or_else(|e| {
        // Kept for a human to look at; the index is rebuilt from the modules.
        let aside = crate::state::set_aside(&modules_dir.join(super::index::INDEX))
            .map_or_else(|_| String::new(), |p| format!(" (kept as {})", p.display()));
        notes.push(format!("{e}; rebuilt from the installed modules{aside}"));
        damaged = true;
        Index {
            schema_version: 1,
            ..Index::default()
        }
    });
    if let Ok(bytes) = std::fs::read(modules_dir.join(JOURNAL)) {
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(journal) => {
                let target = modules_dir.join(&journal.name);
                let staged = modules_dir.join(STAGING).join(&journal.name);
                if !target.exists() && staged.exists() {
                    // Killed between the two renames of a fallback exchange.
                    std::fs::rename(&staged, &target).map_err(io(&target))?;
                }
                let now = Manifest::read(&target)
                    .ok()
                    .map(|m| m.schema_version.to_string());
                let swapped = now.as_deref() == Some(journal.to.as_str());
                if journal.step == "swapped" && swapped {
                    finish(modules_dir, &journal, &mut index)?;
                    notes.push(format!(
                        "finished installing {} {} (an earlier sync was interrupted)",
                        journal.name, journal.to
                    ));
                } else if swapped {
                    take_back(modules_dir, &journal.name, journal.from.is_some())?;
                    notes.push(format!(
                        "took back {} {}, swapped in but not yet checked when an earlier sync was interrupted",
                        journal.name, journal.to
                    ));
                }
            }
            Err(_) => notes.push("cleared an unreadable journal of an interrupted sync".to_owned()),
        }
        clear_journal(modules_dir)?;
    }
    for leftover in [STAGING, TRASH] {
        let path = modules_dir.join(leftover);
        tree::remove(&path).map_err(io(&path))?;
    }
    let (installed, _) = super::installed(modules_dir);
    let before = index.clone();
    index.schema_version = 1;
    index
        .modules
        .retain(|name, _| installed.iter().any(|m| &m.manifest.name == name));
    index.backups.retain(|name, _| {
        modules_dir
            .join(BACKUPS)
            .join(name)
            .join(super::MANIFEST)
            .exists()
    });
    for m in &installed {
        let version = m.manifest.schema_version.to_string();
        let entry = index
            .modules
            .entry(m.manifest.name.clone())
            .or_insert_with(|| Entry {
                schema_version: version.clone(),
                repository: "unknown".to_owned(),
                commit: "unknown".to_owned(),
                installed_at: crate::collect::now_rfc3339(),
                enabled: None,
                held_back: None,
            });
        if entry.schema_version != version {
            entry.schema_version = version;
            entry.commit = "unknown".to_owned();
        }
    }
    if index != before || damaged {
        index.save(modules_dir).map_err(io(modules_dir))?;
    }
    Ok(notes)
}

/// `toolup modules rollback NAME`: the backup and the installed version
/// change places (so a second rollback goes forward again); the version
/// stepped back from is held until the repository has a newer one.
pub fn rollback(modules_dir: &Path, name: &str) -> Result<(String, String), String> {
    let _lock = lock(modules_dir)?;
    recover(modules_dir)?;
    let target = modules_dir.join(name);
    let backup = modules_dir.join(BACKUPS).join(name);
    let backup_version = Manifest::read(&backup)
        .map_err(|_| format!("module {name:?} has no backup to roll back to"))?
        .schema_version
        .to_string();
    let mut index = Index::load(modules_dir)?;
    let current = Manifest::read(&target)
        .ok()
        .map(|m| m.schema_version.to_string());
    match &current {
        Some(_) => tree::exchange(&backup, &target).map_err(io(&target))?,
        None => std::fs::rename(&backup, &target).map_err(io(&target))?,
    }
    let mut entry = index.backups_take(name).unwrap_or_else(|| Entry {
        schema_version: backup_version.clone(),
        repository: "unknown".to_owned(),
        commit: "unknown".to_owned(),
        installed_at: crate::collect::now_rfc3339(),
        enabled: None,
        held_back: None,
    });
    let stepped_back = current
        .as_deref()
        .and_then(|c| semver::Version::parse(c).ok())
        > semver::Version::parse(&backup_version).ok();
    entry.schema_version = backup_version.clone();
    entry.held_back = if stepped_back { current.clone() } else { None };
    let old = index.modules.insert(name.to_owned(), entry);
    if current.is_some() {
        index.backups_set(name, old);
    }
    index.save(modules_dir).map_err(io(modules_dir))?;
    Ok((
        current.unwrap_or_else(|| "(none)".to_owned()),
        backup_version,
    ))
}

/// `toolup modules enable|disable NAME`: the user's choice, kept across syncs.
pub fn set_enabled(modules_dir: &Path, name: &str, enabled: bool) -> Result<(), String> {
    let _lock = lock(modules_dir)?;
    recover(modules_dir)?;
    let mut index = Index::load(modules_dir)?;
    let entry = index.modules.get_mut(name).ok_or_else(|| {
        format!(
            "no installed module named {:?}",
            crate::printer::visible(name)
        )
    })?;
    entry.enabled = Some(enabled);
    index.save(modules_dir).map_err(io(modules_dir))
}
