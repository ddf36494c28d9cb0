//! What syncs and rollbacks did to modules, in toolup's history (`toolup
//! history`): one entry per change, for the tool `module:NAME`, by the
//! manager `modules`. A history that cannot be written is said, not fatal.

use std::path::Path;

use super::sync::{Outcome, Report};
use crate::base::printer::Printer;
use crate::state::history::HistoryEntry;

/// Puts what the sync changed (or refused) in the history at `history`.
pub fn record_sync(history: &Path, printer: Printer, report: &Report) {
    for m in &report.modules {
        let (action, outcome) = match m.outcome {
            Outcome::Installed => ("module-install", "ok"),
            Outcome::Updated => ("module-update", "ok"),
            Outcome::RolledBack => ("module-update", "rolled-back"),
            Outcome::Failed => ("module-install", "failed"),
            Outcome::Refused => ("module-update", "skipped"),
            Outcome::Pruned => ("module-prune", "ok"),
            _ => continue,
        };
        remember(
            history,
            printer,
            &HistoryEntry {
                from_version: m.installed.clone(),
                to_version: m.repository.clone(),
                message: m.detail.clone(),
                ..entry(&m.name, action, outcome)
            },
        );
    }
}

/// Puts module `name`'s rollback from version `from` to `to` in the
/// history at `history`.
pub fn record_rollback(history: &Path, printer: Printer, name: &str, from: &str, to: &str) {
    remember(
        history,
        printer,
        &HistoryEntry {
            from_version: Some(from.to_owned()),
            to_version: Some(to.to_owned()),
            ..entry(name, "module-rollback", "ok")
        },
    );
}

/// A history entry for module `name`.
fn entry(name: &str, action: &str, outcome: &str) -> HistoryEntry {
    HistoryEntry {
        time: crate::base::clock::now_rfc3339(),
        tool: format!("module:{name}"),
        action: action.to_owned(),
        manager: "modules".to_owned(),
        argv: Vec::new(),
        from_version: None,
        to_version: None,
        outcome: outcome.to_owned(),
        message: String::new(),
    }
}

/// Appends `entry`; a failure is a warning.
fn remember(history: &Path, printer: Printer, entry: &HistoryEntry) {
    if let Err(e) = crate::state::history::append(history, entry) {
        printer.warn(&format!(
            "could not record {} in the history: {e}",
            entry.tool
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::sync::ModuleReport;

    fn module(name: &str, outcome: Outcome) -> ModuleReport {
        ModuleReport {
            name: name.to_owned(),
            installed: Some("1.0.0".to_owned()),
            repository: Some("2.0.0".to_owned()),
            outcome,
            detail: format!("{name} detail"),
        }
    }

    #[test]
    fn a_sync_records_its_changes_and_a_rollback_its_versions() {
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("history.sqlite");
        let report = Report {
            repository: "r".to_owned(),
            commit: "c".to_owned(),
            check_only: false,
            recovered: Vec::new(),
            modules: vec![
                module("a", Outcome::Updated),
                module("b", Outcome::Unchanged),
                module("c", Outcome::Refused),
            ],
        };
        let printer = Printer { quiet: true };
        record_sync(&history, printer, &report);
        record_rollback(&history, printer, "a", "2.0.0", "1.0.0");
        let entries = crate::state::history::read(&history);
        let seen: Vec<(&str, &str, &str)> = entries
            .iter()
            .map(|e| (e.tool.as_str(), e.action.as_str(), e.outcome.as_str()))
            .collect();
        assert_eq!(
            seen,
            [
                ("module:a", "module-update", "ok"),
                ("module:c", "module-update", "skipped"),
                ("module:a", "module-rollback", "ok"),
            ]
        );
        assert_eq!(entries[0].message, "a detail");
        assert_eq!(entries[2].from_version.as_deref(), Some("2.0.0"));
        assert_eq!(entries[2].manager, "modules");
    }
}
