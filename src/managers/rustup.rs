//! rustup: toolchain components (rustfmt, clippy, rust-analyzer) and updates.
//!
//! rustup: `rustup check` (exit 100 when an update is available) prints one
//! line per toolchain: `stable-x86_64-unknown-linux-gnu - update available:
//! 1.95.0 (…) -> 1.99.1 (…)` or `… - Up to date : 1.95.0 (…)`.

use super::{Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Rustup;

impl Manager for Rustup {
    fn id(&self) -> &'static str {
        "rustup"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Rustup {
    fn install_key(&self) -> &'static str {
        "rustup"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Rust
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(8, environment)
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

impl Updater for Rustup {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "rustup"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["rustup", "check"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 100
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter_map(|line| {
                let (name, rest) = line.split_once(" - update available: ")?;
                let (from, to) = rest.split_once(" -> ")?;
                let first = |s: &str| s.split_whitespace().next().map(str::to_owned);
                Some(Pending {
                    name: name.trim().to_owned(),
                    from: first(from),
                    to: first(to),
                    security: false,
                    download_bytes: None,
                })
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["rustup", "update"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:rust", "system:network"],
            Phase::Update => vec!["runtime:rust"],
        }
    }
}
