//! The team's modules as an updater, where `[modules] repository` is set:
//! `system check` lists the modules a sync would install or update (it runs
//! `toolup modules sync --check-only`, which fetches into the cache and
//! changes nothing installed), and `system update` runs the sync first,
//! before every other job, so no plugin of a module runs while its module
//! is being replaced.

use serde::Deserialize;

use crate::base::host::Host;
use crate::managers::{Manager, Pending, Phase, Stage, Updater};

/// Its id, which the scheduler orders every other job after.
pub const ID: &str = "modules";

pub struct Modules {
    exe: String,
}

impl Modules {
    /// The updater, running this very toolup binary.
    pub fn new() -> Modules {
        Modules {
            exe: crate::base::paths::own_program(),
        }
    }
}

impl Default for Modules {
    fn default() -> Modules {
        Modules::new()
    }
}

#[derive(Deserialize)]
struct Report {
    modules: Vec<Line>,
}

#[derive(Deserialize)]
struct Line {
    name: String,
    installed: Option<String>,
    repository: Option<String>,
    outcome: String,
}

impl Manager for Modules {
    fn id(&self) -> &'static str {
        ID
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Updater for Modules {
    fn stage(&self) -> Stage {
        Stage::First
    }
    fn program(&self) -> &'static str {
        "git"
    }
    fn check_argv(&self) -> Vec<String> {
        [
            &self.exe,
            "modules",
            "sync",
            "--check-only",
            "--format",
            "json",
        ]
        .map(str::to_owned)
        .to_vec()
    }
    /// Exit 1: a module would be rolled back or is refused; the report is whole.
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 1
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        let report: Report = serde_json::from_str(stdout)
            .map_err(|e| format!("modules sync --check-only printed no report: {e}"))?;
        Ok(report
            .modules
            .iter()
            .filter(|m| m.outcome == "would-install" || m.outcome == "would-update")
            .map(|m| Pending::new(&m.name, m.installed.as_deref(), m.repository.as_deref()))
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        [&self.exe, "modules", "sync"].map(str::to_owned).to_vec()
    }
    fn applies(&self, host: &Host) -> bool {
        host.which("git").is_some()
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec!["toolup:modules"],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["toolup:modules", "system:network"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_reads_what_a_sync_would_install_or_update() {
        let report = r#"{"schema_version": 1, "modules": [
            {"name": "a", "installed": null, "repository": "1.0.0", "outcome": "would-install", "detail": ""},
            {"name": "b", "installed": "1.0.0", "repository": "1.1.0", "outcome": "would-update", "detail": ""},
            {"name": "c", "installed": "1.0.0", "repository": "1.0.0", "outcome": "unchanged", "detail": ""},
            {"name": "d", "installed": null, "repository": "1.0.0", "outcome": "refused", "detail": "needs toolup"}
        ]}"#;
        let pending = Modules::new().parse(report).unwrap();
        let got: Vec<(&str, Option<&str>)> = pending
            .iter()
            .map(|p| (p.name.as_str(), p.from.as_deref()))
            .collect();
        assert_eq!(got, [("a", None), ("b", Some("1.0.0"))]);
    }
}
