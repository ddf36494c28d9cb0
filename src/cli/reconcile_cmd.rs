//! `toolup reconcile [TOOL…]`: tools installed more than once, which copy
//! PATH runs, newer copies it shadows, and the fix; `--aggressive` removes
//! the non-preferred copies through their own package managers.

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

/// What `toolup reconcile` was asked.
pub struct Request {
    pub tools: Vec<String>,
    pub aggressive: bool,
    pub dry_run: bool,
    pub yes: bool,
}

/// Shows the tools installed more than once; with `--aggressive`, removes
/// the copies not preferred (asked first, unless `--yes`).
pub fn run(settings: &Settings, printer: Printer, request: &Request) -> anyhow::Result<Outcome> {
    crate::exec::set_dry_run(request.dry_run);
    crate::install::recover_interrupted(settings, printer, request.dry_run || !request.aggressive);
    let catalog = settings.catalog()?;
    let tools: Vec<&Tool> = if request.tools.is_empty() {
        settings.select(&catalog)?
    } else {
        settings.resolve_names(&catalog, &request.tools)?
    };
    let found = crate::install::reconciliations(settings, printer, &tools);
    if settings.format == Format::Json {
        printer.json(&crate::render::reconcile::document(&found))?;
    } else {
        printer.out(&crate::render::reconcile::text(&found, request.aggressive));
    }
    let removals: Vec<_> = found.iter().flat_map(|r| r.removals.iter()).collect();
    if !request.aggressive || removals.is_empty() {
        return Ok(Outcome::Success);
    }
    if request.dry_run {
        printer.note("dry run: nothing was removed");
        return Ok(Outcome::Success);
    }
    if !crate::render::ask::go_ahead(
        request.yes,
        "remove anything",
        &format!("Remove {} copies?", removals.len()),
        printer,
    )? {
        return Ok(Outcome::Success);
    }
    crate::install::remove(settings, printer, &removals)
}
