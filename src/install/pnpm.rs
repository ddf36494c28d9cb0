//! pnpm: global packages (`pnpm add -g`).

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Pnpm;

impl PackageManager for Pnpm {
    fn id(&self) -> &'static str {
        "pnpm"
    }
    fn install_key(&self) -> &'static str {
        "npm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Node
    }
    fn program(&self) -> &'static str {
        "pnpm"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = format!("{package}@{}", version.unwrap_or("latest"));
        argv(&["pnpm", "add", "--global", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["pnpm", "remove", "--global", package])
    }
    fn method(&self) -> Method {
        Method::Pnpm
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::PackageDir
    }
}
