//! toolup's own catalog tools: what `toolup upgrade --outdated --yes`
//! would upgrade (its own plan: pins, the breaking-change policy and tools
//! no manager can upgrade are left out), updated by that command, naming
//! those tools, through the manager that installed each.

use crate::base::host::Host;
use crate::system::updater::{CheckContext, Pending, Phase, Updater, argv};

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
    /// `toolup upgrade --outdated --yes TOOL…`: the tools the check found,
    /// and no other.
    fn update_argv_for(&self, pending: &[Pending]) -> Option<Vec<String>> {
        let mut out = self.update_argv();
        out.extend(
            pending
                .iter()
                .filter(|p| crate::base::names::is_valid_name(&p.name))
                .map(|p| p.name.clone()),
        );
        Some(out)
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
