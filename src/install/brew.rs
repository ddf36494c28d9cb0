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
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["brew", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Homebrew
    }
}
