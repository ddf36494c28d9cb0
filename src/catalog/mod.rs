//! The tool catalog: one TOML file per tool, embedded in the binary, with a
//! user overlay directory and a full replacement (`--catalog DIR`).
//!
//! Every error names the file, the line and the field, so a typo in a user's
//! overlay is a one-look fix.

mod error;
mod load;
mod presets;
mod spec;
mod upstream;

pub use error::CatalogError;
pub use load::{CatalogSource, is_valid_name, is_valid_package_name, load_catalog};
pub use presets::Preset;
pub use spec::{INSTALL_KEYS, Tool, ToolSpec, compile_pattern};
pub use upstream::{Upstream, UpstreamField, Upstreams};

use std::collections::BTreeMap;

/// All known tools (sorted by name) and presets.
#[derive(Debug, Default)]
pub struct Catalog {
    pub tools: Vec<Tool>,
    pub presets: BTreeMap<String, Preset>,
}

impl Catalog {
    /// The tool with this name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools
            .binary_search_by(|t| t.name().cmp(name))
            .ok()
            .map(|i| &self.tools[i])
    }
}
