//! `toolup modules sync|list|info|enable|disable|rollback`: a team's
//! modules (catalog entries and plugins) from git; the work is in
//! `crate::modules`.

use std::time::Duration;

use anyhow::{Context, bail};
use tabled::builder::Builder;

use crate::base::printer::{Printer, visible};
use crate::modules::sync::{Outcome as ModuleOutcome, Report, Request};
use crate::modules::{Installed, installed};
use crate::settings::Format;
use crate::settings::Settings;
use crate::state::history::HistoryEntry;

use super::Outcome;

/// How long one git command may take unless `--timeout` says otherwise.
const GIT_TIMEOUT: Duration = Duration::from_secs(300);

/// `sync`'s options.
pub struct SyncArgs<'a> {
    pub repo: Option<&'a str>,
    pub branch: Option<&'a str>,
    pub check_only: bool,
    pub prune: bool,
}

fn modules_dir(settings: &Settings) -> anyhow::Result<std::path::PathBuf> {
    settings
        .dirs
        .as_ref()
        .map(crate::state::AppDirs::modules)
        .context("no home directory: nowhere to keep modules")
}

/// Repairs what an interrupted sync left, before a command reads the
/// modules; says what it did.
fn repair(settings: &Settings, printer: Printer) -> anyhow::Result<Vec<Installed>> {
    let dir = modules_dir(settings)?;
    if crate::modules::swap::interrupted(&dir) {
        let _lock = crate::modules::swap::lock(&dir).map_err(anyhow::Error::msg)?;
        for note in crate::modules::swap::recover(&dir).map_err(anyhow::Error::msg)? {
            printer.note(&note);
        }
    }
    let (modules, problems) = installed(&dir);
    for p in problems {
        printer.warn(&p);
    }
    Ok(modules)
}

