//! `toolup render`: print the snapshot file. Reads one file; starts no
//! process and opens no socket, so it is safe in air-gapped CI.

use crate::base::printer::Printer;
use crate::settings::Settings;
use crate::state::load_snapshot;

use super::Outcome;

/// Prints the snapshot the settings name, `--only` and `--category`
/// checked against what it holds.
pub fn run(settings: &Settings, printer: Printer, all: bool) -> anyhow::Result<Outcome> {
    let snapshot = load_snapshot(&settings.snapshot_path)?;
    let settings = settings.for_snapshot(&snapshot)?;
    Ok(crate::render::snapshot_view::snapshot(
        &settings,
        printer,
        &snapshot,
        Some(all),
    ))
}
