//! Presets: named lists of tools (`catalog/presets.toml`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::CatalogError;

/// The file name that holds presets instead of a tool.
pub const PRESETS_FILE: &str = "presets.toml";

/// A named list of tools.
#[derive(Debug, Clone)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub tools: Vec<String>,
    /// The file that defined it, for error messages.
    pub file: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetEntry {
    #[serde(default)]
    description: String,
    tools: Vec<String>,
}

/// Parses `[NAME] description = "…" tools = [...]` tables.
pub(super) fn parse_presets(
    label: &str,
    text: &str,
) -> Result<BTreeMap<String, Preset>, CatalogError> {
    let entries: BTreeMap<String, PresetEntry> =
        toml::from_str(text).map_err(|e| CatalogError::from_toml(label, text, &e))?;
    Ok(entries
        .into_iter()
        .map(|(name, entry)| {
            let preset = Preset {
                name: name.clone(),
                description: entry.description,
                tools: entry.tools,
                file: label.to_owned(),
            };
            (name, preset)
        })
        .collect())
}
