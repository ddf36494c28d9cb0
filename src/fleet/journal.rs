//! A fleet run's journal, `state/fleet/RUN/journal.json`: what was asked,
//! and each host's row. It is written whole (atomically) when the run
//! starts and when it ends; in between, each host's change of state is
//! appended to `RUN/changes.jsonl` (its new row, one line, synced), so a
//! change costs a line, not the whole journal — a run of thousands of hosts
//! would otherwise rewrite megabytes for every host that starts or ends.
//! Readers fold the changes over the journal.
//! `fleet update --resume` reads the newest update's to know which hosts
//! were interrupted (resumed with their own run) or unreachable (tried
//! again); `fleet status` reads them all for each host's last word.
//! Each host's whole output sits beside it in `HOST.log`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::report::{HostResult, HostState};

/// The largest journal read back (a run of thousands of hosts fits).
const MAX_JOURNAL_BYTES: u64 = 64 * 1024 * 1024;

/// Each host's changes since the journal was last written whole.
const CHANGES: &str = "changes.jsonl";

/// How many past runs `fleet status` and `--resume` look through.
const RUNS_KEPT_IN_VIEW: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetJournal {
    pub schema_version: u32,
    pub run_id: String,
    /// `check`, `update`, `audit`.
    pub command: String,
    pub started_at: String,
    /// The run this one resumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumes: Option<String>,
    /// Each host's row, in the order they were selected.
    pub hosts: Vec<HostResult>,
    /// How many changes the rows hold: a change line numbered at or below
    /// it is in them already, and a reader passes it over.
    #[serde(default)]
    pub changes: u64,
}

/// A line of `changes.jsonl`: a host's new row and its number in the run.
#[derive(Serialize, Deserialize)]
struct Change {
    /// A line without one (none is written so) is always folded in.
    #[serde(default = "unnumbered")]
    seq: u64,
    #[serde(flatten)]
    row: HostResult,
}

fn unnumbered() -> u64 {
    u64::MAX
}

impl FleetJournal {
    /// A new run of `command` over `hosts` (each pending), its logs in
    /// `fleet_dir/RUN/`.
    pub fn new(fleet_dir: &Path, command: &str, hosts: &[String]) -> FleetJournal {
        let now = crate::base::clock::now_rfc3339();
        let run_id = format!("{}-{}", now.replace([':', '-'], ""), std::process::id());
        let dir = fleet_dir.join(&run_id);
        FleetJournal {
            schema_version: 1,
            hosts: hosts
                .iter()
                .map(|h| HostResult::pending(h, dir.join(log_name(h))))
                .collect(),
            run_id,
            command: command.to_owned(),
            started_at: now,
            resumes: None,
            changes: 0,
        }
    }

    /// This run's directory.
    pub fn dir(&self, fleet_dir: &Path) -> PathBuf {
        fleet_dir.join(&self.run_id)
    }

    /// Saves it whole (atomically); the changes appended so far are in it.
    pub fn save(&self, fleet_dir: &Path) -> std::io::Result<()> {
        let dir = self.dir(fleet_dir);
        crate::state::files::ensure_private_dir(&dir)?;
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::state::write_private(&dir.join("journal.json"), &text)?;
        // Were this left behind (a kill between the two steps), its lines
        // are numbered at or below the journal's `changes`: passed over.
        crate::state::files::remove_file(&dir.join(CHANGES))
    }

    /// Replaces one host's row and appends it to the run's changes
    /// (synced): what a reader sees from now on, whatever ends toolup.
    /// Should the append fail, the journal is saved whole instead: the
    /// changes on disk never hold a row older than the journal's.
    pub fn record(&mut self, fleet_dir: &Path, result: HostResult) -> std::io::Result<()> {
        self.changes = self.changes.saturating_add(1);
        let change = Change {
            seq: self.changes,
            row: result,
        };
        let mut line = serde_json::to_vec(&change).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.set(change.row);
        let dir = self.dir(fleet_dir);
        crate::state::files::ensure_private_dir(&dir)?;
        crate::state::append_private(&dir.join(CHANGES), &line).or_else(|_| self.save(fleet_dir))
    }

    /// Replaces one host's row.
    pub fn set(&mut self, result: HostResult) {
        if let Some(row) = self.hosts.iter_mut().find(|h| h.host == result.host) {
            *row = result;
        }
    }

