//! The terminal table: one row per tool, grouped by category, coloured only when asked.

use super::{grouped, installed_version, latest_version, method, notes, summary};
use crate::model::{Meta, Status, ToolRecord};

/// The audit for people. Unless `all` (or a `--status` filter) asks for
/// them, catalog tools that are not installed collapse into one line that
/// says how to list them; a cause several tools share (a registry that
/// could not be reached) is said once, under the table, with its fix.
pub(super) fn render(meta: &Meta, tools: &[&ToolRecord], all: bool) -> String {
    let (shown, missing): (Vec<&ToolRecord>, Vec<&ToolRecord>) = tools
        .iter()
        .copied()
        .partition(|t| all || t.status != Status::NotInstalled);
    let causes = shared_causes(&shown);
    let mut rows = vec![
        [
            "CATEGORY",
            "STATE",
            "TOOL",
            "INSTALLED",
            "METHOD",
            "LATEST",
            "NOTES",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    let mut last_category = "";
    for tool in grouped(&shown) {
        let category = if tool.category == last_category {
            ""
        } else {
            tool.category.as_str()
        };
        last_category = &tool.category;
        rows.push(vec![
            category.to_owned(),
            state(tool.status).to_owned(),
            tool.name.clone(),
            installed_version(tool).to_owned(),
            method(tool).to_owned(),
            latest_version(tool).to_owned(),
            notes_cell(tool, &causes),
        ]);
    }
    let width = super::terminal_width();
    // Notes fold first; then the category becomes a heading over its
    // tools, the notes go under their rows, and the method, the latest and
    // the installed version join them, in that order. The state and the
    // name stay in the grid; nothing folds inside a name or a version.
    let layout = super::layout::Layout {
        shrink: vec![6],
        drop: vec![0, 6, 4, 5, 3],
        group: Some(0),
        under: Some(6),
        argv: Vec::new(),
    };
    let mut out = String::new();
    if rows.len() > 1 {
        out.push_str(&super::layout::lay_out(rows, width, &layout));
        out.push_str(
            "

",
        );
    }
    for (cause, count) in &causes {
        out.push_str(&super::wrap_words(
            &format!("{cause} for {count} tool(s): {}", fix(cause)),
            width,
        ));
        out.push('\n');
    }
    if !missing.is_empty() {
        out.push_str(&super::wrap_words(
            &format!(
                "{} catalog tool(s) not installed: `toolup audit --status not-installed` (or --all) lists them",
                missing.len()
            ),
            width,
        ));
        out.push('\n');
    }
    let summary = format!("{} (snapshot {})", summary(tools), meta.created_at);
    out.push_str(&super::wrap_words(&summary, width));
    out.push('\n');
    out
}

/// A host that could not be reached, as the notes of several tools say
/// (`api.github.com unreachable: …`), with how many tools: said once.
fn shared_causes(tools: &[&ToolRecord]) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for tool in tools {
        if let Some(cause) = tool.error.as_deref().and_then(unreachable_host) {
            *counts.entry(cause).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

/// `HOST unreachable` from a reason that names one.
fn unreachable_host(reason: &str) -> Option<String> {
    static HOST: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?)(?: was)? unreachable")
            .unwrap_or_else(|e| unreachable!("static regex: {e}"))
    });
    HOST.captures(reason)
        .map(|c| format!("{} unreachable", &c[1]))
}

/// What to do about a shared cause.
fn fix(cause: &str) -> &'static str {
    if cause.contains("github") {
        "check the network, or point toolup at a mirror with TOOLUP_GITHUB_API_URL / TOOLUP_GITHUB_URL (`toolup doctor` shows the addresses)"
    } else {
        "check the network or the registry's address (`toolup doctor` shows where each address came from)"
    }
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

/// The notes column, one line each: the error first — a cause shared with
/// other tools in a word, said in full under the table —, then remarks.
fn notes_cell(tool: &ToolRecord, causes: &[(String, usize)]) -> String {
    let shared = tool
        .error
        .as_deref()
        .and_then(unreachable_host)
        .filter(|c| causes.iter().any(|(k, _)| k == c));
    match shared {
        Some(cause) => {
            let mut parts = vec![format!("latest unknown: {cause} (below)")];
            parts.extend(tool.notes.iter().cloned());
            parts.join("; ")
        }
        None => notes(tool).replacen("no latest version known: ", "latest unknown: ", 1),
    }
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
            builder.push_record([tool.name.clone(), notes_cell(&tool, &[])]);
            let text = super::super::fit(builder, Some(width), &[1, 0]);
            assert!(text.lines().all(|l| l.chars().count() <= width), "{text}");
            let words: Vec<&str> = text.split_whitespace().collect();
            for word in format!("{cause}; shadowed by /usr/bin/t").split_whitespace() {
                assert!(words.contains(&word), "{word} lost at {width}:\n{text}");
            }
        }
        // Piped (no width): one line each, nothing cut.
        let mut builder = tabled::builder::Builder::default();
        builder.push_record([tool.name.clone(), notes_cell(&tool, &[])]);
        let piped = super::super::fit(builder, None, &[1, 0]);
        assert!(piped.contains(cause), "{piped}");
    }
}
