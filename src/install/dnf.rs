//! dnf: Fedora and RHEL system packages (needs root).

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Dnf;

impl PackageManager for Dnf {
    fn id(&self) -> &'static str {
        "dnf"
    }
    fn install_key(&self) -> &'static str {
        "dnf"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "dnf"
    }
    fn needs_sudo(&self) -> bool {
        true
    }
    fn install(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["dnf", "install", "--assumeyes", package])
    }
    fn upgrade(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["dnf", "upgrade", "--assumeyes", package])
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["dnf", "remove", "--assumeyes", package])
    }
    fn method(&self) -> Method {
        Method::Rpm
    }
}
