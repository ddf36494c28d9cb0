//! What the commands share of presenting: the snapshot and its `--fail-on`
//! verdict, and asking the person at the terminal.

use std::io::IsTerminal;

use anyhow::bail;

use crate::base::printer::Printer;
use crate::model::{Snapshot, ToolRecord};
use crate::render::{STATE_STYLES, render};
use crate::settings::{Format, Settings};

use super::Outcome;

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

/// Asks a yes/no question on the terminal (no is the default).
pub fn confirm(question: &str) -> bool {
    use std::io::{BufRead, Write};
    let _ = write!(std::io::stderr(), "{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer).is_ok()
        && matches!(answer.trim(), "y" | "Y" | "yes")
}

/// `--scheduled`: nobody is at the terminal, whatever it looks like.
static SCHEDULED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// From now on nothing is asked (`--scheduled`).
pub fn ask_nobody() {
    SCHEDULED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Whether there is someone to ask: a terminal, and not a scheduled run.
fn someone_to_ask() -> bool {
    !SCHEDULED.load(std::sync::atomic::Ordering::SeqCst) && std::io::stdin().is_terminal()
}

/// The library's way to ask: `confirm` where there is a terminal to ask
/// and the run is real, nobody otherwise.
pub fn ask(dry_run: bool) -> crate::install::Ask<'static> {
    (!dry_run && someone_to_ask()).then_some(&confirm)
}

/// Whether to go ahead with what changes the system: `--yes`, or a yes at
/// the terminal; without a terminal to ask, an error that says to pass
/// `--yes`. A no is said and is not an error.
pub fn go_ahead(yes: bool, what: &str, question: &str, printer: Printer) -> anyhow::Result<bool> {
    if yes {
        return Ok(true);
    }
    if SCHEDULED.load(std::sync::atomic::Ordering::SeqCst) {
        bail!("refusing to {what} without --yes: a scheduled run asks nobody");
    }
    if !std::io::stdin().is_terminal() {
        bail!("refusing to {what} without --yes: there is no terminal to ask");
    }
    if confirm(question) {
        return Ok(true);
    }
    printer.note("nothing was changed");
    Ok(false)
}

/// A system check's progress as it runs: lines that change on a terminal,
/// JSON lines on stderr with `--format json` (stdout keeps the one
/// document), nothing otherwise or when quiet.
pub struct CheckView {
    printer: Printer,
    json: bool,
    live: Option<crate::render::live::CheckProgress>,
}

impl CheckView {
    pub fn new(settings: &Settings, printer: Printer) -> CheckView {
        let json = settings.format == Format::Json;
        CheckView {
            printer,
            json,
            live: (!json && !settings.quiet && !settings.scheduled)
                .then(crate::render::live::CheckProgress::new)
                .flatten(),
        }
    }

    /// Shows one event.
    pub fn show(&self, event: &crate::system::check::CheckEvent) {
        if self.json {
            if let Ok(line) = serde_json::to_string(event) {
                self.printer.note(&line);
            }
        } else if let Some(live) = &self.live {
            live.show(event);
        }
    }

    /// The check is over.
    pub fn finish(&self) {
        if let Some(live) = &self.live {
            live.finish();
        }
    }
}
