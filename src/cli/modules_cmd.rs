//! `toolup modules sync|list|info|enable|disable|rollback`: a team's
//! modules (catalog entries and plugins) from git; the work is in
//! `crate::modules::commands`, the views in `crate::render::modules`.

use anyhow::Context;

use crate::base::printer::Printer;
use crate::modules::commands as work;
use crate::render::modules as view;
use crate::settings::{Format, Settings};

use super::Outcome;

/// `sync`'s options.
pub struct SyncArgs<'a> {
    pub repo: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub check_only: bool,
    pub prune: bool,
}

/// `toolup modules sync`.
pub fn sync(settings: &Settings, printer: Printer, args: &SyncArgs<'_>) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let order = work::SyncOrder {
        repo: args.repo,
        branch: args.branch,
        configured_repo: settings.config.modules_repository.as_deref(),
        configured_branch: settings.config.modules_branch.as_deref(),
        check_only: args.check_only,
        prune: args.prune,
        timeout: settings.timeout_given,
        dirs,
        catalog: &settings.catalog_source,
    };
    let synced = work::sync(&order, printer).map_err(anyhow::Error::msg)?;
    if settings.format == Format::Json {
        printer.json(&view::sync_document(&synced.report, &synced.now))?;
    } else {
        for note in &synced.report.recovered {
            printer.note(note);
        }
        printer.out(&view::sync_text(&synced.report, &synced.now));
    }
    Ok(if synced.failed() {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// `toolup modules list`.
pub fn list(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let modules = work::read(settings.dirs.as_ref(), printer).map_err(anyhow::Error::msg)?;
    if settings.format == Format::Json {
        printer.json(&view::list_document(&modules))?;
    } else {
        printer.out(&view::list_text(&modules));
    }
    Ok(Outcome::Success)
}

/// `toolup modules info NAME`.
pub fn info(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let modules = work::read(settings.dirs.as_ref(), printer).map_err(anyhow::Error::msg)?;
    let m = work::find(&modules, name).map_err(anyhow::Error::msg)?;
    if settings.format == Format::Json {
        printer.json(&view::info_document(m))?;
    } else {
        printer.out(&view::info_text(m));
    }
    Ok(Outcome::Success)
}

/// `toolup modules enable|disable NAME`.
pub fn set_enabled(
    settings: &Settings,
    printer: Printer,
    name: &str,
    enabled: bool,
) -> anyhow::Result<Outcome> {
    let (tools, updaters) = work::set_enabled(settings.dirs.as_ref(), printer, name, enabled)
        .map_err(anyhow::Error::msg)?;
    printer.note(&view::enabled_note(name, enabled, tools, updaters));
    Ok(Outcome::Success)
}

/// `toolup modules rollback NAME`.
pub fn rollback(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let (from, to) =
        work::rollback(settings.dirs.as_ref(), printer, name).map_err(anyhow::Error::msg)?;
    printer.note(&view::rollback_note(name, &from, &to));
    Ok(Outcome::Success)
}
