//! Reconciling tools installed more than once (pure): which copy PATH runs,
//! which newer copies it shadows, which copy the environment prefers, and
//! how to fix it — removing the others through their own package manager,
//! never a tool the system itself depends on.

use serde::Serialize;

use super::plan::{Action, ActionKind, Context, preference};
use crate::base::names::is_valid_package_name;
use crate::catalog::Tool;

use crate::model::{Installation, ToolRecord, Version};

/// Tools whose removal can break the machine: never removed, only reported.
pub const SYSTEM_CRITICAL: &[&str] = &[
    "bash",
    "coreutils",
    "findutils",
    "diffutils",
    "grep",
    "sed",
    "tar",
    "gawk",
    "less",
    "perl",
    "python",
    "pip",
    "git",
    "openssh",
    "openssl",
    "gnupg",
    "curl",
    "wget",
    "make",
    "gcc",
    "g++",
    "patch",
    "file",
    "xz",
    "zstd",
    "gzip",
];

/// What to do about one tool with several installations.
#[derive(Debug, Clone, Serialize)]
pub struct Reconciliation {
    pub tool: String,
    pub installations: Vec<Installation>,
    /// The path PATH runs.
    pub runs: Option<String>,
    /// The copy the environment's manager order prefers.
    pub preferred: Option<String>,
    /// Newer copies that PATH does not run.
    pub shadowed_newer: Vec<String>,
    pub fix: String,
    /// Removals of the non-preferred copies (only acted on with --aggressive).
    pub removals: Vec<Action>,
    /// Copies that cannot be removed, and why.
    pub kept: Vec<String>,
}

/// Reconciles one tool; `None` when it has fewer than two installations.
/// Copies in one directory at one version by one method (`pip` and `pip3`,
/// `ast-grep` and `sg`) are one installation. The preferred copy is the newest; among equals, the one PATH
/// runs, then the environment's manager order.
pub fn reconcile(tool: &Tool, record: &ToolRecord, cx: &Context<'_>) -> Option<Reconciliation> {
    let mut seen_dirs = std::collections::BTreeSet::new();
    let installations: Vec<Installation> = record
        .installations
        .iter()
        .filter(|i| {
            let dir = std::path::Path::new(&i.path)
                .parent()
                .map(std::path::Path::to_path_buf);
            seen_dirs.insert((dir, i.version.clone(), i.method.id()))
        })
        .cloned()
        .collect();
    if installations.len() < 2 {
        return None;
    }
    let order = preference(cx.environment, cx.manager_order);
    let rank = |i: &Installation| {
        crate::managers::for_method(i.method)
            .and_then(|m| order.iter().position(|id| *id == m.id()))
            .unwrap_or(usize::MAX)
    };
    let version = |i: &Installation| i.version.as_deref().and_then(|v| Version::parse(v).ok());
    let runs = record.installed.as_ref();
    let is_run = |i: &Installation| runs.is_some_and(|r| r.path == i.path);
    let preferred = installations
        .iter()
        .max_by(|a, b| {
            version(a)
                .cmp(&version(b))
                .then_with(|| is_run(a).cmp(&is_run(b)))
                .then_with(|| rank(b).cmp(&rank(a)))
        })?
        .clone();
    let shadowed_newer: Vec<String> = installations
        .iter()
        .filter(|i| Some(i.path.as_str()) != runs.map(|r| r.path.as_str()))
        .filter(|i| matches!((version(i), runs.and_then(version)), (Some(v), Some(r)) if v > r))
        .map(|i| {
            format!(
                "{} {} ({})",
                i.path,
                i.version.clone().unwrap_or_default(),
                i.method.id()
            )
        })
        .collect();
    let mut removals = Vec::new();
    let mut kept = Vec::new();
    let critical = SYSTEM_CRITICAL.contains(&tool.name());
    for other in installations.iter().filter(|i| i.path != preferred.path) {
        let why_not = if critical {
            Some(format!(
                "{} is system-critical: toolup never removes it",
                tool.name()
            ))
        } else {
            removal(tool, other, cx).err()
        };
        match why_not {
            Some(reason) => kept.push(format!("{}: {reason}", other.path)),
            None => removals.extend(removal(tool, other, cx).ok()),
        }
    }
    let fix = if runs.is_some_and(|r| r.path == preferred.path) {
        if removals.is_empty() {
            "PATH already runs the newest copy".to_owned()
        } else {
            format!(
                "PATH already runs the newest copy; --aggressive removes the other {}",
                removals.len()
            )
        }
    } else {
        let dir = |p: &str| {
            std::path::Path::new(p)
                .parent()
                .map(|d| d.display().to_string())
                .unwrap_or_default()
        };
        let run_dir = runs.map(|r| dir(&r.path)).unwrap_or_default();
        if dir(&preferred.path) == run_dir {
            format!(
                "both are in {run_dir}: run {} by its name, or switch the system's alternative",
                preferred.path
            )
        } else {
            format!(
                "put {} earlier on PATH so that {} runs, or remove the copy PATH runs now",
                dir(&preferred.path),
                preferred.path
            )
        }
    };
    Some(Reconciliation {
        tool: tool.name().to_owned(),
        installations,
        runs: runs.map(|r| r.path.clone()),
        preferred: Some(preferred.path.clone()),
        shadowed_newer,
        fix,
        removals,
        kept,
    })
}

/// The package that owns an installation, as discovery recorded it.
fn owning_package(installation: &Installation) -> Option<String> {
    installation.package.clone()
}

