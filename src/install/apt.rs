//! apt: Debian and Ubuntu system packages (needs root).

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Apt;

impl PackageManager for Apt {
    fn id(&self) -> &'static str {
        "apt"
    }
    fn install_key(&self) -> &'static str {
        "apt"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "apt-get"
    }
    fn needs_sudo(&self) -> bool {
        true
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}={v}"));
        argv(&[
            "apt-get",
            "install",
            "--yes",
            "--no-install-recommends",
            &spec,
        ])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}={v}"));
        argv(&["apt-get", "install", "--yes", "--only-upgrade", &spec])
    }
    fn candidate_query(&self, package: &str) -> Option<Vec<String>> {
        Some(argv(&["apt-cache", "policy", package]))
    }
    /// `  Candidate: 2.14.18-1` (or `(none)`).
    fn parse_candidate(&self, output: &str) -> Option<String> {
        output
            .lines()
            .find_map(|l| l.trim().strip_prefix("Candidate:"))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "(none)")
            .map(str::to_owned)
    }
    /// `  Installed: 2.14.18-1` (or `(none)`).
    fn parse_installed(&self, output: &str) -> Option<String> {
        output
            .lines()
            .find_map(|l| l.trim().strip_prefix("Installed:"))
            .map(str::trim)
            .filter(|v| !v.is_empty() && *v != "(none)")
            .map(str::to_owned)
    }
    fn upstream_of(&self, version: &str) -> Option<String> {
        super::distro_upstream(version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["apt-get", "remove", "--yes", package])
    }
    /// dpkg's lock is held by another apt or unattended-upgrades: worth waiting for.
    fn retryable(&self, output: &str) -> bool {
        output.contains("Could not get lock") || output.contains("Temporary failure resolving")
    }
    fn method(&self) -> Method {
        Method::Apt
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}
