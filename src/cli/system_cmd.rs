//! `toolup system check | status | history | stats | updaters` and
//! `toolup plugins list | info | validate`: what the whole machine would
//! update, asked read-only before anything is touched. Each command asks
//! `crate::system` (or the plugins) once and hands the answer to a view.

use anyhow::{Context as _, bail};
use serde::Serialize;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::managers::plugin;
use crate::render::{system as view, system_check as check_view};
use crate::settings::{FailOn, Format, Settings};
use crate::state::AppDirs;
use crate::system::CheckReport;

use super::Outcome;

fn fail_on_words(settings: &Settings) -> anyhow::Result<()> {
    if let Some(bad) = settings
        .fail_on
        .iter()
        .find(|f| matches!(f, FailOn::Outdated | FailOn::NotInstalled | FailOn::Unknown))
    {
        bail!("--fail-on {bad:?} is for audits; `toolup system` takes pending, security or reboot");
    }
    Ok(())
}

/// Success when nothing failed, else failure.
fn outcome(failed: bool) -> Outcome {
    if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}

/// The home directories, which `status`, `history` and `stats` read.
fn dirs(settings: &Settings) -> anyhow::Result<&AppDirs> {
    settings.dirs.as_ref().context("no home directory")
}

/// Prints `rows` as `{"schema_version": 1, key: rows}` in JSON, else as
/// `text` renders them; a success.
pub(super) fn show<T: Serialize>(
    settings: &Settings,
    printer: Printer,
    (key, rows): (&str, &[T]),
    text: impl Fn(&[T]) -> String,
) -> anyhow::Result<Outcome> {
    if settings.format != Format::Json {
        printer.out(&text(rows));
        return Ok(Outcome::Success);
    }
    let mut doc = serde_json::Map::new();
    doc.insert("schema_version".to_owned(), 1.into());
    doc.insert(key.to_owned(), serde_json::to_value(rows)?);
    printer.json(&doc)?;
    Ok(Outcome::Success)
}

/// `toolup system check`: every selected updater asked, the report saved;
/// a scheduled check's outcome recorded and, when something waits, sent.
pub fn check(settings: &Settings, printer: Printer, skip: &[String]) -> anyhow::Result<Outcome> {
    let scheduled = settings
        .scheduled
        .then(|| crate::schedule::ScheduledRun::begin("system check"));
    let mut report = None;
    let result = checked(settings, printer, skip, &mut report);
    if let Some(run) = &scheduled {
        run.end_check(settings, printer, report.as_ref(), result.as_ref());
    }
    result
}

fn checked(
    settings: &Settings,
    printer: Printer,
    skip: &[String],
    kept: &mut Option<CheckReport>,
) -> anyhow::Result<Outcome> {
    fail_on_words(settings)?;
    let updaters = crate::system::selected(settings, printer, skip)?;
    let host = Host::current();
    if settings.refresh {
        crate::system::check::refresh(&updaters, &host, printer);
    }
    let view = crate::render::check_view::CheckView::new(settings, printer);
    let report = crate::system::check::check(settings, &updaters, &host, &|e| view.show(e));
    view.finish();
    if let Err(e) = crate::system::check::keep(settings, &report) {
        printer.warn(&e);
    }
    present(settings, printer, kept.insert(report), None)
}

/// `toolup system history [--host H] [--updater X] [--last N]`: the recorded phases.
pub fn history(
    settings: &Settings,
    printer: Printer,
    host: Option<&str>,
    updater: Option<&str>,
    last: usize,
) -> anyhow::Result<Outcome> {
    let phases =
        crate::system::history::phases(&dirs(settings)?.history_store(), host, updater, last)?;
    show(settings, printer, ("phases", &phases), |p| {
        view::history(p, updater)
    })
}

