//! `toolup render`: print the snapshot file. Reads one file; starts no
//! process and opens no socket, so it is safe in air-gapped CI.

use crate::base::printer::Printer;
use crate::model::Snapshot;
use crate::settings::Settings;
use crate::state::load_snapshot;

use super::Outcome;
use super::present;

pub fn run(settings: &Settings, printer: Printer) -> anyhow::Result<Outcome> {
    let snapshot = load_snapshot(&settings.snapshot_path)?;
    let only = check_selection(settings, &snapshot)?;
    let settings = &Settings {
        filter: crate::settings::Filter {
            only,
            ..settings.filter.clone()
        },
        ..settings.clone()
    };
    Ok(present::snapshot(settings, printer, &snapshot, true))
}

/// `--category` and `--only` against what the snapshot holds: an unknown
/// category is an error listing the known ones; a command name (`rg`)
/// means the tool whose installation it is. Returns the tool names.
fn check_selection(settings: &Settings, snapshot: &Snapshot) -> anyhow::Result<Vec<String>> {
    let mut categories: Vec<&str> = snapshot.tools.iter().map(|t| t.category.as_str()).collect();
    categories.sort_unstable();
    categories.dedup();
    settings
        .filter
        .check_category(&categories)
        .map_err(anyhow::Error::msg)?;
    settings
        .filter
        .only
        .iter()
        .map(|name| {
            let by_name = snapshot.tools.iter().find(|t| &t.name == name);
            let by_command = || {
                snapshot.tools.iter().find(|t| {
                    t.installations.iter().any(|i| {
                        std::path::Path::new(&i.path)
                            .file_name()
                            .is_some_and(|f| f == name.as_str())
                    })
                })
            };
            by_name
                .or_else(by_command)
                .map(|t| t.name.clone())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "--only: no tool or command named {:?} in the snapshot {}",
                        crate::base::printer::visible(name),
                        settings.snapshot_path.display()
                    )
                })
        })
        .collect()
}
