//! pip: `python3 -m pip install --user`, the last resort for Python CLIs.

use super::{Ecosystem, Installer, Manager, argv, python_spec, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Pip;

impl Manager for Pip {
    fn id(&self) -> &'static str {
        "pip"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
}

impl Installer for Pip {
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(3, environment)
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