/// `toolup modules sync`.
pub fn sync(settings: &Settings, printer: Printer, args: &SyncArgs<'_>) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let config = &settings.config;
    let Some(repository) = args
        .repo
        .map(str::to_owned)
        .or(config.modules_repository.clone())
    else {
        bail!(
            "no modules repository: pass --repo URL or set `[modules] repository` in {}",
            dirs.config.join("config.toml").display()
        );
    };
    let branch = args
        .branch
        .map(str::to_owned)
        .or(config.modules_branch.clone());
    let catalog = crate::catalog::CatalogSource {
        modules: Vec::new(),
        ..settings.catalog_source.clone()
    };
    let report = crate::modules::sync::sync(&Request {
        repository: &repository,
        branch: branch.as_deref(),
        check_only: args.check_only,
        prune: args.prune,
        git_timeout: settings.timeout_given.unwrap_or(GIT_TIMEOUT),
        modules_dir: &dirs.modules(),
        cache_dir: &dirs.cache,
        catalog: &catalog,
    })
    .map_err(anyhow::Error::msg)?;
    if !report.check_only {
        record(settings, printer, &report);
    }
    let (now, _) = installed(&dirs.modules());
    let failed = report.modules.iter().any(|m| m.outcome.is_failure());
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({
            "schema_version": 1,
            "repository": report.repository,
            "commit": report.commit,
            "check_only": report.check_only,
            "recovered": report.recovered,
            "modules": report.modules,
            "contributions": contributions_json(&now),
        }))?;
    } else {
        for note in &report.recovered {
            printer.note(note);
        }
        printer.out(&sync_text(&report, &now));
    }
    Ok(if failed {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// Puts what the sync changed (or refused) in `toolup history`.
fn record(settings: &Settings, printer: Printer, report: &Report) {
    for m in &report.modules {
        let (action, outcome) = match m.outcome {
            ModuleOutcome::Installed => ("module-install", "ok"),
            ModuleOutcome::Updated => ("module-update", "ok"),
            ModuleOutcome::RolledBack => ("module-update", "rolled-back"),
            ModuleOutcome::Failed => ("module-install", "failed"),
            ModuleOutcome::Refused => ("module-update", "skipped"),
            ModuleOutcome::Pruned => ("module-prune", "ok"),
            _ => continue,
        };
        remember(
            settings,
            printer,
            HistoryEntry {
                from_version: m.installed.clone(),
                to_version: m.repository.clone(),
                message: m.detail.clone(),
                ..history_entry(&m.name, action, outcome)
            },
        );
    }
}

/// A history entry for module `name`.
fn history_entry(name: &str, action: &str, outcome: &str) -> HistoryEntry {
    HistoryEntry {
        time: crate::base::clock::now_rfc3339(),
        tool: format!("module:{name}"),
        action: action.to_owned(),
        manager: "modules".to_owned(),
        argv: Vec::new(),
        from_version: None,
        to_version: None,
        outcome: outcome.to_owned(),
        message: String::new(),
    }
}

fn remember(settings: &Settings, printer: Printer, entry: HistoryEntry) {
    let Some(dirs) = &settings.dirs else { return };
    if let Err(e) = crate::state::history::append(&dirs.history(), &entry) {
        printer.warn(&format!(
            "could not record {} in the history: {e}",
            entry.tool
        ));
    }
}

fn contributions_json(modules: &[Installed]) -> Vec<serde_json::Value> {
    modules
        .iter()
        .map(|m| {
            serde_json::json!({
                "module": m.manifest.name,
                "schema_version": m.manifest.schema_version.to_string(),
                "enabled": m.enabled,
                "tools": if m.enabled { m.tools() } else { Vec::new() },
                "updaters": if m.enabled { m.plugins() } else { Vec::new() },
            })
        })
        .collect()
}

/// The two-phase summary: module updates, then what enabled modules add.
fn sync_text(report: &Report, now: &[Installed]) -> String {
    let mut out = format!(
        "{} at {}{}\n\nModule updates:\n",
        report.repository,
        &report.commit[..report.commit.len().min(12)],
        if report.check_only {
            " (check only: nothing changed)"
        } else {
            ""
        }
    );
    let mut b = Builder::default();
    b.push_record(["MODULE", "INSTALLED", "REPOSITORY", "OUTCOME", "DETAIL"]);
    for m in &report.modules {
        b.push_record([
            m.name.clone(),
            m.installed.clone().unwrap_or_else(|| "-".to_owned()),
            m.repository.clone().unwrap_or_else(|| "-".to_owned()),
            m.outcome.id().to_owned(),
            m.detail.clone(),
        ]);
    }
    out.push_str(&crate::render::fit(
        b,
        crate::render::terminal_width(),
        &[4],
    ));
    out.push('\n');
    let count = |o: &[ModuleOutcome]| {
        report
            .modules
            .iter()
            .filter(|m| o.contains(&m.outcome))
            .count()
    };
    if report.check_only {
        out.push_str(&format!(
            "{} would install, {} would update, {} would roll back, {} refused, {} unchanged\n",
            count(&[ModuleOutcome::WouldInstall]),
            count(&[ModuleOutcome::WouldUpdate]),
            count(&[ModuleOutcome::RolledBack, ModuleOutcome::Failed]),
            count(&[ModuleOutcome::Refused]),
            count(&[ModuleOutcome::Unchanged, ModuleOutcome::Held]),
        ));
    } else {
        out.push_str(&format!(
            "{} installed, {} updated, {} rolled back, {} failed, {} refused, {} unchanged\n",
            count(&[ModuleOutcome::Installed]),
            count(&[ModuleOutcome::Updated]),
            count(&[ModuleOutcome::RolledBack]),
            count(&[ModuleOutcome::Failed]),
            count(&[ModuleOutcome::Refused]),
            count(&[ModuleOutcome::Unchanged, ModuleOutcome::Held]),
        ));
    }
    out.push_str("\nEnabled modules contribute:\n");
    let (mut tools, mut updaters, mut enabled) = (0, 0, 0);
    for m in now {
        if !m.enabled {
            out.push_str(&format!("  {} (disabled): nothing\n", m.manifest.name));
            continue;
        }
        enabled += 1;
        let (t, u) = (m.tools(), m.plugins());
        tools += t.len();
        updaters += u.len();
        out.push_str(&format!(
            "  {} {}: tools {}; updaters {}\n",
            m.manifest.name,
            m.manifest.schema_version,
            list_or_none(&t),
            list_or_none(&u)
        ));
    }
    out.push_str(&format!(
        "{tools} tool(s) and {updaters} updater(s) from {enabled} enabled module(s)\n"
    ));
    out
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// `toolup modules list`.
pub fn list(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let modules = repair(settings, printer)?;
    if settings.format == Format::Json {
        let list: Vec<serde_json::Value> = modules.iter().map(info_json).collect();
        printer.json(&serde_json::json!({"schema_version": 1, "modules": list}))?;
        return Ok(Outcome::Success);
    }
    if modules.is_empty() {
        printer.out("no modules installed (toolup modules sync --repo URL)\n");
        return Ok(Outcome::Success);
    }
    let mut b = Builder::default();
    b.push_record(["MODULE", "VERSION", "ENABLED", "TOOLS", "UPDATERS", "FROM"]);
    for m in &modules {
        b.push_record([
            m.manifest.name.clone(),
            m.manifest.schema_version.to_string(),
            if m.enabled { "yes" } else { "no" }.to_owned(),
            list_or_none(&m.tools()),
            list_or_none(&m.plugins()),
            m.entry.as_ref().map_or_else(
                || "-".to_owned(),
                |e| format!("{} @ {}", e.repository, &e.commit[..e.commit.len().min(12)]),
            ),
        ]);
    }
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[5, 3, 4])
    ));
    Ok(Outcome::Success)
}

