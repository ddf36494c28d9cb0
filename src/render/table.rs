//! The terminal table: one row per tool, grouped by category, coloured only when asked.

use tabled::builder::Builder;
use tabled::settings::Style;

use super::{grouped, installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, Status, ToolRecord};

const NOTES_WIDTH: usize = 90;

pub(super) fn render(meta: &Meta, tools: &[&ToolRecord], color: bool) -> String {
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
            state(tool.status, color),
            tool.name.clone(),
            installed_version(tool).to_owned(),
            method(tool).to_owned(),
            latest_version(tool).to_owned(),
            truncate(&notes(tool), NOTES_WIDTH),
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

fn state(status: Status, color: bool) -> String {
    let (mark, code) = match status {
        Status::UpToDate => ("✓", "32"),
        Status::Outdated => ("↑", "33"),
        Status::NotInstalled => ("✗", "2"),
        Status::Unknown => ("?", "35"),
    };
    if color {
        format!("\u{1b}[{code}m{mark} {}\u{1b}[0m", status.id())
    } else {
        format!("{mark} {}", status.id())
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}
