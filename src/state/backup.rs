//! Backups before an upgrade: the files that will be replaced, copied into
//! the state dir with their sha256, restored (and verified) on failure or by
//! `toolup rollback`. Old backups are pruned by count.
//!
//! Backups can hold secrets (`~/.npmrc`): the backups directory is 0700 and
//! each copy keeps its original's mode and owner. Nothing read back from a
//! manifest is trusted further than it must be: manifests are read only from
//! real directories inside the backups directory, copies are plain names in
//! their own backup's directory, originals are absolute paths without `..`,
//! and a restore never sets the setuid or setgid bit.

use crate::base::digest::sha256_hex;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One backed-up file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackedUpFile {
    /// Where it lives (and is restored to).
    pub original: PathBuf,
    /// The copy, relative to the backup directory.
    pub copy: String,
    pub sha256: String,
    pub mode: u32,
    /// The original's owner, put back when toolup runs as root.
    #[serde(default)]
    pub uid: Option<u32>,
    #[serde(default)]
    pub gid: Option<u32>,
    /// A file (the default), a whole directory, or a symbolic link.
    #[serde(default)]
    pub kind: EntryKind,
}

/// What an entry is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A file's bytes (`sha256` is theirs).
    #[default]
    File,
    /// A whole tree, copied under `copy` (`sha256` is `tree::hash`'s).
    Tree,
    /// A symbolic link and its target.
    Link { target: PathBuf },
}

/// One thing to back up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A file's content (a link is followed).
    File(PathBuf),
    /// A whole directory: an npm package, a pipx or uv venv.
    Tree(PathBuf),
    /// A link itself (a bin link into a package).
    Link(PathBuf),
}

/// A backup of one tool, made before one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backup {
    pub tool: String,
    pub created_at: String,
    pub dir: PathBuf,
    pub files: Vec<BackedUpFile>,
    /// The tool's version when it was backed up: what a restore must run as.
    #[serde(default)]
    pub version: Option<String>,
}

const MANIFEST: &str = "manifest.json";

/// Copies `items` into `<root>/<tool>/<stamp>/`, recording `version`.
pub fn create_of(
    root: &Path,
    tool: &str,
    stamp: &str,
    items: &[Item],
    version: Option<&str>,
) -> std::io::Result<Backup> {
    let mut backup = create(root, tool, stamp, items)?;
    if version.is_some() {
        backup.version = version.map(str::to_owned);
        let manifest = serde_json::to_vec_pretty(&backup).map_err(std::io::Error::other)?;
        super::write_atomic(&backup.dir.join(MANIFEST), &manifest)?;
    }
    Ok(backup)
}