fn removal(tool: &Tool, installation: &Installation, cx: &Context<'_>) -> Result<Action, String> {
    let manager = crate::managers::for_method(installation.method).ok_or_else(|| {
        format!(
            "installed by {}, which toolup cannot remove through",
            installation.method.id()
        )
    })?;
    if !cx.available.contains(manager.id()) {
        return Err(format!("{} is not available", manager.id()));
    }
    let package = tool
        .spec
        .install
        .get(manager.install_key())
        .ok_or_else(|| format!("the catalog names no {} package", manager.id()))?;
    if !is_valid_package_name(package) {
        return Err(format!("refusing package name {package:?}"));
    }
    // Remove only what provably owns this copy: `lua` is lua5.1's even though
    // the catalog's apt package for the tool is lua5.4.
    match owning_package(installation) {
        Some(owner) if owner == *package => {}
        Some(owner) => {
            return Err(format!(
                "owned by {owner}, not by the catalog's {} package {package}",
                manager.id()
            ));
        }
        None => {
            return Err(format!(
                "cannot tell which {} package owns it",
                manager.id()
            ));
        }
    }
    Ok(Action {
        tool: tool.name().to_owned(),
        kind: ActionKind::Uninstall,
        manager: manager.id(),
        package: package.clone(),
        argv: manager.uninstall(package),
        sudo: manager.needs_sudo() && !cx.is_root,
        from_version: installation.version.clone(),
        to_version: None,
        major: false,
        reason: format!("remove the {} copy at {}", manager.id(), installation.path),
        level: 0,
        manager_version: None,
        undo: super::Undo::None,
    })
}

/// Each of `tools` installed more than once: which copy runs, the newer
/// copies it shadows, the fix, and what `--aggressive` would remove.
pub fn reconciliations(
    settings: &crate::settings::Settings,
    printer: crate::base::printer::Printer,
    tools: &[&Tool],
) -> Vec<Reconciliation> {
    let (snapshot, _) = crate::audit::gather(settings, printer, tools, false);
    let available = super::available_managers();
    let is_root = crate::base::privilege::is_root();
    let cx = Context {
        environment: settings.environment().kind,
        available: &available,
        is_root,
        manager_order: &settings.config.managers,
        pins: &settings.config.pins,
        via: None,
    };
    tools
        .iter()
        .filter_map(|t| {
            snapshot
                .tools
                .iter()
                .find(|r| r.name == t.name())
                .and_then(|r| reconcile(t, r, &cx))
        })
        .collect()
}

/// Removes the non-preferred copies through their own package managers
/// (`reconcile --aggressive`), through the shared runner: one manager's
/// removals never overlap; each recorded before it runs, or not run.
pub fn remove(
    settings: &crate::settings::Settings,
    printer: crate::base::printer::Printer,
    removals: &[&Action],
) -> anyhow::Result<crate::model::Verdict> {
    use super::apply::history_entry;
    use super::run::{full_argv, run_manager};
    use crate::model::Verdict;
    use crate::state::history;
    // Through the shared runner: one manager's removals never overlap.
    let history_path = settings.dirs.as_ref().map(|d| d.history());
    let jobs: Vec<crate::runner::Job> = removals
        .iter()
        .enumerate()
        .map(|(i, a)| crate::runner::Job {
            id: i.to_string(),
            steps: vec![crate::runner::Step {
                phase: "remove".to_owned(),
                argv: full_argv(a),
                timeout: std::time::Duration::from_secs(30 * 60),
                locks: vec![format!("manager:{}", a.manager)],
                wait_for: Vec::new(),
                env: Vec::new(),
            }],
            runs_after: Vec::new(),
        })
        .collect();
    let execute = |job: &crate::runner::Job, _: &crate::runner::Step| {
        let action = removals[job.id.parse::<usize>().ok()?];
        // Never beside another toolup's action on the tool.
        let _held = match settings.dirs.as_ref().map(|d| {
            super::apply::hold_tool(
                printer,
                d,
                &action.tool,
                "remove",
                std::time::Duration::from_secs(600),
            )
        }) {
            Some(Err(why)) => {
                printer.error(&format!("{}: {why}", action.tool));
                return Some(crate::runner::Outcome::Failed(why));
            }
            held => held,
        };
        // Recorded as started before it runs, or not run at all.
        if let Some(path) = &history_path
            && let Err(e) = history::append(path, &history_entry(action, "started", ""))
        {
            let why = format!("cannot record the removal ({e}): nothing was run");
            printer.error(&format!("{}: {why}", action.tool));
            return Some(crate::runner::Outcome::Failed(why));
        }
        let result = run_manager(action);
        if let Some(path) = &history_path {
            let message = result
                .clone()
                .err()
                .unwrap_or_else(|| action.reason.clone());
            let entry = history_entry(
                action,
                if result.is_ok() { "ok" } else { "failed" },
                &message,
            );
            let _ = history::append(path, &entry);
        }
        Some(match result {
            Ok(()) => {
                printer.note(&format!("{}: {}", action.tool, action.reason));
                crate::runner::Outcome::Ok
            }
            Err(e) => {
                printer.error(&format!("{}: {e}", action.tool));
                crate::runner::Outcome::Failed(e)
            }
        })
    };
    crate::exec::interrupt::catch(
        "\ninterrupted: stopping the running removal; nothing new starts\n",
    );
    let results = crate::runner::run_with(
        &jobs,
        &crate::runner::Options::in_process(settings.jobs, false),
        &|_| {},
        &execute,
    )
    .map_err(anyhow::Error::msg)?;
    let failed = results
        .iter()
        .any(|r| !matches!(r.outcome, crate::runner::Outcome::Ok));
    Ok(if crate::exec::interrupt::interrupted() {
        Verdict::Interrupted
    } else if failed {
        Verdict::Failure
    } else {
        Verdict::Success
    })
}
