//! The history of actions: one JSON object per line in the state dir,
//! appended (never rewritten), so it survives crashes line by line.

use std::io::Write;
use std::path::Path;

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

/// Appends one entry.
pub fn append(path: &Path, entry: &HistoryEntry) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    // One write of one line: concurrent appenders never interleave within it.
    file.write_all(line.as_bytes())?;
    file.sync_data()
}

/// Every entry, oldest first; unreadable lines are skipped.
pub fn read(path: &Path) -> Vec<HistoryEntry> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}
