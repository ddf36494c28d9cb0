//! Carrying out a plan: level by level, managers in parallel, each upgrade
//! backed up first and restored (sha256-verified) when it fails; history for
//! every outcome; `--atomic` undoes the whole run.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::exec::{ProcessRequest, run as run_process};
use crate::install;
use crate::model::{ToolRecord, Version};
use crate::plan::{Action, ActionKind, Plan};
use crate::settings::Settings;
use crate::state::backup;
use crate::state::history::{self, HistoryEntry};

use super::Outcome;
use super::upgrade_cmd::Request;

/// How long one package-manager run may take.
const ACTION_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The argv that will run, with `sudo` in front where the manager needs it.
pub(super) fn full_argv(action: &Action) -> Vec<String> {
    let mut argv = Vec::new();
    if action.sudo {
        argv.extend(crate::base::privilege::SUDO.map(str::to_owned));
    }
    argv.extend(action.argv.iter().cloned());
    argv
}

/// How an action is undone, as it will run (`sudo` marked where the
/// action's manager needs it).
pub(super) fn undo_command(action: &Action) -> crate::plan::Undo {
    match &action.undo {
        crate::plan::Undo::Run(argv) => crate::plan::Undo::Run(full_argv(&Action {
            argv: argv.clone(),
            ..action.clone()
        })),
        other => other.clone(),
    }
}

