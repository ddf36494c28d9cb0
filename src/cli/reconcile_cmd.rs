//! `toolup reconcile [TOOL…]`: tools installed more than once, which copy
//! PATH runs, newer copies it shadows, and the fix; `--aggressive` removes
//! the non-preferred copies through their own package managers.

use std::io::IsTerminal;

use anyhow::bail;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::plan::{Context, Reconciliation, reconcile};
use crate::settings::Format;
use crate::settings::Settings;
use crate::state::history;

use super::Outcome;
use super::apply::{full_argv, history_entry, run_manager};
use super::upgrade_cmd::{available_managers, confirm};

pub struct Request {
    pub tools: Vec<String>,
    pub aggressive: bool,
    pub dry_run: bool,
    pub yes: bool,
}

pub fn run(settings: &Settings, printer: Printer, request: &Request) -> anyhow::Result<Outcome> {
    crate::exec::set_dry_run(request.dry_run);
    super::apply::recover_interrupted(settings, printer, request.dry_run || !request.aggressive);
    let catalog = settings.catalog()?;
    let tools: Vec<&Tool> = if request.tools.is_empty() {
        settings.select(&catalog)?
    } else {
        settings.resolve_names(&catalog, &request.tools)?
    };
    let (snapshot, _) = crate::audit::gather(settings, printer, &tools, false);
    let available = available_managers();
    let is_root = crate::base::privilege::is_root();
    let cx = Context {
        environment: settings.environment().kind,
        available: &available,
        is_root,
        manager_order: &settings.config.managers,
        pins: &settings.config.pins,
        via: None,
    };
    let found: Vec<Reconciliation> = tools
        .iter()
        .filter_map(|t| {
            snapshot
                .tools
                .iter()
                .find(|r| r.name == t.name())
                .and_then(|r| reconcile(t, r, &cx))
        })
        .collect();
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({"schema_version": 1, "tools": found}))?;
    } else {
        printer.out(&describe(&found, request.aggressive));
    }
    let removals: Vec<_> = found.iter().flat_map(|r| r.removals.iter()).collect();
    if !request.aggressive || removals.is_empty() {
        return Ok(Outcome::Success);
    }
    if request.dry_run {
        printer.note("dry run: nothing was removed");
        return Ok(Outcome::Success);
    }
    if !request.yes {
        if !std::io::stdin().is_terminal() {
            bail!("refusing to remove anything without --yes: there is no terminal to ask");
        }
        if !confirm(&format!("Remove {} copies?", removals.len())) {
            printer.note("nothing was removed");
            return Ok(Outcome::Success);
        }
    }
    // Through the shared runner: one manager's removals never overlap.
    let history_path = settings.dirs.as_ref().map(|d| d.history());
    let jobs: Vec<crate::runner::Job> = removals
        .iter()
        .enumerate()
        .map(|(i, a)| crate::runner::Job {
            id: i.to_string(),
            steps: vec![crate::runner::Step {
                phase: "remove".to_owned(),
                argv: super::apply::full_argv(a),
                timeout: std::time::Duration::from_secs(30 * 60),
                locks: vec![format!("manager:{}", a.manager)],
                wait_for: Vec::new(),
            }],
            runs_after: Vec::new(),
        })
        .collect();
    let execute = |job: &crate::runner::Job, _: &crate::runner::Step| {
        let action = removals[job.id.parse::<usize>().ok()?];
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
    crate::exec::interrupt::catch();
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
        Outcome::Interrupted
    } else if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn describe(found: &[Reconciliation], aggressive: bool) -> String {
    if found.is_empty() {
        return "no tool is installed more than once\n".to_owned();
    }
    let mut text = String::new();
    for r in found {
        text.push_str(&format!("{}\n", r.tool));
        for i in &r.installations {
            let mut marks = Vec::new();
            if Some(&i.path) == r.runs.as_ref() {
                marks.push("runs");
            }
            if Some(&i.path) == r.preferred.as_ref() {
                marks.push("preferred");
            }
            if !i.on_path {
                marks.push("off PATH");
            }
            text.push_str(&format!(
                "  {:<50} {:<12} {:<8} {}\n",
                i.path,
                i.version.clone().unwrap_or_else(|| "?".into()),
                i.method.id(),
                marks.join(", ")
            ));
        }
        for s in &r.shadowed_newer {
            text.push_str(&format!("  shadowed newer copy: {s}\n"));
        }
        text.push_str(&format!("  fix: {}\n", r.fix));
        if aggressive {
            for a in &r.removals {
                text.push_str(&format!("  would run: {}\n", full_argv(a).join(" ")));
            }
            for k in &r.kept {
                text.push_str(&format!("  kept: {k}\n"));
            }
        }
    }
    text
}
