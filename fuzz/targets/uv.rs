//! `uv tool list --show-version-specifiers` (what the uv check reads):
//! each tool's name, version (without uv's `v`) and the specifier it was
//! installed with, which the check keeps to.

use toolup::managers::readers::uv_installed;
use toolup::managers::specifier::allows;

pub fn run(data: &[u8]) {
    let tools = uv_installed(&super::text(data));
    for (name, version, spec) in &tools {
        assert!(!name.is_empty() && !name.contains(char::is_whitespace), "{name:?}");
        assert!(!version.contains(char::is_whitespace), "{version:?}");
        if let Some(spec) = spec {
            assert!(!spec.is_empty());
            let _ = allows(spec, version);
        }
    }
    let pairs: Vec<(String, String)> =
        tools.into_iter().map(|(name, version, _)| (name, version)).collect();
    super::registry_checked("uv", &pairs);
}
