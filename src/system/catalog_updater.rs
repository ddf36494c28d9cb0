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
    /// What the last check held back, and why.
    held: std::sync::Mutex<Vec<String>>,
}

impl Catalog {
    pub fn new(settings: &Settings) -> Catalog {
        Catalog {
            settings: settings.clone(),
            held: std::sync::Mutex::new(Vec::new()),
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
    /// What `toolup upgrade --outdated` would upgrade — its very plan —
    /// less the tools another updater here owns (apt's, npm's, rustup's …:
    /// each package is listed and updated once, by its owner). The majors
    /// the plan holds back are said, with how to take them.
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        // Its update runs this binary by its path, as text.
        if let Ok(me) = std::env::current_exe() {
            crate::base::paths::as_text(&me)?;
        }
        let owned = |method: crate::model::Method| {
            crate::managers::for_method(method)
                .and_then(|m| crate::managers::updater(m.id()))
                .is_some_and(|u| u.applies(cx.host))
        };
        let plan = crate::install::outdated(&self.settings, &owned).map_err(|e| e.to_string())?;
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = plan
            .skipped
            .iter()
            .filter(|s| s.reason.starts_with("major upgrade"))
            .map(|s| format!("{}: {}", s.tool, s.reason))
            .collect();
        Ok(plan
            .actions
            .iter()
            .map(|a| Pending::new(&a.tool, a.from_version.as_deref(), a.to_version.as_deref()))
            .collect())
    }
    fn held_back(&self) -> Vec<String> {
        self.held.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// `toolup upgrade --outdated --yes`, with `--allow-major` when the
    /// update was given it: `--yes` answers "run these?", never "take this
    /// major?".
    fn update_argv(&self) -> Vec<String> {
        let me = crate::base::paths::own_program();
        let mut argv = vec![me, "upgrade".into(), "--outdated".into(), "--yes".into()];
        if self.settings.allow_major {
            argv.push("--allow-major".into());
        }
        argv
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
