//! `toolup install` and `toolup upgrade`: audit the chosen tools, plan
//! (pure), show the plan, and — unless `--dry-run` — run it through `exec`,
//! backing up what an upgrade replaces and restoring it if the action fails.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::install;
use crate::model::{Status, ToolRecord};
use crate::plan::{Context, Plan, Wanted, plan};
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;
use super::apply::full_argv;

/// What the user asked `install`/`upgrade` to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub tools: Vec<String>,
    pub preset: Option<String>,
    pub wanted: Wanted,
    pub dry_run: bool,
    pub yes: bool,
    pub allow_major: bool,
    pub fail_fast: bool,
    /// Undo everything if anything fails.
    pub atomic: bool,
    /// `--via MANAGER`.
    pub via: Option<String>,
}

pub fn run(settings: &Settings, printer: Printer, request: &Request) -> anyhow::Result<Outcome> {
    // Nothing that changes the system can start in a dry run, whoever asks.
    crate::exec::set_dry_run(request.dry_run);
    super::apply::recover_interrupted(settings, printer, request.dry_run);
    let catalog = settings.catalog()?;
    let mut names: Vec<String> = request.tools.clone();
    if let Some(tools) = request
        .preset
        .as_ref()
        .and_then(|p| settings.config.presets.get(p))
    {
        names.extend(tools.iter().cloned());
    } else if let Some(preset) = &request.preset {
        let p = catalog.presets.get(preset).with_context(|| {
            format!(
                "no preset named {preset:?} (presets: {})",
                catalog
                    .presets
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        names.extend(p.tools.iter().cloned());
    }
    let tools: Vec<&Tool> = if names.is_empty() {
        settings.select(&catalog)?
    } else {
        let mut named = settings.resolve_names(&catalog, &names)?;
        named.sort_by_key(|t| t.name());
        named
    };
    let (the_plan, snapshot) = make_plan(settings, printer, &tools, request);
    // `install X` of an X that is there already says so rather than nothing.
    if request.wanted.missing && !request.wanted.outdated && !request.tools.is_empty() {
        for record in snapshot
            .tools
            .iter()
            .filter(|r| r.status != Status::NotInstalled)
        {
            let at = record.installed.as_ref().map_or_else(String::new, |i| {
                format!(
                    " ({} at {})",
                    i.version.as_deref().unwrap_or("version unknown"),
                    i.path
                )
            });
            printer.note(&format!(
                "{} is already installed{at}; `toolup upgrade {}` upgrades it",
                record.name, record.name
            ));
        }
    }
    print_plan(settings, printer, &the_plan);
    if request.dry_run {
        printer.note("dry run: nothing was changed");
        return Ok(Outcome::Success);
    }
    if the_plan.actions.is_empty() {
        return Ok(Outcome::Success);
    }
    if !request.yes {
        if !std::io::stdin().is_terminal() {
            bail!("refusing to change the system without --yes: there is no terminal to ask");
        }
        if !confirm(&format!("Run {} action(s)?", the_plan.actions.len())) {
            printer.note("nothing was changed");
            return Ok(Outcome::Success);
        }
    }
    let outcome = super::apply::execute(settings, printer, &the_plan, request)?;
    refresh_snapshot(settings, printer, &catalog, &the_plan);
    Ok(outcome)
}

/// The plan `upgrade` carries out for `tools`: audit them (looking things up
/// exactly as a real run does, so a dry run shows the same plan), plan,
/// settle each system manager's candidate, apply the breaking-change
/// policy. `system check` asks it too, so what it calls pending is what
/// the update does.
pub(super) fn make_plan(
    settings: &Settings,
    printer: Printer,
    tools: &[&Tool],
    request: &Request,
) -> (Plan, crate::model::Snapshot) {
    // A dry run looks things up exactly as the real run does, so it shows
    // the same plan.
    let (snapshot, _) = crate::audit::gather(settings, printer, tools, true);
    let records: Vec<(&Tool, Option<&ToolRecord>)> = tools
        .iter()
        .map(|t| (*t, snapshot.tools.iter().find(|r| r.name == t.name())))
        .collect();
    let environment = settings.environment();
    let available = available_managers();
    let is_root = crate::base::privilege::is_root();
    let mut the_plan = plan(
        &records,
        request.wanted,
        &Context {
            environment: environment.kind,
            available: &available,
            is_root,
            manager_order: &settings.config.managers,
            pins: &settings.config.pins,
            via: request.via.as_deref(),
        },
    );
    let candidates = ask_candidates(&crate::plan::candidate_queries(&the_plan));
    crate::plan::settle_candidates(&mut the_plan, &candidates);
    apply_breaking_change_policy(&mut the_plan, request, &settings.config);
    (the_plan, snapshot)
}

/// Asks each system manager which version it would install (read-only, no
/// root), in parallel: the same questions in a dry run as in a real one.
fn ask_candidates(queries: &[(&'static str, String)]) -> crate::plan::Candidates {
    use crate::exec::{ProcessRequest, run};
    let ask = |(manager, package): &(&'static str, String)| {
        let m = install::by_id(manager)?;
        let argv = m.candidate_query(package)?;
        let answer = run(&ProcessRequest {
            program: std::path::Path::new(&argv[0]),
            args: &argv[1..],
            timeout: std::time::Duration::from_secs(60),
            max_capture: 1024 * 1024,
            env: &[("LC_ALL", "C.UTF-8"), ("NO_COLOR", "1")],
            cwd: None,
            isolate_network: false,
            stop: crate::exec::Stop::Never,
            changes: false,
            background: false,
            on_stderr_line: None,
        });
        let result = match answer {
            Ok(out) if out.status.is_some_and(|s| s.success()) => {
                let text = String::from_utf8_lossy(&out.stdout);
                Ok(crate::plan::Candidate {
                    candidate: m.parse_candidate(&text),
                    installed: m.parse_installed(&text),
                })
            }
            Ok(out) => Err(format!(
                "`{}` {}: {}",
                argv.join(" "),
                if out.timed_out { "timed out" } else { "failed" },
                String::from_utf8_lossy(&out.stderr).trim()
            )),
            Err(e) => Err(format!("cannot run {}: {e}", argv[0])),
        };
        Some(((*manager, package.clone()), result))
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = queries
            .iter()
            .map(|q| scope.spawn(move || ask(q)))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// Re-audits the tools that were acted on and updates them in the snapshot.
fn refresh_snapshot(
    settings: &Settings,
    printer: Printer,
    catalog: &crate::catalog::Catalog,
    the_plan: &Plan,
) {
    let acted: Vec<&Tool> = the_plan
        .actions
        .iter()
        .filter_map(|a| catalog.get(&a.tool))
        .collect();
    let quiet = Settings {
        quiet: true,
        ..settings.clone()
    };
    let (fresh, _) = crate::audit::gather(&quiet, Printer { quiet: true }, &acted, true);
    let snapshot = match crate::state::load_snapshot(&settings.snapshot_path) {
        Ok(previous) => crate::audit::merge(previous, fresh),
        Err(_) => fresh,
    };
    if let Err(e) = crate::state::save_snapshot(&settings.snapshot_path, &snapshot) {
        printer.warn(&e.to_string());
    }
}

/// Major upgrades under `breaking_changes` (per tool, then global; default
/// `warn`): `accept` takes them; `warn` asks on a terminal and otherwise
/// needs `--yes` or `--allow-major`; `reject` needs `--allow-major`.
fn apply_breaking_change_policy(
    the_plan: &mut Plan,
    request: &Request,
    config: &crate::config::Config,
) {
    use crate::config::BreakingChanges;
    let interactive = std::io::stdin().is_terminal() && !request.dry_run;
    let mut kept = Vec::new();
    for a in std::mem::take(&mut the_plan.actions) {
        if !a.major || request.allow_major {
            kept.push(a);
            continue;
        }
        let jump = format!(
            "{} → {}",
            a.from_version.clone().unwrap_or_default(),
            a.to_version.clone().unwrap_or_default()
        );
        let refusal = match config.breaking_changes_for(&a.tool) {
            BreakingChanges::Accept => None,
            BreakingChanges::Warn if request.yes => None,
            BreakingChanges::Warn
                if interactive
                    && confirm(&format!(
                        "{} {jump} is a major upgrade and may break things. Take it?",
                        a.tool
                    )) =>
            {
                None
            }
            BreakingChanges::Warn => Some(format!(
                "major upgrade {jump} may break things: pass --allow-major (or --yes) to take it"
            )),
            BreakingChanges::Reject => Some(format!(
                "major upgrade {jump} refused by breaking_changes = \"reject\": pass --allow-major to take it"
            )),
        };
        match refusal {
            None => kept.push(a),
            Some(reason) => the_plan.skipped.push(crate::plan::Skipped {
                tool: a.tool.clone(),
                reason,
            }),
        }
    }
    the_plan.actions = kept;
}

pub(super) fn available_managers() -> BTreeSet<&'static str> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    install::ALL
        .iter()
        .filter(|m| {
            m.always_available()
                || dirs
                    .iter()
                    .any(|d| crate::base::paths::is_executable_file(&d.join(m.program())))
        })
        .map(|m| m.id())
        .collect()
}

fn print_plan(settings: &Settings, printer: Printer, the_plan: &Plan) {
    if settings.format == Format::Json {
        if let Err(e) = printer.json(the_plan) {
            printer.error(&e.to_string());
        }
        return;
    }
    let mut text = format!(
        "plan for a {} ({} action(s))\n",
        the_plan.environment,
        the_plan.actions.len()
    );
    if !the_plan.actions.is_empty() {
        let mut builder = Builder::default();
        builder.push_record([
            "ACTION", "TOOL", "FROM", "TO", "MANAGER", "COMMAND", "UNDO", "WHY",
        ]);
        for a in &the_plan.actions {
            let to = match (&a.to_version, &a.manager_version) {
                (Some(v), Some(m)) if m != v => format!("{v} ({} {m})", a.manager),
                (Some(v), _) => v.clone(),
                (None, Some(m)) => format!("{} {m}", a.manager),
                (None, None) => format!("whatever {} resolves", a.manager),
            };
            builder.push_record([
                a.kind.id().to_owned(),
                a.tool.clone(),
                a.from_version.clone().unwrap_or_else(|| "-".into()),
                to,
                a.manager.to_owned(),
                full_argv(a).join(" "),
                super::apply::undo_command(a).describe(),
                a.reason.clone(),
            ]);
        }
        let table = crate::render::fit(
            builder,
            crate::render::terminal_width(),
            &[7, 5, 6, 3, 1, 2],
        );
        text.push_str(&format!("{table}\n"));
    }
    let width = crate::render::terminal_width();
    for s in &the_plan.skipped {
        let line = format!("skipped {}: {}", s.tool, s.reason);
        text.push_str(&crate::render::wrap_words(&line, width).replace('\n', "\n  "));
        text.push('\n');
    }
    printer.out(&text);
}

pub(super) fn confirm(question: &str) -> bool {
    use std::io::{BufRead, Write};
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes")
}
