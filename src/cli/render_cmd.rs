//! `toolup render`: print the snapshot file. Reads one file; starts no
//! process and opens no socket, so it is safe in air-gapped CI.

use crate::model::{Snapshot, ToolRecord};
use crate::printer::Printer;
use crate::render::{Format, STATE_STYLES, render};
use crate::settings::Settings;
use crate::state::load_snapshot;

use super::Outcome;

pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let snapshot = load_snapshot(&settings.snapshot_path)?;
    Ok(present(settings, printer, &snapshot, true))
}

/// Prints the snapshot (when `print`) and decides the outcome from `--fail-on`
/// over the records the filters show: shared by `render`, `audit` and `collect`.
pub(super) fn present(
    settings: &Settings,
    printer: Printer,
    snapshot: &Snapshot,
    print: bool,
) -> Outcome {
    if print {
        let text = render(snapshot, settings.format, &settings.filter);
        match settings.format {
            Format::Json => printer.out_json(&text),
            Format::Table => printer.out_styled(&text, settings.color.then_some(STATE_STYLES)),
            Format::Markdown => printer.out(&text),
        }
    }
    let shown: Vec<&ToolRecord> = snapshot
        .tools
        .iter()
        .filter(|t| settings.filter.accepts(t))
        .collect();
    if settings.fails(&shown) {
        Outcome::Failure
    } else {
        Outcome::Success
    }
}
