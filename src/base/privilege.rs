//! Privilege, asked and spelled in one place: whether toolup runs as root,
//! and the one way it puts `sudo` in front of a command — `sudo -n`, which
//! fails at once rather than waiting for a password nobody will type —
//! naming the program by the absolute, canonical path a sudoers drop-in
//! grants (`program_for_root`), so what runs is exactly what was granted.

use std::path::PathBuf;

/// Whether this process runs as root (its effective user id is 0).
pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// What goes in front of a command that needs root when toolup is not root.
pub const SUDO: [&str; 2] = ["sudo", "-n"];

/// `argv` as it runs: when it needs root, its program named by the path
/// `program_for_root` finds (never through a relative PATH entry), behind
/// `sudo -n` when toolup is not root; as it is otherwise.
pub fn as_root(argv: Vec<String>, needs_root: bool) -> Vec<String> {
    if !needs_root {
        return argv;
    }
    let search = super::host::Host::current().path;
    if is_root() {
        named_for_root(argv, &search)
    } else {
        behind_sudo(argv, &search)
    }
}

/// `argv` behind `sudo -n`, its program named as `program_for_root` finds
/// it through `search` (left as it is when it cannot be found: sudo then
/// says so).
pub fn behind_sudo(argv: Vec<String>, search: &[PathBuf]) -> Vec<String> {
    SUDO.iter()
        .map(|s| (*s).to_owned())
        .chain(named_for_root(argv, search))
        .collect()
}

/// `argv` with its program named as `program_for_root` finds it through
/// `search`, where it does.
fn named_for_root(mut argv: Vec<String>, search: &[PathBuf]) -> Vec<String> {
    if let Some(first) = argv.first_mut()
        && let Ok(program) = program_for_root(first, search)
        && let Some(program) = program.to_str()
    {
        *first = program.to_owned();
    }
    argv
}

/// `argv` with a leading `sudo -n` taken off (to check the command itself).
pub fn without_sudo(argv: &[String]) -> &[String] {
    match argv {
        [s, n, rest @ ..] if s == SUDO[0] && n == SUDO[1] => rest,
        _ => argv,
    }
}

/// The program `name` as a command run as root names it: an absolute,
/// canonical path (no link, no `.` or `..`), found through the absolute
/// entries of `search` only — a relative or empty entry (the working
/// directory) is never searched — or `name` itself when it is absolute.
/// A relative path, or a program not found that way, is an error.
pub fn program_for_root(name: &str, search: &[PathBuf]) -> Result<PathBuf, String> {
    let found = if name.starts_with('/') {
        Some(PathBuf::from(name))
    } else if name.is_empty() || name.contains('/') {
        return Err(format!(
            "{name:?} is neither a program name nor an absolute path"
        ));
    } else {
        search
            .iter()
            .filter(|dir| dir.is_absolute())
            .map(|dir| dir.join(name))
            .find(|p| super::paths::is_executable_file(p))
    };
    let found = found
        .filter(|p| super::paths::is_executable_file(p))
        .ok_or_else(|| format!("{name} is not on PATH (its absolute entries)"))?;
    found
        .canonicalize()
        .map_err(|e| format!("{}: {e}", found.display()))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn only_absolute_search_entries_are_searched_and_the_path_is_canonical() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap().join("real");
        std::fs::create_dir_all(&real).unwrap();
        let program = real.join("tool");
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::symlink(&real, dir.path().join("link")).unwrap();
        let via_link = vec![dir.path().join("link")];
        assert_eq!(program_for_root("tool", &via_link).unwrap(), program);
        // Relative and empty entries are never searched, even where they would find it.
        let cwd = std::env::current_dir().unwrap();
        let up = "../".repeat(cwd.components().count().saturating_sub(1));
        let relative_to_real = PathBuf::from(format!(
            "{up}{}",
            real.display().to_string().trim_start_matches('/')
        ));
        assert!(
            relative_to_real.join("tool").is_file(),
            "it would be found there"
        );
        let relative = vec![PathBuf::new(), relative_to_real, PathBuf::from(".")];
        assert!(program_for_root("tool", &relative).is_err());
        assert!(program_for_root("real/tool", &via_link).is_err());
        assert!(program_for_root("", &via_link).is_err());
        let absolute = format!("{}/link/../real/tool", dir.path().display());
        assert_eq!(program_for_root(&absolute, &[]).unwrap(), program);
        let argv = behind_sudo(vec!["tool".into(), "update".into()], &via_link);
        assert_eq!(
            argv,
            ["sudo", "-n", program.to_str().unwrap(), "update"],
            "what runs names the program as a drop-in grants it"
        );
    }
}
