//! `toolup system check | status | updaters`: what the whole machine would
//! update, asked read-only before anything is touched.

use std::time::Duration;

use anyhow::{Context as _, bail};
use tabled::builder::Builder;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::managers::Updater;
use crate::settings::FailOn;
use crate::settings::Format;
use crate::settings::Settings;
use crate::system::CheckReport;

use super::Outcome;

fn fail_on_words(settings: &Settings) -> anyhow::Result<()> {
    if let Some(bad) = settings
        .fail_on
        .iter()
        .find(|f| matches!(f, FailOn::Outdated | FailOn::NotInstalled | FailOn::Unknown))
    {
        bail!("--fail-on {bad:?} is for audits; `toolup system` takes pending, security or reboot");
    }
    Ok(())
}

pub fn check(settings: &Settings, printer: Printer, skip: &[String]) -> anyhow::Result<Outcome> {
    fail_on_words(settings)?;
    let updaters = crate::system::selected(settings, printer, skip)?;
    let host = Host::current();
    if settings.refresh {
        crate::system::check::refresh(&updaters, &host, printer);
    }
    let report = crate::system::check::check(settings, &updaters, &host);
    if let Some(dirs) = &settings.dirs
        && let Err(e) = crate::system::check::save(&dirs.system_check(), &report)
    {
        printer.warn(&format!(
            "cannot save {}: {e}",
            dirs.system_check().display()
        ));
    }
    present(settings, printer, &report, None)
}

/// `toolup system history [--updater X] [--last N]`: the recorded phases.
pub fn history(
    settings: &Settings,
    printer: Printer,
    updater: Option<&str>,
    last: usize,
) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let store =
        crate::state::store::Store::open(&dirs.history_store()).map_err(anyhow::Error::msg)?;
    let phases = store.phases(updater, last).map_err(anyhow::Error::msg)?;
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({"schema_version": 1, "phases": phases}))?;
        return Ok(Outcome::Success);
    }
    let mut b = Builder::default();
    b.push_record([
        "STARTED", "UPDATER", "PHASE", "OUTCOME", "WALL", "CPU", "PEAK RSS", "PACKAGES", "RUN",
    ]);
    for p in &phases {
        b.push_record([
            p.started_at.clone(),
            p.updater.clone(),
            p.phase.clone(),
            p.outcome.clone(),
            format!("{:.1}s", p.wall_ms as f64 / 1000.0),
            match (p.user_ms, p.system_ms) {
                (Some(u), Some(s)) => format!("{:.1}s", (u + s) as f64 / 1000.0),
                _ => "-".to_owned(),
            },
            p.peak_rss_kib.map_or_else(
                || "-".to_owned(),
                |k| crate::base::text::human_bytes(k * 1024),
            ),
            p.packages.to_string(),
            p.run_id.clone(),
        ]);
    }
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[8, 0])
    ));
    Ok(Outcome::Success)
}

/// `toolup system stats`: per updater and phase, what the history says.
pub fn stats(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let store =
        crate::state::store::Store::open(&dirs.history_store()).map_err(anyhow::Error::msg)?;
    let mut rows = Vec::new();
    for (updater, phase) in store.kinds().map_err(anyhow::Error::msg)? {
        let estimate = store
            .estimate(&updater, &phase)
            .map_err(anyhow::Error::msg)?;
        rows.push((updater, phase, estimate));
    }
    if settings.format == Format::Json {
        let list: Vec<_> = rows
            .iter()
            .map(|(u, p, e)| serde_json::json!({"updater": u, "phase": p, "estimate": e}))
            .collect();
        printer.json(&serde_json::json!({"schema_version": 1, "stats": list}))?;
        return Ok(Outcome::Success);
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "PHASE", "ESTIMATE"]);
    for (u, p, e) in rows {
        b.push_record([u, p, e.describe()]);
    }
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[2])
    ));
    Ok(Outcome::Success)
}

pub fn status(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    fail_on_words(settings)?;
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let report = crate::system::check::load(&dirs.system_check()).map_err(anyhow::Error::msg)?;
    let age = humantime::parse_rfc3339(&report.checked_at)
        .ok()
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .map(|d| crate::config::show_duration(Duration::from_secs(d.as_secs())));
    present(settings, printer, &report, age)
}

