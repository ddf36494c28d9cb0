//! `toolup reconcile [TOOL…]`: tools installed more than once, which copy
//! PATH runs, newer copies it shadows, and the fix; `--aggressive` removes
//! the non-preferred copies through their own package managers.

use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::install::{Reconciliation, full_argv};
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;
use super::present;

pub struct Request {
    pub tools: Vec<String>,
    pub aggressive: bool,
    pub dry_run: bool,
    pub yes: bool,
}

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
        printer.json(&serde_json::json!({"schema_version": 1, "tools": found}))?;
    } else {
        printer.out(&describe(&found, request.aggressive));
    }
    let removals: Vec<_> = found.iter().flat_map(|r| r.removals.iter()).collect();
    if !request.aggressive || removals.is_empty() {
        return Ok(Outcome::Success);
    }
    if request.dry_run {
        printer.note("dry run: nothing was removed");
        return Ok(Outcome::Success);
    }
    if !present::go_ahead(
        request.yes,
        "remove anything",
        &format!("Remove {} copies?", removals.len()),
        printer,
    )? {
        return Ok(Outcome::Success);
    }
    crate::install::remove(settings, printer, &removals)
}

fn describe(found: &[Reconciliation], aggressive: bool) -> String {
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