/// Copies `items` into `<root>/<tool>/<stamp>/`.
pub fn create(root: &Path, tool: &str, stamp: &str, items: &[Item]) -> std::io::Result<Backup> {
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
    if !crate::base::names::is_valid_name(tool) || !is_plain_name(stamp) {
        return Err(std::io::Error::other(format!(
            "refusing backup name {tool:?}/{stamp:?}"
        )));
    }
    let tool_dir = tool_dir(root, tool);
    std::fs::create_dir_all(&tool_dir)?;
    // Claimed with create_dir, so two backups in one second never share one.
    let mut dir = tool_dir.join(stamp);
    let mut n = 0;
    loop {
        match std::fs::create_dir(&dir) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                n += 1;
                dir = tool_dir.join(format!("{stamp}-{n}"));
            }
            Err(e) => return Err(e),
        }
    }
    for d in [root, &tool_dir, &dir] {
        std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))?;
    }
    let mut backed = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let original = match item {
            Item::File(p) | Item::Tree(p) | Item::Link(p) => p,
        };
        let copy = format!(
            "{i}-{}",
            super::names::file_name(
                &original
                    .file_name()
                    .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
            )
        );
        let entry = |sha256: String, meta: &std::fs::Metadata, kind: EntryKind| BackedUpFile {
            original: original.clone(),
            copy: copy.clone(),
            sha256,
            mode: meta.mode() & 0o7777,
            uid: Some(meta.uid()),
            gid: Some(meta.gid()),
            kind,
        };
        match item {
            Item::Link(path) => {
                let meta = std::fs::symlink_metadata(path)?;
                let target = std::fs::read_link(path)?;
                backed.push(entry(String::new(), &meta, EntryKind::Link { target }));
            }
            Item::Tree(path) => {
                let meta = std::fs::metadata(path)?;
                super::tree::copy(path, &dir.join(&copy))?;
                backed.push(entry(super::tree::hash(path)?, &meta, EntryKind::Tree));
            }
            Item::File(path) => {
                let bytes = std::fs::read(path)?;
                let meta = std::fs::metadata(path)?;
                // Created owner-only, then given the original's mode and owner.
                let mut out = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(dir.join(&copy))?;
                std::io::Write::write_all(&mut out, &bytes)?;
                out.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o777))?;
                if is_root() {
                    std::os::unix::fs::fchown(&out, Some(meta.uid()), Some(meta.gid()))?;
                }
                backed.push(entry(sha256_hex(&bytes), &meta, EntryKind::File));
            }
        }
    }
    let backup = Backup {
        tool: tool.to_owned(),
        created_at: dir
            .file_name()
            .map_or_else(|| stamp.to_owned(), |n| n.to_string_lossy().into_owned()),
        dir: dir.clone(),
        files: backed,
        version: None,
    };
    let manifest = serde_json::to_vec_pretty(&backup).map_err(std::io::Error::other)?;
    super::write_atomic(&dir.join(MANIFEST), &manifest)?;
    Ok(backup)
}

/// Puts everything back — trees whole, files atomically, links as they
/// were — and checks each against its hash afterwards.
pub fn restore(backup: &Backup) -> Result<(), String> {
    for file in &backup.files {
        check_entry(file)?;
    }
    // Trees first: a link or a file may live inside one.
    let order = |e: &BackedUpFile| match e.kind {
        EntryKind::Tree => 0,
        EntryKind::File => 1,
        EntryKind::Link { .. } => 2,
    };
    let mut entries: Vec<&BackedUpFile> = backup.files.iter().collect();
    entries.sort_by_key(|e| order(e));
    for file in entries {
        let shown = file.original.display();
        match &file.kind {
            EntryKind::File => restore_file(backup, file)?,
            EntryKind::Tree => {
                let copy = backup.dir.join(&file.copy);
                if super::tree::hash(&copy).ok().as_deref() != Some(file.sha256.as_str()) {
                    return Err(format!(
                        "the backup of {shown} is damaged (its hash differs)"
                    ));
                }
                super::tree::restore(&copy, &file.original)
                    .map_err(|e| format!("restoring {shown}: {e}"))?;
                if super::tree::hash(&file.original).ok().as_deref() != Some(file.sha256.as_str()) {
                    return Err(format!("{shown} does not match its backup after restoring"));
                }
            }
            EntryKind::Link { target } => {
                if std::fs::read_link(&file.original).ok().as_ref() != Some(target) {
                    let _ = std::fs::remove_file(&file.original);
                    std::os::unix::fs::symlink(target, &file.original)
                        .map_err(|e| format!("restoring the link {shown}: {e}"))?;
                }
            }
        }
    }
    Ok(())
}

