//! What an upgrade backs up before its manager runs, as the manager's
//! backup scope says: the program; the npm package's whole directory and
//! the link to it; the pipx/uv venv and the link into it; and the tool's
//! config files, which an upgrade may rewrite.

use std::path::PathBuf;

use super::plan::Action;
use super::verify::fresh_record;
use crate::settings::Settings;
use crate::state::backup;

/// What an upgrade through `action`'s manager replaces, as its backup scope
/// says: the program; or the npm package's whole directory and the link to
/// it; or the pipx/uv venv and the link into it. The tool's config files
/// too, which an upgrade may rewrite.
pub(super) fn backup_items(settings: &Settings, action: &Action) -> Vec<backup::Item> {
    use crate::managers::BackupScope;
    use backup::Item;
    let scope = crate::managers::installer(action.manager)
        .map_or(BackupScope::Program, |m| m.backup_scope());
    let Ok(catalog) = settings.catalog() else {
        return Vec::new();
    };
    let Some(t) = catalog.get(&action.tool) else {
        return Vec::new();
    };
    let Some(installed) = fresh_record(settings, t).and_then(|r| r.installed) else {
        return Vec::new();
    };
    let path = PathBuf::from(&installed.path);
    let mut items = Vec::new();
    if let Ok(target) = std::fs::canonicalize(&path) {
        let link = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| Item::Link(path.clone()));
        match scope {
            BackupScope::Program => items.push(Item::File(target)),
            BackupScope::PackageDir => match npm_package_dir(&target) {
                Some(dir) => items.extend([Item::Tree(dir)].into_iter().chain(link)),
                None => items.push(Item::File(target)),
            },
            BackupScope::Venv => {
                match target.ancestors().find(|d| d.join("pyvenv.cfg").is_file()) {
                    Some(venv) => {
                        items.extend([Item::Tree(venv.to_path_buf())].into_iter().chain(link))
                    }
                    None => items.push(Item::File(target)),
                }
            }
            BackupScope::Reinstall | BackupScope::Manager => {}
        }
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for pattern in &t.spec.config_files {
        let file = match (pattern.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            (Some(_), None) => continue,
            (None, _) => PathBuf::from(pattern),
        };
        if file.is_file() {
            items.push(Item::File(file));
        }
    }
    items
}

/// The npm package directory holding `target`: the ancestor whose parent is
/// `node_modules` (or a scope inside it).
fn npm_package_dir(target: &std::path::Path) -> Option<PathBuf> {
    target
        .ancestors()
        .find(|d| {
            let Some(parent) = d.parent() else {
                return false;
            };
            let scoped = parent
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('@'));
            parent.ends_with("node_modules")
                || (scoped && parent.parent().is_some_and(|p| p.ends_with("node_modules")))
        })
        .filter(|d| d.join("package.json").is_file())
        .map(std::path::Path::to_path_buf)
}
