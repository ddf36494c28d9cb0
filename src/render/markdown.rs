//! Markdown for CI job summaries and AI agents' context files.

use std::fmt::Write;

use super::{grouped, installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, ToolRecord};

pub(super) fn render(meta: &Meta, tools: &[&ToolRecord]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Developer tools on {}\n",
        escape(&meta.host.hostname)
    );
    let _ = writeln!(out, "{} (snapshot {}).\n", summary(tools), meta.created_at);
    let _ = writeln!(
        out,
        "| Category | State | Tool | Installed | Method | Latest | Notes |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for tool in grouped(tools) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            escape(&tool.category),
            tool.status.id(),
            escape(&tool.name),
            escape(installed_version(tool)),
            method(tool),
            escape(latest_version(tool)),
            escape(&notes(tool)),
        );
    }
    out
}

/// Cells must not break the table: escape pipes, flatten newlines.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
