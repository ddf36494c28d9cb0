//! pip: `python3 -m pip install --user`, the last resort for Python CLIs.

use super::{Ecosystem, PackageManager, argv};
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
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}=={v}"));
        argv(&[
            "python3",
            "-m",
            "pip",
            "install",
            "--user",
            "--disable-pip-version-check",
            &spec,
        ])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}=={v}"));
        argv(&[
            "python3",
            "-m",
            "pip",
            "install",
            "--user",
            "--upgrade",
            "--disable-pip-version-check",
            &spec,
        ])
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["python3", "-m", "pip", "uninstall", "--yes", package])
    }
    fn method(&self) -> Method {
        Method::Pip
    }
}
