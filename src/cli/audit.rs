//! `toolup audit` and `toolup collect`: the audit, then the snapshot
//! printed (audit) or not (collect).

use std::path::Path;

use crate::base::printer::Printer;
use crate::settings::Settings;

use super::Outcome;

/// Runs a collection; prints the result when `print` is set (audit:
/// `Some(all)`, `all` listing the tools not installed too) and not
/// otherwise (collect).
pub fn run(
    settings: &Settings,
    printer: Printer,
    print: Option<bool>,
    update_baseline: Option<&Path>,
) -> anyhow::Result<Outcome> {
    let audited = crate::audit::run(settings, printer, update_baseline)?;
    Ok(crate::render::snapshot_view::snapshot(
        &audited.settings,
        printer,
        &audited.snapshot,
        print,
    ))
}
