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
    let mut text = String::new();
    for r in found {
        text.push_str(&format!("{}\n", r.tool));
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
            text.push_str(&format!(
                "  {:<50} {:<12} {:<8} {}\n",
                i.path,
                i.version.clone().unwrap_or_else(|| "?".into()),
                i.method.id(),
                marks.join(", ")
            ));
        }
        for s in &r.shadowed_newer {
            text.push_str(&format!("  shadowed newer copy: {s}\n"));
        }
        text.push_str(&format!("  fix: {}\n", r.fix));
        if aggressive {
            for a in &r.removals {
                text.push_str(&format!("  would run: {}\n", full_argv(a).join(" ")));
            }
            for k in &r.kept {
                text.push_str(&format!("  kept: {k}\n"));
            }
        }
    }
    text
}
