//! `toolup install` and `toolup upgrade`: the plan (audited exactly as a
//! real run would, so a dry run shows the very argv), shown; then — unless
//! `--dry-run` — carried out by the install transaction.

use crate::base::printer::Printer;
use crate::install::Request;
use crate::model::Status;
use crate::settings::{Format, Settings};

use super::Outcome;

pub fn run(settings: &Settings, printer: Printer, request: &Request) -> anyhow::Result<Outcome> {
    // Nothing that changes the system can start in a dry run, whoever asks.
    crate::exec::set_dry_run(request.dry_run);
    crate::install::recover_interrupted(settings, printer, request.dry_run);
    let catalog = settings.catalog()?;
    let tools = crate::install::tools(settings, &catalog, request)?;
    let ask = crate::render::ask::ask(request.dry_run);
    let (the_plan, snapshot) = crate::install::prepare(settings, printer, &tools, request, ask);
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
    match settings.format {
        Format::Json => printer.json(&the_plan)?,
        _ => printer.out(&crate::render::plan::plan(&the_plan)),
    }
    if request.dry_run {
        printer.note("dry run: nothing was changed");
        return Ok(Outcome::Success);
    }
    if the_plan.actions.is_empty()
        || !crate::render::ask::go_ahead(
            // Scheduled: yes to the plan; majors were asked of nobody, so held.
            request.yes || settings.scheduled,
            "change the system",
            &format!("Run {} action(s)?", the_plan.actions.len()),
            printer,
        )?
    {
        return Ok(Outcome::Success);
    }
    let outcome = crate::install::execute(settings, printer, &the_plan, request)?;
    crate::install::refresh_snapshot(settings, printer, &catalog, &the_plan);
    Ok(outcome)
}
