//! `toolup config show`: the merged configuration and where each value came from.

use tabled::builder::Builder;

use crate::printer::Printer;
use crate::settings::Settings;

use super::Outcome;

pub fn show(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let mut builder = Builder::default();
    builder.push_record(["KEY", "VALUE", "FROM"]);
    let from_files: Vec<_> = settings.config.origins().collect();
    let effective = [
        ("audit.jobs", settings.jobs.to_string()),
        (
            "audit.timeout",
            humantime::format_duration(settings.probe_timeout).to_string(),
        ),
        (
            "upstream.ttl",
            humantime::format_duration(settings.latest_ttl).to_string(),
        ),
        (
            "upstream.min_release_age",
            settings.min_release_age.map_or_else(
                || "none".to_owned(),
                |d| humantime::format_duration(d).to_string(),
            ),
        ),
        ("upstream.offline", settings.offline.to_string()),
    ];
    for (key, value) in effective {
        let origin = match from_files.iter().find(|(k, _, _)| *k == key) {
            Some((_, file_value, path)) if *file_value == value => path.display().to_string(),
            Some(_) => "flag or environment (over a config file)".to_owned(),
            None => "default, flag or environment".to_owned(),
        };
        builder.push_record([key.to_owned(), value, origin]);
    }
    for (key, value, path) in from_files
        .iter()
        .filter(|(k, _, _)| k.starts_with("sources."))
    {
        builder.push_record([
            (*key).to_owned(),
            (*value).to_owned(),
            path.display().to_string(),
        ]);
    }
    if let Some((file, trusted)) = &settings.config.project_file {
        let state = if *trusted {
            "trusted".to_owned()
        } else {
            let ignored: Vec<&str> = settings
                .config
                .ignored
                .iter()
                .flat_map(|i| i.sections.iter().copied())
                .collect();
            match ignored.as_slice() {
                [] => "not trusted (sets nothing that needs trust)".to_owned(),
                sections => format!("not trusted: ignored {}", sections.join(", ")),
            }
        };
        builder.push_record(["project file".to_owned(), state, file.display().to_string()]);
    }
    let table = crate::render::fit(builder, crate::render::terminal_width(), &[2, 1]);
    printer.out(&format!("{table}\n"));
    Ok(Outcome::Success)
}