fn info_json(m: &Installed) -> serde_json::Value {
    let backup = m
        .dir
        .parent()
        .map(|d| d.join(".backups").join(&m.manifest.name))
        .and_then(|b| crate::modules::Manifest::read(&b).ok())
        .map(|b| b.schema_version.to_string());
    serde_json::json!({
        "name": m.manifest.name,
        "schema_version": m.manifest.schema_version.to_string(),
        "description": m.manifest.description,
        "enabled": m.enabled,
        "min_toolup": m.manifest.min_toolup.as_ref().map(ToString::to_string),
        "dir": m.dir,
        "repository": m.entry.as_ref().map(|e| &e.repository),
        "commit": m.entry.as_ref().map(|e| &e.commit),
        "installed_at": m.entry.as_ref().map(|e| &e.installed_at),
        "held_back": m.entry.as_ref().and_then(|e| e.held_back.as_ref()),
        "backup": backup,
        "tools": m.tools(),
        "updaters": m.plugins(),
    })
}

/// `toolup modules info NAME`.
pub fn info(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let modules = repair(settings, printer)?;
    let m = find(&modules, name)?;
    let doc = info_json(m);
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({"schema_version": 1, "module": doc}))?;
    } else {
        let mut text = String::new();
        for (k, v) in doc.as_object().into_iter().flatten() {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "-".to_owned(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(|x| x.as_str().unwrap_or_default().to_owned())
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            text.push_str(&format!("{k:<13} {shown}\n"));
        }
        printer.out(&text);
    }
    Ok(Outcome::Success)
}

fn find<'m>(modules: &'m [Installed], name: &str) -> anyhow::Result<&'m Installed> {
    modules
        .iter()
        .find(|m| m.manifest.name == name)
        .with_context(|| {
            let names: Vec<&str> = modules.iter().map(|m| m.manifest.name.as_str()).collect();
            format!(
                "no installed module named {:?} (installed: {})",
                visible(name),
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )
        })
}

/// `toolup modules enable|disable NAME`.
pub fn set_enabled(
    settings: &Settings,
    printer: Printer,
    name: &str,
    enabled: bool,
) -> anyhow::Result<Outcome> {
    let modules = repair(settings, printer)?;
    let m = find(&modules, name)?;
    crate::modules::choices::set_enabled(&modules_dir(settings)?, name, enabled)
        .map_err(anyhow::Error::msg)?;
    let (tools, updaters) = (m.tools().len(), m.plugins().len());
    printer.note(&if enabled {
        format!("module {name} enabled: its {tools} tool(s) and {updaters} updater(s) take part")
    } else {
        format!(
            "module {name} disabled: its {tools} tool(s) and {updaters} updater(s) are left out (it stays installed)"
        )
    });
    Ok(Outcome::Success)
}

/// `toolup modules rollback NAME`.
pub fn rollback(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    if !crate::modules::manifest::is_module_name(name) {
        bail!("{:?} is not a module name", visible(name));
    }
    let _ = repair(settings, printer)?;
    let (from, to) = crate::modules::choices::rollback(&modules_dir(settings)?, name)
        .map_err(anyhow::Error::msg)?;
    remember(
        settings,
        printer,
        HistoryEntry {
            from_version: Some(from.clone()),
            to_version: Some(to.clone()),
            ..history_entry(name, "module-rollback", "ok")
        },
    );
    printer.note(&format!(
        "module {name}: {from} → {to}; a sync leaves {from} alone and installs anything newer (rollback again to go back to {from})"
    ));
    Ok(Outcome::Success)
}
