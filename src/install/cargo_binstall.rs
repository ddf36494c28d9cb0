//! cargo-binstall: prebuilt binaries for crates when present (much faster
//! than `cargo install`), recorded in cargo's own `.crates2.json`.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct CargoBinstall;

impl PackageManager for CargoBinstall {
    fn id(&self) -> &'static str {
        "cargo-binstall"
    }
    fn install_key(&self) -> &'static str {
        "cargo"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
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
