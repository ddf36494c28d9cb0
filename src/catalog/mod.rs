//! The tool catalog: one TOML file per tool, embedded in the binary, with a
//! user overlay directory and a full replacement (`--catalog DIR`).
//!
//! Every error names the file, the line and the field, so a typo in a user's
//! overlay is a one-look fix.

mod error;
mod load;
mod presets;
mod spec;

pub use error::CatalogError;
pub use load::{CatalogSource, Layer, check_dir, load_catalog, load_layers, parse_tool_file};
pub use presets::Preset;
pub use spec::{Tool, ToolSpec, compile_pattern, install_keys};

use std::collections::BTreeMap;

/// All known tools (sorted by name) and presets.
#[derive(Debug, Default)]
pub struct Catalog {
    pub tools: Vec<Tool>,
    pub presets: BTreeMap<String, Preset>,
}

impl Catalog {
    /// The tool a user means by `name`: its name, or the command it
    /// provides (`rg` is ripgrep, `fdfind` is fd). An unknown name is an
    /// error that says where to look, and suggests the closest names
    /// (`ripgrp` → ripgrep, `pyhton` → python).
    pub fn resolve(&self, name: &str) -> Result<&Tool, String> {
        if let Some(tool) = self.get(name) {
            return Ok(tool);
        }
        let providers: Vec<&Tool> = self
            .tools
            .iter()
            .filter(|t| t.spec.bins.iter().any(|b| b == name))
            .collect();
        match providers.as_slice() {
            [one] => Ok(one),
            [] => {
                let names = self.tools.iter().map(Tool::name);
                let commands = self.tools.iter().flat_map(|t| t.spec.bins.iter());
                let hint = crate::base::names::did_you_mean(
                    name,
                    names.chain(commands.map(String::as_str)),
                );
                Err(format!(
                    "no tool named {:?} in the catalog (see `toolup catalog list`){hint}",
                    crate::base::printer::visible(name)
                ))
            }
            many => Err(format!(
                "`{}` is provided by {}: name the tool",
                crate::base::printer::visible(name),
                many.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Every category, sorted.
    pub fn categories(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .tools
            .iter()
            .map(|t| t.spec.category.as_str())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The tool with this name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools
            .binary_search_by(|t| t.name().cmp(name))
            .ok()
            .map(|i| &self.tools[i])
    }
}

#[cfg(test)]
mod tests {
    use super::{CatalogSource, load_catalog};

    #[test]
    fn an_unknown_name_suggests_the_closest_tools() {
        let catalog = load_catalog(&CatalogSource::default()).unwrap();
        let error = |name: &str| catalog.resolve(name).unwrap_err();
        assert!(
            error("ripgrp").ends_with("; did you mean ripgrep?"),
            "{}",
            error("ripgrp")
        );
        assert!(
            error("pyhton").ends_with("; did you mean python?"),
            "{}",
            error("pyhton")
        );
        assert!(
            error("zzzzzzzz").ends_with("(see `toolup catalog list`)"),
            "{}",
            error("zzzzzzzz")
        );
        assert_eq!(catalog.resolve("rg").unwrap().name(), "ripgrep");
    }
}
