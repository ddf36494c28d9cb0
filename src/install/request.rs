//! From what the user asked to a plan: the tools (names, commands, a
//! preset), audited exactly as a real run audits them (so a dry run shows
//! the very plan), each system manager asked for its candidate, and the
//! breaking-change policy applied.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Context as _;

use super::plan::{Context, Plan, Wanted, plan};
use crate::base::printer::Printer;
use crate::catalog::{Catalog, Tool};
use crate::model::ToolRecord;
use crate::settings::Settings;

/// Asks the person at the terminal a yes/no question; `None` where nobody
/// can be asked.
pub type Ask<'a> = Option<&'a dyn Fn(&str) -> bool>;

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

/// The catalog tools a request names: its names (or the commands they
/// provide) and its preset's, else what the settings select.
pub fn tools<'c>(
    settings: &Settings,
    catalog: &'c Catalog,
    request: &Request,
) -> anyhow::Result<Vec<&'c Tool>> {
    let mut names: Vec<String> = request.tools.clone();
    if let Some(tools) = request
        .preset
        .as_ref()
        .and_then(|p| settings.config.presets.get(p))
    {
        names.extend(tools.iter().cloned());
    } else if let Some(preset) = &request.preset {
        let p = catalog.presets.get(preset).with_context(|| {
            let known: std::collections::BTreeSet<&str> = catalog
                .presets
                .keys()
                .chain(settings.config.presets.keys())
                .map(String::as_str)
                .collect();
            let known: Vec<&str> = known.into_iter().collect();
            format!(
                "no preset named {:?} (presets: {}){}",
                crate::base::printer::visible(preset),
                known.join(", "),
                crate::base::names::did_you_mean(preset, known.iter().copied())
            )
        })?;
        names.extend(p.tools.iter().cloned());
    }
    if names.is_empty() {
        settings.select(catalog)
    } else {
        let mut named = settings.resolve_names(catalog, &names)?;
        named.sort_by_key(|t| t.name());
        Ok(named)
    }
}

/// What `toolup upgrade --outdated --yes` would upgrade across the whole
/// catalog, planned quietly: the same plan, so pins, the breaking-change
/// policy and tools no manager can upgrade are left out as they are there.
///
/// `owned_elsewhere` says which install methods another updater owns here
/// (apt's, npm's …): those tools are left to their owner, before anything
/// is asked of a package manager.
pub fn outdated(
    settings: &Settings,
    owned_elsewhere: &dyn Fn(crate::model::Method) -> bool,
) -> anyhow::Result<Plan> {
    let quiet = Settings {
        quiet: true,
        filter: crate::settings::Filter::default(),
        ..settings.clone()
    };
    let catalog = quiet.catalog()?;
    let tools: Vec<&Tool> = catalog.tools.iter().collect();
    let request = Request {
        wanted: Wanted {
            missing: false,
            outdated: true,
        },
        yes: true,
        allow_major: settings.allow_major,
        ..Request::default()
    };
    let (snapshot, _) = crate::audit::gather(&quiet, Printer { quiet: true }, &tools, true);
    let tools: Vec<&Tool> = tools
        .into_iter()
        .filter(|t| {
            !snapshot
                .tools
                .iter()
                .find(|r| r.name == t.name())
                .and_then(|r| r.installed.as_ref())
                .is_some_and(|i| owned_elsewhere(i.method))
        })
        .collect();
    Ok(plan_for(&quiet, &tools, &snapshot, &request, None))
}

/// The plan `upgrade` carries out for `tools`: audit them (looking things up
/// exactly as a real run does, so a dry run shows the same plan), plan,
/// settle each system manager's candidate, apply the breaking-change
/// policy. `system check` asks it too, so what it calls pending is what
/// the update does.
pub fn prepare(
    settings: &Settings,
    printer: Printer,
    tools: &[&Tool],
    request: &Request,
    ask: Ask<'_>,
) -> (Plan, crate::model::Snapshot) {
    // A dry run looks things up exactly as the real run does, so it shows
    // the same plan.
    let (snapshot, _) = crate::audit::gather(settings, printer, tools, true);
    let plan = plan_for(settings, tools, &snapshot, request, ask);
    (plan, snapshot)
}

/// Plans `tools` from what the audit found: the pure plan, each system
/// manager's candidate settled, the breaking-change policy applied.
fn plan_for(
    settings: &Settings,
    tools: &[&Tool],
    snapshot: &crate::model::Snapshot,
    request: &Request,
    ask: Ask<'_>,
) -> Plan {
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
    let candidates = ask_candidates(&super::plan::candidate_queries(&the_plan));
    super::plan::settle_candidates(&mut the_plan, &candidates);
    apply_breaking_change_policy(&mut the_plan, request, &settings.config, ask);
    the_plan
}

