//! `toolup config show`: every setting, its value and where it came from;
//! `toolup config path`: the files read, in order of precedence.

use crate::base::printer::Printer;
use crate::render::config as view;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// `toolup config show`.
pub fn show(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let rows = settings.shown();
    let project = settings.config.project_state();
    if settings.format == Format::Json {
        printer.json(&view::show_document(&rows, project.as_ref()))?;
    } else {
        printer.out(&view::show_table(&rows, project.as_ref()));
    }
    Ok(Outcome::Success)
}

/// The configuration files toolup reads, lowest precedence first, and
/// whether each is there.
pub fn path(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let places = crate::config::show::places(
        settings.dirs.as_ref().map(|d| d.config.as_path()),
        &std::env::current_dir().unwrap_or_default(),
    );
    if settings.format == Format::Json {
        printer.json(&view::places_document(&places))?;
    } else {
        printer.out(&view::places_text(&places));
    }
    Ok(Outcome::Success)
}
