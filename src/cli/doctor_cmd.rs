//! `toolup doctor`: prints what `doctor::examine` found (the text is
//! `render::doctor`'s); exit 1 when anything is broken.

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// `toolup doctor`.
pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let report = crate::doctor::examine(settings);
    match settings.format {
        Format::Json => printer.json(&report)?,
        Format::Table => printer.out(&crate::render::doctor::text(&report)),
        Format::Markdown => anyhow::bail!("`toolup doctor` prints table or json, not markdown"),
    }
    Ok(if report.broken() {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