/// What the managers answered this run, so the system check, the plan and
/// the update ask each question once.
static ANSWERED: std::sync::Mutex<super::plan::Candidates> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Asks each system manager which version it would install of the
/// packages the plan needs (read-only, no root): one process per manager
/// naming all its packages, the managers side by side, each answer kept
/// for the rest of the run. The same questions in a dry run as in a real one.
fn ask_candidates(queries: &[(&'static str, String)]) -> super::plan::Candidates {
    let mut by_manager: std::collections::BTreeMap<&'static str, Vec<&str>> =
        std::collections::BTreeMap::new();
    {
        let known = ANSWERED.lock().unwrap_or_else(|e| e.into_inner());
        for (manager, package) in queries {
            if !known.contains_key(&(*manager, package.clone())) {
                let list = by_manager.entry(manager).or_default();
                if !list.contains(&package.as_str()) {
                    list.push(package);
                }
            }
        }
    }
    let fresh: Vec<super::plan::Candidates> = std::thread::scope(|scope| {
        let handles: Vec<_> = by_manager
            .iter()
            .map(|(manager, packages)| scope.spawn(move || ask_manager(manager, packages)))
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut known = ANSWERED.lock().unwrap_or_else(|e| e.into_inner());
    known.extend(fresh.into_iter().flatten());
    queries
        .iter()
        .filter_map(|q| Some((q.clone(), known.get(q)?.clone())))
        .collect()
}

/// One manager's answers for `packages`, from one process. A package its
/// output leaves out has no candidate, or — when the query failed — the
/// failure as its answer.
fn ask_manager(manager: &'static str, packages: &[&str]) -> super::plan::Candidates {
    use crate::exec::{ProcessRequest, run};
    let Some(m) = crate::managers::installer(manager) else {
        return super::plan::Candidates::new();
    };
    let Some(argv) = m.candidate_query(packages) else {
        return super::plan::Candidates::new();
    };
    let answer = run(&ProcessRequest::query(
        std::path::Path::new(&argv[0]),
        &argv[1..],
        std::time::Duration::from_secs(60),
    )
    .capture(4 * 1024 * 1024));
    let (answers, failure) = match answer {
        Ok(out) => {
            let answers = m.parse_candidates(&String::from_utf8_lossy(&out.stdout));
            let failure = (out.timed_out || !out.status.is_some_and(|s| s.success())).then(|| {
                format!(
                    "`{}` {}: {}",
                    argv.join(" "),
                    if out.timed_out { "timed out" } else { "failed" },
                    String::from_utf8_lossy(&out.stderr).trim()
                )
            });
            (answers, failure)
        }
        Err(e) => (
            Default::default(),
            Some(format!("cannot run {}: {e}", argv[0])),
        ),
    };
    packages
        .iter()
        .map(|p| {
            let answer = match (answers.get(*p), &failure) {
                (Some(c), _) => c.checked(),
                (None, Some(why)) => Err(why.clone()),
                (None, None) => Ok(super::plan::Candidate::default()),
            };
            ((manager, (*p).to_owned()), answer)
        })
        .collect()
}

/// Re-audits the tools that were acted on and updates them in the snapshot.
pub fn refresh_snapshot(
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
/// needs `--allow-major`; `reject` needs `--allow-major`. `--yes` answers
/// the question "run these actions?", never "take this major?".
fn apply_breaking_change_policy(
    the_plan: &mut Plan,
    request: &Request,
    config: &crate::config::Config,
    ask: Ask<'_>,
) {
    use crate::config::BreakingChanges;
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
            BreakingChanges::Warn
                if !request.dry_run
                    && ask.is_some_and(|ask| {
                        ask(&format!(
                            "{} {jump} is a major upgrade and may break things. Take it?",
                            a.tool
                        ))
                    }) =>
            {
                None
            }
            BreakingChanges::Warn => Some(format!(
                "major upgrade {jump} may break things: pass --allow-major (or set breaking_changes = \"accept\" for it) to take it"
            )),
            BreakingChanges::Reject => Some(format!(
                "major upgrade {jump} refused by breaking_changes = \"reject\": pass --allow-major to take it"
            )),
        };
        match refusal {
            None => kept.push(a),
            Some(reason) => the_plan.skipped.push(super::plan::Skipped {
                tool: a.tool.clone(),
                reason,
            }),
        }
    }
    the_plan.actions = kept;
}

pub fn available_managers() -> BTreeSet<&'static str> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    crate::managers::installers()
        .filter(|m| {
            m.always_available()
                || dirs
                    .iter()
                    .any(|d| crate::base::paths::is_executable_file(&d.join(m.program())))
        })
        .map(|m| m.id())
        .collect()
}