    /// The journal of run `id` in `fleet_dir` with its changes folded in;
    /// a line that does not read (the last one, cut by a kill) is passed over.
    fn read(fleet_dir: &Path, id: &str) -> Option<FleetJournal> {
        let dir = fleet_dir.join(id);
        let bytes =
            crate::state::read_bounded(&dir.join("journal.json"), MAX_JOURNAL_BYTES).ok()?;
        let mut journal: FleetJournal = serde_json::from_slice(&bytes).ok()?;
        if journal.run_id != id {
            return None;
        }
        if let Ok(changes) = crate::state::read_bounded(&dir.join(CHANGES), MAX_JOURNAL_BYTES) {
            let at: std::collections::HashMap<String, usize> = journal
                .hosts
                .iter()
                .enumerate()
                .map(|(i, h)| (h.host.clone(), i))
                .collect();
            let (folded, mut last) = (journal.changes, journal.changes);
            for line in changes.split(|b| *b == b'\n') {
                if let Ok(Change { seq, row }) = serde_json::from_slice::<Change>(line)
                    && seq > folded
                    && let Some(&i) = at.get(&row.host)
                {
                    journal.hosts[i] = row;
                    last = last.max(seq);
                }
            }
            journal.changes = last;
        }
        Some(journal)
    }

    /// Past runs, newest first (by run id, which starts with its time);
    /// unreadable journals are passed over.
    pub fn all(fleet_dir: &Path) -> Vec<FleetJournal> {
        let Ok(entries) = std::fs::read_dir(fleet_dir) else {
            return Vec::new();
        };
        let mut ids: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| super::stream::is_run_id(name))
            .collect();
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.into_iter()
            .take(RUNS_KEPT_IN_VIEW)
            .filter_map(|id| Self::read(fleet_dir, &id))
            .collect()
    }

    /// The newest run of `command`.
    pub fn latest(fleet_dir: &Path, command: &str) -> Option<FleetJournal> {
        Self::all(fleet_dir)
            .into_iter()
            .find(|j| j.command == command)
    }

    /// The hosts a resume takes up again: interrupted ones (with their own
    /// run, when it is known) and those never reached or never started.
    pub fn to_resume(&self) -> Vec<(String, Option<String>)> {
        self.hosts
            .iter()
            .filter_map(|h| match h.state {
                HostState::Interrupted | HostState::Running => {
                    let run = h.remote_run.clone().filter(|r| super::stream::is_run_id(r));
                    Some((h.host.clone(), run))
                }
                HostState::Unreachable | HostState::Pending | HostState::Busy => {
                    Some((h.host.clone(), None))
                }
                HostState::Skipped if h.reason.as_deref() == Some(NOT_STARTED) => {
                    Some((h.host.clone(), None))
                }
                HostState::Ok | HostState::Failed | HostState::Skipped => None,
            })
            .collect()
    }
}

/// A host's row when toolup was interrupted before it started.
pub const NOT_STARTED: &str = "not started: interrupted";

