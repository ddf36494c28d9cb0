//! Carrying out a plan: level by level, managers in parallel, each upgrade
//! backed up first and restored (sha256-verified) when it fails; history for
//! every outcome; `--atomic` undoes the whole run.

use anyhow::Context as _;

use super::backup_items::backup_items;
use super::plan::{Action, ActionKind, Plan};
use super::request::Request;
use super::run::{ACTION_TIMEOUT, INTERRUPTED, full_argv, run_argv, run_manager};
use super::verify::{validate, verify_runs};
use crate::base::printer::Printer;
use crate::model::{Verdict, Version};
use crate::settings::Settings;
use crate::state::backup;
use crate::state::history::{self, HistoryEntry};

/// Runs the plan through the shared runner: a job per action; an action
/// runs after the actions of the level before it (a tool's `requires`);
/// one manager's actions never overlap (package managers lock their own
/// state), different managers run side by side (at most `--jobs`).
pub fn execute(
    settings: &Settings,
    printer: Printer,
    the_plan: &Plan,
    request: &Request,
) -> anyhow::Result<Verdict> {
    use std::sync::Mutex;
    let dirs = settings
        .dirs
        .clone()
        .context("no home directory for backups and history")?;
    // Ctrl-C or SIGTERM from here on: start nothing new, stop the running
    // manager, put back what it replaced, record it, exit 130.
    crate::exec::interrupt::catch(
        "\ninterrupted: stopping the running package manager and putting its tool back\n",
    );
    // What succeeded, and how to undo it, for --atomic.
    let done: Mutex<Vec<(&Action, Option<backup::Backup>)>> = Mutex::new(Vec::new());
    let id = |i: usize| i.to_string();
    let jobs: Vec<crate::runner::Job> = the_plan
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| crate::runner::Job {
            id: id(i),
            steps: vec![crate::runner::Step {
                phase: a.kind.id().to_owned(),
                argv: full_argv(a),
                timeout: ACTION_TIMEOUT,
                locks: vec![format!("manager:{}", a.manager)],
                wait_for: Vec::new(),
                env: Vec::new(),
            }],
            runs_after: the_plan
                .actions
                .iter()
                .enumerate()
                .filter(|(_, b)| b.level + 1 == a.level)
                .map(|(k, _)| id(k))
                .collect(),
        })
        .collect();
    let execute = |job: &crate::runner::Job, _: &crate::runner::Step| {
        let action = &the_plan.actions[job.id.parse::<usize>().ok()?];
        // One action on a tool at a time, across processes: held from
        // before its backup until its outcome is recorded.
        let _held = match hold(printer, &dirs, action) {
            Ok(held) => held,
            Err(why) => {
                printer.error(&format!("{} {}: {why}", action.kind.id(), action.tool));
                return Some(crate::runner::Outcome::Failed(why));
            }
        };
        // Another run may have acted on it since this one planned: then
        // the plan is stale, and acting on it (or putting back what it
        // replaced) would undo that run's work.
        if let Some(why) = changed_since_plan(settings, action) {
            let message = format!("skipped: {why}");
            if let Err(e) =
                history::append(&dirs.history(), &history_entry(action, "skipped", &message))
            {
                printer.warn(&format!("cannot write the history ({e})"));
            }
            printer.note(&format!("{} {}: {message}", action.kind.id(), action.tool));
            return Some(crate::runner::Outcome::Skipped(why));
        }
        let (outcome, made) = perform(settings, action, &dirs);
        let ok = report(printer, &dirs, action, &outcome);
        Some(match outcome {
            Ok(_) if ok => {
                done.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((action, made));
                crate::runner::Outcome::Ok
            }
            Ok(note) => crate::runner::Outcome::Failed(note),
            Err(ActionFailure {
                interrupted: true, ..
            }) => crate::runner::Outcome::Interrupted,
            Err(ActionFailure {
                rolled_back: true, ..
            }) => crate::runner::Outcome::RolledBack,
            Err(ActionFailure { message, .. }) => crate::runner::Outcome::Failed(message),
        })
    };
    let results = crate::runner::run_with(
        &jobs,
        &crate::runner::Options::in_process(settings.jobs, request.fail_fast || request.atomic),
        &|_| {},
        &execute,
    )
    .map_err(anyhow::Error::msg)?;
    let failed = results.iter().any(|r| {
        !matches!(
            r.outcome,
            crate::runner::Outcome::Ok | crate::runner::Outcome::Skipped(_)
        )
    });
    if failed && request.atomic {
        undo(
            settings,
            printer,
            &dirs,
            done.into_inner().unwrap_or_else(|e| e.into_inner()),
        );
    }
    Ok(if crate::exec::interrupt::interrupted() {
        printer.error("interrupted: the action that was running was stopped and put back; nothing else was started");
        Verdict::Interrupted
    } else if failed {
        Verdict::Failure
    } else {
        Verdict::Success
    })
}

