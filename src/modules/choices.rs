//! The user's own choices about installed modules: prune one gone from the
//! repository (inside a sync), roll one back to its backup, enable or
//! disable one (these two take the modules lock and repair an interrupted
//! sync first).

use std::path::Path;

use super::index::{Entry, Index};
use super::manifest::Manifest;
use super::swap::{BACKUPS, ensure, io, lock, recover};
use crate::state::tree;

/// `--prune`: the module moves to the backups (so `rollback` can bring it
/// back) and leaves the index.
pub(super) fn prune(modules_dir: &Path, name: &str, index: &mut Index) -> Result<(), String> {
    let target = modules_dir.join(name);
    let backup = modules_dir.join(BACKUPS).join(name);
    ensure(&modules_dir.join(BACKUPS))?;
    tree::remove(&backup).map_err(io(&backup))?;
    crate::state::files::rename(&target, &backup).map_err(io(&target))?;
    let previous = index.modules.remove(name);
    index.backups_set(name, previous);
    index.save(modules_dir).map_err(io(modules_dir))
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
        None => crate::state::files::rename(&backup, &target).map_err(io(&target))?,
    }
    let mut entry = index.backups_take(name).unwrap_or_else(|| Entry {
        schema_version: backup_version.clone(),
        repository: "unknown".to_owned(),
        commit: "unknown".to_owned(),
        installed_at: crate::base::clock::now_rfc3339(),
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
            crate::base::printer::visible(name)
        )
    })?;
    entry.enabled = Some(enabled);
    index.save(modules_dir).map_err(io(modules_dir))
}
