//! `toolup render`: print the snapshot file. Reads one file; starts no
//! process and opens no socket, so it is safe in air-gapped CI.

use crate::base::printer::Printer;
use crate::model::{Snapshot, ToolRecord};
use crate::render::{STATE_STYLES, render};
use crate::settings::Format;
use crate::settings::Settings;
use crate::state::load_snapshot;

use super::Outcome;

pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let snapshot = load_snapshot(&settings.snapshot_path)?;
    let only = check_selection(settings, &snapshot)?;
    let settings = &Settings {
        filter: crate::settings::Filter {
            only,
            ..settings.filter.clone()
        },
        ..settings.clone()
    };
    Ok(present(settings, printer, &snapshot, true))
}

/// `--category` and `--only` against what the snapshot holds: an unknown
/// category is an error listing the known ones; a command name (`rg`)
/// means the tool whose installation it is. Returns the tool names.
fn check_selection(settings: &Settings, snapshot: &Snapshot) -> anyhow::Result<Vec<String>> {
    let mut categories: Vec<&str> = snapshot.tools.iter().map(|t| t.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    settings
        .filter
        .check_category(&categories)
        .map_err(anyhow::Error::msg)?;
    settings
        .filter
        .only
        .iter()
        .map(|name| {
            let by_name = snapshot.tools.iter().find(|t| &t.name == name);
            let by_command = || {
                snapshot.tools.iter().find(|t| {
                    t.installations.iter().any(|i| {
                        std::path::Path::new(&i.path)
                            .file_name()
                            .is_some_and(|f| f == name.as_str())
                    })
                })
            };
            by_name
                .or_else(by_command)
                .map(|t| t.name.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--only: no tool or command named {:?} in the snapshot {}",
                        crate::base::printer::visible(name),
                        settings.snapshot_path.display()
                    )
                })
        })
        .collect()
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
    let tripped = settings.tripped(&shown);
    if tripped.is_empty() {
        return Outcome::Success;
    }
    // Say which tools tripped it, so a red CI job explains itself.
    let names: Vec<String> = tripped
        .iter()
        .map(|t| format!("{} ({})", t.name, t.status.id()))
        .collect();
    printer.note(&format!(
        "--fail-on: {} tool(s) tripped it: {}",
        names.len(),
        names.join(", ")
    ));
    Outcome::Failure
}
