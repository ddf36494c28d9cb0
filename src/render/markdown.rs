//! Markdown for CI job summaries and AI agents' context files: what needs
//! attention first (outdated, then unknown), then what is fine, with the
//! command to type and where it lives; tools that are not installed are
//! folded away under `<details>`, so an agent's context stays small.

use std::fmt::Write;

use super::{installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, Status, ToolRecord};

pub(super) fn render(meta: &Meta, tools: &[&ToolRecord]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Developer tools on {}\n",
        escape(&meta.host.hostname)
    );
    let _ = writeln!(out, "{} (snapshot {}).\n", summary(tools), meta.created_at);
    for (status, heading) in [
        (Status::Outdated, "Outdated"),
        (Status::Unknown, "Unknown"),
        (Status::UpToDate, "Up to date"),
    ] {
        let shown: Vec<&ToolRecord> = sorted(tools, status);
        if shown.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading} ({})\n", shown.len());
        let _ = writeln!(
            out,
            "| Tool | Command | Installed | Latest | Method | Notes |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|");
        for tool in shown {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                escape(&tool.name),
                command(tool),
                escape(installed_version(tool)),
                escape(latest_version(tool)),
                method(tool),
                escape(&notes(tool)),
            );
        }
        out.push('\n');
    }
    let missing = sorted(tools, Status::NotInstalled);
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Not installed ({})</summary>\n",
            missing.len()
        );
        let names: Vec<String> = missing
            .iter()
            .map(|t| {
                let latest = latest_version(t);
                if latest == "-" {
                    escape(&t.name)
                } else {
                    format!("{} ({})", escape(&t.name), escape(latest))
                }
            })
            .collect();
        let _ = writeln!(out, "{}\n\n</details>", names.join(", "));
    }
    out
}

/// The records in one state, by category, then name.
fn sorted<'a>(tools: &[&'a ToolRecord], status: Status) -> Vec<&'a ToolRecord> {
    let mut shown: Vec<&ToolRecord> = tools
        .iter()
        .copied()
        .filter(|t| t.status == status)
        .collect();
    shown.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| a.name.cmp(&b.name))
    });
    shown
}

/// What to type, and where it is: `` `fdfind` (/usr/bin/fdfind) ``.
fn command(tool: &ToolRecord) -> String {
    let Some(installed) = &tool.installed else {
        return "-".to_owned();
    };
    let name = std::path::Path::new(&installed.path)
        .file_name()
        .map_or_else(
            || installed.path.clone(),
            |n| n.to_string_lossy().into_owned(),
        );
    format!("`{}` ({})", escape(&name), escape(&installed.path))
}

/// Cells must not break the table: escape pipes and backticks' effect on
/// it, flatten newlines, and keep HTML from opening a tag.
fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace(['\n', '\r'], " ")
}
