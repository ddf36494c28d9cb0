//! A snapshot as `audit`, `collect` and `render` show it, and its
//! `--fail-on` verdict, said with the tools that tripped it.

use super::{STATE_STYLES, render};
use crate::base::printer::Printer;
use crate::model::{Snapshot, ToolRecord};
use crate::settings::{Format, Settings};

use crate::model::Verdict as Outcome;

/// Prints the snapshot (when `print` is `Some(all)`; `all` lists the tools
/// not installed too) and decides the outcome from `--fail-on` over the
/// records the filters show: shared by `render`, `audit` and `collect`.
pub fn snapshot(
    settings: &Settings,
    printer: Printer,
    snapshot: &Snapshot,
    print: Option<bool>,
) -> Outcome {
    if let Some(all) = print {
        let text = render(snapshot, settings.format, &settings.filter, all);
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
