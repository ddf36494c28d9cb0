//! A fleet run's journal, `state/fleet/RUN/journal.json`, saved atomically
//! at every host's change of state: what was asked, and each host's row.
//! `fleet update --resume` reads the newest update's to know which hosts
//! were interrupted (resumed with their own run) or unreachable (tried
//! again); `fleet status` reads them all for each host's last word.
//! Each host's whole output sits beside it in `HOST.log`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::report::{HostResult, HostState};

/// The largest journal read back (a run of thousands of hosts fits).
const MAX_JOURNAL_BYTES: u64 = 64 * 1024 * 1024;

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
        }
    }

    /// This run's directory.
    pub fn dir(&self, fleet_dir: &Path) -> PathBuf {
        fleet_dir.join(&self.run_id)
    }

    /// Saves it (atomically).
    pub fn save(&self, fleet_dir: &Path) -> std::io::Result<()> {
        let dir = self.dir(fleet_dir);
        crate::state::files::ensure_private_dir(&dir)?;
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::state::write_private(&dir.join("journal.json"), &text)
    }

    /// Replaces one host's row.
    pub fn set(&mut self, result: HostResult) {
        if let Some(row) = self.hosts.iter_mut().find(|h| h.host == result.host) {
            *row = result;
        }
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
            .filter_map(|id| {
                let path = fleet_dir.join(&id).join("journal.json");
                let bytes = crate::state::read_bounded(&path, MAX_JOURNAL_BYTES).ok()?;
                let journal: FleetJournal = serde_json::from_slice(&bytes).ok()?;
                (journal.run_id == id).then_some(journal)
            })
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

    #[test]
    fn log_names_never_leave_the_run_directory() {
        assert_eq!(log_name("web1.example.com"), "web1.example.com.log");
        assert!(log_name("../../x").starts_with("host-"));
        assert!(log_name(&"a".repeat(300)).len() < 40);
    }
}