/// `toolup system history --timeline [RUN]`: one run on a time axis.
pub fn timeline(settings: &Settings, printer: Printer, run: &str) -> anyhow::Result<Outcome> {
    let journal = crate::system::history::run(&dirs(settings)?.runs(), run)?;
    match settings.format {
        Format::Json => printer.json(&serde_json::json!({
            "schema_version": 1,
            "run_id": journal.run_id,
            "started_at": journal.started_at,
            "jobs": journal.timeline,
        }))?,
        _ => printer.out(&crate::render::timeline::timeline(
            &journal,
            crate::render::terminal_width(),
        )),
    }
    Ok(Outcome::Success)
}

/// `toolup system stats [--host H]`: per updater and phase, what the
/// history of this machine (or a fleet host) says.
pub fn stats(settings: &Settings, printer: Printer, host: Option<&str>) -> anyhow::Result<Outcome> {
    let here = crate::base::host::hostname();
    let stats =
        crate::system::history::stats(&dirs(settings)?.history_store(), host.unwrap_or(&here))?;
    show(settings, printer, ("stats", &stats), view::stats)
}

/// `toolup system status`: the last saved check, and how old it is.
pub fn status(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    fail_on_words(settings)?;
    let saved = dirs(settings)?.system_check();
    let report = crate::system::check::load(&saved).map_err(anyhow::Error::msg)?;
    present(settings, printer, &report, report.age())
}

fn present(
    settings: &Settings,
    printer: Printer,
    report: &CheckReport,
    age: Option<String>,
) -> anyhow::Result<Outcome> {
    match settings.format {
        Format::Json => printer.json(report)?,
        Format::Table => printer.out(&check_view::check_table(report, age.as_deref())),
        Format::Markdown => printer.out(&check_view::check_markdown(report)),
    }
    let tripped = report.tripped(&settings.fail_on);
    if tripped {
        printer.note(&check_view::fail_on_note(report));
    }
    Ok(outcome(report.failed() || tripped))
}

/// `toolup system updaters`: what each updater runs, and whether it applies.
pub fn updaters(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let all = crate::system::selected(settings, printer, &[])?;
    let rows = crate::system::describe(&all, &Host::current());
    show(settings, printer, ("updaters", &rows), view::updaters)
}

/// `toolup plugins list`: every manifest found, loadable or not.
pub fn plugins_list(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let dirs = settings.plugin_dirs();
    let listed = plugin::list(&dirs);
    show(settings, printer, ("plugins", &listed), |l| {
        view::plugins(l, &dirs)
    })
}

/// `toolup plugins info NAME`: the manifest and the plugin's own answers.
pub fn plugins_info(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let (plugins, problems) = plugin::load_all(&settings.plugin_dirs());
    problems.iter().for_each(|p| printer.warn(p));
    let plugin = plugin::named(&plugins, name).map_err(anyhow::Error::msg)?;
    let doc = plugin.info(&Host::current());
    match settings.format {
        Format::Json => printer.json(&doc)?,
        _ => printer.out(&view::plugin_info(&doc)),
    }
    Ok(Outcome::Success)
}

/// `toolup plugins validate PATH`: the protocol's conformance checks, each reported.
pub fn plugins_validate(
    settings: &Settings,
    printer: Printer,
    path: &std::path::Path,
) -> anyhow::Result<Outcome> {
    let plugin = plugin::Plugin::load(path).map_err(anyhow::Error::msg)?;
    let checks = plugin::validate(&plugin);
    let name = &plugin.manifest.name;
    match settings.format {
        Format::Json => printer.json(&serde_json::json!({
            "schema_version": 1, "plugin": name, "checks": checks,
        }))?,
        _ => printer.out(&view::plugin_conformance(name, path, &checks)),
    }
    Ok(outcome(checks.iter().any(|c| !c.ok)))
}

/// `system check --validate-only`: what an update would need, and whether it is there.
pub fn validate_only(
    settings: &Settings,
    printer: Printer,
    skip: &[String],
) -> anyhow::Result<Outcome> {
    let updaters = crate::system::selected(settings, printer, skip)?;
    let needs = crate::system::validate::run(&updaters, &Host::current());
    let failed = needs.iter().any(|r| !r.ok);
    show(
        settings,
        printer,
        ("requirements", &needs),
        check_view::requirements,
    )?;
    Ok(outcome(failed))
}