/// Finds actions an earlier run started and never finished (toolup was
/// killed), says so, puts each tool back — from the backup the action
/// recorded, or by running its recorded undo — proves it by running the
/// tool, and records it. In a dry run it only says what a real run would
/// do. Returns the tools it handled.
pub(super) fn recover_interrupted(
    settings: &Settings,
    printer: Printer,
    dry_run: bool,
) -> Vec<String> {
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
        let restored = match (&unfinished.backup, unfinished.undo_argv.as_slice()) {
            (Some(dir), _) => backup::at(&dirs.backups(), &tool, dir)
                .ok_or_else(|| format!("its backup {} is gone or not toolup's", dir.display()))
                .and_then(|b| backup::restore(&b).map(|()| "restored its backup")),
            (None, [program, args @ ..]) => crate::exec::run(&ProcessRequest {
                program: std::path::Path::new(program),
                args,
                timeout: ACTION_TIMEOUT,
                max_capture: 256 * 1024,
                env: &[("DEBIAN_FRONTEND", "noninteractive"), ("NO_COLOR", "1")],
                cwd: None,
                isolate_network: false,
                stop: crate::exec::Stop::Never,
                changes: true,
                background: false,
                on_stderr_line: None,
            })
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

/// Runs the plan through the shared runner: a job per action; an action
/// runs after the actions of the level before it (a tool's `requires`);
/// one manager's actions never overlap (package managers lock their own
/// state), different managers run side by side (at most `--jobs`).
pub(super) fn execute(
    settings: &Settings,
    printer: Printer,
    the_plan: &Plan,
    request: &Request,
) -> anyhow::Result<Outcome> {
    use std::sync::Mutex;
    let dirs = settings
        .dirs
        .clone()
        .context("no home directory for backups and history")?;
    // Ctrl-C or SIGTERM from here on: start nothing new, stop the running
    // manager, put back what it replaced, record it, exit 130.
    crate::exec::interrupt::catch();
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
            &dirs.history(),
            done.into_inner().unwrap_or_else(|e| e.into_inner()),
        );
    }
    Ok(if crate::exec::interrupt::interrupted() {
        printer.error("interrupted: the action that was running was stopped and put back; nothing else was started");
        Outcome::Interrupted
    } else if failed {
        Outcome::Failure
    } else {
        Outcome::Success
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
        Err(e) => printer.warn(&format!(
            "cannot write the history ({e}); {} stays recorded as unfinished in {}",
            action.tool,
            dirs.journal().display()
        )),
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

/// The history line for one action's outcome.
pub(super) fn history_entry(action: &Action, outcome: &str, message: &str) -> HistoryEntry {
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
    history_path: &std::path::Path,
    done: Vec<(&Action, Option<backup::Backup>)>,
) {
    for (action, made) in done.into_iter().rev() {
        // Exactly the undo the plan showed; an upgrade's is proved by
        // running the tool at its old version.
        let result = match (&made, &action.undo, action.kind) {
            (_, _, ActionKind::Upgrade) => put_back(settings, action, made.as_ref())
                .unwrap_or_else(|| Err("nothing can undo it".to_owned()))
                .map(|_| ()),
            (_, crate::plan::Undo::Run(argv), _) => run_argv(
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
    let result = run_manager(action).and_then(|()| validate(settings, action));
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

/// What `run_manager` says when toolup was interrupted.
const INTERRUPTED: &str = "interrupted (Ctrl-C or SIGTERM): the package manager was stopped";

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
                (crate::plan::Undo::Run(argv), ActionKind::Upgrade) => full_argv(&Action {
                    argv: argv.clone(),
                    ..action.clone()
                }),
                _ => Vec::new(),
            },
            pid: std::process::id(),
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
        (crate::plan::Undo::RestoreBackup, Some(b)) => {
            backup::restore(b).map(|()| "restored the previous version from its backup")
        }
        (crate::plan::Undo::Run(argv), _) if action.kind == ActionKind::Upgrade => {
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

/// Runs the tool as the user would and demands `accept` of its version.
pub(super) fn verify_runs(
    settings: &Settings,
    name: &str,
    accept: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let catalog = settings.catalog().map_err(|e| e.to_string())?;
    let tool = catalog.get(name).ok_or("the tool left the catalog")?;
    let record = fresh_record(settings, tool).ok_or("no record of the tool")?;
    let installed = record
        .installed
        .ok_or_else(|| format!("{name} is not found"))?;
    crate::audit::discover::verify(
        tool,
        std::path::Path::new(&installed.path),
        settings.probe_timeout,
        accept,
    )
}

pub(super) fn run_manager(action: &Action) -> Result<(), String> {
    run_argv(action, true)
}

/// Runs an action's argv; `interruptible` is false for what puts things
/// back, which must finish even after Ctrl-C.
fn run_argv(action: &Action, interruptible: bool) -> Result<(), String> {
    let argv = full_argv(action);
    let program = PathBuf::from(&argv[0]);
    let manager = install::by_id(action.manager);
    for attempt in 0..2 {
        let out = run_process(&ProcessRequest {
            program: &program,
            args: &argv[1..],
            timeout: ACTION_TIMEOUT,
            max_capture: 256 * 1024,
            env: &[("DEBIAN_FRONTEND", "noninteractive"), ("NO_COLOR", "1")],
            cwd: None,
            isolate_network: false,
            stop: if interruptible {
                crate::exec::Stop::OnInterrupt
            } else {
                crate::exec::Stop::Never
            },
            changes: true,
            background: false,
            on_stderr_line: None,
        })
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
        if out.interrupted {
            return Err(INTERRUPTED.to_owned());
        }
        if out.status.is_some_and(|s| s.success()) {
            return Ok(());
        }
        let text = crate::base::text::clean_output(&out.stdout, &out.stderr);
        let tail: String = text
            .lines()
            .rev()
            .take(5)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<Vec<_>>()
            .join(" | ");
        let retry = attempt == 0 && manager.is_some_and(|m| m.retryable(&text));
        if !retry {
            let status = if out.timed_out {
                "timed out".to_owned()
            } else {
                format!("exit {}", out.status.and_then(|s| s.code()).unwrap_or(-1))
            };
            return Err(format!("{} failed ({status}): {tail}", argv.join(" ")));
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    Err("failed twice".to_owned())
}

/// What an upgrade through `action`'s manager replaces, as its backup scope
/// says: the program; or the npm package's whole directory and the link to
/// it; or the pipx/uv venv and the link into it. The tool's config files
/// too, which an upgrade may rewrite.
fn backup_items(settings: &Settings, action: &Action) -> Vec<backup::Item> {
    use crate::install::BackupScope;
    use backup::Item;
    let scope = install::by_id(action.manager).map_or(BackupScope::Program, |m| m.backup_scope());
    let Ok(catalog) = settings.catalog() else {
        return Vec::new();
    };
    let Some(t) = catalog.get(&action.tool) else {
        return Vec::new();
    };
    let Some(installed) = fresh_record(settings, t).and_then(|r| r.installed) else {
        return Vec::new();
    };
    let path = PathBuf::from(&installed.path);
    let mut items = Vec::new();
    if let Ok(target) = std::fs::canonicalize(&path) {
        let link = std::fs::symlink_metadata(&path)
            .is_ok_and(|m| m.file_type().is_symlink())
            .then(|| Item::Link(path.clone()));
        match scope {
            BackupScope::Program => items.push(Item::File(target)),
            BackupScope::PackageDir => match npm_package_dir(&target) {
                Some(dir) => items.extend([Item::Tree(dir)].into_iter().chain(link)),
                None => items.push(Item::File(target)),
            },
            BackupScope::Venv => {
                match target.ancestors().find(|d| d.join("pyvenv.cfg").is_file()) {
                    Some(venv) => {
                        items.extend([Item::Tree(venv.to_path_buf())].into_iter().chain(link))
                    }
                    None => items.push(Item::File(target)),
                }
            }
            BackupScope::Reinstall | BackupScope::Manager => {}
        }
    }
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for pattern in &t.spec.config_files {
        let file = match (pattern.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            (Some(_), None) => continue,
            (None, _) => PathBuf::from(pattern),
        };
        if file.is_file() {
            items.push(Item::File(file));
        }
    }
    items
}

/// The npm package directory holding `target`: the ancestor whose parent is
/// `node_modules` (or a scope inside it).
fn npm_package_dir(target: &std::path::Path) -> Option<PathBuf> {
    target
        .ancestors()
        .find(|d| {
            let Some(parent) = d.parent() else {
                return false;
            };
            let scoped = parent
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('@'));
            parent.ends_with("node_modules")
                || (scoped && parent.parent().is_some_and(|p| p.ends_with("node_modules")))
        })
        .filter(|d| d.join("package.json").is_file())
        .map(std::path::Path::to_path_buf)
}

/// Re-discovers one tool without the probe cache.
fn fresh_record(settings: &Settings, tool: &Tool) -> Option<ToolRecord> {
    let no_cache = Settings {
        use_cache: false,
        offline: true,
        quiet: true,
        ..settings.clone()
    };
    let printer = Printer { quiet: true };
    let (snapshot, _) = crate::audit::gather(&no_cache, printer, &[tool], false);
    snapshot.tools.into_iter().next()
}

/// After an action: the tool must be found, start, and report exactly the
/// planned version (at least it, for a channel such as rustup's) — a
/// manager that exits 0 but leaves the tool broken has failed.
fn validate(settings: &Settings, action: &Action) -> Result<String, String> {
    let catalog = settings.catalog().map_err(|e| e.to_string())?;
    let tool = catalog
        .get(&action.tool)
        .ok_or("the tool left the catalog")?;
    let record = fresh_record(settings, tool).ok_or("no record after the action")?;
    let Some(installed) = record.installed else {
        return Err(format!(
            "{} ran, but {} is not found afterwards",
            action.manager, action.tool
        ));
    };
    let exact = install::by_id(action.manager)
        .is_some_and(|m| m.pins_versions() || action.manager_version.is_some());
    let target = action
        .to_version
        .as_deref()
        .and_then(|t| Version::parse(t).ok());
    let version = crate::audit::discover::verify(
        tool,
        std::path::Path::new(&installed.path),
        settings.probe_timeout,
        |v| match (&target, Version::parse(v)) {
            (Some(want), Ok(now)) if exact => now == *want,
            (Some(want), Ok(now)) => now >= *want,
            (None, _) => true,
            (Some(_), Err(_)) => false,
        },
    )
    .map_err(|e| match &action.to_version {
        Some(t) => format!(
            "{} ran, but the tool is not the planned {t}: {e}",
            action.manager
        ),
        None => format!("{} ran, but the tool does not run: {e}", action.manager),
    })?;
    if !installed.on_path {
        return Ok(format!(
            "{version} at {}, which is not on PATH: add its directory to PATH",
            installed.path
        ));
    }
    Ok(version)
}
