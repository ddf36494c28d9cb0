//! Running a package manager's argv for an action: `sudo -n` where the
//! plan marked it, a retry when the manager's output says a retry may
//! succeed, the process stopped on Ctrl-C unless it is putting things back.

use std::time::Duration;

use super::plan::Action;
use crate::exec::{ProcessRequest, run as run_process};

/// How long one package-manager run may take.
pub(super) const ACTION_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The argv that will run, with `sudo` in front where the manager needs it.
pub fn full_argv(action: &Action) -> Vec<String> {
    let mut argv = Vec::new();
    if action.sudo {
        argv.extend(crate::base::privilege::SUDO.map(str::to_owned));
    }
    argv.extend(action.argv.iter().cloned());
    argv
}

/// How an action is undone, as it will run (`sudo` marked where the
/// action's manager needs it).
pub fn undo_command(action: &Action) -> super::plan::Undo {
    match &action.undo {
        super::plan::Undo::Run(argv) => super::plan::Undo::Run(full_argv(&Action {
            argv: argv.clone(),
            ..action.clone()
        })),
        other => other.clone(),
    }
}

/// What `run_manager` says when toolup was interrupted.
pub(super) const INTERRUPTED: &str =
    "interrupted (Ctrl-C or SIGTERM): the package manager was stopped";

pub fn run_manager(action: &Action) -> Result<(), String> {
    run_argv(action, true)
}

/// Runs an action's argv; `interruptible` is false for what puts things
/// back, which must finish even after Ctrl-C.
pub(super) fn run_argv(action: &Action, interruptible: bool) -> Result<(), String> {
    let argv = full_argv(action);
    let program = crate::base::paths::program(&argv[0])?;
    let manager = crate::managers::installer(action.manager);
    for attempt in 0..2 {
        let out = run_process(
            &ProcessRequest::change(&program, &argv[1..], ACTION_TIMEOUT).stop(if interruptible {
                crate::exec::Stop::OnInterrupt
            } else {
                crate::exec::Stop::Never
            }),
        )
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
