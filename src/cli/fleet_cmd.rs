//! `toolup fleet hosts|check|update|audit|status`: the host list and what
//! a selection takes from it (`crate::fleet::choose`), a run over the
//! selected hosts (`crate::fleet::run`) shown as it goes, and its report;
//! the views are in `crate::render::fleet` and `render::fleet_run`.

use crate::base::printer::Printer;
use crate::fleet::Selection;
use crate::render::fleet as view;
use crate::settings::{Format, Settings};

use anyhow::Context as _;

use super::{FleetCommand, FleetSelection, Outcome};

/// The library's selection from the command line's.
pub fn selection(args: &FleetSelection) -> Selection<'_> {
    Selection {
        hosts: &args.hosts,
        inventory: args.inventory.as_deref(),
        limit: args.limit.as_deref(),
    }
}

/// `toolup fleet hosts [HOSTS…] [--inventory FILE] [--limit PATTERN]`.
pub fn hosts(
    settings: &Settings,
    printer: Printer,
    args: &FleetSelection,
) -> anyhow::Result<Outcome> {
    let config_dir = settings.dirs.as_ref().map(|d| d.config.as_path());
    let chosen = crate::fleet::choose(config_dir, &selection(args))?;
    match settings.format {
        Format::Json => {
            if !chosen.defined && chosen.hosts.is_empty() {
                printer.note(view::no_host_list(&chosen).trim_end());
            }
            printer.json(&view::hosts_document(&chosen))?;
        }
        Format::Table => printer.out(&view::hosts_table(&chosen)),
        Format::Markdown => printer.out(&view::hosts_markdown(&chosen)),
    }
    Ok(Outcome::Success)
}

/// `toolup fleet status`: each host's last result here, connecting to nothing.
pub fn status(
    settings: &Settings,
    printer: Printer,
    args: &FleetSelection,
) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let chosen = crate::fleet::choose(Some(dirs.config.as_path()), &selection(args))?;
    let report = crate::fleet::run::last_results(dirs, &chosen.hosts);
    crate::render::fleet_run::show_report(settings.format, printer, &report)?;
    Ok(Outcome::Success)
}

/// `toolup fleet check|update|audit`: the hosts side by side, then the report.
pub fn run(
    settings: &Settings,
    printer: Printer,
    command: &FleetCommand,
) -> anyhow::Result<Outcome> {
    use crate::fleet::host_run::Action;
    use crate::fleet::run::{Options, Prepared};
    let (action, args, run, update) = match command {
        FleetCommand::Check { selection, run } => (Action::Check, selection, run, None),
        FleetCommand::Audit { selection, run } => (Action::Audit, selection, run, None),
        FleetCommand::Update {
            selection,
            run,
            approve,
            resume,
            security_only,
            dry_run,
            yes,
        } => (
            Action::Update,
            selection,
            run,
            Some((approve.clone(), *resume, *security_only, *dry_run, *yes)),
        ),
        FleetCommand::Hosts { .. } | FleetCommand::Status { .. } => unreachable!("not a run"),
    };
    let (approve, resume, security_only, dry_run, yes) =
        update.unwrap_or((Vec::new(), false, false, false, true));
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let chosen = crate::fleet::choose(Some(dirs.config.as_path()), &selection(args))?;
    let options = Options {
        action,
        forks: run.forks,
        push: run.push,
        only: settings.filter.only.clone(),
        skip: run.skip.clone(),
        security_only,
        dry_run,
        approve,
        resume,
    };
    let request = match crate::fleet::run::prepare(dirs, &chosen, &options)? {
        Prepared::Run(request) => request,
        Prepared::Nothing(why) => {
            printer.note(&why);
            return Ok(Outcome::Success);
        }
        Prepared::NoHosts => {
            printer.note(view::no_host_list(&chosen).trim_end());
            return Ok(Outcome::Failure);
        }
    };
    if let Some(plan) = &request.resume {
        for name in &plan.gone {
            printer.warn(&format!(
                "{name}: in the resumed run, but no longer in the host list"
            ));
        }
    }
    let names: Vec<&str> = request.hosts.iter().map(|h| h.name.as_str()).collect();
    if action == Action::Update
        && !dry_run
        && !crate::render::ask::go_ahead(
            yes,
            "update hosts",
            &format!("Update {} host(s) ({})?", names.len(), names.join(", ")),
            printer,
        )?
    {
        return Ok(Outcome::Success);
    }
    let view =
        crate::render::fleet_run::FleetTerminal::new(settings, printer, action == Action::Update);
    let report = crate::fleet::run::run(dirs, &request, &view)?;
    view.finish(settings.format, &report)?;
    Ok(if report.any_bad() {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
