//! Actions an earlier run started and never finished (toolup was killed):
//! found in the journal, whatever of them still runs ended, put back,
//! proved by running the tool, recorded.

use crate::base::printer::Printer;
use crate::exec::ProcessRequest;
use crate::model::Version;
use crate::settings::Settings;
use crate::state::backup;
use crate::state::history::{self, HistoryEntry};

use super::run::ACTION_TIMEOUT;
use super::verify::verify_runs;

/// How long what an interrupted action left running gets to end (SIGTERM,
/// then SIGKILL) before the tool is not put back.
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(30);

/// Finds actions an earlier run started and never finished (toolup was
/// killed), says so, ends every process of it that still runs (a package
/// manager's child writing on its own) — and puts nothing back while one
/// does — then puts each tool back — from the backup the action recorded,
/// or by running its recorded undo — proves it by running the tool, and
/// records it. In a dry run it only says what a real run would do. Returns
/// the tools it handled.
pub fn recover_interrupted(settings: &Settings, printer: Printer, dry_run: bool) -> Vec<String> {
    use crate::state::journal;
    let Some(dirs) = settings.dirs.clone() else {
        return Vec::new();
    };
    let mut handled = Vec::new();
    for unfinished in journal::interrupted(&dirs.journal()) {
        let tool = unfinished.started.tool.clone();
        let what = format!(
            "the {} of {tool} started at {} (pid {}) did not finish",
            unfinished.started.action, unfinished.started.time, unfinished.pid
        );
        if dry_run {
            printer.warn(&format!(
                "{what}; a real run (or `toolup rollback {tool}`) puts it back"
            ));
            continue;
        }
        printer.warn(&format!("{what}; putting it back"));
        // Nothing of it may run on while (or after) the tool is put back.
        if let Some(lineage) = &unfinished.lineage {
            match crate::exec::end_lineage(lineage, STOP_WITHIN) {
                Ok(0) => {}
                Ok(n) => printer.note(&format!(
                    "{tool}: stopped {n} process(es) the interrupted {} left running",
                    unfinished.started.action
                )),
                Err(e) => {
                    printer.error(&format!(
                        "{what}, and {e}: it is not put back while anything of it runs; stop it, then run `toolup rollback {tool}`"
                    ));
                    continue;
                }
            }
        }
        let restored = match (&unfinished.backup, unfinished.undo_argv.as_slice()) {
            (Some(dir), _) => backup::at(&dirs.backups(), &tool, dir)
                .ok_or_else(|| format!("its backup {} is gone or not toolup's", dir.display()))
                .and_then(|b| backup::restore(&b).map(|()| "restored its backup")),
            (None, [program, args @ ..]) => crate::exec::run(
                &ProcessRequest::change(std::path::Path::new(program), args, ACTION_TIMEOUT)
                    .stop(crate::exec::Stop::Never),
            )
            .map_err(|e| e.to_string())
            .and_then(|out| {
                if out.status.is_some_and(|s| s.success()) {
                    Ok("reinstalled the previous version")
                } else {
                    Err(format!("`{}` failed", unfinished.undo_argv.join(" ")))
                }
            }),
            (None, []) => Err("nothing was backed up to put back".to_owned()),
        };
        let old = unfinished.started.from_version.clone().unwrap_or_default();
        let result = restored.and_then(|how| {
            verify_runs(settings, &tool, |v| {
                old.is_empty() || Version::parse(v).ok() == Version::parse(&old).ok()
            })
            .map(|v| format!("{what}: {how}, which runs and reports {v}"))
            .map_err(|e| format!("{what}: {how}, but it does not run as before: {e}"))
        });
        let (outcome, message) = match &result {
            Ok(m) => ("rolled-back", m.clone()),
            Err(e) => (
                "interrupted",
                format!("{what}: {e}; check it with `toolup audit --only {tool}`"),
            ),
        };
        let entry = HistoryEntry {
            time: crate::base::clock::now_rfc3339(),
            outcome: outcome.to_owned(),
            message: message.clone(),
            ..unfinished.started.clone()
        };
        match history::append(&dirs.history(), &entry) {
            Ok(()) => journal::finish(&dirs.journal(), &tool),
            Err(e) => printer.warn(&format!("cannot write the history: {e}")),
        }
        match result {
            Ok(m) => printer.note(&m),
            Err(_) => printer.error(&message),
        }
        handled.push(tool);
    }
    handled
}
