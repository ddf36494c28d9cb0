//! cargo: `cargo install --locked` builds from source into `~/.cargo/bin`.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Cargo;

impl PackageManager for Cargo {
    fn id(&self) -> &'static str {
        "cargo"
    }
    fn install_key(&self) -> &'static str {
        "cargo"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
    }
    fn program(&self) -> &'static str {
        "cargo"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let mut args = argv(&["cargo", "install", "--locked", package]);
        if let Some(v) = version {
            args.extend(argv(&["--version", v]));
        }
        args
    }
    /// `cargo install` replaces an older install of the same crate.
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["cargo", "uninstall", package])
    }
    fn retryable(&self, output: &str) -> bool {
        output.contains("Blocking waiting for file lock")
            || output.contains("spurious network error")
    }
    fn method(&self) -> Method {
        Method::Cargo
    }
}
