//! Homebrew (macOS and Linuxbrew): user-owned, no sudo.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Brew;

impl PackageManager for Brew {
    fn id(&self) -> &'static str {
        "brew"
    }
    fn install_key(&self) -> &'static str {
        "brew"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "brew"
    }
    fn install(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["brew", "install", package])
    }
    fn upgrade(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["brew", "upgrade", package])
    }
    fn pins_versions(&self) -> bool {
        false
    }
    fn candidate_query(&self, package: &str) -> Option<Vec<String>> {
        Some(argv(&["brew", "info", "--json=v2", package]))
    }
    /// `formulae[0].versions.stable`, or a cask's `version`.
    fn parse_candidate(&self, output: &str) -> Option<String> {
        let doc: serde_json::Value = serde_json::from_str(output).ok()?;
        let formula = doc["formulae"][0]["versions"]["stable"].as_str();
        let cask = doc["casks"][0]["version"].as_str();
        formula.or(cask).map(str::to_owned)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["brew", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Homebrew
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}
