//! npm: global packages (`npm install -g`), honouring npm's own prefix.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Npm;

impl PackageManager for Npm {
    fn id(&self) -> &'static str {
        "npm"
    }
    fn install_key(&self) -> &'static str {
        "npm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Node
    }
    fn program(&self) -> &'static str {
        "npm"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = format!("{package}@{}", version.unwrap_or("latest"));
        argv(&[
            "npm",
            "install",
            "--global",
            "--no-fund",
            "--no-audit",
            &spec,
        ])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["npm", "uninstall", "--global", package])
    }
    fn retryable(&self, output: &str) -> bool {
        [
            "ETIMEDOUT",
            "ECONNRESET",
            "EAI_AGAIN",
            "ENOTFOUND",
            "network",
        ]
        .iter()
        .any(|p| output.contains(p))
    }
    fn method(&self) -> Method {
        Method::Npm
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::PackageDir
    }
}