fn restore_file(backup: &Backup, file: &BackedUpFile) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let bytes = std::fs::read(backup.dir.join(&file.copy))
        .map_err(|e| format!("reading the backup of {}: {e}", file.original.display()))?;
    if sha256_hex(&bytes) != file.sha256 {
        return Err(format!(
            "the backup of {} is damaged (sha256 differs)",
            file.original.display()
        ));
    }
    super::write_atomic(&file.original, &bytes)
        .map_err(|e| format!("restoring {}: {e}", file.original.display()))?;
    // Never the setuid or setgid bit, whatever the manifest says.
    std::fs::set_permissions(
        &file.original,
        std::fs::Permissions::from_mode(file.mode & 0o1777),
    )
    .map_err(|e| format!("restoring the mode of {}: {e}", file.original.display()))?;
    if is_root() && (file.uid.is_some() || file.gid.is_some()) {
        std::os::unix::fs::chown(&file.original, file.uid, file.gid)
            .map_err(|e| format!("restoring the owner of {}: {e}", file.original.display()))?;
    }
    let now = std::fs::read(&file.original)
        .map_err(|e| format!("verifying {}: {e}", file.original.display()))?;
    if sha256_hex(&now) != file.sha256 {
        return Err(format!(
            "{} does not match its backup after restoring",
            file.original.display()
        ));
    }
    Ok(())
}

/// Why a manifest entry cannot be restored, if it cannot.
fn check_entry(file: &BackedUpFile) -> Result<(), String> {
    use std::path::Component;
    if !is_plain_name(&file.copy) {
        return Err(format!(
            "the manifest names a copy outside its backup: {:?}",
            file.copy
        ));
    }
    let normal = file.original.is_absolute()
        && file
            .original
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::Normal(_)));
    if !normal {
        return Err(format!(
            "the manifest names a path that is not absolute and plain: {}",
            file.original.display()
        ));
    }
    Ok(())
}

/// A single path component: not empty, not `.` or `..`, no `/`.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

/// `<root>/<tool>`: where `tool`'s backups are (a safe file name, however
/// long the tool's name).
fn tool_dir(root: &Path, tool: &str) -> PathBuf {
    root.join(super::names::file_name(tool))
}

fn is_root() -> bool {
    crate::base::privilege::is_root()
}

/// The backup of `tool` in `dir`, which must be one of its backups: a real
/// directory right under `<root>/<tool>/`.
pub fn at(root: &Path, tool: &str, dir: &Path) -> Option<Backup> {
    // A file name is a plain name already (never empty, `.`, `..` or with `/`).
    let name = dir.file_name()?.to_str()?;
    if !crate::base::names::is_valid_name(tool) || dir != tool_dir(root, tool).join(name) {
        return None;
    }
    read_manifest(dir, tool)
}

fn read_manifest(dir: &Path, tool: &str) -> Option<Backup> {
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let manifest = dir.join(MANIFEST);
    if !std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut backup: Backup =
        serde_json::from_slice(&super::read_file(manifest, 16 * super::MIB).ok()?).ok()?;
    if backup.tool != tool {
        return None;
    }
    backup.dir = dir.to_path_buf();
    Some(backup)
}

/// The newest backup of `tool`, if any: read only from real directories
/// inside `root` (a link is not followed), its `dir` taken from where it was
/// found, not from what it says.
pub fn latest(root: &Path, tool: &str) -> Option<Backup> {
    if !crate::base::names::is_valid_name(tool) {
        return None;
    }
    let tool_dir = tool_dir(root, tool);
    if !std::fs::symlink_metadata(&tool_dir).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&tool_dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.sort_by_cached_key(|d| age_order(d));
    dirs.iter().rev().find_map(|d| read_manifest(d, tool))
}

/// A backup directory's place among its tool's, oldest first: its stamp,
/// then the number a backup in the same second took (`STAMP-2` before
/// `STAMP-10`, which a plain sort of names puts the other way).
fn age_order(dir: &Path) -> (String, u32) {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let numbered = name
        .rsplit_once('-')
        .and_then(|(stamp, n)| Some((stamp.to_owned(), n.parse::<u32>().ok()?)));
    numbered.unwrap_or((name, 0))
}

