//! pipx: Python CLIs in isolated virtual environments.

use super::{Ecosystem, PackageManager, argv, python_spec};
use crate::model::Method;

pub struct Pipx;

impl PackageManager for Pipx {
    fn id(&self) -> &'static str {
        "pipx"
    }
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn program(&self) -> &'static str {
        "pipx"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = python_spec(package, version);
        argv(&["pipx", "install", "--force", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["pipx", "upgrade", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["pipx", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Pipx
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Venv
    }
}
