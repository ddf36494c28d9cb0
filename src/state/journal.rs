//! Actions in progress: one file per action, written before its package
//! manager starts and removed once its outcome is in the history. A file
//! whose process is gone is an action that was interrupted (kill -9, power
//! loss): the next acting run finds it, says so and puts the tool back.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One action that has started and not yet been recorded as finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unfinished {
    pub schema_version: u32,
    /// Its `started` line in the history.
    pub started: super::history::HistoryEntry,
    /// The backup made before it, to restore from.
    pub backup: Option<PathBuf>,
    /// What undoes it when there is no backup (a reinstall of the old version).
    #[serde(default)]
    pub undo_argv: Vec<String>,
    pub pid: u32,
}

/// The file of `tool`'s unfinished action (a safe file name, however long
/// the tool's name).
pub fn path_of(dir: &Path, tool: &str) -> Option<PathBuf> {
    crate::base::names::is_valid_name(tool)
        .then(|| dir.join(format!("{}.json", super::names::file_name(tool))))
}

/// Whether `tool`'s unfinished action is recorded in `dir` as this
/// process's (what a message may then say is there).
pub fn holds(dir: &Path, tool: &str) -> bool {
    path_of(dir, tool)
        .and_then(|p| super::read_bounded(&p, 1024 * 1024).ok())
        .and_then(|b| serde_json::from_slice::<Unfinished>(&b).ok())
        .is_some_and(|u| u.started.tool == tool && u.pid == std::process::id())
}

/// Records that `entry` is starting. An error means it must not start.
pub fn begin(dir: &Path, entry: &Unfinished) -> std::io::Result<()> {
    let tool = &entry.started.tool;
    let path = path_of(dir, tool)
        .ok_or_else(|| std::io::Error::other(format!("bad tool name {tool:?}")))?;
    let bytes = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
    super::write_private(&path, &bytes)
}

/// Records that the action on `tool` finished (its outcome is in the history).
pub fn finish(dir: &Path, tool: &str) {
    if let Some(path) = path_of(dir, tool) {
        let _ = std::fs::remove_file(path);
    }
}

/// Actions whose process is gone: interrupted before they finished.
pub fn interrupted(dir: &Path) -> Vec<Unfinished> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Unfinished> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| serde_json::from_slice(&super::read_file(e.path(), super::MIB).ok()?).ok())
        .filter(|u: &Unfinished| path_of(dir, &u.started.tool).is_some() && !alive(u.pid))
        .collect();
    found.sort_by(|a, b| a.started.time.cmp(&b.started.time));
    found
}

fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid == 0 || pid == libc::pid_t::try_from(std::process::id()).unwrap_or(0) {
        return false;
    }
    // SAFETY: signal 0 only checks that the process exists.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_of_a_dead_process_is_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let mut entry = Unfinished {
            schema_version: 1,
            started: crate::state::history::HistoryEntry {
                time: "2026-01-01T00:00:00Z".into(),
                tool: "tool".into(),
                action: "upgrade".into(),
                manager: "npm".into(),
                argv: vec!["npm".into()],
                from_version: Some("1.0.0".into()),
                to_version: Some("1.1.0".into()),
                outcome: "started".into(),
                message: String::new(),
            },
            backup: None,
            undo_argv: Vec::new(),
            pid: 1,
        };
        begin(dir.path(), &entry).unwrap();
        assert!(interrupted(dir.path()).is_empty(), "pid 1 is alive");
        // Above Linux's largest pid_max: no such process.
        entry.pid = 5_000_000;
        begin(dir.path(), &entry).unwrap();
        assert_eq!(interrupted(dir.path()), [entry]);
        finish(dir.path(), "tool");
        assert!(interrupted(dir.path()).is_empty());
    }
}
