//! Upstream releases. For now the latest versions come from the committed
//! baseline `latest_versions.json` (embedded at build time, so it works
//! offline anywhere); live fetching from the registries comes next.

mod latest_versions;

pub use latest_versions::{LatestVersions, LatestVersionsError};

use crate::catalog::{Tool, Upstream};
use crate::model::{Latest, LatestFrom};

/// The baseline shipped inside the binary.
pub static EMBEDDED_BASELINE: &str = include_str!("../../latest_versions.json");

/// Answers "what is the latest release of this tool?" from the caches it holds.
#[derive(Debug, Default)]
pub struct LatestSource {
    baseline: LatestVersions,
}

impl LatestSource {
    /// The embedded baseline; a broken one (caught by tests) behaves as empty.
    pub fn embedded() -> LatestSource {
        LatestSource {
            baseline: LatestVersions::parse(EMBEDDED_BASELINE).unwrap_or_default(),
        }
    }

    /// The latest release of `tool`, or why there is none.
    pub fn latest(&self, tool: &Tool) -> Result<Latest, String> {
        if tool.upstream == Upstream::None {
            return Err("no upstream source in the catalog".to_owned());
        }
        let version = self
            .baseline
            .versions
            .get(tool.name())
            .ok_or_else(|| format!("no cached release for {} (offline baseline)", tool.upstream))?;
        Ok(Latest {
            version: version.clone(),
            source: tool.upstream.to_string(),
            from: LatestFrom::Manual,
            fetched_at: self.baseline.fetched_at.get(tool.name()).cloned(),
        })
    }
}
