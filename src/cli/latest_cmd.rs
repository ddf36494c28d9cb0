//! `toolup latest [TOOL…]`: latest upstream releases, without local discovery.

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// Prints the answers; exit 1 when a lookup failed and no cache knew the
/// answer ("some items failed"), saying on stderr which tools and why.
pub fn run(settings: &Settings, printer: Printer, names: &[String]) -> anyhow::Result<Outcome> {
    let answers = crate::audit::latest::lookup(settings, printer, names)?;
    match settings.format {
        Format::Json => printer.json(&answers.document)?,
        Format::Table | Format::Markdown => {
            printer.out(&crate::render::latest::table(&answers.document.tools));
        }
    }
    if !answers.unanswered.is_empty() {
        printer.error(&crate::render::latest::unanswered(&answers.unanswered));
    }
    Ok(if answers.failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
