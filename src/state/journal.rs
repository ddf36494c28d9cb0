//! Actions in progress: one file per action, written before its package
//! manager starts and removed once its outcome is in the history. A file
//! whose process is gone is an action that was interrupted (kill -9, power
//! loss): the next acting run finds it, says so, ends whatever of it still
//! runs (the `lineage`: toolup's pid and start time, the process group of
//! each process the action started, the mark they carry), and only then
//! puts the tool back.

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
    /// What identifies the processes of the run that started it, and the
    /// process groups the action started (noted as each one starts).
    #[serde(default)]
    pub lineage: Option<crate::exec::Lineage>,
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

/// Records that `entry` is starting. An error means it must not start:
/// among others, while another run's action on the same tool is unfinished
/// (running, or interrupted and not put back because something of it still
/// runs), whose record this would overwrite.
pub fn begin(dir: &Path, entry: &Unfinished) -> std::io::Result<()> {
    let tool = &entry.started.tool;
    let path = path_of(dir, tool)
        .ok_or_else(|| std::io::Error::other(format!("bad tool name {tool:?}")))?;
    if let Some(earlier) = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Unfinished>(&b).ok())
        .filter(|u| match &u.lineage {
            Some(lineage) => !lineage.is_this_run(),
            None => u.pid != std::process::id(),
        })
    {
        return Err(std::io::Error::other(format!(
            "the {} of {tool} started at {} (pid {}) is unfinished; once it is put back (`toolup rollback {tool}`) it may start again",
            earlier.started.action, earlier.started.time, earlier.pid
        )));
    }
    let bytes = serde_json::to_vec_pretty(entry).map_err(std::io::Error::other)?;
    super::write_private(&path, &bytes)
}

/// Notes a process group the action on `tool` started: if toolup is
/// killed, the next run ends it before it puts the tool back.
pub fn note_group(dir: &Path, tool: &str, group: crate::exec::Group) -> std::io::Result<()> {
    let path = path_of(dir, tool)
        .ok_or_else(|| std::io::Error::other(format!("bad tool name {tool:?}")))?;
    let mut entry: Unfinished =
        serde_json::from_slice(&std::fs::read(&path)?).map_err(std::io::Error::other)?;
    let lineage = entry
        .lineage
        .get_or_insert_with(crate::exec::Lineage::current);
    if !lineage.groups.contains(&group) {
        lineage.groups.push(group);
    }
    let bytes = serde_json::to_vec_pretty(&entry).map_err(std::io::Error::other)?;
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
        .filter_map(|e| {
            let u: Unfinished =
                serde_json::from_slice(&super::read_file(e.path(), super::MIB).ok()?).ok()?;
            // Only the action's own file: a write a kill -9 cut short leaves
            // its temporary file beside it, a copy of the same action.
            (path_of(dir, &u.started.tool)? == e.path()).then_some(u)
        })
        .filter(|u: &Unfinished| {
            !match &u.lineage {
                // The same pid started later is another process; this
                // process has no action of its own left to finish.
                Some(lineage) => lineage.pid != std::process::id() && lineage.toolup_runs(),
                None => alive(u.pid),
            }
        })
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
            lineage: None,
        };
        begin(dir.path(), &entry).unwrap();
        assert!(interrupted(dir.path()).is_empty(), "pid 1 is alive");
        // Another run's unfinished action is not written over.
        entry.pid = 5_000_000;
        assert!(begin(dir.path(), &entry).is_err());
        // Above Linux's largest pid_max: no such process.
        finish(dir.path(), "tool");
        begin(dir.path(), &entry).unwrap();
        assert_eq!(interrupted(dir.path()), [entry]);
        finish(dir.path(), "tool");
        assert!(interrupted(dir.path()).is_empty());
    }

    #[test]
    fn a_running_toolup_is_told_from_a_later_process_with_its_pid() {
        let dir = tempfile::tempdir().unwrap();
        let mut entry: Unfinished = serde_json::from_str(
            r#"{"schema_version": 1, "backup": null, "pid": 0,
                "started": {"time": "2026-01-01T00:00:00Z", "tool": "tool", "action": "upgrade",
                            "manager": "npm", "argv": [], "from_version": null, "to_version": null,
                            "outcome": "started", "message": ""}}"#,
        )
        .unwrap();
        assert_eq!(entry.lineage, None, "a journal from before lineages reads");
        // pid 1 as the toolup that began it: it runs.
        let stat = std::fs::read_to_string("/proc/1/stat").unwrap();
        let started: u64 = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .nth(19)
            .unwrap()
            .parse()
            .unwrap();
        let init = crate::exec::Lineage {
            pid: 1,
            start_ticks: started,
            ..crate::exec::Lineage::current()
        };
        entry.pid = 1;
        entry.lineage = Some(init.clone());
        begin(dir.path(), &entry).unwrap();
        assert!(interrupted(dir.path()).is_empty(), "pid 1 runs");
        let group = crate::exec::Group {
            pgid: 12345,
            start_ticks: 6789,
        };
        note_group(dir.path(), "tool", group).unwrap();
        note_group(dir.path(), "tool", group).unwrap();
        let noted: Unfinished =
            serde_json::from_slice(&std::fs::read(dir.path().join("tool.json")).unwrap()).unwrap();
        assert_eq!(noted.lineage.unwrap().groups, [group]);
        // The same pid, started later: the toolup that began it is gone.
        entry.lineage = Some(crate::exec::Lineage {
            start_ticks: started + 1,
            ..init
        });
        finish(dir.path(), "tool");
        begin(dir.path(), &entry).unwrap();
        assert_eq!(interrupted(dir.path()), [entry.clone()]);
        // A rewrite cut short by a kill -9 left its temporary copy: the
        // action is still one action.
        std::fs::copy(
            dir.path().join("tool.json"),
            dir.path().join(".toolup-a1b2c3.tmp"),
        )
        .unwrap();
        assert_eq!(interrupted(dir.path()), [entry]);
    }
}
