//! The terminal table: one row per tool, grouped by category, coloured only when asked.

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{grouped, installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, Status, ToolRecord};

const NOTES_WIDTH: usize = 90;

pub(super) fn render(meta: &Meta, tools: &[&ToolRecord]) -> String {
    let mut builder = Builder::default();
    builder.push_record([
        "CATEGORY",
        "STATE",
        "TOOL",
        "INSTALLED",
        "METHOD",
        "LATEST",
        "NOTES",
    ]);
    let mut last_category = "";
    for tool in grouped(tools) {
        let category = if tool.category == last_category {
            ""
        } else {
            tool.category.as_str()
        };
        last_category = &tool.category;
        builder.push_record([
            category.to_owned(),
            state(tool.status).to_owned(),
            tool.name.clone(),
            installed_version(tool).to_owned(),
            method(tool).to_owned(),
            latest_version(tool).to_owned(),
            notes_cell(tool),
        ]);
    }
    let mut table = builder.build();
    table.with(Style::blank());
    format!(
        "{table}\n\n{} (snapshot {})\n",
        summary(tools),
        meta.created_at
    )
}

fn state(status: Status) -> &'static str {
    match status {
        Status::UpToDate => STATE_STYLES[0].0,
        Status::Outdated => STATE_STYLES[1].0,
        Status::NotInstalled => STATE_STYLES[2].0,
        Status::Unknown => STATE_STYLES[3].0,
    }
}

/// Each state cell and its colour.
pub(super) const STATE_STYLES: &[(&str, &str)] = &[
    ("✓ up-to-date", "32"),
    ("↑ outdated", "33"),
    ("✗ not-installed", "2"),
    ("? unknown", "35"),
];

/// The notes column: an error (the cause of `unknown`) is wrapped onto as many
/// lines as it needs, never cut; plain notes are cut to one line.
fn notes_cell(tool: &ToolRecord) -> String {
    let text = notes(tool);
    if tool.error.is_some() {
        wrap(&text, NOTES_WIDTH)
    } else {
        truncate(&text, NOTES_WIDTH)
    }
}

/// Breaks `text` at spaces into lines of at most `width` characters (a longer
/// word keeps its own line whole).
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if !line.is_empty() && needed > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(error: Option<&str>, notes: &[&str]) -> ToolRecord {
        ToolRecord {
            name: "t".into(),
            category: "c".into(),
            status: Status::Unknown,
            installed: None,
            installations: Vec::new(),
            latest: None,
            error: error.map(str::to_owned),
            notes: notes.iter().map(|n| (*n).to_owned()).collect(),
        }
    }

    #[test]
    fn the_cause_of_unknown_is_never_cut() {
        let cause = "installed version unreadable: `t --version` printed nothing a version \
                     pattern matches; its first line was: Usage: t [OPTIONS] <COMMAND> and the \
                     rest of a very long help text";
        let cell = notes_cell(&record(Some(cause), &["shadowed by /usr/bin/t"]));
        assert_eq!(
            cell.replace('\n', " "),
            format!("{cause}; shadowed by /usr/bin/t")
        );
        assert!(
            cell.lines().all(|l| l.chars().count() <= NOTES_WIDTH),
            "{cell}"
        );
        assert!(!cell.contains('…'));
    }

    #[test]
    fn plain_notes_stay_on_one_line() {
        let long = "x ".repeat(80);
        let cell = notes_cell(&record(None, &[&long]));
        assert_eq!(cell.lines().count(), 1);
        assert!(cell.ends_with('…'));
    }
}