fn present(
    settings: &Settings,
    printer: Printer,
    report: &CheckReport,
    age: Option<String>,
) -> anyhow::Result<Outcome> {
    match settings.format {
        Format::Json => printer.json(report)?,
        Format::Table => printer.out(&table(report, age.as_deref())),
        Format::Markdown => printer.out(&markdown(report)),
    }
    let failed = report.failed();
    let tripped = settings.fail_on.iter().any(|f| match f {
        FailOn::Pending => report.pending() > 0,
        FailOn::Security => report.security() > 0,
        FailOn::Reboot => report.reboot_required,
        _ => false,
    });
    if tripped {
        printer.note(&format!(
            "--fail-on: {} pending, {} security, reboot {}",
            report.pending(),
            report.security(),
            reboot_word(report)
        ));
    }
    Ok(if failed || tripped {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn table(report: &CheckReport, age: Option<&str>) -> String {
    let width = crate::render::terminal_width();
    let mut summary = Builder::default();
    summary.push_record([
        "UPDATER", "PENDING", "SECURITY", "DOWNLOAD", "ESTIMATE", "TOOK", "NOTES",
    ]);
    for u in &report.updaters {
        summary.push_record([
            u.updater.clone(),
            u.pending.len().to_string(),
            u.security.to_string(),
            u.download_bytes
                .map_or_else(|| "-".to_owned(), crate::base::text::human_bytes),
            u.estimate.clone(),
            format!("{:.1}s", u.elapsed_ms as f64 / 1000.0),
            u.error.clone().unwrap_or_default(),
        ]);
    }
    let mut out = crate::render::fit(summary, width, &[6]);
    out.push('\n');
    let rows: Vec<_> = report
        .updaters
        .iter()
        .flat_map(|u| u.pending.iter().map(move |p| (u, p)))
        .collect();
    if !rows.is_empty() {
        let mut list = Builder::default();
        list.push_record(["UPDATER", "PACKAGE", "FROM", "TO", "SECURITY"]);
        for (u, p) in rows {
            list.push_record([
                u.updater.clone(),
                p.name.clone(),
                p.from.clone().unwrap_or_else(|| "-".into()),
                p.to.clone().unwrap_or_else(|| "-".into()),
                if p.security {
                    "yes".into()
                } else {
                    String::new()
                },
            ]);
        }
        out.push('\n');
        out.push_str(&crate::render::fit(list, width, &[1, 2, 3]));
        out.push('\n');
    }
    let when = age.map_or_else(
        || report.checked_at.clone(),
        |a| format!("{} ({a} ago)", report.checked_at),
    );
    out.push_str(&format!(
        "\n{} pending ({} security) from {} updater(s); reboot {}; checked {when}\n",
        report.pending(),
        report.security(),
        report.updaters.len(),
        match &report.reboot_reason {
            Some(why) => format!("needed: {why}"),
            None => "not needed".to_owned(),
        }
    ));
    if !report.not_applicable.is_empty() {
        out.push_str(&format!("not here: {}\n", report.not_applicable.join(", ")));
    }
    crate::render::wrap_words(&out, None)
}

fn reboot_word(report: &CheckReport) -> &'static str {
    if report.reboot_required {
        "needed"
    } else {
        "not needed"
    }
}

fn markdown(report: &CheckReport) -> String {
    let mut out = format!(
        "## System updates\n\n{} pending ({} security); reboot {}.\n\n| Updater | Pending | Security | Notes |\n|---|---|---|---|\n",
        report.pending(),
        report.security(),
        reboot_word(report)
    );
    for u in &report.updaters {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            u.updater,
            u.pending.len(),
            u.security,
            u.error.clone().unwrap_or_default().replace('|', "\\|")
        ));
    }
    for u in report.updaters.iter().filter(|u| !u.pending.is_empty()) {
        out.push_str(&format!(
            "\n<details><summary>{} ({})</summary>\n\n",
            u.updater,
            u.pending.len()
        ));
        for p in &u.pending {
            out.push_str(&format!(
                "- {} {} → {}{}\n",
                p.name.replace('<', "&lt;"),
                p.from.as_deref().unwrap_or("-"),
                p.to.as_deref().unwrap_or("-"),
                if p.security { " (security)" } else { "" }
            ));
        }
        out.push_str("\n</details>\n");
    }
    out
}

pub fn updaters(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let host = Host::current();
    let all = crate::system::selected(settings, printer, &[])?;
    let rows: Vec<_> = all
        .iter()
        .map(|u| {
            serde_json::json!({
                "id": u.id(),
                "program": u.program(),
                "applies": u.applies(&host),
                "check": u.check_argv(),
                "update": u.update_argv(),
                "needs_root": u.needs_root(),
                "runs_after": u.runs_after(),
            })
        })
        .collect();
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({"schema_version": 1, "updaters": rows}))?;
        return Ok(Outcome::Success);
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "HERE", "CHECK", "UPDATE", "ROOT"]);
    for u in &all {
        let check = u.check_argv().join(" ");
        b.push_record([
            u.id().to_owned(),
            if u.applies(&host) { "yes" } else { "-" }.to_owned(),
            if check.is_empty() {
                "(registry lookups)".to_owned()
            } else {
                check
            },
            u.update_argv().join(" "),
            if u.needs_root() { "yes" } else { "" }.to_owned(),
        ]);
    }
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[3, 2])
    ));
    Ok(Outcome::Success)
}

