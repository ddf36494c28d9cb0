//! The history of update phases, in SQLite (rusqlite, bundled): one row per
//! job phase — run, host, updater, phase, start, wall time, CPU user and
//! system time and peak RSS (from `wait4`), packages, bytes, outcome — and
//! the estimates drawn from it: the median with the interquartile range,
//! outliers dropped, "no history" or "limited data" when thin.

use std::path::Path;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

/// One action's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub time: String,
    pub tool: String,
    pub action: String,
    pub manager: String,
    pub argv: Vec<String>,
    pub from_version: Option<String>,
    pub to_version: Option<String>,
    /// `ok`, `failed`, `rolled-back`, `skipped`.
    pub outcome: String,
    pub message: String,
}

/// One job phase, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseRecord {
    pub run_id: String,
    pub host: String,
    pub updater: String,
    pub phase: String,
    pub started_at: String,
    pub wall_ms: u64,
    pub user_ms: Option<u64>,
    pub system_ms: Option<u64>,
    pub peak_rss_kib: Option<u64>,
    pub packages: u64,
    pub bytes: Option<u64>,
    pub outcome: String,
}

/// How long something may take, from its history.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Estimate {
    NoHistory,
    /// Fewer than `MIN_RUNS` runs: their median, marked as thin.
    Limited {
        runs: usize,
        median_ms: u64,
    },
    Known {
        runs: usize,
        median_ms: u64,
        q1_ms: u64,
        q3_ms: u64,
    },
}

/// Below this many successful runs an estimate is "limited data".
pub const MIN_RUNS: usize = 3;

impl Estimate {
    /// From wall times: outliers beyond 1.5 IQR dropped, then the median
    /// and quartiles.
    pub fn from_times(mut times: Vec<u64>) -> Estimate {
        if times.is_empty() {
            return Estimate::NoHistory;
        }
        times.sort_unstable();
        if times.len() < MIN_RUNS {
            return Estimate::Limited {
                runs: times.len(),
                median_ms: quantile(&times, 0.5),
            };
        }
        let (q1, q3) = (quantile(&times, 0.25), quantile(&times, 0.75));
        // Tukey's fences, no tighter than half the median, and only with
        // enough runs to tell an outlier from the spread.
        let fence = if times.len() < 5 {
            u64::MAX / 4
        } else {
            ((q3 - q1) * 3 / 2).max(quantile(&times, 0.5) / 2)
        };
        let kept: Vec<u64> = times
            .iter()
            .copied()
            .filter(|t| t.saturating_add(fence) >= q1 && *t <= q3.saturating_add(fence))
            .collect();
        Estimate::Known {
            runs: kept.len(),
            median_ms: quantile(&kept, 0.5),
            q1_ms: quantile(&kept, 0.25),
            q3_ms: quantile(&kept, 0.75),
        }
    }

    /// The expected time, when there is any history.
    pub fn median_ms(&self) -> Option<u64> {
        match self {
            Estimate::NoHistory => None,
            Estimate::Limited { median_ms, .. } | Estimate::Known { median_ms, .. } => {
                Some(*median_ms)
            }
        }
    }

    /// `12s (IQR 9s–15s, 8 runs)`, `about 12s (limited data: 2 runs)`, `no history`.
    pub fn describe(&self) -> String {
        let s = |ms: u64| {
            let secs = ms as f64 / 1000.0;
            if secs < 10.0 {
                format!("{secs:.1}s")
            } else {
                format!("{secs:.0}s")
            }
        };
        match self {
            Estimate::NoHistory => "no history".to_owned(),
            Estimate::Limited { runs, median_ms } => {
                format!("about {} (limited data: {runs} run(s))", s(*median_ms))
            }
            Estimate::Known {
                runs,
                median_ms,
                q1_ms,
                q3_ms,
            } => format!(
                "{} (IQR {}–{}, {runs} runs)",
                s(*median_ms),
                s(*q1_ms),
                s(*q3_ms)
            ),
        }
    }
}