/// Records one action's outcome in the history and says it; true when it succeeded.
fn report(
    printer: Printer,
    dirs: &crate::state::AppDirs,
    action: &Action,
    outcome: &Result<String, ActionFailure>,
) -> bool {
    let (label, message) = match outcome {
        Ok(note) => ("ok", note.clone()),
        Err(ActionFailure {
            message,
            interrupted: true,
            ..
        }) => ("interrupted", message.clone()),
        Err(ActionFailure {
            message,
            rolled_back: true,
            ..
        }) => ("rolled-back", message.clone()),
        Err(ActionFailure { message, .. }) => ("failed", message.clone()),
    };
    match history::append(&dirs.history(), &history_entry(action, label, &message)) {
        // Recorded: the action is no longer unfinished.
        Ok(()) => crate::state::journal::finish(&dirs.journal(), &action.tool),
        // Say only what is so: the journal's entry is named when it was
        // written (and is this run's); otherwise the outcome is nowhere.
        Err(e) => match crate::state::journal::path_of(&dirs.journal(), &action.tool)
            .filter(|_| crate::state::journal::holds(&dirs.journal(), &action.tool))
        {
            Some(entry) => printer.warn(&format!(
                "cannot write the history ({e}); the {} of {} stays recorded as unfinished in {}",
                action.kind.id(),
                action.tool,
                entry.display()
            )),
            None => printer.warn(&format!(
                "cannot write the history ({e}); the {} of {} ({label}) is recorded nowhere",
                action.kind.id(),
                action.tool
            )),
        },
    }
    match outcome {
        Ok(note) if note.is_empty() => {
            printer.note(&format!("{} {}: ok", action.kind.id(), action.tool))
        }
        Ok(note) => printer.note(&format!(
            "{} {}: ok ({note})",
            action.kind.id(),
            action.tool
        )),
        Err(e) => printer.error(&format!(
            "{} {}: {}",
            action.kind.id(),
            action.tool,
            e.message
        )),
    }
    outcome.is_ok()
}

/// How long an action waits for another toolup acting on the same tool.
const TOOL_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The lock on `action`'s tool (`locks/TOOL.lock` in the state dir): when
/// another toolup holds it, says who and waits for it, up to
/// `TOOL_LOCK_WAIT`; the error says why the action does not run.
fn hold(
    printer: Printer,
    dirs: &crate::state::AppDirs,
    action: &Action,
) -> Result<crate::state::lock::LockedFile, String> {
    hold_tool(
        printer,
        dirs,
        &action.tool,
        action.kind.id(),
        TOOL_LOCK_WAIT,
    )
}

/// The lock on `tool` for an action (`what`: upgrade, rollback, remove…),
/// waiting up to `wait` for another toolup that holds it (saying who).
pub(crate) fn hold_tool(
    printer: Printer,
    dirs: &crate::state::AppDirs,
    tool: &str,
    what: &str,
    wait: std::time::Duration,
) -> Result<crate::state::lock::LockedFile, String> {
    let path = crate::state::lock::path_for(&dirs.state.join("locks"), tool);
    crate::state::lock::LockedFile::acquire_saying(&path, wait, |held| {
        printer.note(&format!(
            "{what} {tool}: waiting for another toolup acting on it: {} {held} (up to {} min)",
            path.display(),
            wait.as_secs() / 60
        ));
    })
    .map_err(|e| match e {
        crate::state::lock::NotLocked::Held { .. } => format!(
            "another toolup is still acting on {tool} ({} {e}): nothing was run",
            path.display()
        ),
        crate::state::lock::NotLocked::Io(e) => {
            format!("cannot lock {} ({e}): nothing was run", path.display())
        }
    })
}

/// Why `action` must not run because its tool is no longer as planned
/// (another run acted on it since), or `None`.
fn changed_since_plan(settings: &Settings, action: &Action) -> Option<String> {
    let installed = action.kind != ActionKind::Install;
    changed_since(settings, action, action.from_version.as_deref(), installed)
}

