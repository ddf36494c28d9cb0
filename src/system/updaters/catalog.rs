//! toolup's own catalog tools: the audit's outdated list, updated by
//! `toolup upgrade --outdated` through the manager that installed each.

use crate::system::updater::{CheckContext, Host, Pending, Phase, Updater, argv};

pub struct Catalog;

impl Updater for Catalog {
    fn id(&self) -> &'static str {
        "toolup"
    }
    fn program(&self) -> &'static str {
        "toolup"
    }
    fn applies(&self, _host: &Host) -> bool {
        true
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["toolup", "audit", "--status", "outdated"])
    }
    fn parse(&self, _stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(Vec::new())
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        (cx.catalog)()
    }
    fn update_argv(&self) -> Vec<String> {
        let me = std::env::current_exe()
            .map_or_else(|_| "toolup".to_owned(), |p| p.display().to_string());
        vec![me, "upgrade".into(), "--outdated".into(), "--yes".into()]
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["toolup:catalog"],
        }
    }
    /// The package managers it upgrades through update themselves first.
    fn runs_after(&self) -> &'static [&'static str] {
        &[
            "apt", "dnf", "pacman", "brew", "rustup", "npm", "pipx", "uv", "cargo",
        ]
    }
}
