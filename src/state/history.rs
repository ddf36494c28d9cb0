//! The history of tool actions, in the same SQLite store as the update
//! phases (`history.sqlite`, synchronous writes): each append is a durable
//! row, or an error — an action is not run without its record. A
//! `history.jsonl` from earlier versions beside it is imported once.

use std::path::Path;

pub use super::store::HistoryEntry;

/// Appends one entry to the store at `path`.
pub fn append(path: &Path, entry: &HistoryEntry) -> std::io::Result<()> {
    let store = open(path)?;
    store.append_action(entry).map_err(std::io::Error::other)
}

/// Every entry, oldest first; what cannot be read (a damaged store, one
/// that cannot be opened) is a warning naming the store, and no entries.
pub fn read(path: &Path) -> Vec<HistoryEntry> {
    read_checked(path).unwrap_or_else(|e| {
        tracing::warn!("{e}");
        Vec::new()
    })
}

/// Every entry, oldest first, or why the store at `path` cannot be read
/// (naming it). A damaged store is left where it is: writers set it aside.
pub fn read_checked(path: &Path) -> Result<Vec<HistoryEntry>, String> {
    super::store::Store::open_read_only(path)?;
    let store = open(path).map_err(|e| format!("the history store {}: {e}", path.display()))?;
    store
        .actions()
        .map_err(|e| format!("the history store {}: {e}", path.display()))
}

/// The store, with an earlier `history.jsonl` beside it imported first.
fn open(path: &Path) -> std::io::Result<super::store::Store> {
    let store = super::store::Store::open(path).map_err(std::io::Error::other)?;
    let old = path.with_file_name("history.jsonl");
    if old.is_file() {
        for entry in std::fs::read_to_string(&old)?
            .lines()
            .filter_map(|l| serde_json::from_str::<HistoryEntry>(l).ok())
        {
            store.append_action(&entry).map_err(std::io::Error::other)?;
        }
        std::fs::rename(&old, old.with_file_name("history.jsonl.imported"))?;
    }
    Ok(store)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(tool: &str, outcome: &str) -> HistoryEntry {
        HistoryEntry {
            time: "2026-12-01T00:00:00Z".into(),
            tool: tool.into(),
            action: "upgrade".into(),
            manager: "npm".into(),
            argv: vec!["npm".into(), "install".into()],
            from_version: Some("1.0".into()),
            to_version: Some("1.1".into()),
            outcome: outcome.into(),
            message: String::new(),
        }
    }

    #[test]
    fn an_earlier_json_lines_history_is_imported_once_and_kept_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("history.jsonl");
        let lines: Vec<String> = [entry("a", "started"), entry("a", "ok")]
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        std::fs::write(&old, lines.join("\n") + "\n").unwrap();
        let store = dir.path().join("history.sqlite");
        append(&store, &entry("b", "ok")).unwrap();
        let all = read(&store);
        let seen: Vec<(&str, &str)> = all
            .iter()
            .map(|e| (e.tool.as_str(), e.outcome.as_str()))
            .collect();
        assert_eq!(seen, [("a", "started"), ("a", "ok"), ("b", "ok")]);
        assert!(!old.exists() && dir.path().join("history.jsonl.imported").exists());
        assert_eq!(read(&store).len(), 3, "imported once");
        assert_eq!(all[0].argv, ["npm", "install"]);
    }
}