/// Why the tool of `action` is no longer at `version` (installed, or not
/// installed at all when `installed` is false) — another run changed it —
/// or `None` when it still is.
fn changed_since(
    settings: &Settings,
    action: &Action,
    version: Option<&str>,
    installed: bool,
) -> Option<String> {
    let catalog = settings.catalog().ok()?;
    let tool = catalog.get(&action.tool)?;
    let now = super::verify::fresh_record(settings, tool).and_then(|r| r.installed);
    let same = |a: &str, b: &str| match (Version::parse(a), Version::parse(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    match (installed, now) {
        (false, None) => None,
        (false, Some(now)) => Some(format!(
            "{} is installed now ({}, at {}): another run changed it meanwhile",
            action.tool,
            now.version.as_deref().unwrap_or("an unknown version"),
            now.path
        )),
        (true, None) => Some(format!(
            "{} is not installed now: another run changed it meanwhile",
            action.tool
        )),
        // A version that cannot be read now is not known to have changed
        // (the lock is held: no toolup is halfway through it).
        (true, Some(now)) => match (version, now.version.as_deref()) {
            (Some(want), Some(have)) if !same(want, have) => Some(format!(
                "{} is at {have} now, not {want}: another run changed it meanwhile",
                action.tool
            )),
            _ => None,
        },
    }
}

/// The history line for one action's outcome.
pub fn history_entry(action: &Action, outcome: &str, message: &str) -> HistoryEntry {
    HistoryEntry {
        time: crate::base::clock::now_rfc3339(),
        tool: action.tool.clone(),
        action: action.kind.id().to_owned(),
        manager: action.manager.to_owned(),
        argv: full_argv(action),
        from_version: action.from_version.clone(),
        to_version: action.to_version.clone(),
        outcome: outcome.to_owned(),
        message: message.to_owned(),
    }
}

struct ActionFailure {
    message: String,
    rolled_back: bool,
    /// Stopped by Ctrl-C or SIGTERM.
    interrupted: bool,
}

/// `--atomic`: undoes every action that succeeded, newest first — restores
/// the backups of upgrades and uninstalls what was installed.
fn undo(
    settings: &Settings,
    printer: Printer,
    dirs: &crate::state::AppDirs,
    done: Vec<(&Action, Option<backup::Backup>)>,
) {
    let history_path = &dirs.history();
    for (action, made) in done.into_iter().rev() {
        // Under the tool's lock, and only while the tool is as this run
        // left it: never over what another run has done since.
        let held = hold(printer, dirs, action);
        let moved = held
            .is_ok()
            .then(|| changed_since(settings, action, action.to_version.as_deref(), true))
            .flatten();
        // Exactly the undo the plan showed; an upgrade's is proved by
        // running the tool at its old version.
        let result = match (&made, &action.undo, action.kind) {
            _ if held.is_err() => Err(held.as_ref().err().cloned().unwrap_or_default()),
            _ if moved.is_some() => Err(moved.clone().unwrap_or_default()),
            (_, _, ActionKind::Upgrade) => put_back(settings, action, made.as_ref())
                .unwrap_or_else(|| Err("nothing can undo it".to_owned()))
                .map(|_| ()),
            (_, super::plan::Undo::Run(argv), _) => run_argv(
                &Action {
                    argv: argv.clone(),
                    kind: ActionKind::Uninstall,
                    ..action.clone()
                },
                false,
            ),
            _ => Err("nothing can undo it".to_owned()),
        };
        let message = match &result {
            Ok(()) => "undone because another action failed (--atomic)".to_owned(),
            Err(e) => format!("could not undo (--atomic): {e}"),
        };
        let _ = history::append(
            history_path,
            &history_entry(
                action,
                if result.is_ok() {
                    "rolled-back"
                } else {
                    "failed"
                },
                &message,
            ),
        );
        match result {
            Ok(()) => printer.note(&format!("{} {}: {message}", action.kind.id(), action.tool)),
            Err(_) => printer.error(&format!("{} {}: {message}", action.kind.id(), action.tool)),
        }
    }
}

/// Backs up, runs, validates, and restores on failure.
fn perform(
    settings: &Settings,
    action: &Action,
    dirs: &crate::state::AppDirs,
) -> (Result<String, ActionFailure>, Option<backup::Backup>) {
    match perform_inner(settings, action, dirs) {
        Ok((note, made)) => (Ok(note), made),
        Err(e) => (Err(e), None),
    }
}

fn perform_inner(
    settings: &Settings,
    action: &Action,
    dirs: &crate::state::AppDirs,
) -> Result<(String, Option<backup::Backup>), ActionFailure> {
    let backups = &dirs.backups();
    let keep = settings.backups.keep;
    let fail = |message: String| ActionFailure {
        message,
        rolled_back: false,
        interrupted: false,
    };
    let items = if action.kind == ActionKind::Upgrade {
        backup_items(settings, action)
    } else {
        Vec::new()
    };
    let backup = if items.is_empty() {
        None
    } else {
        let stamp = crate::base::clock::now_rfc3339().replace([':', '-'], "");
        Some(
            backup::create_of(
                backups,
                &action.tool,
                &stamp,
                &items,
                action.from_version.as_deref(),
            )
            .map_err(|e| fail(format!("backup failed, nothing was run: {e}")))?,
        )
    };
    // Recorded before it runs — in the history and as unfinished — or not run
    // at all: no action may happen that the history does not know of.
    begin(dirs, action, backup.as_ref())
        .map_err(|e| fail(format!("cannot record the action ({e}): nothing was run")))?;
    // Each process group the manager starts is noted in the journal as it
    // starts: a kill -9 of toolup cannot hide what it leaves running.
    let (journal, tool) = (dirs.journal(), action.tool.clone());
    let note = move |group| {
        if let Err(e) = crate::state::journal::note_group(&journal, &tool, group) {
            tracing::warn!(
                "cannot note the process group {} of {tool}: {e}",
                group.pgid
            );
        }
    };
    let result = crate::exec::noting_groups(note, || run_manager(action))
        .and_then(|()| validate(settings, action));
    let interrupted = result.as_ref().is_err_and(|m| m == INTERRUPTED);
    match (result, backup) {
        (Ok(note), Some(b)) => {
            backup::prune(backups, &action.tool, keep, settings.backups.max_age);
            Ok((note, Some(b)))
        }
        (Ok(note), None) => Ok((note, None)),
        (Err(message), made) => match put_back(settings, action, made.as_ref()) {
            Some(Ok(how)) => Err(ActionFailure {
                message: format!("{message}; {how}"),
                rolled_back: true,
                interrupted,
            }),
            Some(Err(e)) => Err(ActionFailure {
                interrupted,
                ..fail(format!("{message}; putting it back failed too: {e}"))
            }),
            None => Err(ActionFailure {
                interrupted,
                ..fail(message)
            }),
        },
    }
}

/// Records `action` as started: a history line, and an unfinished-action
/// file naming its backup, so an interrupted run is found and put back.
fn begin(
    dirs: &crate::state::AppDirs,
    action: &Action,
    backup: Option<&backup::Backup>,
) -> std::io::Result<()> {
    let started = history_entry(action, "started", "");
    history::append(&dirs.history(), &started)?;
    crate::state::journal::begin(
        &dirs.journal(),
        &crate::state::journal::Unfinished {
            schema_version: 1,
            started,
            backup: backup.map(|b| b.dir.clone()),
            undo_argv: match (&action.undo, action.kind) {
                (super::plan::Undo::Run(argv), ActionKind::Upgrade) => full_argv(&Action {
                    argv: argv.clone(),
                    ..action.clone()
                }),
                _ => Vec::new(),
            },
            pid: std::process::id(),
            lineage: Some(crate::exec::Lineage::current()),
        },
    )
}

/// Brings back the version an upgrade replaced — from its backup, or by
/// reinstalling it — and proves it by running the tool. `None` when
/// nothing can (an install, or a manager that keeps its own transactions).
fn put_back(
    settings: &Settings,
    action: &Action,
    made: Option<&backup::Backup>,
) -> Option<Result<String, String>> {
    let how = match (&action.undo, made) {
        (super::plan::Undo::RestoreBackup, Some(b)) => {
            backup::restore(b).map(|()| "restored the previous version from its backup")
        }
        (super::plan::Undo::Run(argv), _) if action.kind == ActionKind::Upgrade => {
            run_manager(&Action {
                argv: argv.clone(),
                ..action.clone()
            })
            .map(|()| "reinstalled the previous version")
        }
        _ => return None,
    };
    Some(how.and_then(|how| {
        let old = action.from_version.clone().unwrap_or_default();
        verify_runs(settings, &action.tool, |v| {
            old.is_empty() || Version::parse(v).ok() == Version::parse(&old).ok()
        })
        .map(|v| format!("{how}, which runs and reports {v}"))
        .map_err(|e| format!("{how}, but it does not run as before: {e}"))
    }))
}
