//! `rollback TOOL`: the last upgrade's backup restored, verified by hash
//! and by running the tool.

use anyhow::Context;

use crate::base::printer::Printer;
use crate::settings::Settings;
use crate::state::backup;
use crate::state::history::{self, HistoryEntry};

/// Restores the files the last upgrade of `tool` replaced (or puts back
/// an interrupted action of it), proves it by running the tool at the
/// version backed up, and records it.
pub fn rollback(settings: &Settings, printer: Printer, tool: &str) -> anyhow::Result<()> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    if !crate::base::names::is_valid_name(tool) {
        anyhow::bail!(
            "{:?} is not a tool name (lowercase letters, digits, - _ . +)",
            crate::base::printer::visible(tool)
        );
    }
    // Never under another toolup's action on the tool (an upgrade still
    // running would overwrite what is restored, or be undone by it).
    let _held = super::apply::hold_tool(printer, dirs, tool, "rollback", std::time::Duration::ZERO)
        .map_err(anyhow::Error::msg)?;
    if super::recover::recover_interrupted(settings, printer, false)
        .iter()
        .any(|t| t == tool)
    {
        return Ok(());
    }
    // An interrupted action of it that could not be put back (something of
    // it still runs): no backup is restored under it either.
    if let Some(unfinished) = crate::state::journal::interrupted(&dirs.journal())
        .into_iter()
        .find(|u| u.started.tool == tool)
    {
        anyhow::bail!(
            "{tool}: the interrupted {} of {} is not put back yet (see above); nothing was restored",
            unfinished.started.action,
            unfinished.started.time
        );
    }
    let backup = backup::latest(&dirs.backups(), tool)
        .with_context(|| format!("no backup of {tool} to roll back to"))?;
    // Restored, then proved by running the tool at the version backed up.
    let result = backup::restore(&backup).and_then(|()| {
        let want = backup.version.clone();
        super::verify::verify_runs(settings, tool, |v| {
            want.as_deref().is_none_or(|w| {
                crate::model::Version::parse(v).ok() == crate::model::Version::parse(w).ok()
            })
        })
        .map(|_| ())
        .map_err(|e| format!("restored, but it does not run as backed up: {e}"))
    });
    let entry = HistoryEntry {
        time: crate::base::clock::now_rfc3339(),
        tool: tool.to_owned(),
        action: "rollback".to_owned(),
        manager: String::new(),
        argv: Vec::new(),
        from_version: None,
        to_version: None,
        outcome: if result.is_ok() { "ok" } else { "failed" }.to_owned(),
        message: match &result {
            Ok(()) => format!("restored the backup of {}", backup.created_at),
            Err(e) => e.clone(),
        },
    };
    history::append(&dirs.history(), &entry)?;
    match result {
        Ok(()) => {
            printer.note(&format!(
                "{tool}: restored the backup of {} ({} file(s), sha256 verified)",
                backup.created_at,
                backup.files.len()
            ));
            Ok(())
        }
        Err(e) => Err(anyhow::anyhow!("{tool}: {e}")),
    }
}
