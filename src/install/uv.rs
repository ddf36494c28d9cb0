//! uv: `uv tool` installs Python CLIs into isolated environments.

use super::{Ecosystem, PackageManager, argv, python_spec};
use crate::model::Method;

pub struct Uv;

impl PackageManager for Uv {
    fn id(&self) -> &'static str {
        "uv"
    }
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn program(&self) -> &'static str {
        "uv"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = python_spec(package, version);
        argv(&["uv", "tool", "install", "--force", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["uv", "tool", "upgrade", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["uv", "tool", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Uv
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Venv
    }
}