/// The `q` quantile of sorted values (nearest rank).
fn quantile(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let at = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

/// The store.
pub struct Store {
    conn: Connection,
}

fn err(e: rusqlite::Error) -> String {
    e.to_string()
}

/// Why a store could not be used.
enum Unusable {
    /// The file is not a sound SQLite database (cut short, overwritten):
    /// what SQLite said.
    Damaged(String),
    /// Anything else (permissions, a directory in its place, a full disk):
    /// the file may be fine.
    Other(String),
}

impl Unusable {
    fn of(e: rusqlite::Error) -> Unusable {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Unusable::Damaged(e.to_string())
            }
            _ => Unusable::Other(e.to_string()),
        }
    }
}

/// Asks SQLite whether the database behind `conn` is sound (`PRAGMA
/// quick_check`: every page and index, not the rows' contents).
fn sound(conn: &Connection) -> Result<(), Unusable> {
    let mut stmt = conn
        .prepare("PRAGMA quick_check(5)")
        .map_err(Unusable::of)?;
    let answers = stmt
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(Unusable::of)?
        .collect::<Result<Vec<String>, _>>()
        .map_err(Unusable::of)?;
    if answers.len() == 1 && answers[0] == "ok" {
        Ok(())
    } else {
        Err(Unusable::Damaged(answers.join("; ")))
    }
}

/// What a reader says of a damaged store at `path`.
fn damaged(path: &Path, why: &str) -> String {
    format!(
        "the history store {} is damaged ({why}): nothing can be read from it; \
         the next run that records history sets it aside and starts a new one",
        path.display()
    )
}

