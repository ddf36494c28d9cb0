//! Turning a snapshot into what people and programs read: a table for
//! terminals, JSON (the snapshot document itself), Markdown for CI job
//! summaries and agents' context files.

pub mod ask;
pub mod catalog;
pub mod check_view;
pub mod config;
pub mod doctor;
pub mod environment;
pub mod fleet;
pub mod fleet_run;
pub mod history;
pub mod latest;
pub mod layout;
pub mod live;
mod markdown;
pub mod modules;
pub mod plan;
pub mod reconcile;
pub mod schedule;
pub mod shell;
pub mod snapshot_view;
pub mod system;
pub mod system_check;
mod table;
pub mod timeline;
pub mod trust;
pub mod update_view;

use crate::model::{Counts, Snapshot, ToolRecord};
use crate::settings::{Filter, Format};

/// Renders the records of `snapshot` that pass `filter`.
/// Text only: colour is the printer's, applied after it escaped the text.
/// `all` shows every catalog tool in the table; otherwise, unless a
/// `--status` filter names them, the ones not installed fold into a line.
pub fn render(snapshot: &Snapshot, format: Format, filter: &Filter, all: bool) -> String {
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
        Format::Table if tools.is_empty() => nothing_shown(snapshot, filter),
        // Tools named (`--only`) or states asked for (`--status`) show whole.
        Format::Table => table::render(
            &snapshot.meta,
            &tools,
            all || !filter.status.is_empty() || !filter.only.is_empty(),
        ),
        Format::Markdown => markdown::render(&snapshot.meta, &tools),
    }
}

/// The table's place when no record passed `filter`: why nothing is shown.
fn nothing_shown(snapshot: &Snapshot, filter: &Filter) -> String {
    let when = &snapshot.meta.created_at;
    match snapshot.tools.len() {
        0 => format!("the snapshot has no tools (snapshot {when})\n"),
        n => format!(
            "no tool matches {} ({n} tool(s) in the snapshot {when})\n",
            filter.describe()
        ),
    }
}

/// The width tables must fit: `COLUMNS` when set (as ls and uv read it),
/// else the terminal's, else none — piped output is never cut or wrapped.
pub fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c >= 20)
    {
        return Some(columns);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return None;
    }
    // SAFETY: TIOCGWINSZ fills the winsize we pass; a zeroed one is valid.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col >= 20).then_some(usize::from(size.ws_col))
}

/// A table in toolup's style, fitted to `width`: the columns `shrink`
/// names fold, the widest first (see `layout`), nothing is cut, and piped
/// output (no width) is as wide as its content.
pub fn fit(builder: tabled::builder::Builder, width: Option<usize>, shrink: &[usize]) -> String {
    layout::lay_out(
        builder.into(),
        width,
        &layout::Layout {
            shrink: shrink.to_vec(),
            ..layout::Layout::default()
        },
    )
}

/// A table fitted to `width` the way `layout` says it may give way
/// (columns that leave, a group heading, a line under each row, argv).
pub fn fit_with(
    builder: tabled::builder::Builder,
    width: Option<usize>,
    layout: layout::Layout,
) -> String {
    layout::lay_out(builder.into(), width, &layout)
}

/// `text` broken at spaces into lines of at most `width` characters (a
/// longer path or URL folds after its `/`, any other longer word keeps its
/// own line); unchanged without a width. The line's own indentation stays
/// on its first line.
pub fn wrap_words(text: &str, width: Option<usize>) -> String {
    let Some(width) = width else {
        return text.to_owned();
    };
    // Scrubbed before folding, as table cells are (see `layout::lay_out`).
    let text = &*crate::base::secrets::scrub(text);
    let body = text.trim_start_matches(' ');
    let indent = &text[..text.len() - body.len()];
    let lines = layout::fold(body, width.saturating_sub(indent.len()).max(1), false);
    format!("{indent}{}", lines.join("\n"))
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
