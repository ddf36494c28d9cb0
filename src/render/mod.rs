//! Turning a snapshot into what people and programs read: a table for
//! terminals, JSON (the snapshot document itself), Markdown for CI job
//! summaries and agents' context files.

mod markdown;
pub mod progress;
mod table;

use crate::model::{Counts, Snapshot, Status, ToolRecord};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

/// Which records to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Tool names (commands are resolved to their tools first).
    pub only: Vec<String>,
    pub category: Option<String>,
    /// Any of these (empty: all).
    pub status: Vec<StatusWord>,
}

/// A word `--status` takes: a status, or `installed` (all but not-installed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    Is(Status),
    Installed,
}

impl StatusWord {
    /// Every word, for errors and help.
    pub const WORDS: &'static str =
        "up-to-date, outdated, not-installed (or missing), unknown, installed";

    /// Parses one word; `missing` is `not-installed`.
    pub fn parse(word: &str) -> Option<StatusWord> {
        match word.trim() {
            "installed" => Some(StatusWord::Installed),
            "missing" => Some(StatusWord::Is(Status::NotInstalled)),
            other => Status::from_id(other).map(StatusWord::Is),
        }
    }

    fn accepts(self, status: Status) -> bool {
        match self {
            StatusWord::Is(s) => s == status,
            StatusWord::Installed => status != Status::NotInstalled,
        }
    }
}

impl Filter {
    /// True when the record passes every filter.
    pub fn accepts(&self, tool: &ToolRecord) -> bool {
        (self.only.is_empty() || self.only.iter().any(|n| n == &tool.name))
            && self.category.as_ref().is_none_or(|c| c == &tool.category)
            && (self.status.is_empty() || self.status.iter().any(|w| w.accepts(tool.status)))
    }

    /// An error when `--category` names none of `categories`: a filter that
    /// matches nothing must not pass for one that found nothing wrong.
    pub fn check_category(&self, categories: &[&str]) -> Result<(), String> {
        match &self.category {
            Some(c) if !categories.contains(&c.as_str()) => Err(format!(
                "--category {:?}: no such category (one of {})",
                crate::printer::visible(c),
                categories.join(", ")
            )),
            _ => Ok(()),
        }
    }
}

/// Renders the records of `snapshot` that pass `filter`.
/// Text only: colour is the printer's, applied after it escaped the text.
pub fn render(snapshot: &Snapshot, format: Format, filter: &Filter) -> String {
    let tools: Vec<&ToolRecord> = snapshot
        .tools
        .iter()
        .filter(|t| filter.accepts(t))
        .collect();
    match format {
        Format::Json => {
            let mut shown = Snapshot {
                meta: snapshot.meta.clone(),
                tools: tools.into_iter().cloned().collect(),
            };
            shown.meta.counts = Counts::of(&shown.tools);
            let mut text = serde_json::to_string_pretty(&shown)
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            text.push('\n');
            text
        }
        Format::Table => table::render(&snapshot.meta, &tools),
        Format::Markdown => markdown::render(&snapshot.meta, &tools),
    }
}

/// The table's state cells and their colours (SGR codes), for `Printer::out_styled`.
pub const STATE_STYLES: &[(&str, &str)] = table::STATE_STYLES;

/// Records sorted for display: by category, then name.
fn grouped<'a>(tools: &[&'a ToolRecord]) -> Vec<&'a ToolRecord> {
    let mut sorted = tools.to_vec();
    sorted.sort_by(|a, b| {
        a.category
            .cmp(&b.category)
            .then_with(|| a.name.cmp(&b.name))
    });
    sorted
}

/// The notes column: the error first, then remarks.
fn notes(tool: &ToolRecord) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(e) = &tool.error {
        parts.push(e.clone());
    }
    parts.extend(tool.notes.iter().cloned());
    parts.join("; ")
}

/// "N tools: a up-to-date, b outdated, …".
fn summary(tools: &[&ToolRecord]) -> String {
    let owned: Vec<ToolRecord> = tools.iter().map(|t| (*t).clone()).collect();
    let c = Counts::of(&owned);
    format!(
        "{} tools: {} up-to-date, {} outdated, {} not installed, {} unknown",
        tools.len(),
        c.up_to_date,
        c.outdated,
        c.not_installed,
        c.unknown
    )
}

/// The installed version, or a dash.
fn installed_version(tool: &ToolRecord) -> &str {
    tool.installed
        .as_ref()
        .and_then(|i| i.version.as_deref())
        .unwrap_or("-")
}

fn method(tool: &ToolRecord) -> &'static str {
    tool.installed.as_ref().map_or("-", |i| i.method.id())
}

fn latest_version(tool: &ToolRecord) -> &str {
    tool.latest.as_ref().map_or("-", |l| l.version.as_str())
}
