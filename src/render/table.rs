//! The terminal table: one row per tool, grouped by category, coloured only when asked.

use tabled::builder::Builder;

use super::{grouped, installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, Status, ToolRecord};

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
    // Notes, then names and versions give way; the state never does.
    let width = super::terminal_width();
    let table = super::fit(builder, width, &[6, 2, 3, 5, 0, 4]);
    let summary = format!("{} (snapshot {})", summary(tools), meta.created_at);
    format!("{table}\n\n{}\n", super::wrap_words(&summary, width))
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

/// The notes column: the error first, then remarks — never cut; the table
/// wraps it to the terminal's width.
fn notes_cell(tool: &ToolRecord) -> String {
    notes(tool)
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
    fn the_cause_of_unknown_is_never_cut_and_the_table_fits() {
        let cause = "installed version unreadable: `t --version` printed nothing a version \
                     pattern matches; its first line was: Usage: t [OPTIONS] <COMMAND> and the \
                     rest of a very long help text";
        let tool = record(Some(cause), &["shadowed by /usr/bin/t"]);
        for width in [80, 120] {
            let mut builder = tabled::builder::Builder::default();
            builder.push_record(["TOOL", "NOTES"]);
            builder.push_record([tool.name.clone(), notes_cell(&tool)]);
            let text = super::super::fit(builder, Some(width), &[1, 0]);
            assert!(text.lines().all(|l| l.chars().count() <= width), "{text}");
            let words: Vec<&str> = text.split_whitespace().collect();
            for word in format!("{cause}; shadowed by /usr/bin/t").split_whitespace() {
                assert!(words.contains(&word), "{word} lost at {width}:\n{text}");
            }
        }
        // Piped (no width): one line each, nothing cut.
        let mut builder = tabled::builder::Builder::default();
        builder.push_record([tool.name.clone(), notes_cell(&tool)]);
        let piped = super::super::fit(builder, None, &[1, 0]);
        assert!(piped.contains(cause), "{piped}");
    }
}
