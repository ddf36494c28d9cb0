//! `toolup fleet hosts`: the host list and what a selection takes from
//! it (`crate::fleet::choose`); the views are in `crate::render::fleet`.

use crate::base::printer::Printer;
use crate::fleet::Selection;
use crate::render::fleet as view;
use crate::settings::{Format, Settings};

use super::{FleetSelection, Outcome};

/// The library's selection from the command line's.
pub fn selection(args: &FleetSelection) -> Selection<'_> {
    Selection {
        hosts: &args.hosts,
        inventory: args.inventory.as_deref(),
        limit: args.limit.as_deref(),
    }
}

/// `toolup fleet hosts [HOSTS…] [--inventory FILE] [--limit PATTERN]`.
pub fn hosts(
    settings: &Settings,
    printer: Printer,
    args: &FleetSelection,
) -> anyhow::Result<Outcome> {
    let config_dir = settings.dirs.as_ref().map(|d| d.config.as_path());
    let chosen = crate::fleet::choose(config_dir, &selection(args))?;
    match settings.format {
        Format::Json => {
            if !chosen.defined && chosen.hosts.is_empty() {
                printer.note(view::no_host_list(&chosen).trim_end());
            }
            printer.json(&view::hosts_document(&chosen))?;
        }
        Format::Table => printer.out(&view::hosts_table(&chosen)),
        Format::Markdown => printer.out(&view::hosts_markdown(&chosen)),
    }
    Ok(Outcome::Success)
}
