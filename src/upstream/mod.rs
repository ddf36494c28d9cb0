//! Upstream releases. For now the latest versions come from the committed
//! baseline `latest_versions.json` (embedded at build time, so it works
//! offline anywhere); live fetching from the registries comes next.

mod latest_versions;

pub use latest_versions::{LatestVersions, LatestVersionsError};

use std::path::Path;

use crate::catalog::{Tool, Upstream};
use crate::model::{Latest, LatestFrom};

/// The baseline shipped inside the binary.
pub static EMBEDDED_BASELINE: &str = include_str!("../../latest_versions.json");

/// Answers "what is the latest release of this tool?" from the caches it holds:
/// the user cache first (what this machine last fetched), then the baseline.
#[derive(Debug, Default)]
pub struct LatestSource {
    user: LatestVersions,
    baseline: LatestVersions,
}

impl LatestSource {
    /// The user cache at `user_cache` (if readable) over the embedded baseline.
    /// A corrupt user cache is reported and ignored: it is only a cache.
    pub fn load(user_cache: Option<&Path>) -> LatestSource {
        let user = match user_cache.map(|p| (p, std::fs::read_to_string(p))) {
            Some((path, Ok(text))) => LatestVersions::parse(&text).unwrap_or_else(|e| {
                tracing::warn!("ignoring {}", LatestVersionsError::at(path, e));
                LatestVersions::default()
            }),
            _ => LatestVersions::default(),
        };
        LatestSource {
            user,
            baseline: LatestVersions::parse(EMBEDDED_BASELINE).unwrap_or_default(),
        }
    }

    /// The latest release of `tool`, or why there is none.
    pub fn latest(&self, tool: &Tool) -> Result<Latest, String> {
        if tool.upstream == Upstream::None {
            return Err("no upstream source in the catalog".to_owned());
        }
        let name = tool.name();
        let (cache, from) = if self.user.versions.contains_key(name) {
            (&self.user, LatestFrom::Cache)
        } else {
            (&self.baseline, LatestFrom::Manual)
        };
        let version = cache
            .versions
            .get(name)
            .ok_or_else(|| format!("no cached release for {} (offline baseline)", tool.upstream))?;
        Ok(Latest {
            version: version.clone(),
            source: tool.upstream.to_string(),
            from,
            fetched_at: cache.fetched_at.get(name).cloned(),
        })
    }
}
