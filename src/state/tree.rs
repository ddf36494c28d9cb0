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
    Ok(crate::base::digest::hex(&hasher.finalize()))
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
            // Opened without blocking: a FIFO swapped in meanwhile is an error.
            let (mut file, _) = super::open_regular(entry.path())?;
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

/// Limits on a tree copied from somewhere untrusted.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_bytes: u64,
}

/// Copies the tree at `from` to `to` (which must not exist) when everything
/// in it stays inside it: a symlink must point, relatively, at a path within
/// the tree (`..` that climbs out and absolute targets are refused);
/// sockets, FIFOs and devices are refused; modes are kept without
/// setuid/setgid/sticky bits; the entry count and size are bounded. On an
/// error the partial copy is removed and the error names the entry.
pub fn copy_contained(from: &Path, to: &Path, limits: Limits) -> Result<(), String> {
    let mut budget = (limits.max_entries, limits.max_bytes);
    let result = copy_checked(from, to, Path::new(""), &mut budget);
    if result.is_err() {
        let _ = remove_any(&to.to_path_buf());
    }
    result
}

fn copy_checked(
    from: &Path,
    to: &Path,
    relative: &Path,
    budget: &mut (usize, u64),
) -> Result<(), String> {
    let named = |e: std::io::Error| format!("{}: {e}", from.display());
    let meta = std::fs::symlink_metadata(from).map_err(named)?;
    if !meta.is_dir() {
        return Err(format!("{}: not a directory", from.display()));
    }
    std::fs::create_dir(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut entries: Vec<_> = std::fs::read_dir(from)
        .map_err(named)?
        .collect::<Result<_, _>>()
        .map_err(named)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        let rel = relative.join(entry.file_name());
        let shown = rel.display().to_string();
        budget.0 = budget
            .0
            .checked_sub(1)
            .ok_or_else(|| format!("{shown}: more than the allowed number of files"))?;
        let kind = entry.file_type().map_err(|e| format!("{shown}: {e}"))?;
        if kind.is_dir() {
            copy_checked(&source, &dest, &rel, budget)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&source).map_err(|e| format!("{shown}: {e}"))?;
            if !stays_inside(relative, &target) {
                return Err(format!(
                    "{shown}: a symlink to {} leaves the directory",
                    target.display()
                ));
            }
            std::os::unix::fs::symlink(&target, &dest).map_err(|e| format!("{shown}: {e}"))?;
        } else if kind.is_file() {
            let meta = entry.metadata().map_err(|e| format!("{shown}: {e}"))?;
            budget.1 = budget
                .1
                .checked_sub(meta.len())
                .ok_or_else(|| format!("{shown}: the files are larger than allowed"))?;
            std::fs::copy(&source, &dest).map_err(|e| format!("{shown}: {e}"))?;
            let mode = meta.permissions().mode() & 0o777;
            std::fs::set_permissions(&dest, std::fs::Permissions::from_mode(mode))
                .map_err(|e| format!("{shown}: {e}"))?;
        } else {
            return Err(format!(
                "{shown}: not a file, directory or symlink (a socket, FIFO or device)"
            ));
        }
    }
    std::fs::set_permissions(
        to,
        std::fs::Permissions::from_mode(meta.permissions().mode() & 0o777),
    )
    .map_err(|e| format!("{}: {e}", to.display()))
}

/// Whether a link in directory `dir` (relative to the tree's root) pointing
/// at `target` resolves, lexically, to a path inside the tree.
fn stays_inside(dir: &Path, target: &Path) -> bool {
    use std::path::Component;
    let mut depth: Vec<&std::ffi::OsStr> = dir
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect();
    for part in target.components() {
        match part {
            Component::Normal(n) => depth.push(n),
            Component::CurDir => {}
            Component::ParentDir => {
                if depth.pop().is_none() {
                    return false;
                }
            }
            Component::RootDir | Component::Prefix(_) => return false,
        }
    }
    !depth.is_empty() || target.as_os_str().is_empty()
}

/// Swaps two paths in one step (`renameat2(RENAME_EXCHANGE)`): at every
/// instant each name holds one whole tree, the old or the new. Where the
/// filesystem cannot exchange, two renames through a name beside `a`
/// (the caller's journal covers the instant between them).
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::other("a path with a NUL byte"))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both are NUL-terminated paths that live across the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let err = std::io::Error::last_os_error();
    if !matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
        return Err(err);
    }
    let mut aside = a.as_os_str().to_os_string();
    aside.push(".exchange");
    let aside = PathBuf::from(aside);
    std::fs::rename(a, &aside)?;
    std::fs::rename(b, a)?;
    std::fs::rename(&aside, b)
}

/// Removes a file, link or tree (nothing there is fine).
pub fn remove(path: &Path) -> std::io::Result<()> {
    remove_any(&path.to_path_buf())
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
    fn a_contained_copy_refuses_what_leaves_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("m");
        std::fs::create_dir_all(src.join("bin")).unwrap();
        std::fs::write(src.join("bin/tool"), "x").unwrap();
        std::fs::set_permissions(
            src.join("bin/tool"),
            std::fs::Permissions::from_mode(0o4755),
        )
        .unwrap();
        std::os::unix::fs::symlink("tool", src.join("bin/alias")).unwrap();
        std::os::unix::fs::symlink("../bin/tool", src.join("bin/up")).unwrap();
        let limits = Limits {
            max_entries: 100,
            max_bytes: 1 << 20,
        };
        let to = dir.path().join("copy");
        copy_contained(&src, &to, limits).unwrap();
        let mode = std::fs::metadata(to.join("bin/tool"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o7777, 0o755, "executable kept, setuid dropped");
        for (link, target) in [
            ("out", "../../etc/passwd"),
            ("abs", "/etc/passwd"),
            ("top", ".."),
        ] {
            let bad = dir.path().join(format!("bad-{link}"));
            copy(&src, &bad).unwrap();
            std::os::unix::fs::symlink(target, bad.join("bin").join(link)).unwrap();
            let dest = dir.path().join(format!("copy-{link}"));
            let e = copy_contained(&bad, &dest, limits).unwrap_err();
            assert!(e.contains("leaves the directory"), "{e}");
            assert!(!dest.exists(), "no partial copy is left");
        }
        let e = copy_contained(
            &src,
            &dir.path().join("small"),
            Limits {
                max_entries: 2,
                max_bytes: 1 << 20,
            },
        )
        .unwrap_err();
        assert!(e.contains("number of files"), "{e}");
    }

    #[test]
    fn an_exchange_swaps_two_trees() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("v"), "old").unwrap();
        std::fs::write(b.join("v"), "new").unwrap();
        exchange(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(a.join("v")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(b.join("v")).unwrap(), "old");
    }

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
