//! `toolup catalog list|show|validate` and `toolup presets`; the views are
//! in `crate::render::catalog`.

use crate::base::printer::Printer;
use crate::catalog::{CatalogSource, load_catalog};
use crate::render::catalog as view;
use crate::settings::Format;
use crate::settings::Settings;

use super::{CatalogAction, Outcome};

/// `toolup catalog ACTION`.
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
        printer.json(&view::list_document(&tools))?;
    } else {
        printer.out(&view::list_text(
            &tools,
            catalog.presets.len(),
            &settings.filter,
        ));
    }
    Ok(Outcome::Success)
}

fn show(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let catalog = settings.catalog()?;
    let tool = catalog.resolve(name).map_err(anyhow::Error::msg)?;
    if settings.format == Format::Json {
        printer.json(&view::show_document(tool))?;
    } else {
        printer.out(&view::show_text(tool));
    }
    Ok(Outcome::Success)
}

fn validate(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let catalog = load_catalog(&CatalogSource {
        strict: true,
        ..settings.catalog_source.clone()
    })?;
    printer.out(&view::validated(&catalog));
    Ok(Outcome::Success)
}

/// `toolup presets`: the catalog's presets and the user's, with their tools.
pub fn presets(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let rows = settings.presets(&settings.catalog()?);
    match settings.format {
        Format::Json => printer.json(&view::presets_document(&rows))?,
        Format::Table => printer.out(&view::presets_table(&rows)),
        Format::Markdown => anyhow::bail!("`toolup presets` prints table or json, not markdown"),
    }
    Ok(Outcome::Success)
}
