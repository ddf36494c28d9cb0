//! Replacing a module whole: the staged copy and the installed one change
//! places in one step (`RENAME_EXCHANGE`), the post-update check runs, and
//! the old one becomes the backup. A journal (`.journal.json`) written
//! before each swap lets the next run finish or undo a swap a kill
//! interrupted, so a module is always whole and the index agrees with it.
//! One process at a time changes the modules directory (`.lock`).
//!
//! Layout of the modules directory: `NAME/` (installed), `.backups/NAME/`
//! (the version before), `.staging/` (copies being checked), `index.json`,
//! `.journal.json`, `.lock`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::index::{Entry, Index};
use super::manifest::Manifest;
use super::validate;
use crate::state::lock::{LockedFile, NotLocked};
use crate::state::tree;

/// The journal of a swap in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Journal {
    name: String,
    from: Option<String>,
    to: String,
    entry: Entry,
    /// "swapping" until the post-update check passed, then "swapped".
    step: String,
}

const JOURNAL: &str = ".journal.json";
pub(super) const STAGING: &str = ".staging";
pub(super) const BACKUPS: &str = ".backups";
const TRASH: &str = ".trash";

/// The lock that one process at a time holds to change the modules directory.
pub fn lock(modules_dir: &Path) -> Result<LockedFile, String> {
    lock_file(&modules_dir.join(".lock"))
}

/// A lock of the modules' own, waited for two minutes at most.
pub(super) fn lock_file(path: &Path) -> Result<LockedFile, String> {
    LockedFile::acquire(path, Duration::from_secs(120)).map_err(|e| match e {
        NotLocked::Held { .. } => format!(
            "{}: another toolup is changing the modules (waited 120s)",
            path.display()
        ),
        NotLocked::Io(e) => format!("{}: {e}", path.display()),
    })
}

pub(super) fn ensure(dir: &Path) -> Result<&Path, String> {
    crate::state::files::ensure_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

fn save_journal(modules_dir: &Path, journal: &Journal) -> Result<(), String> {
    let text = serde_json::to_string_pretty(journal).map_err(|e| e.to_string())?;
    crate::state::write_atomic(&modules_dir.join(JOURNAL), text.as_bytes())
        .map_err(|e| format!("{}: {e}", modules_dir.join(JOURNAL).display()))
}

fn clear_journal(modules_dir: &Path) -> Result<(), String> {
    crate::state::files::remove_file(&modules_dir.join(JOURNAL))
        .map_err(|e| format!("{}: {e}", modules_dir.join(JOURNAL).display()))
}

pub(super) fn io(path: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", path.display())
}

/// Swaps the staged module in, checks it, and keeps the old one as the
/// backup; a failed check puts the old one back.
pub(super) fn swap_in(
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
    let swapped = if from.is_some() {
        tree::exchange(staged, &target)
    } else {
        crate::state::files::rename(staged, &target)
    };
    if let Err(e) = swapped {
        // Nothing changed places: nothing for a later run to finish or undo.
        clear_journal(modules_dir)?;
        return Err(io(&target)(e));
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
        crate::state::files::rename(&target, &staged).map_err(io(&target))?;
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
            crate::state::files::rename(&backup, &trash).map_err(io(&backup))?;
        }
        crate::state::files::rename(&staged, &backup).map_err(io(&staged))?;
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

/// A module a killed sync swapped in but never checked, and where its
/// previous version waits (for readers, which use that one until the next
/// `modules` command finishes or undoes the swap).
pub fn unchecked(modules_dir: &Path) -> Option<(String, PathBuf)> {
    let bytes = read_journal(modules_dir).ok()?;
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

/// The journal's bytes (a regular file, bounded; anything else reads as unreadable).
fn read_journal(modules_dir: &Path) -> Result<Vec<u8>, crate::state::ReadError> {
    crate::state::read_file(modules_dir.join(JOURNAL), crate::state::MIB)
}

/// Whether an interrupted sync left something to finish or clear.
pub fn interrupted(modules_dir: &Path) -> bool {
    [JOURNAL, STAGING, TRASH]
        .iter()
        .any(|n| std::fs::symlink_metadata(modules_dir.join(n)).is_ok())
}

/// What a sync would find to repair, said without repairing (for `--check-only`).
pub(super) fn pending_recovery(modules_dir: &Path) -> Vec<String> {
    match read_journal(modules_dir) {
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
    if let Ok(bytes) = read_journal(modules_dir) {
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(journal) => {
                let target = modules_dir.join(&journal.name);
                let staged = modules_dir.join(STAGING).join(&journal.name);
                if !target.exists() && staged.exists() {
                    // Killed between the two renames of a fallback exchange.
                    crate::state::files::rename(&staged, &target).map_err(io(&target))?;
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
                installed_at: crate::base::clock::now_rfc3339(),
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
