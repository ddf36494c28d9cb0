//! Whole directory trees for backups: copy one (files, symlinks and
//! directories, modes kept, never setuid/setgid, nothing else followed or
//! copied), hash one (paths, kinds, modes, contents, link targets), and put
//! one back in place with renames so a reader never sees half of it.

use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Copies the tree at `from` to `to` (which must not exist).
pub fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other(format!(
            "{}: not a directory",
            from.display()
        )));
    }
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy(&source, &dest)?;
        } else if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&source)?, &dest)?;
        } else if kind.is_file() {
            std::fs::copy(&source, &dest)?;
            let mode = entry.metadata()?.permissions().mode() & 0o1777;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))?;
        }
        // Sockets, FIFOs and devices are not part of a package.
    }
    std::fs::set_permissions(
        to,
        std::fs::Permissions::from_mode(meta.permissions().mode() & 0o1777),
    )
}

/// A hash of the whole tree: every entry's relative path, kind and mode,
/// each file's content and each link's target, in a fixed order.
pub fn hash(root: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    hash_into(root, Path::new(""), &mut hasher)?;
    Ok(super::backup::hex(&hasher.finalize()))
}

fn hash_into(dir: &Path, relative: &Path, hasher: &mut Sha256) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let rel = relative.join(entry.file_name());
        let kind = entry.file_type()?;
        let mode = entry.metadata()?.permissions().mode() & 0o1777;
        hasher.update(rel.as_os_str().as_encoded_bytes());
        if kind.is_dir() {
            hasher.update(format!("\0d{mode:o}\0"));
            hash_into(&entry.path(), &rel, hasher)?;
        } else if kind.is_symlink() {
            hasher.update(b"\0l\0");
            hasher.update(
                std::fs::read_link(entry.path())?
                    .as_os_str()
                    .as_encoded_bytes(),
            );
        } else if kind.is_file() {
            hasher.update(format!("\0f{mode:o}\0"));
            let mut file = std::fs::File::open(entry.path())?;
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                let n = file.read(&mut chunk)?;
                if n == 0 {
                    break;
                }
                hasher.update(&chunk[..n]);
            }
        }
        hasher.update(b"\n");
    }
    Ok(())
}

/// Puts the tree at `backup` back at `original`: copied next to it first,
/// then the current tree is renamed aside, the copy renamed in, and the old
/// one removed — two renames, so the tool is never missing for long and a
/// failure part-way leaves one whole tree in place.
pub fn restore(backup: &Path, original: &Path) -> std::io::Result<()> {
    let parent = original
        .parent()
        .ok_or_else(|| std::io::Error::other("a root directory cannot be restored"))?;
    std::fs::create_dir_all(parent)?;
    let name = original
        .file_name()
        .map_or_else(|| "tree".into(), |n| n.to_string_lossy().into_owned());
    let pid = std::process::id();
    let staged = parent.join(format!(".toolup-restore-{pid}-{name}"));
    let aside = parent.join(format!(".toolup-replaced-{pid}-{name}"));
    for leftover in [&staged, &aside] {
        if std::fs::symlink_metadata(leftover).is_ok() {
            std::fs::remove_dir_all(leftover)?;
        }
    }
    copy(backup, &staged)?;
    let had_one = std::fs::symlink_metadata(original).is_ok();
    if had_one {
        std::fs::rename(original, &aside)?;
    }
    if let Err(e) = std::fs::rename(&staged, original) {
        if had_one {
            let _ = std::fs::rename(&aside, original);
        }
        return Err(e);
    }
    if had_one {
        remove_any(&aside)?;
    }
    Ok(())
}

/// Removes a file, link or tree.
fn remove_any(path: &PathBuf) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let pkg = dir.path().join("node_modules/pkg");
        std::fs::create_dir_all(pkg.join("lib")).unwrap();
        std::fs::write(pkg.join("package.json"), r#"{"version":"1.0.0"}"#).unwrap();
        std::fs::write(pkg.join("lib/index.js"), "old").unwrap();
        std::os::unix::fs::symlink("lib/index.js", pkg.join("main.js")).unwrap();
        let before = hash(&pkg).unwrap();
        let saved = dir.path().join("saved");
        copy(&pkg, &saved).unwrap();
        assert_eq!(hash(&saved).unwrap(), before);
        // An upgrade that rewrote one file and added another, then failed.
        std::fs::write(pkg.join("lib/index.js"), "new").unwrap();
        std::fs::write(pkg.join("lib/extra.js"), "new").unwrap();
        assert_ne!(hash(&pkg).unwrap(), before);
        restore(&saved, &pkg).unwrap();
        assert_eq!(hash(&pkg).unwrap(), before);
        assert!(!pkg.join("lib/extra.js").exists());
        let left: Vec<_> = std::fs::read_dir(pkg.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no staging or aside directory is left");
    }
}
