//! `toolup config show`: every setting, its value and where it came from;
//! `toolup config path`: the files read, in order of precedence.

use serde::Serialize;
use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::config::{PROJECT_FILE, SYSTEM_FILE};
use crate::settings::Format;
use crate::settings::Settings;

use super::Outcome;

#[derive(Serialize)]
struct Row {
    key: String,
    value: String,
    from: String,
}

/// Every effective setting (defaults included), then everything the files
/// set that has no default (managers, pins, presets, sources).
fn rows(settings: &Settings) -> Vec<Row> {
    let from_files: Vec<_> = settings.config.origins().collect();
    let duration = crate::config::show_duration;
    let environment = settings.environment();
    let effective = [
        ("audit.jobs", settings.jobs.to_string()),
        ("audit.timeout", duration(settings.probe_timeout)),
        ("upstream.ttl", duration(settings.latest_ttl)),
        (
            "upstream.min_release_age",
            settings
                .min_release_age
                .map_or_else(|| "none".to_owned(), duration),
        ),
        ("upstream.offline", settings.offline.to_string()),
        (
            "breaking_changes",
            format!(
                "{:?}",
                settings
                    .config
                    .breaking_changes
                    .unwrap_or(crate::config::BreakingChanges::Warn)
            )
            .to_lowercase(),
        ),
        ("backups.keep", settings.backups.keep.to_string()),
        (
            "backups.max_age",
            settings
                .backups
                .max_age
                .map_or_else(|| "none".to_owned(), duration),
        ),
        ("environment.kind", environment.kind.to_string()),
    ];
    let mut out: Vec<Row> = Vec::new();
    for (key, value) in effective {
        let from = match from_files.iter().find(|(k, _, _)| *k == key) {
            Some((_, file_value, path)) if *file_value == value => path.display().to_string(),
            Some(_) => "flag or environment (over a config file)".to_owned(),
            None if key == "environment.kind" && !environment.overridden => "detected".to_owned(),
            None => "default, flag or environment".to_owned(),
        };
        out.push(Row {
            key: key.to_owned(),
            value,
            from,
        });
    }
    for (key, value, path) in &from_files {
        if !out.iter().any(|r| r.key == *key) {
            out.push(Row {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
                from: path.display().to_string(),
            });
        }
    }
    out
}

pub fn show(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let rows = rows(settings);
    let project = settings
        .config
        .project_file
        .as_ref()
        .map(|(file, trusted)| {
            let ignored: Vec<&str> = settings
                .config
                .ignored
                .iter()
                .flat_map(|i| i.sections.iter().copied())
                .collect();
            (file.display().to_string(), *trusted, ignored)
        });
    if settings.format == Format::Json {
        printer.json(&serde_json::json!({
            "schema_version": 1,
            "settings": rows,
            "project_file": project.as_ref().map(|(path, trusted, ignored)| serde_json::json!({
                "path": path, "trusted": trusted, "ignored": ignored,
            })),
        }))?;
        return Ok(Outcome::Success);
    }
    let mut builder = Builder::default();
    builder.push_record(["KEY", "VALUE", "FROM"]);
    for row in &rows {
        builder.push_record([row.key.clone(), row.value.clone(), row.from.clone()]);
    }
    if let Some((path, trusted, ignored)) = &project {
        let state = match (trusted, ignored.as_slice()) {
            (true, _) => "trusted".to_owned(),
            (false, []) => "not trusted (sets nothing that needs trust)".to_owned(),
            (false, sections) => format!("not trusted: ignored {}", sections.join(", ")),
        };
        builder.push_record(["project file".to_owned(), state, path.clone()]);
    }
    let table = crate::render::fit(builder, crate::render::terminal_width(), &[2, 1]);
    printer.out(&format!("{table}\n"));
    Ok(Outcome::Success)
}

/// The configuration files toolup reads, lowest precedence first, and
/// whether each is there.
pub fn path(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut files: Vec<(String, std::path::PathBuf)> =
        vec![("system".to_owned(), SYSTEM_FILE.into())];
    if let Some(dirs) = &settings.dirs {
        files.push(("user".to_owned(), dirs.config.join("config.toml")));
    }
    files.push((
        "project".to_owned(),
        crate::config::trust::find_project_file(&cwd).unwrap_or_else(|| cwd.join(PROJECT_FILE)),
    ));
    if settings.format == Format::Json {
        let list: Vec<_> = files
            .iter()
            .map(|(layer, p)| serde_json::json!({"layer": layer, "path": p, "exists": p.is_file()}))
            .collect();
        printer.json(&serde_json::json!({"schema_version": 1, "files": list}))?;
        return Ok(Outcome::Success);
    }
    let mut text = String::new();
    for (layer, p) in &files {
        let there = if p.is_file() { "" } else { "  (not there)" };
        text.push_str(&format!("{layer:<8} {}{there}\n", p.display()));
    }
    printer.out(&text);
    Ok(Outcome::Success)
}
