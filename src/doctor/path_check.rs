//! PATH problems: relative or empty entries (any directory you stand in can
//! plant commands), directories that do not exist, the same entry twice,
//! and a version manager's shim directory after a directory holding the same
//! commands, so the manager's choice never runs.

use std::path::{Path, PathBuf};

use super::{Finding, Health};
use crate::audit::discover::{HostEnv, same_dir, shim_dirs};
use crate::base::paths::is_executable_file;

pub fn check(env: &HostEnv) -> Vec<Finding> {
    let entries: Vec<PathBuf> = env
        .path
        .as_deref()
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut seen: Vec<(usize, PathBuf)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let position = i + 1;
        if entry.as_os_str().is_empty() || entry.is_relative() {
            let shown = if entry.as_os_str().is_empty() {
                "an empty entry (the current directory)".to_owned()
            } else {
                format!("the relative entry {:?}", entry.display().to_string())
            };
            out.push(
                Finding::new(
                    "path",
                    format!("PATH entry {position}"),
                    Health::Broken,
                    format!("{shown}: commands are looked up in whatever directory you are in"),
                )
                .fix("remove it from PATH in your shell's profile"),
            );
            continue;
        }
        if !entry.is_dir() {
            out.push(
                Finding::new(
                    "path",
                    format!("PATH entry {position}"),
                    Health::Warn,
                    format!("{} does not exist", entry.display()),
                )
                .fix("remove it from PATH, or create it"),
            );
            continue;
        }
        // Compared as written: `/bin` after `/usr/bin` on a merged-/usr
        // system is the distribution's default, not a mistake.
        if let Some((first, _)) = seen
            .iter()
            .find(|(_, p)| p.components().eq(entry.components()))
        {
            out.push(
                Finding::new(
                    "path",
                    format!("PATH entry {position}"),
                    Health::Warn,
                    format!(
                        "{} is already entry {first}; the later one is never used",
                        entry.display()
                    ),
                )
                .fix("remove the later entry from PATH"),
            );
            continue;
        }
        seen.push((position, entry.clone()));
    }
    out.extend(shadowed_shims(env, &seen));
    if out.is_empty() {
        out.push(Finding::new(
            "path",
            "PATH",
            Health::Ok,
            format!("{} directories, none missing or repeated", seen.len()),
        ));
    }
    out
}

/// Shim directories that come after a directory holding the same commands.
fn shadowed_shims(env: &HostEnv, dirs: &[(usize, PathBuf)]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (shims, manager) in shim_dirs(env) {
        let Some(at) = dirs.iter().position(|(_, d)| same_dir(d, &shims)) else {
            continue;
        };
        let names = commands(&shims);
        for (_, earlier) in &dirs[..at] {
            let hidden: Vec<&str> = names
                .iter()
                .filter(|n| is_executable_file(&earlier.join(n)))
                .map(String::as_str)
                .collect();
            if hidden.is_empty() {
                continue;
            }
            let shown = hidden
                .iter()
                .take(5)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = hidden.len().saturating_sub(5);
            out.push(
                Finding::new(
                    "path",
                    format!("{manager} shims"),
                    Health::Broken,
                    format!(
                        "{} comes after {}, so {shown}{} run from there, not as {manager} chose",
                        shims.display(),
                        earlier.display(),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                )
                .fix(format!(
                    "put {} before {} on PATH (set up {manager} last in your shell's profile)",
                    shims.display(),
                    earlier.display()
                )),
            );
        }
    }
    out
}

/// The executables in `dir`, sorted.
fn commands(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| is_executable_file(&e.path()))
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
