//! Proving an action by running the tool: it must be found, start, and
//! report the version the action promised.

use super::plan::Action;
use crate::base::printer::Printer;
use crate::catalog::Tool;
use crate::model::{ToolRecord, Version};
use crate::settings::Settings;

/// Runs the tool as the user would and demands `accept` of its version.
pub fn verify_runs(
    settings: &Settings,
    name: &str,
    accept: impl Fn(&str) -> bool,
) -> Result<String, String> {
    let catalog = settings.catalog().map_err(|e| e.to_string())?;
    let tool = catalog.get(name).ok_or("the tool left the catalog")?;
    let record = fresh_record(settings, tool).ok_or("no record of the tool")?;
    let installed = record
        .installed
        .ok_or_else(|| format!("{name} is not found"))?;
    crate::audit::discover::verify(
        tool,
        std::path::Path::new(&installed.path),
        settings.probe_timeout,
        accept,
    )
}

/// Re-discovers one tool without the probe cache.
pub(super) fn fresh_record(settings: &Settings, tool: &Tool) -> Option<ToolRecord> {
    let no_cache = Settings {
        use_cache: false,
        offline: true,
        quiet: true,
        ..settings.clone()
    };
    let printer = Printer { quiet: true };
    let (snapshot, _) = crate::audit::gather(&no_cache, printer, &[tool], false);
    snapshot.tools.into_iter().next()
}

/// After an action: the tool must be found, start, and report exactly the
/// planned version (at least it, for a channel such as rustup's) — a
/// manager that exits 0 but leaves the tool broken has failed.
pub(super) fn validate(settings: &Settings, action: &Action) -> Result<String, String> {
    let catalog = settings.catalog().map_err(|e| e.to_string())?;
    let tool = catalog
        .get(&action.tool)
        .ok_or("the tool left the catalog")?;
    let record = fresh_record(settings, tool).ok_or("no record after the action")?;
    let Some(installed) = record.installed else {
        return Err(format!(
            "{} ran, but {} is not found afterwards",
            action.manager, action.tool
        ));
    };
    let exact = crate::managers::installer(action.manager)
        .is_some_and(|m| m.pins_versions() || action.manager_version.is_some());
    let target = action
        .to_version
        .as_deref()
        .and_then(|t| Version::parse(t).ok());
    let version = crate::audit::discover::verify(
        tool,
        std::path::Path::new(&installed.path),
        settings.probe_timeout,
        |v| match (&target, Version::parse(v)) {
            (Some(want), Ok(now)) if exact => now == *want,
            (Some(want), Ok(now)) => now >= *want,
            (None, _) => true,
            (Some(_), Err(_)) => false,
        },
    )
    .map_err(|e| match &action.to_version {
        Some(t) => format!(
            "{} ran, but the tool is not the planned {t}: {e}",
            action.manager
        ),
        None => format!("{} ran, but the tool does not run: {e}", action.manager),
    })?;
    if !installed.on_path {
        return Ok(format!(
            "{version} at {}, which is not on PATH: add its directory to PATH",
            installed.path
        ));
    }
    Ok(version)
}
