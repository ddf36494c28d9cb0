//! pip: `python3 -m pip install --user`, the last resort for Python CLIs.

use super::{Ecosystem, PackageManager, argv, python_spec};
use crate::model::Method;

pub struct Pip;

impl PackageManager for Pip {
    fn id(&self) -> &'static str {
        "pip"
    }
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn program(&self) -> &'static str {
        "python3"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        pip_install(&[], &python_spec(package, version))
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        pip_install(&["--upgrade"], &python_spec(package, version))
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["python3", "-m", "pip", "uninstall", "--yes", package])
    }
    fn method(&self) -> Method {
        Method::Pip
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Reinstall
    }
}

fn pip_install(extra: &[&str], spec: &str) -> Vec<String> {
    let mut args = argv(&["python3", "-m", "pip", "install", "--user"]);
    args.extend(argv(extra));
    args.extend(argv(&["--disable-pip-version-check", spec]));
    args
}
