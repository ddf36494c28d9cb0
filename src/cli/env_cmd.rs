//! `toolup env`: the kind of machine, with confidence and indicators.

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// `toolup env`.
pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let env = settings.environment();
    if settings.format == Format::Json {
        printer.json(&crate::render::environment::document(&env)?)?;
    } else {
        printer.out(&crate::render::environment::text(&env));
    }
    Ok(Outcome::Success)
}
