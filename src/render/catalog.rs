//! The catalog views: the tools as a table or JSON, one tool's spec, the
//! verdict of `catalog validate`, and the presets.

use std::fmt::Write;

use tabled::builder::Builder;

use crate::catalog::{Catalog, Tool};
use crate::settings::{Filter, PresetRow};

/// `catalog list --format json`.
pub fn list_document(tools: &[&Tool]) -> serde_json::Value {
    let rows: Vec<_> = tools
        .iter()
        .map(|t| {
            serde_json::json!({
                "name": t.name(), "category": t.spec.category, "description": t.spec.description,
                "bins": t.spec.bins, "upstream": t.upstream.to_string(), "tags": t.spec.tags,
                "origin": t.origin,
            })
        })
        .collect();
    serde_json::json!({"schema_version": 1, "tools": rows})
}

/// `catalog list`: the tools as a table, then how many tools and `presets`;
/// none says why (the catalog has none, or `filter` matched none).
pub fn list_text(tools: &[&Tool], presets: usize, filter: &Filter) -> String {
    if tools.is_empty() {
        return if filter.is_set() {
            format!("no tool in the catalog matches {}\n", filter.describe())
        } else {
            format!("the catalog has no tools ({presets} presets)\n")
        };
    }
    let mut builder = Builder::default();
    builder.push_record(["TOOL", "CATEGORY", "BINS", "UPSTREAM", "DESCRIPTION"]);
    for t in tools {
        builder.push_record([
            t.name().to_owned(),
            t.spec.category.clone(),
            t.spec.bins.join(", "),
            t.upstream.to_string(),
            t.spec.description.clone(),
        ]);
    }
    // The description folds, then goes under its row; then the bins and
    // the upstream follow it. A name never folds.
    let layout = super::layout::Layout {
        shrink: vec![4, 3, 2],
        drop: vec![4, 2, 3],
        group: None,
        under: Some(4),
        argv: Vec::new(),
    };
    let table = super::fit_with(builder, super::terminal_width(), layout);
    format!("{table}\n\n{} tools, {presets} presets\n", tools.len())
}

/// `catalog show NAME --format json`: the whole spec.
pub fn show_document(tool: &Tool) -> serde_json::Value {
    let s = &tool.spec;
    serde_json::json!({
        "schema_version": 1,
        "name": s.name,
        "description": s.description,
        "category": s.category,
        "homepage": s.homepage,
        "bins": s.bins,
        "version_args": tool.version_args(),
        "version_pattern": s.version_pattern,
        "identity": s.identity,
        "version_file": s.version_file,
        "upstream": tool.upstream.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "tags": s.tags,
        "requires": s.requires,
        "config_files": s.config_files,
        "install": s.install,
        "origin": tool.origin,
    })
}

/// `catalog show NAME`: the spec, one field a line (unset ones left out).
pub fn show_text(tool: &Tool) -> String {
    let s = &tool.spec;
    let mut out = String::new();
    let _ = writeln!(out, "name:            {}", s.name);
    let _ = writeln!(out, "defined in:      {}", tool.origin);
    let _ = writeln!(out, "description:     {}", s.description);
    let _ = writeln!(out, "category:        {}", s.category);
    if let Some(h) = &s.homepage {
        let _ = writeln!(out, "homepage:        {h}");
    }
    let _ = writeln!(out, "bins:            {}", s.bins.join(", "));
    let _ = writeln!(out, "version args:    {}", tool.version_args().join(" "));
    if let Some(p) = &s.version_pattern {
        let _ = writeln!(out, "version pattern: {p}");
    }
    if let Some(p) = &s.identity {
        let _ = writeln!(out, "identity:        {p}");
    }
    if let Some(f) = &s.version_file {
        let _ = writeln!(out, "version file:    {f}");
    }
    let _ = writeln!(out, "upstream:        {}", tool.upstream);
    if !s.tags.is_empty() {
        let _ = writeln!(out, "tags:            {}", s.tags.join(", "));
    }
    for (manager, package) in &s.install {
        let _ = writeln!(out, "install.{manager:<8} {package}");
    }
    out
}

/// `catalog validate`: what the catalog holds, once it loaded strictly.
pub fn validated(catalog: &Catalog) -> String {
    format!(
        "catalog ok: {} tools, {} presets\n",
        catalog.tools.len(),
        catalog.presets.len()
    )
}

/// `presets --format json`.
pub fn presets_document(rows: &[PresetRow]) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 1,
        "presets": rows.iter().map(|p| serde_json::json!({
            "name": p.name, "description": p.description, "tools": p.tools,
        })).collect::<Vec<_>>(),
    })
}

/// `presets`: each preset, its description and tools; none says so.
pub fn presets_table(rows: &[PresetRow]) -> String {
    if rows.is_empty() {
        return "no presets (the catalog's presets.toml and [presets] in a config file name them)\n"
            .to_owned();
    }
    let mut builder = Builder::default();
    builder.push_record(["PRESET", "DESCRIPTION", "TOOLS"]);
    for p in rows {
        builder.push_record([p.name.clone(), p.description.clone(), p.tools.join(" ")]);
    }
    let table = super::fit(builder, super::terminal_width(), &[2, 1]);
    format!("{table}\n")
}
