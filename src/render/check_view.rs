//! A system check's progress as the command line shows it.

use crate::base::printer::Printer;
use crate::settings::{Format, Settings};

/// A system check's progress as it runs: lines that change on a terminal,
/// JSON lines on stderr with `--format json` (stdout keeps the one
/// document), nothing otherwise or when quiet.
pub struct CheckView {
    printer: Printer,
    json: bool,
    live: Option<super::live::CheckProgress>,
}

impl CheckView {
    pub fn new(settings: &Settings, printer: Printer) -> CheckView {
        let json = settings.format == Format::Json;
        CheckView {
            printer,
            json,
            live: (!json && !settings.quiet && !settings.scheduled)
                .then(super::live::CheckProgress::new)
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
