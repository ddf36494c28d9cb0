//! The modules views: a sync's two-phase summary (module updates, then what
//! the enabled modules add), the installed modules as a table, one module's
//! facts, their JSON documents, and the notes enable, disable and rollback
//! print.

use tabled::builder::Builder;

use crate::modules::Installed;
use crate::modules::sync::{Outcome, Report};

/// `modules sync --format json`: the report, and what each installed
/// module contributes.
pub fn sync_document(report: &Report, now: &[Installed]) -> serde_json::Value {
    serde_json::json!({
        "schema_version": 1,
        "repository": report.repository,
        "commit": report.commit,
        "check_only": report.check_only,
        "recovered": report.recovered,
        "modules": report.modules,
        "contributions": contributions(now),
    })
}

fn contributions(modules: &[Installed]) -> Vec<serde_json::Value> {
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
pub fn sync_text(report: &Report, now: &[Installed]) -> String {
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
    if report.modules.is_empty() {
        out.push_str("no modules in the repository, and none installed\n");
    } else {
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
        out.push_str(&super::fit(b, super::terminal_width(), &[4]));
        out.push('\n');
    }
    let count = |o: &[Outcome]| {
        report
            .modules
            .iter()
            .filter(|m| o.contains(&m.outcome))
            .count()
    };
    if report.check_only {
        out.push_str(&format!(
            "{} would install, {} would update, {} would roll back, {} refused, {} unchanged\n",
            count(&[Outcome::WouldInstall]),
            count(&[Outcome::WouldUpdate]),
            count(&[Outcome::RolledBack, Outcome::Failed]),
            count(&[Outcome::Refused]),
            count(&[Outcome::Unchanged, Outcome::Held]),
        ));
    } else {
        out.push_str(&format!(
            "{} installed, {} updated, {} rolled back, {} failed, {} refused, {} unchanged\n",
            count(&[Outcome::Installed]),
            count(&[Outcome::Updated]),
            count(&[Outcome::RolledBack]),
            count(&[Outcome::Failed]),
            count(&[Outcome::Refused]),
            count(&[Outcome::Unchanged, Outcome::Held]),
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

/// `modules list --format json`: every installed module's facts.
pub fn list_document(modules: &[Installed]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = modules.iter().map(facts).collect();
    serde_json::json!({"schema_version": 1, "modules": list})
}

/// `modules list`: a table of the installed modules, or how to get some.
pub fn list_text(modules: &[Installed]) -> String {
    if modules.is_empty() {
        return "no modules installed (toolup modules sync --repo URL)\n".to_owned();
    }
    let mut b = Builder::default();
    b.push_record(["MODULE", "VERSION", "ENABLED", "TOOLS", "UPDATERS", "FROM"]);
    for m in modules {
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
    format!("{}\n", super::fit(b, super::terminal_width(), &[5, 3, 4]))
}

/// One module's facts, as `modules info` and `modules list` show them.
fn facts(m: &Installed) -> serde_json::Value {
    let backup = crate::modules::commands::backup_version(m);
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

/// `modules info NAME --format json`.
pub fn info_document(m: &Installed) -> serde_json::Value {
    serde_json::json!({"schema_version": 1, "module": facts(m)})
}

/// `modules info NAME`: one fact a line, `-` for none.
pub fn info_text(m: &Installed) -> String {
    let doc = facts(m);
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
    text
}

/// What enabling or disabling module `name` changed, with how many
/// `tools` and `updaters` it has.
pub fn enabled_note(name: &str, enabled: bool, tools: usize, updaters: usize) -> String {
    if enabled {
        format!("module {name} enabled: its {tools} tool(s) and {updaters} updater(s) take part")
    } else {
        format!(
            "module {name} disabled: its {tools} tool(s) and {updaters} updater(s) are left out (it stays installed)"
        )
    }
}

/// What rolling module `name` back from version `from` to `to` means for
/// the next sync.
pub fn rollback_note(name: &str, from: &str, to: &str) -> String {
    format!(
        "module {name}: {from} → {to}; a sync leaves {from} alone and installs anything newer (rollback again to go back to {from})"
    )
}
