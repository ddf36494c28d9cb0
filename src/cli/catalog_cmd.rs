//! `toolup catalog list|show|validate`.

use std::fmt::Write;

use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::catalog::{CatalogSource, load_catalog};
use crate::settings::Format;
use crate::settings::Settings;

use super::{CatalogAction, Outcome};

pub fn run(
    action: &CatalogAction,
    settings: &Settings,
    printer: Printer,
) -> anyhow::Result<Outcome> {
    match action {
        CatalogAction::List => list(settings, printer),
        CatalogAction::Show { name } => show(settings, printer, name),
        CatalogAction::Validate => validate(settings, printer),
    }
}

fn list(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let tools = settings.select(&catalog)?;
    if settings.format == Format::Json {
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
        printer.json(&serde_json::json!({"schema_version": 1, "tools": rows}))?;
        return Ok(Outcome::Success);
    }
    let mut builder = Builder::default();
    builder.push_record(["TOOL", "CATEGORY", "BINS", "UPSTREAM", "DESCRIPTION"]);
    for t in &tools {
        builder.push_record([
            t.name().to_owned(),
            t.spec.category.clone(),
            t.spec.bins.join(", "),
            t.upstream.to_string(),
            t.spec.description.clone(),
        ]);
    }
    let table = crate::render::fit(builder, crate::render::terminal_width(), &[4, 3, 2, 0]);
    printer.out(&format!(
        "{table}\n\n{} tools, {} presets\n",
        tools.len(),
        catalog.presets.len()
    ));
    Ok(Outcome::Success)
}

fn show(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let tool = catalog.resolve(name).map_err(anyhow::Error::msg)?;
    let s = &tool.spec;
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({
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
        }))?;
        return Ok(Outcome::Success);
    }
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
    printer.out(&out);
    Ok(Outcome::Success)
}

fn validate(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let source = CatalogSource {
        strict: true,
        ..settings.catalog_source.clone()
    };
    let catalog = load_catalog(&source)?;
    printer.out(&format!(
        "catalog ok: {} tools, {} presets\n",
        catalog.tools.len(),
        catalog.presets.len()
    ));
    Ok(Outcome::Success)
}

/// `toolup presets`: the catalog's presets and the user's, with their tools.
pub fn presets(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let mut rows: Vec<(String, String, Vec<String>)> = catalog
        .presets
        .values()
        .map(|p| (p.name.clone(), p.description.clone(), p.tools.clone()))
        .collect();
    for (name, tools) in &settings.config.presets {
        rows.retain(|(n, _, _)| n != name);
        rows.push((name.clone(), "from your config".to_owned(), tools.clone()));
    }
    rows.sort();
    match settings.format {
        Format::Json => {
            let doc = serde_json::json!({
                "schema_version": 1,
                "presets": rows.iter().map(|(name, description, tools)| serde_json::json!({
                    "name": name, "description": description, "tools": tools,
                })).collect::<Vec<_>>(),
            });
            printer.json(&doc)?;
        }
        Format::Table => {
            let mut builder = Builder::default();
            builder.push_record(["PRESET", "DESCRIPTION", "TOOLS"]);
            for (name, description, tools) in &rows {
                builder.push_record([name.clone(), description.clone(), tools.join(" ")]);
            }
            let table = crate::render::fit(builder, crate::render::terminal_width(), &[2, 1]);
            printer.out(&format!("{table}\n"));
        }
        Format::Markdown => anyhow::bail!("`toolup presets` prints table or json, not markdown"),
    }
    Ok(Outcome::Success)
}