/// `toolup plugins list`: every manifest found, loadable or not.
pub fn plugins_list(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let rows: Vec<(String, String, String, String)> =
        crate::managers::plugin::manifests(&settings.plugin_dirs())
            .into_iter()
            .map(|path| match crate::managers::plugin::Plugin::load(&path) {
                Ok(p) => (
                    p.manifest.name.clone(),
                    p.executable.display().to_string(),
                    path.display().to_string(),
                    "ok".to_owned(),
                ),
                Err(e) => (
                    "-".to_owned(),
                    "-".to_owned(),
                    path.display().to_string(),
                    e,
                ),
            })
            .collect();
    if settings.format == Format::Json {
        let list: Vec<_> = rows
            .iter()
            .map(|(n, e, m, s)| serde_json::json!({"name": n, "executable": e, "manifest": m, "status": s}))
            .collect();
        printer.json(&serde_json::json!({"schema_version": 1, "plugins": list}))?;
        return Ok(Outcome::Success);
    }
    let mut b = Builder::default();
    b.push_record(["PLUGIN", "EXECUTABLE", "MANIFEST", "STATUS"]);
    for (n, e, m, st) in rows {
        b.push_record([n, e, m, st]);
    }
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[3, 2, 1])
    ));
    Ok(Outcome::Success)
}

/// `toolup plugins info NAME`: the manifest and the plugin's own answers.
pub fn plugins_info(settings: &Settings, printer: Printer, name: &str) -> anyhow::Result<Outcome> {
    let (plugins, problems) = crate::managers::plugin::load_all(&settings.plugin_dirs());
    for problem in &problems {
        printer.warn(problem);
    }
    let plugin = plugins
        .iter()
        .find(|p| p.manifest.name == name)
        .with_context(|| format!("no plugin named {:?}", crate::base::printer::visible(name)))?;
    let host = Host::current();
    let doc = serde_json::json!({
        "schema_version": 1,
        "name": plugin.manifest.name,
        "description": plugin.manifest.description,
        "manifest": plugin.manifest_path,
        "executable": plugin.executable,
        "version": plugin.ask("version", Duration::from_secs(10)).stdout.trim(),
        "applies": plugin.applies(&host),
        "needs_root": plugin.needs_root(),
        "download": plugin.download_argv(),
        "update": plugin.update_argv(),
        "locks": {
            "check": plugin.locks(crate::managers::Phase::Check),
            "download": plugin.locks(crate::managers::Phase::Download),
            "update": plugin.locks(crate::managers::Phase::Update),
        },
        "runs_after": plugin.runs_after(),
    });
    if settings.format == Format::Json {
        printer.json(&doc)?;
    } else {
        let mut text = String::new();
        for (k, v) in doc.as_object().into_iter().flatten() {
            text.push_str(&format!("{k:<12} {v}\n"));
        }
        printer.out(&text);
    }
    Ok(Outcome::Success)
}

/// `toolup plugins validate PATH`: the protocol's conformance checks, each reported.
pub fn plugins_validate(
    settings: &Settings,
    printer: Printer,
    path: &std::path::Path,
) -> anyhow::Result<Outcome> {
    let plugin = crate::managers::plugin::Plugin::load(path).map_err(anyhow::Error::msg)?;
    let checks = crate::managers::plugin::validate(&plugin);
    let failed = checks.iter().filter(|c| !c.ok).count();
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({
            "schema_version": 1, "plugin": plugin.manifest.name, "checks": checks,
        }))?;
    } else {
        let mut text = format!("plugin {} ({})\n", plugin.manifest.name, path.display());
        for c in &checks {
            text.push_str(&format!(
                "  {:<4} {}: {}\n",
                if c.ok { "ok" } else { "FAIL" },
                c.check,
                c.detail
            ));
        }
        text.push_str(&if failed == 0 {
            "conforms\n".to_owned()
        } else {
            format!(
                "{failed} check(s) failed: plugin {} does not conform\n",
                plugin.manifest.name
            )
        });
        printer.out(&text);
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}

/// `system check --validate-only`: what an update would need, and whether it is there.
pub fn validate_only(
    settings: &Settings,
    printer: Printer,
    skip: &[String],
) -> anyhow::Result<Outcome> {
    let updaters = crate::system::selected(settings, printer, skip)?;
    let host = Host::current();
    let requirements = crate::system::validate::run(&updaters, &host);
    let failed = requirements.iter().filter(|r| !r.ok).count();
    match settings.format {
        Format::Json => printer.json(&serde_json::json!({
            "schema_version": 1,
            "requirements": requirements,
        }))?,
        _ => {
            let mut b = Builder::default();
            b.push_record(["UPDATER", "NEEDS", "OK", "DETAIL"]);
            for r in &requirements {
                b.push_record([
                    r.updater.clone(),
                    r.need.clone(),
                    if r.ok { "yes" } else { "NO" }.to_owned(),
                    r.detail.clone(),
                ]);
            }
            printer.out(&format!(
                "{}\n\n{}\n",
                crate::render::fit(b, crate::render::terminal_width(), &[3]),
                if failed == 0 {
                    "everything an update needs is there".to_owned()
                } else {
                    format!("{failed} requirement(s) missing")
                }
            ));
        }
    }
    Ok(if failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failure
    })
}
