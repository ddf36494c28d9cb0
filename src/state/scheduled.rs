//! The outcome of every `--scheduled` run, in the history store (its own
//! table beside the phases): which schedule, which command, when, how it
//! ended and why, and the summary it sent — what `toolup schedule status`
//! reads as a schedule's last run.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::Serialize;

/// One scheduled run, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecord {
    /// The schedule's name (`TOOLUP_SCHEDULE`); empty for a `--scheduled`
    /// run started by hand.
    pub schedule: String,
    /// `system update`, `system check`.
    pub command: String,
    pub host: String,
    /// The update's run id, when it got as far as a run.
    pub run_id: Option<String>,
    pub started_at: String,
    pub finished_at: String,
    /// `ok`, `failed`, `skipped`, `interrupted`, `pending`, `up-to-date`.
    pub outcome: String,
    pub reason: Option<String>,
    pub exit_code: i32,
    /// The JSON summary the run notified with.
    #[serde(skip)]
    pub summary: String,
}

const TABLE: &str = "CREATE TABLE IF NOT EXISTS scheduled_runs (
    schedule TEXT NOT NULL, command TEXT NOT NULL, host TEXT NOT NULL, run_id TEXT,
    started_at TEXT NOT NULL, finished_at TEXT NOT NULL, outcome TEXT NOT NULL,
    reason TEXT, exit_code INTEGER NOT NULL, summary TEXT NOT NULL);
 CREATE INDEX IF NOT EXISTS scheduled_runs_by_schedule ON scheduled_runs (schedule, finished_at);";

fn err(e: rusqlite::Error) -> String {
    e.to_string()
}

/// Records one run in the store at `path` (made when missing).
pub fn record(path: &Path, run: &RunRecord) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    conn.execute_batch(&format!(
        "PRAGMA journal_mode = WAL; {TABLE} PRAGMA synchronous = FULL;"
    ))
    .map_err(err)?;
    conn.execute(
        "INSERT INTO scheduled_runs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            run.schedule,
            run.command,
            run.host,
            run.run_id,
            run.started_at,
            run.finished_at,
            run.outcome,
            run.reason,
            run.exit_code,
            run.summary
        ],
    )
    .map_err(err)?;
    Ok(())
}

/// The newest run of `schedule` in the store at `path`; `None` when there
/// is no store or no run yet. Nothing is created.
pub fn last(path: &Path, schedule: &str) -> Result<Option<RunRecord>, String> {
    if !path.is_file() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    let exists: Option<String> = conn
        .query_row(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'scheduled_runs'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(err)?;
    if exists.is_none() {
        return Ok(None);
    }
    conn.query_row(
        "SELECT schedule, command, host, run_id, started_at, finished_at, outcome, reason,
                exit_code, summary
         FROM scheduled_runs WHERE schedule = ?1
         ORDER BY finished_at DESC, rowid DESC LIMIT 1",
        params![schedule],
        |row| {
            Ok(RunRecord {
                schedule: row.get(0)?,
                command: row.get(1)?,
                host: row.get(2)?,
                run_id: row.get(3)?,
                started_at: row.get(4)?,
                finished_at: row.get(5)?,
                outcome: row.get(6)?,
                reason: row.get(7)?,
                exit_code: row.get(8)?,
                summary: row.get(9)?,
            })
        },
    )
    .optional()
    .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_run_of_a_schedule_is_its_last() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        assert_eq!(last(&path, "update-daily").unwrap(), None);
        let run = |schedule: &str, at: &str, outcome: &str| RunRecord {
            schedule: schedule.to_owned(),
            command: "system update".to_owned(),
            host: "h".to_owned(),
            run_id: None,
            started_at: at.to_owned(),
            finished_at: at.to_owned(),
            outcome: outcome.to_owned(),
            reason: (outcome == "skipped").then(|| "outside maintenance".to_owned()),
            exit_code: 0,
            summary: "{}".to_owned(),
        };
        record(&path, &run("update-daily", "2026-01-01T00:00:00Z", "ok")).unwrap();
        record(
            &path,
            &run("update-daily", "2026-01-02T00:00:00Z", "skipped"),
        )
        .unwrap();
        record(
            &path,
            &run("check-weekly", "2026-01-03T00:00:00Z", "pending"),
        )
        .unwrap();
        let got = last(&path, "update-daily").unwrap().unwrap();
        assert_eq!(got.outcome, "skipped");
        assert_eq!(got.reason.as_deref(), Some("outside maintenance"));
        // The phases' store opens the same file beside this table.
        crate::state::store::Store::open(&path).unwrap();
        assert_eq!(
            last(&path, "check-weekly").unwrap().unwrap().outcome,
            "pending"
        );
    }
}
