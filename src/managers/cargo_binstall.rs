//! cargo-binstall: prebuilt binaries for crates when present (much faster
//! than `cargo install`), recorded in cargo's own `.crates2.json`.

use super::{Ecosystem, Installer, Manager, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct CargoBinstall;

impl Manager for CargoBinstall {
    fn id(&self) -> &'static str {
        "cargo-binstall"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
}

impl Installer for CargoBinstall {
    fn install_key(&self) -> &'static str {
        "cargo"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(6, environment)
    }
    fn program(&self) -> &'static str {
        "cargo-binstall"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}@{v}"));
        argv(&["cargo-binstall", "--no-confirm", "--locked", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["cargo", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Cargo
    }
}
