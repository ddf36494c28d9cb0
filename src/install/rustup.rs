//! rustup: toolchain components (rustfmt, clippy, rust-analyzer) and updates.

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Rustup;

impl PackageManager for Rustup {
    fn id(&self) -> &'static str {
        "rustup"
    }
    fn install_key(&self) -> &'static str {
        "rustup"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
    }
    fn program(&self) -> &'static str {
        "rustup"
    }
    fn install(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        match package {
            "rustc" | "cargo" => argv(&[
                "rustup",
                "toolchain",
                "install",
                "stable",
                "--profile",
                "minimal",
            ]),
            component => argv(&["rustup", "component", "add", component]),
        }
    }
    /// Components move with their toolchain.
    fn upgrade(&self, _package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["rustup", "update", "stable"])
    }
    /// rustup installs a channel (stable), not a version: pinning one would
    /// take the user off the channel.
    fn pins_versions(&self) -> bool {
        false
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["rustup", "component", "remove", package])
    }
    fn method(&self) -> Method {
        Method::Rustup
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}
