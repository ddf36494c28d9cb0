//! `toolup history`: what toolup did to tools (and modules), oldest first,
//! as a table or JSON.

use tabled::builder::Builder;

use crate::state::history::HistoryEntry;

/// `history --format json`.
pub fn document(entries: &[HistoryEntry]) -> serde_json::Value {
    serde_json::json!({"schema_version": 1, "entries": entries})
}

/// The entries as a table; none recorded says so.
pub fn table(entries: &[HistoryEntry]) -> String {
    if entries.is_empty() {
        return "no tool actions recorded yet (installs, upgrades, rollbacks and module syncs are recorded here)\n"
            .to_owned();
    }
    let mut builder = Builder::default();
    builder.push_record(["TIME", "ACTION", "TOOL", "FROM", "TO", "OUTCOME", "MESSAGE"]);
    for e in entries {
        builder.push_record([
            e.time.clone(),
            e.action.clone(),
            e.tool.clone(),
            e.from_version.clone().unwrap_or_else(|| "-".into()),
            e.to_version.clone().unwrap_or_else(|| "-".into()),
            e.outcome.clone(),
            e.message.clone(),
        ]);
    }
    let table = super::fit_with(
        builder,
        super::terminal_width(),
        super::layout::Layout {
            shrink: vec![6],
            drop: vec![6],
            group: None,
            under: Some(6),
            argv: vec![],
        },
    );
    format!("{table}\n")
}
