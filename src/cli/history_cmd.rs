//! `toolup history` and `toolup rollback TOOL`.

use anyhow::Context;

use crate::base::printer::Printer;
use crate::render::history as view;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// `toolup history`: every recorded action, oldest first.
pub fn history(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let entries = crate::state::history::read(&dirs.history());
    if settings.format == Format::Json {
        printer.json(&view::document(&entries))?;
    } else {
        printer.out(&view::table(&entries));
    }
    Ok(Outcome::Success)
}

/// `toolup rollback TOOL`: the tool's last change undone.
pub fn rollback(settings: &Settings, printer: Printer, tool: &str) -> anyhow::Result<Outcome> {
    crate::install::rollback(settings, printer, tool)?;
    Ok(Outcome::Success)
}
