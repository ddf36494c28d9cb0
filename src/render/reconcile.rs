//! `toolup reconcile`'s findings: each tool installed more than once, its
//! copies (which runs, which is preferred), newer copies PATH shadows, the
//! fix and, with `--aggressive`, what would be removed and what kept.

use crate::install::{Reconciliation, full_argv};

/// `reconcile --format json`.
pub fn document(found: &[Reconciliation]) -> serde_json::Value {
    serde_json::json!({"schema_version": 1, "tools": found})
}

/// The findings as text; `aggressive` adds the removals and what stays.
pub fn text(found: &[Reconciliation], aggressive: bool) -> String {
    if found.is_empty() {
        return "no tool is installed more than once\n".to_owned();
    }
    let width = super::terminal_width();
    let line = |text: &str| {
        let wrapped = super::wrap_words(&format!("  {text}"), width);
        format!("{}\n", wrapped.replace('\n', "\n    "))
    };
    let mut text = String::new();
    for r in found {
        text.push_str(&format!("{}\n", r.tool));
        let mut b = tabled::builder::Builder::default();
        b.push_record(["PATH", "VERSION", "METHOD", "MARKS"]);
        for i in &r.installations {
            let mut marks = Vec::new();
            if Some(&i.path) == r.runs.as_ref() {
                marks.push("runs");
            }
            if Some(&i.path) == r.preferred.as_ref() {
                marks.push("preferred");
            }
            if !i.on_path {
                marks.push("off PATH");
            }
            b.push_record([
                i.path.clone(),
                i.version.clone().unwrap_or_else(|| "?".into()),
                i.method.id().to_owned(),
                marks.join(", "),
            ]);
        }
        // The path folds at its `/`; the marks go under their row last.
        let layout = super::layout::Layout {
            shrink: vec![0, 3],
            drop: vec![3, 2],
            group: None,
            under: None,
            argv: Vec::new(),
        };
        for table_line in super::fit_with(b, width.map(|w| w.saturating_sub(1)), layout).lines() {
            text.push_str(&format!(" {table_line}\n"));
        }
        for s in &r.shadowed_newer {
            text.push_str(&line(&format!("shadowed newer copy: {s}")));
        }
        text.push_str(&line(&format!("fix: {}", r.fix)));
        if aggressive {
            for a in &r.removals {
                text.push_str(&line(&format!("would run: {}", full_argv(a).join(" "))));
            }
            for k in &r.kept {
                text.push_str(&line(&format!("kept: {k}")));
            }
        }
    }
    text
}
