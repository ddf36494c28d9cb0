//! Carrying out a plan: level by level, managers in parallel, each upgrade
//! backed up first and restored (sha256-verified) when it fails; history for
//! every outcome; `--atomic` undoes the whole run.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;

use crate::catalog::Tool;
use crate::exec::{ProcessRequest, run as run_process};
use crate::install;
use crate::model::{Status, ToolRecord, Version};
use crate::plan::{Action, ActionKind, Plan};
use crate::printer::Printer;
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
        argv.extend(["sudo".to_owned(), "--non-interactive".to_owned()]);
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

/// Runs the plan level by level. Within a level, actions of different
/// managers run in parallel (at most `--jobs` at once); one manager's actions
/// run one after another, since package managers lock their own state.
pub(super) fn execute(
    settings: &Settings,
    printer: Printer,
    the_plan: &Plan,
    request: &Request,
) -> anyhow::Result<Outcome> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    let dirs = settings
        .dirs
        .clone()
        .context("no home directory for backups and history")?;
    let failed = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    // What succeeded, and how to undo it, for --atomic.
    let done: Mutex<Vec<(&Action, Option<backup::Backup>)>> = Mutex::new(Vec::new());
    let max_level = the_plan.actions.iter().map(|a| a.level).max().unwrap_or(0);
    for level in 0..=max_level {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut groups: std::collections::BTreeMap<&str, Vec<&Action>> =
            std::collections::BTreeMap::new();
        for a in the_plan.actions.iter().filter(|a| a.level == level) {
            groups.entry(a.manager).or_default().push(a);
        }
        let queue = Mutex::new(groups.into_values());
        let workers = settings.jobs.clamp(1, 8);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().unwrap_or_else(|e| e.into_inner()).next();
                        let Some(group) = next else { break };
                        for action in group {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            let (outcome, made) =
                                perform(settings, action, &dirs.backups(), settings.backups.keep);
                            let ok = report(printer, &dirs.history(), action, &outcome);
                            if ok {
                                done.lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .push((action, made));
                            } else {
                                failed.store(true, Ordering::Relaxed);
                                if request.fail_fast || request.atomic {
                                    stop.store(true, Ordering::Relaxed);
                                }
                            }
                        }
                    }
                });
            }
        });
    }
    if failed.load(Ordering::Relaxed) && request.atomic {
        undo(
            printer,
            &dirs.history(),
            done.into_inner().unwrap_or_else(|e| e.into_inner()),
        );
    }
    Ok(if failed.load(Ordering::Relaxed) {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// Records one action's outcome in the history and says it; true when it succeeded.
fn report(
    printer: Printer,
    history_path: &std::path::Path,
    action: &Action,
    outcome: &Result<String, ActionFailure>,
) -> bool {
    let (label, message) = match outcome {
        Ok(note) => ("ok", note.clone()),
        Err(ActionFailure {
            message,
            rolled_back: true,
        }) => ("rolled-back", message.clone()),
        Err(ActionFailure { message, .. }) => ("failed", message.clone()),
    };
    if let Err(e) = history::append(history_path, &history_entry(action, label, &message)) {
        printer.warn(&format!("cannot write the history: {e}"));
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
        time: crate::collect::now_rfc3339(),
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
}

/// `--atomic`: undoes every action that succeeded, newest first — restores
/// the backups of upgrades and uninstalls what was installed.
fn undo(
    printer: Printer,
    history_path: &std::path::Path,
    done: Vec<(&Action, Option<backup::Backup>)>,
) {
    for (action, made) in done.into_iter().rev() {
        // Exactly the undo the plan showed.
        let result = match (&made, &action.undo) {
            (Some(b), crate::plan::Undo::RestoreBackup) => backup::restore(b),
            (_, crate::plan::Undo::Run(argv)) => run_manager(&Action {
                argv: argv.clone(),
                kind: ActionKind::Uninstall,
                ..action.clone()
            }),
            (None, crate::plan::Undo::RestoreBackup) => {
                Err("there was nothing to back up, so nothing to restore".to_owned())
            }
            (_, crate::plan::Undo::None) => Err("nothing can undo it".to_owned()),
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
    backups: &std::path::Path,
    keep: usize,
) -> (Result<String, ActionFailure>, Option<backup::Backup>) {
    match perform_inner(settings, action, backups, keep) {
        Ok((note, made)) => (Ok(note), made),
        Err(e) => (Err(e), None),
    }
}

fn perform_inner(
    settings: &Settings,
    action: &Action,
    backups: &std::path::Path,
    keep: usize,
) -> Result<(String, Option<backup::Backup>), ActionFailure> {
    let fail = |message: String| ActionFailure {
        message,
        rolled_back: false,
    };
    let before = current_files(settings, &action.tool);
    let backup = if action.kind == ActionKind::Upgrade && !before.is_empty() {
        let stamp = crate::collect::now_rfc3339().replace([':', '-'], "");
        Some(
            backup::create(backups, &action.tool, &stamp, &before)
                .map_err(|e| fail(format!("backup failed, nothing was run: {e}")))?,
        )
    } else {
        None
    };
    let result = run_manager(action).and_then(|()| validate(settings, action));
    match (result, backup) {
        (Ok(note), Some(b)) => {
            backup::prune(backups, &action.tool, keep, settings.backups.max_age);
            Ok((note, Some(b)))
        }
        (Ok(note), None) => Ok((note, None)),
        (Err(message), Some(b)) => match backup::restore(&b) {
            Ok(()) => Err(ActionFailure {
                message: format!("{message}; restored the previous version (sha256 verified)"),
                rolled_back: true,
            }),
            Err(e) => Err(fail(format!(
                "{message}; restoring the backup failed too: {e}"
            ))),
        },
        (Err(message), None) => Err(fail(message)),
    }
}

pub(super) fn run_manager(action: &Action) -> Result<(), String> {
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
        })
        .map_err(|e| format!("cannot run {}: {e}", argv[0]))?;
        if out.status.is_some_and(|s| s.success()) {
            return Ok(());
        }
        let text = crate::discover::parse::clean_output(&out.stdout, &out.stderr);
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

/// The files an upgrade replaces that make up the copy in use: the program
/// the user runs (resolved), and for an npm package its `package.json`, the
/// record its version is read from.
fn current_files(settings: &Settings, tool: &str) -> Vec<PathBuf> {
    let Ok(catalog) = settings.catalog() else {
        return Vec::new();
    };
    let Some(t) = catalog.get(tool) else {
        return Vec::new();
    };
    let found = fresh_record(settings, t);
    let Some(installed) = found.and_then(|r| r.installed) else {
        return Vec::new();
    };
    let path = PathBuf::from(&installed.path);
    let mut files = vec![];
    if let Ok(target) = std::fs::canonicalize(&path) {
        let manifest = target
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
            .map(|root| root.join("package.json"))
            .filter(|m| m.is_file());
        files.push(target);
        files.extend(manifest);
    }
    // The tool's own config files, which an upgrade may rewrite.
    let home = std::env::var_os("HOME").map(PathBuf::from);
    for pattern in &t.spec.config_files {
        let file = match (pattern.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => h.join(rest),
            (Some(_), None) => continue,
            (None, _) => PathBuf::from(pattern),
        };
        if file.is_file() {
            files.push(file);
        }
    }
    files
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
    let (snapshot, _) = super::audit::gather(&no_cache, printer, &[tool], false);
    snapshot.tools.into_iter().next()
}

/// After an action: the tool must be found, and at the target version when one is known.
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
    let version = installed.version.clone().unwrap_or_default();
    // Exactly the planned version, where the argv named it or the manager
    // said what it would install; rustup's channel moves on its own, so
    // there "at least" is all that can be asked.
    let exact = install::by_id(action.manager)
        .is_some_and(|m| m.pins_versions() || action.manager_version.is_some());
    if let Some(target) = &action.to_version {
        let (now, want) = (Version::parse(&version), Version::parse(target));
        let fits = match (&now, &want) {
            (Ok(now), Ok(want)) if exact => now == want,
            (Ok(now), Ok(want)) => now >= want,
            _ => record.status != Status::Outdated,
        };
        if !fits {
            return Err(format!(
                "{} ran, but {} is {}, not the planned {target}",
                action.manager,
                action.tool,
                if version.is_empty() {
                    "of unknown version"
                } else {
                    &version
                }
            ));
        }
    }
    if !installed.on_path {
        return Ok(format!(
            "{version} at {}, which is not on PATH: add its directory to PATH",
            installed.path
        ));
    }
    Ok(version)
}
