//! `toolup render`: print the snapshot file. Reads one file; starts no
//! process and opens no socket, so it is safe in air-gapped CI.

use crate::model::ToolRecord;
use crate::printer::Printer;
use crate::render::render;
use crate::settings::Settings;
use crate::state::load_snapshot;

use super::Outcome;

pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let snapshot = load_snapshot(&settings.snapshot_path)?;
    printer.out(&render(
        &snapshot,
        settings.format,
        &settings.filter,
        settings.color,
    ));
    let shown: Vec<&ToolRecord> = snapshot
        .tools
        .iter()
        .filter(|t| settings.filter.accepts(t))
        .collect();
    Ok(if settings.fails(&shown) {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