impl Store {
    /// Opens (creating) the store at `path`. A damaged one (cut short,
    /// overwritten) is set aside as `history.sqlite.corrupt-<time>`, with a
    /// warning naming both, and a new one is started.
    pub fn open(path: &Path) -> Result<Store, String> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        match Store::open_checked(path) {
            Ok(store) => Ok(store),
            Err(Unusable::Other(e)) => Err(e),
            Err(Unusable::Damaged(why)) => {
                let aside = set_aside_if_damaged(path)
                    .map_err(|e| format!("{}: {e}", damaged(path, &why)))?;
                if let Some(aside) = aside {
                    tracing::warn!(
                        "the history store {} was damaged ({why}): set aside as {}; a new one starts",
                        path.display(),
                        aside.display()
                    );
                }
                Store::open_checked(path).map_err(|e| match e {
                    Unusable::Damaged(why) => damaged(path, &why),
                    Unusable::Other(e) => e,
                })
            }
        }
    }

    /// Opens `path`, makes its tables and checks it is sound.
    fn open_checked(path: &Path) -> Result<Store, Unusable> {
        let conn = Connection::open(path)
            .map_err(|e| Unusable::Other(format!("{}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(Unusable::of)?;
        // Checked before anything is written to it.
        sound(&conn)?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS phases (
                 run_id TEXT NOT NULL, host TEXT NOT NULL, updater TEXT NOT NULL,
                 phase TEXT NOT NULL, started_at TEXT NOT NULL, wall_ms INTEGER NOT NULL,
                 user_ms INTEGER, system_ms INTEGER, peak_rss_kib INTEGER,
                 packages INTEGER NOT NULL, bytes INTEGER, outcome TEXT NOT NULL);
             CREATE INDEX IF NOT EXISTS phases_by_updater ON phases (updater, phase, started_at);
             CREATE TABLE IF NOT EXISTS actions (
                 time TEXT NOT NULL, tool TEXT NOT NULL, action TEXT NOT NULL,
                 manager TEXT NOT NULL, argv TEXT NOT NULL, from_version TEXT,
                 to_version TEXT, outcome TEXT NOT NULL, message TEXT NOT NULL);
             PRAGMA synchronous = FULL;",
        )
        .map_err(Unusable::of)?;
        Ok(Store { conn })
    }

    /// The store at `path` opened only to read (a check's estimates, `system
    /// history`, a dry run): nothing is created, locked or written — `None`
    /// when there is no store yet. A damaged one is an error naming it.
    pub fn open_read_only(path: &Path) -> Result<Option<Store>, String> {
        use rusqlite::OpenFlags;
        if !path.is_file() {
            return Ok(None);
        }
        let encoded = percent_encoding::utf8_percent_encode(
            &path.to_string_lossy(),
            percent_encoding::NON_ALPHANUMERIC,
        )
        .to_string()
        .replace("%2F", "/");
        // `immutable`: no lock, no -shm or -wal file made beside it.
        let conn = Connection::open_with_flags(
            format!("file:{encoded}?immutable=1"),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(|e| format!("{}: {e}", path.display()))?;
        match sound(&conn) {
            Ok(()) => Ok(Some(Store { conn })),
            Err(Unusable::Damaged(why)) => Err(damaged(path, &why)),
            Err(Unusable::Other(e)) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Records one phase.
    pub fn record(&self, r: &PhaseRecord) -> Result<(), String> {
        let n = |v: Option<u64>| v.and_then(|v| i64::try_from(v).ok());
        self.conn
            .execute(
                "INSERT INTO phases VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    r.run_id,
                    r.host,
                    r.updater,
                    r.phase,
                    r.started_at,
                    n(Some(r.wall_ms)),
                    n(r.user_ms),
                    n(r.system_ms),
                    n(r.peak_rss_kib),
                    n(Some(r.packages)),
                    n(r.bytes),
                    r.outcome
                ],
            )
            .map_err(err)?;
        Ok(())
    }

    /// The newest `last` phases, of one host and one updater or all,
    /// newest first.
    pub fn phases(
        &self,
        host: Option<&str>,
        updater: Option<&str>,
        last: usize,
    ) -> Result<Vec<PhaseRecord>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT run_id, host, updater, phase, started_at, wall_ms, user_ms, system_ms,
                        peak_rss_kib, packages, bytes, outcome
                 FROM phases WHERE (?1 IS NULL OR updater = ?1) AND (?3 IS NULL OR host = ?3)
                 ORDER BY started_at DESC, rowid DESC LIMIT ?2",
            )
            .map_err(err)?;
        let u = |v: Option<i64>| v.and_then(|v| u64::try_from(v).ok());
        let rows = stmt
            .query_map(
                params![updater, i64::try_from(last).unwrap_or(i64::MAX), host],
                |row| {
                    Ok(PhaseRecord {
                        run_id: row.get(0)?,
                        host: row.get(1)?,
                        updater: row.get(2)?,
                        phase: row.get(3)?,
                        started_at: row.get(4)?,
                        wall_ms: u(row.get(5)?).unwrap_or(0),
                        user_ms: u(row.get(6)?),
                        system_ms: u(row.get(7)?),
                        peak_rss_kib: u(row.get(8)?),
                        packages: u(row.get(9)?).unwrap_or(0),
                        bytes: u(row.get(10)?),
                        outcome: row.get(11)?,
                    })
                },
            )
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    /// The estimate of a phase on `host`, from its successful runs (the
    /// newest 50): each host's phases are its own (a fleet run records
    /// every host's under its name).
    pub fn estimate(&self, host: &str, updater: &str, phase: &str) -> Result<Estimate, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT wall_ms FROM phases
                 WHERE host = ?1 AND updater = ?2 AND phase = ?3 AND outcome = 'ok'
                 ORDER BY started_at DESC LIMIT 50",
            )
            .map_err(err)?;
        let times = stmt
            .query_map(params![host, updater, phase], |row| row.get::<_, i64>(0))
            .map_err(err)?
            .filter_map(Result::ok)
            .filter_map(|t| u64::try_from(t).ok())
            .collect();
        Ok(Estimate::from_times(times))
    }

    /// How long `host`'s update runs took: the median of each run's update
    /// phases, over its newest 20 runs; none without history.
    pub fn host_estimate_ms(&self, host: &str) -> Result<Option<u64>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT SUM(wall_ms) FROM phases WHERE host = ?1 AND phase = 'update'
                 GROUP BY run_id ORDER BY MAX(started_at) DESC LIMIT 20",
            )
            .map_err(err)?;
        let times: Vec<u64> = stmt
            .query_map(params![host], |row| row.get::<_, i64>(0))
            .map_err(err)?
            .filter_map(Result::ok)
            .filter_map(|t| u64::try_from(t).ok())
            .collect();
        Ok(Estimate::from_times(times).median_ms())
    }

    /// Records one tool action (install, upgrade, rollback, …).
    pub fn append_action(&self, e: &HistoryEntry) -> Result<(), String> {
        let argv = serde_json::to_string(&e.argv).map_err(|e| e.to_string())?;
        self.conn
            .execute(
                "INSERT INTO actions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    e.time,
                    e.tool,
                    e.action,
                    e.manager,
                    argv,
                    e.from_version,
                    e.to_version,
                    e.outcome,
                    e.message
                ],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Every tool action, oldest first.
    pub fn actions(&self) -> Result<Vec<HistoryEntry>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT time, tool, action, manager, argv, from_version, to_version, outcome, message
                 FROM actions ORDER BY rowid",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map([], |row| {
                let argv: String = row.get(4)?;
                Ok(HistoryEntry {
                    time: row.get(0)?,
                    tool: row.get(1)?,
                    action: row.get(2)?,
                    manager: row.get(3)?,
                    argv: serde_json::from_str(&argv).unwrap_or_default(),
                    from_version: row.get(5)?,
                    to_version: row.get(6)?,
                    outcome: row.get(7)?,
                    message: row.get(8)?,
                })
            })
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }

    /// The highest peak RSS an updater's recent phases reached (KiB).
    pub fn peak_rss_kib(&self, updater: &str) -> Result<Option<u64>, String> {
        self.conn
            .query_row(
                "SELECT MAX(peak_rss_kib) FROM (SELECT peak_rss_kib FROM phases
                 WHERE updater = ?1 ORDER BY started_at DESC LIMIT 20)",
                params![updater],
                |row| row.get::<_, Option<i64>>(0),
            )
            .map(|v| v.and_then(|v| u64::try_from(v).ok()))
            .map_err(err)
    }

    /// Every (updater, phase) with history.
    pub fn kinds(&self) -> Result<Vec<(String, String)>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT updater, phase FROM phases ORDER BY updater, phase")
            .map_err(err)?;
        let rows = stmt
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(err)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(err)
    }
}