/// A host's log file name: its name when that is safe, else a hash.
pub fn log_name(host: &str) -> String {
    let safe = host.len() <= 100
        && host.starts_with(|c: char| c.is_ascii_alphanumeric())
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if safe {
        format!("{host}.log")
    } else {
        let digest = crate::base::digest::sha256_hex(host.as_bytes());
        format!("host-{}.log", &digest[..16])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_is_saved_found_and_says_what_to_resume() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = FleetJournal::new(
            dir.path(),
            "update",
            &["a".into(), "b".into(), "c".into(), "d".into()],
        );
        let row = |host: &str, state: HostState| HostResult {
            state,
            remote_run: Some(format!("run-{host}")),
            ..HostResult::pending(host, PathBuf::new())
        };
        journal.set(row("a", HostState::Ok));
        journal.set(row("b", HostState::Interrupted));
        journal.set(row("c", HostState::Unreachable));
        journal.save(dir.path()).unwrap();
        let back = FleetJournal::latest(dir.path(), "update").unwrap();
        assert_eq!(back, journal);
        assert!(FleetJournal::latest(dir.path(), "check").is_none());
        assert_eq!(
            back.to_resume(),
            [
                ("b".to_owned(), Some("run-b".to_owned())),
                ("c".to_owned(), None),
                ("d".to_owned(), None)
            ]
        );
    }

    /// A change is a line appended, not the journal rewritten; a reader
    /// folds the lines in — after a kill too, with its last line cut.
    #[test]
    #[allow(clippy::disallowed_methods)] // the test reads and cuts the files
    fn changes_are_appended_and_folded_in_by_readers() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let names: Vec<String> = (0..3).map(|i| format!("h{i}")).collect();
        let mut journal = FleetJournal::new(dir.path(), "update", &names);
        journal.save(dir.path()).unwrap();
        let whole = journal.dir(dir.path()).join("journal.json");
        let changes = journal.dir(dir.path()).join(CHANGES);
        let written = std::fs::read(&whole).unwrap();
        let row = |host: &str, state: HostState, run: Option<&str>| HostResult {
            state,
            remote_run: run.map(str::to_owned),
            ..HostResult::pending(host, PathBuf::new())
        };
        journal
            .record(dir.path(), row("h0", HostState::Running, None))
            .unwrap();
        journal
            .record(dir.path(), row("h0", HostState::Running, Some("r0")))
            .unwrap();
        journal
            .record(dir.path(), row("h1", HostState::Unreachable, None))
            .unwrap();
        // Killed here: the whole journal is as the run started.
        assert_eq!(std::fs::read(&whole).unwrap(), written);
        let mode = std::fs::metadata(&changes).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let back = FleetJournal::latest(dir.path(), "update").unwrap();
        assert_eq!(back, journal);
        assert_eq!(
            back.to_resume(),
            [
                ("h0".to_owned(), Some("r0".to_owned())),
                ("h1".to_owned(), None),
                ("h2".to_owned(), None)
            ]
        );
        // A last line cut short, and a host no longer in the run, are passed over.
        let mut text = std::fs::read(&changes).unwrap();
        text.extend(serde_json::to_vec(&row("h9", HostState::Ok, None)).unwrap());
        text.extend_from_slice(b"\n{\"host\":\"h2\",\"sta");
        std::fs::write(&changes, &text).unwrap();
        assert_eq!(FleetJournal::latest(dir.path(), "update").unwrap(), journal);
        // Saved whole at the end: the changes are in it and go.
        journal
            .record(dir.path(), row("h2", HostState::Ok, Some("r2")))
            .unwrap();
        let lines = std::fs::read(&changes).unwrap();
        journal.save(dir.path()).unwrap();
        assert!(!changes.exists());
        assert_eq!(FleetJournal::latest(dir.path(), "update").unwrap(), journal);
        // Left behind by a kill between the two steps, they change nothing.
        std::fs::write(&changes, &lines).unwrap();
        assert_eq!(FleetJournal::latest(dir.path(), "update").unwrap(), journal);
    }

    /// A change that cannot be appended is saved whole: a reader never
    /// folds in a row older than the one the run holds.
    #[test]
    #[allow(clippy::disallowed_methods)] // the test makes the append fail
    fn a_change_that_cannot_be_appended_is_saved_whole() {
        let dir = tempfile::tempdir().unwrap();
        let names = vec!["h0".to_owned()];
        let mut journal = FleetJournal::new(dir.path(), "update", &names);
        journal.save(dir.path()).unwrap();
        let row = |state: HostState| HostResult {
            state,
            ..HostResult::pending("h0", PathBuf::new())
        };
        journal.record(dir.path(), row(HostState::Running)).unwrap();
        // The changes become a link (appends refuse to follow one) to what
        // they held: the next append fails, a reader still sees `running`.
        let changes = journal.dir(dir.path()).join(CHANGES);
        let kept = dir.path().join("kept.jsonl");
        std::fs::rename(&changes, &kept).unwrap();
        std::os::unix::fs::symlink(&kept, &changes).unwrap();
        journal.record(dir.path(), row(HostState::Ok)).unwrap();
        let back = FleetJournal::latest(dir.path(), "update").unwrap();
        assert_eq!(back.hosts[0].state, HostState::Ok, "{back:?}");
        // Its older line left behind (a kill before the changes went, or
        // a failed removal) is passed over: it is numbered in the journal.
        std::fs::copy(&kept, &changes).unwrap();
        let back = FleetJournal::latest(dir.path(), "update").unwrap();
        assert_eq!(back.hosts[0].state, HostState::Ok, "{back:?}");
    }

    #[test]
    fn log_names_never_leave_the_run_directory() {
        assert_eq!(log_name("web1.example.com"), "web1.example.com.log");
        assert!(log_name("../../x").starts_with("host-"));
        assert!(log_name(&"a".repeat(300)).len() < 40);
    }
}
