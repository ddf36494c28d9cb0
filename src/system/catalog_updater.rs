//! toolup's own catalog tools: what `toolup upgrade --outdated --yes`
//! would upgrade (its own plan: pins, the breaking-change policy and tools
//! no manager can upgrade are left out), updated by that command, naming
//! those tools, through the manager that installed each.

use crate::base::host::Host;
use crate::managers::{CheckContext, Manager, Pending, Phase, Stage, Updater, argv};
use crate::settings::Settings;

/// Its id.
pub const ID: &str = "toolup";

/// The catalog updater, for the settings of this run.
pub struct Catalog {
    settings: Settings,
}

impl Catalog {
    pub fn new(settings: &Settings) -> Catalog {
        Catalog {
            settings: settings.clone(),
        }
    }
}

impl Manager for Catalog {
    fn id(&self) -> &'static str {
        ID
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Updater for Catalog {
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
    /// What `toolup upgrade --outdated` would upgrade: its very plan.
    fn check(&self, _cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let plan = crate::install::outdated(&self.settings).map_err(|e| e.to_string())?;
        Ok(plan
            .actions
            .iter()
            .map(|a| Pending::new(&a.tool, a.from_version.as_deref(), a.to_version.as_deref()))
            .collect())
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
    fn stage(&self) -> Stage {
        Stage::Last
    }
}