/// Keeps the newest `keep` backups of `tool`, and none older than `max_age`
/// (the newest is always kept, whatever its age).
pub fn prune(root: &Path, tool: &str, keep: usize, max_age: Option<std::time::Duration>) {
    let Ok(entries) = std::fs::read_dir(tool_dir(root, tool)) else {
        return;
    };
    let mut dirs: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    dirs.sort_by_cached_key(|d| age_order(d));
    let newest = dirs.last().cloned();
    let excess = dirs.len().saturating_sub(keep.max(1));
    let now = std::time::SystemTime::now();
    for (i, dir) in dirs.into_iter().enumerate() {
        let too_old = max_age.is_some_and(|age| {
            std::fs::metadata(&dir)
                .and_then(|m| m.modified())
                .is_ok_and(|t| now.duration_since(t).unwrap_or_default() > age)
        });
        if (i < excess || too_old) && Some(&dir) != newest.as_ref() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temp dir holding a one-file tool (`tool`) and where its backups go
    /// (`backups`).
    fn one_file_tool() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("tool");
        std::fs::write(&tool, b"one").unwrap();
        let root = dir.path().join("backups");
        (dir, tool, root)
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the test ages its backups itself
    fn prune_keeps_the_newest_few_and_nothing_too_old_but_always_the_newest() {
        use std::time::{Duration, SystemTime};
        let (_dir, tool, root) = one_file_tool();
        let day = Duration::from_secs(86_400);
        let names = |root: &Path| {
            let mut n: Vec<String> = std::fs::read_dir(root.join("tool"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            n.sort();
            n
        };
        // Ages in days, oldest first: the stamps sort the same way.
        let make = |ages: &[u64]| {
            let _ = std::fs::remove_dir_all(&root);
            for (i, age) in ages.iter().enumerate() {
                let b = create(&root, "tool", &format!("s{i}"), &[Item::File(tool.clone())]);
                let when = SystemTime::now() - day * u32::try_from(*age).unwrap();
                std::fs::File::open(b.unwrap().dir)
                    .unwrap()
                    .set_modified(when)
                    .unwrap();
            }
        };
        make(&[3, 2, 1]);
        prune(&root, "tool", 3, None);
        assert_eq!(names(&root), ["s0", "s1", "s2"], "all three kept");
        prune(&root, "tool", 2, None);
        assert_eq!(names(&root), ["s1", "s2"], "the oldest one goes");
        make(&[10, 1, 0]);
        prune(&root, "tool", 5, Some(day * 5));
        assert_eq!(names(&root), ["s1", "s2"], "only the one past its age goes");
        make(&[10, 9]);
        prune(&root, "tool", 5, Some(day * 5));
        assert_eq!(names(&root), ["s1"], "the newest stays, however old");
    }

    #[test]
    fn a_manifest_is_read_up_to_16_mib_and_no_further() {
        let (_dir, tool, root) = one_file_tool();
        let mut backup = create(&root, "tool", "s", &[Item::File(tool)]).unwrap();
        for (size, read) in [
            (2 * super::super::MIB, true),
            (17 * super::super::MIB, false),
        ] {
            backup.version = Some("1".repeat(usize::try_from(size).unwrap()));
            let text = serde_json::to_vec(&backup).unwrap();
            std::fs::write(backup.dir.join(MANIFEST), text).unwrap();
            assert_eq!(latest(&root, "tool").is_some(), read, "{size} bytes");
        }
    }

    #[test]
    fn a_tree_and_a_link_come_back_whole_and_a_damaged_tree_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("lib/tool");
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::write(tree.join("sub/a"), b"a1").unwrap();
        let link = dir.path().join("bin-tool");
        std::os::unix::fs::symlink("lib/tool/sub/a", &link).unwrap();
        let root = dir.path().join("backups");
        let items = [Item::Tree(tree.clone()), Item::Link(link.clone())];
        let backup = create(&root, "tool", "s", &items).unwrap();
        std::fs::write(tree.join("sub/a"), b"a2").unwrap();
        std::fs::write(tree.join("new"), b"n").unwrap();
        std::fs::remove_file(&link).unwrap();
        std::os::unix::fs::symlink("elsewhere", &link).unwrap();
        restore(&backup).unwrap();
        assert_eq!(std::fs::read(tree.join("sub/a")).unwrap(), b"a1");
        assert!(!tree.join("new").exists());
        assert_eq!(
            std::fs::read_link(&link).unwrap(),
            Path::new("lib/tool/sub/a")
        );
        let copy = backup.dir.join(&backup.files[0].copy);
        std::fs::write(copy.join("sub/a"), b"tampered").unwrap();
        let error = restore(&backup).unwrap_err();
        assert!(error.contains("is damaged (its hash differs)"), "{error}");
    }

    #[test]
    fn as_root_a_restore_puts_back_the_owner_the_manifest_names() {
        if !crate::base::privilege::is_root() {
            // Only root can give a file away; CI runs the tests as root,
            // so there this test never passes untried.
            assert_ne!(
                std::env::var("CI").as_deref(),
                Ok("true"),
                "CI=true and not root: owners cannot be restored (run the tests as root)"
            );
            return;
        }
        let (_dir, tool, root) = one_file_tool();
        let mut backup = create(&root, "tool", "s", &[Item::File(tool.clone())]).unwrap();
        // A user alone (no group) is still restored.
        backup.files[0].uid = Some(65_534);
        backup.files[0].gid = None;
        restore(&backup).unwrap();
        let meta = std::fs::metadata(&tool).unwrap();
        assert_eq!(std::os::unix::fs::MetadataExt::uid(&meta), 65_534);
    }

    #[test]
    fn a_backup_is_found_only_where_its_tool_keeps_them() {
        let (dir, tool, root) = one_file_tool();
        let backup = create(&root, "tool", "s", &[Item::File(tool)]).unwrap();
        assert_eq!(at(&root, "tool", &backup.dir), Some(backup.clone()));
        assert_eq!(at(&root, "../tool", &backup.dir), None);
        assert_eq!(at(&root, "other", &backup.dir), None);
        assert_eq!(at(&root, "tool", &root.join("tool/s/..")), None);
        // A backup of the same tool under another root is not one of these.
        let elsewhere = dir.path().join("elsewhere");
        let other = create(
            &elsewhere,
            "tool",
            "s",
            &[Item::File(dir.path().join("tool"))],
        );
        let other = other.unwrap();
        assert_eq!(at(&root, "tool", &other.dir), None);
        assert_eq!(at(&elsewhere, "tool", &other.dir), Some(other));
    }

    #[test]
    fn a_backup_refuses_a_bad_tool_or_stamp_keeps_modes_and_never_shares_a_directory() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, tool, root) = one_file_tool();
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
        let items = [Item::File(tool.clone())];
        // Either name wrong is enough to refuse.
        for (name, stamp) in [("tool", "../x"), ("../x", "20260101T000000Z")] {
            let error = create(&root, name, stamp, &items).unwrap_err();
            assert!(
                error.to_string().starts_with("refusing backup name"),
                "{error}"
            );
        }
        // The mode as a permission, without the file's type.
        let first = create(&root, "tool", "s", &items).unwrap();
        assert_eq!(first.files[0].mode, 0o755);
        // Backups in the same second: `s`, then `s-1` … `s-100`, then no more.
        let second = create(&root, "tool", "s", &items).unwrap();
        assert_eq!(second.dir, root.join("tool/s-1"));
        for n in 2..100 {
            std::fs::create_dir(root.join(format!("tool/s-{n}"))).unwrap();
        }
        let last = create(&root, "tool", "s", &items).unwrap();
        assert_eq!(last.dir, root.join("tool/s-100"));
        let error = create(&root, "tool", "s", &items).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
    }

    #[test]
    fn the_newest_of_one_seconds_backups_is_the_highest_numbered() {
        let (_dir, tool, root) = one_file_tool();
        let items = [Item::File(tool)];
        let made: Vec<Backup> = (0..12)
            .map(|_| create(&root, "tool", "s", &items).unwrap())
            .collect();
        // `s-11`, not `s-9`, the last name in a plain sort.
        assert_eq!(latest(&root, "tool").unwrap().dir, made[11].dir);
        prune(&root, "tool", 2, None);
        assert!(made[11].dir.exists() && made[10].dir.exists());
        assert!(!made[9].dir.exists() && !made[2].dir.exists());
    }

    #[test]
    fn backup_restore_round_trip_is_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let tool = dir.path().join("bin/tool");
        std::fs::create_dir_all(tool.parent().unwrap()).unwrap();
        std::fs::write(&tool, b"version one").unwrap();
        let root = dir.path().join("backups");
        let backup = create(
            &root,
            "tool",
            "20260101T000000Z",
            &[Item::File(tool.clone())],
        )
        .unwrap();
        std::fs::write(&tool, b"broken halfway").unwrap();
        restore(&backup).unwrap();
        assert_eq!(std::fs::read(&tool).unwrap(), b"version one");
        assert_eq!(latest(&root, "tool").unwrap(), backup);
        std::fs::write(backup.dir.join(&backup.files[0].copy), b"tampered").unwrap();
        assert!(restore(&backup).unwrap_err().contains("damaged"));
        create(
            &root,
            "tool",
            "20260102T000000Z",
            &[Item::File(tool.clone())],
        )
        .unwrap();
        // Two backups in the same second each get their own directory.
        let twin = create(
            &root,
            "tool",
            "20260102T000000Z",
            &[Item::File(tool.clone())],
        )
        .unwrap();
        assert_eq!(twin.created_at, "20260102T000000Z-1");
        std::fs::remove_dir_all(&twin.dir).unwrap();
        prune(&root, "tool", 1, None);
        assert_eq!(
            latest(&root, "tool").unwrap().created_at,
            "20260102T000000Z"
        );
        assert_eq!(std::fs::read_dir(root.join("tool")).unwrap().count(), 1);
    }

    #[test]
    fn a_secret_stays_private_in_its_backup() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let npmrc = dir.path().join(".npmrc");
        std::fs::write(&npmrc, b"//registry/:_authToken=secret").unwrap();
        std::fs::set_permissions(&npmrc, std::fs::Permissions::from_mode(0o600)).unwrap();
        let root = dir.path().join("backups");
        let backup = create(&root, "npm", "20260101T000000Z", &[Item::File(npmrc)]).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&backup.dir.join(&backup.files[0].copy)), 0o600);
        assert_eq!(mode(&root), 0o700);
        assert_eq!(mode(&backup.dir), 0o700);
    }

    #[test]
    fn a_planted_manifest_cannot_write_elsewhere_or_set_setuid() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("backups");
        let target = dir.path().join("bin/tool");
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, b"old").unwrap();
        let backup = create(
            &root,
            "tool",
            "20260101T000000Z",
            &[Item::File(target.clone())],
        )
        .unwrap();
        assert!(latest(&root, "../tool").is_none());
        assert!(latest(&root, "tool/..").is_none());
        // A manifest that says its copy lives elsewhere, or restores through `..`.
        let mut evil = backup.clone();
        evil.files[0].copy = "../../x".into();
        assert!(restore(&evil).unwrap_err().contains("outside"));
        let mut evil = backup.clone();
        evil.files[0].original = dir.path().join("bin/../../escape");
        assert!(restore(&evil).unwrap_err().contains("plain"));
        // A setuid bit in the manifest is not restored.
        let mut evil = backup;
        evil.files[0].mode = 0o4755;
        restore(&evil).unwrap();
        assert_eq!(
            std::fs::metadata(&target).unwrap().permissions().mode() & 0o7777,
            0o755
        );
    }
}
