//! `toolup history` and `toolup rollback TOOL`.

use anyhow::Context;
use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::settings::Format;
use crate::settings::Settings;
use crate::state::history;

use super::Outcome;

pub fn history(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let entries = history::read(&dirs.history());
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({"schema_version": 1, "entries": entries}))?;
        return Ok(Outcome::Success);
    }
    let mut builder = Builder::default();
    builder.push_record(["TIME", "ACTION", "TOOL", "FROM", "TO", "OUTCOME", "MESSAGE"]);
    for e in &entries {
        builder.push_record([
            e.time.clone(),
            e.action.clone(),
            e.tool.clone(),
            e.from_version.clone().unwrap_or_else(|| "-".into()),
            e.to_version.clone().unwrap_or_else(|| "-".into()),
            e.outcome.clone(),
            e.message.clone(),
        ]);
    }
    let table = crate::render::fit(builder, crate::render::terminal_width(), &[6, 2, 0]);
    printer.out(&format!("{table}\n"));
    Ok(Outcome::Success)
}

pub fn rollback(settings: &Settings, printer: Printer, tool: &str) -> anyhow::Result<Outcome> {
    crate::install::rollback(settings, printer, tool)?;
    Ok(Outcome::Success)
}
