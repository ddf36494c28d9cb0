//! What the settings of a run are, for showing: each setting in effect
//! with where it came from (`toolup config show`), and the presets the
//! catalog and the user's config define together (`toolup presets`).

use crate::catalog::Catalog;
use crate::config::show::Shown;

use super::Settings;

/// A preset as `toolup presets` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PresetRow {
    pub name: String,
    pub description: String,
    pub tools: Vec<String>,
}

impl Settings {
    /// Every effective setting (defaults included), each with where it came
    /// from, then everything the files set that has no default.
    pub fn shown(&self) -> Vec<Shown> {
        let duration = crate::config::show_duration;
        let environment = self.environment();
        let effective = vec![
            ("audit.jobs", self.jobs.to_string()),
            ("audit.timeout", duration(self.probe_timeout)),
            ("upstream.ttl", duration(self.latest_ttl)),
            (
                "upstream.min_release_age",
                self.min_release_age
                    .map_or_else(|| "none".to_owned(), duration),
            ),
            ("upstream.offline", self.offline.to_string()),
            (
                "breaking_changes",
                format!(
                    "{:?}",
                    self.config
                        .breaking_changes
                        .unwrap_or(crate::config::BreakingChanges::Warn)
                )
                .to_lowercase(),
            ),
            ("backups.keep", self.backups.keep.to_string()),
            (
                "backups.max_age",
                self.backups
                    .max_age
                    .map_or_else(|| "none".to_owned(), duration),
            ),
            ("environment.kind", environment.kind.to_string()),
        ];
        let detected: &[&str] = if environment.overridden {
            &[]
        } else {
            &["environment.kind"]
        };
        self.config.shown(effective, detected)
    }

    /// The catalog's presets and the user's (`[presets]`, which replace
    /// the catalog's of the same name), by name.
    pub fn presets(&self, catalog: &Catalog) -> Vec<PresetRow> {
        let mut rows: Vec<PresetRow> = catalog
            .presets
            .values()
            .map(|p| PresetRow {
                name: p.name.clone(),
                description: p.description.clone(),
                tools: p.tools.clone(),
            })
            .collect();
        for (name, tools) in &self.config.presets {
            rows.retain(|r| &r.name != name);
            rows.push(PresetRow {
                name: name.clone(),
                description: "from your config".to_owned(),
                tools: tools.clone(),
            });
        }
        rows.sort();
        rows
    }
}