/// Sets the store at `path` aside (with its `-wal` and `-shm`) when it is
/// still damaged once no other toolup is doing so: under the lock
/// `locks/NAME.lock` beside it, asked again, so a store another process
/// has just started afresh is never set aside. Where it went, if it was.
fn set_aside_if_damaged(path: &Path) -> std::io::Result<Option<std::path::PathBuf>> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let _held = super::lock::LockedFile::acquire(
        &super::lock::path_for(&dir.join("locks"), &name),
        std::time::Duration::from_secs(30),
    )
    .map_err(|e| std::io::Error::other(format!("cannot set it aside: the lock is {e}")))?;
    match Store::open_checked(path) {
        Err(Unusable::Damaged(_)) => {}
        _ => return Ok(None),
    }
    let aside = super::set_aside(path)?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        let side = std::path::PathBuf::from(side);
        if side.exists() {
            let mut to = aside.as_os_str().to_owned();
            to.push(suffix);
            std::fs::rename(&side, std::path::PathBuf::from(to))?;
        }
    }
    Ok(Some(aside))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_drop_outliers_and_say_when_data_is_thin() {
        assert_eq!(Estimate::from_times(vec![]), Estimate::NoHistory);
        assert!(matches!(
            Estimate::from_times(vec![1000, 2000]),
            Estimate::Limited { runs: 2, .. }
        ));
        let e = Estimate::from_times(vec![10_000, 11_000, 12_000, 9_000, 10_500, 600_000]);
        match e {
            Estimate::Known {
                runs, median_ms, ..
            } => {
                assert_eq!(runs, 5, "the 10-minute outlier is dropped");
                assert_eq!(median_ms, 10_500);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            e.describe().contains("(IQR") && e.describe().ends_with("5 runs)"),
            "{}",
            e.describe()
        );
    }

    /// A store with one action and one phase in it, then damaged by `harm`.
    fn damaged_store(dir: &Path, harm: impl Fn(&Path)) -> std::path::PathBuf {
        let path = dir.join("history.sqlite");
        let store = Store::open(&path).unwrap();
        for i in 0..200 {
            store
                .append_action(&HistoryEntry {
                    time: format!("2026-12-01T00:00:{:02}Z", i % 60),
                    tool: format!("tool{i}"),
                    action: "upgrade".into(),
                    manager: "npm".into(),
                    argv: vec!["npm".into(); 20],
                    from_version: Some("1.0".into()),
                    to_version: Some("1.1".into()),
                    outcome: "ok".into(),
                    message: "x".repeat(200),
                })
                .unwrap();
        }
        drop(store);
        assert!(!dir.join("history.sqlite-wal").exists(), "checkpointed");
        harm(&path);
        path
    }

    #[test]
    fn a_damaged_store_is_named_by_readers_and_set_aside_by_writers() {
        let cut = |p: &Path| {
            let len = std::fs::metadata(p).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(p).unwrap();
            f.set_len(len / 2).unwrap();
        };
        let garbage = |p: &Path| {
            let len = std::fs::metadata(p).unwrap().len() as usize;
            std::fs::write(p, vec![0x5au8; len]).unwrap();
        };
        let zeroed_middle = |p: &Path| {
            let mut bytes = std::fs::read(p).unwrap();
            let n = bytes.len();
            bytes[n / 3..2 * n / 3].fill(0xff);
            std::fs::write(p, bytes).unwrap();
        };
        type Harm<'a> = (&'a str, &'a dyn Fn(&Path));
        let harms: [Harm; 3] = [
            ("cut", &cut),
            ("garbage", &garbage),
            ("middle", &zeroed_middle),
        ];
        for (what, harm) in harms {
            let dir = tempfile::tempdir().unwrap();
            let path = damaged_store(dir.path(), harm);
            let read = Store::open_read_only(&path);
            let e = read
                .err()
                .unwrap_or_else(|| panic!("{what}: read as sound"));
            assert!(
                e.contains(&path.display().to_string()) && e.contains("damaged"),
                "{what}: {e}"
            );
            let store = Store::open(&path).unwrap();
            assert!(store.actions().unwrap().is_empty(), "{what}: a new one");
            let aside: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("history.sqlite.corrupt-"))
                .collect();
            assert_eq!(aside.len(), 1, "{what}: {aside:?}");
        }
    }

    #[test]
    fn a_store_that_cannot_be_opened_is_not_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite");
        std::fs::create_dir(&path).unwrap();
        assert!(Store::open(&path).is_err());
        assert!(path.is_dir(), "left where it is");
    }

    #[test]
    fn phases_round_trip_and_estimate() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("history.sqlite")).unwrap();
        for (i, ms) in [1000u64, 1200, 1100, 900].iter().enumerate() {
            store
                .record(&PhaseRecord {
                    run_id: format!("run{i}"),
                    host: "h".into(),
                    updater: "apt".into(),
                    phase: "update".into(),
                    started_at: format!("2026-12-0{}T00:00:00Z", i + 1),
                    wall_ms: *ms,
                    user_ms: Some(10),
                    system_ms: Some(5),
                    peak_rss_kib: Some(2048),
                    packages: 3,
                    bytes: None,
                    outcome: "ok".into(),
                })
                .unwrap();
        }
        let last = store.phases(None, Some("apt"), 2).unwrap();
        assert!(store.phases(Some("other"), None, 9).unwrap().is_empty());
        assert_eq!(last.len(), 2);
        assert_eq!(last[0].run_id, "run3", "newest first");
        assert!(matches!(
            store.estimate("h", "apt", "update").unwrap(),
            Estimate::Known { runs: 4, .. }
        ));
        assert_eq!(
            store.estimate("other", "apt", "update").unwrap(),
            Estimate::NoHistory,
            "another host's phases are not this one's"
        );
        assert_eq!(
            store.host_estimate_ms("h").unwrap(),
            Some(1100),
            "the median run"
        );
        assert_eq!(
            store.estimate("h", "npm", "update").unwrap(),
            Estimate::NoHistory
        );
    }
}
