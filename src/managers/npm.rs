//! npm: global packages (`npm install -g`), honouring npm's own prefix.
//!
//! npm global packages: `npm outdated --global --json` (exit 1 when
//! something is outdated) maps each package to `current`, `wanted`, `latest`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Npm;

impl Manager for Npm {
    fn id(&self) -> &'static str {
        "npm"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Npm {
    fn install_key(&self) -> &'static str {
        "npm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Node
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(4, environment)
    }
    fn program(&self) -> &'static str {
        "npm"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = format!("{package}@{}", version.unwrap_or("latest"));
        argv(&[
            "npm",
            "install",
            "--global",
            "--no-fund",
            "--no-audit",
            &spec,
        ])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["npm", "uninstall", "--global", package])
    }
    fn retryable(&self, output: &str) -> bool {
        [
            "ETIMEDOUT",
            "ECONNRESET",
            "EAI_AGAIN",
            "ENOTFOUND",
            "network",
        ]
        .iter()
        .any(|p| output.contains(p))
    }
    fn method(&self) -> Method {
        Method::Npm
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::PackageDir
    }
}

#[derive(Deserialize)]
pub(super) struct Entry {
    current: Option<String>,
    latest: Option<String>,
}

/// The `{name: {current, latest}}` document npm and pnpm print.
pub(super) fn parse_outdated(tool: &str, stdout: &str) -> Result<Vec<Pending>, String> {
    if stdout.trim().is_empty() {
        return Ok(Vec::new());
    }
    let doc: BTreeMap<String, Entry> =
        serde_json::from_str(stdout).map_err(|e| format!("{tool} outdated: {e}"))?;
    Ok(doc
        .iter()
        .filter(|(_, e)| e.latest.is_some() && e.current != e.latest)
        .map(|(name, e)| Pending::new(name, e.current.as_deref(), e.latest.as_deref()))
        .collect())
}

impl Updater for Npm {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "npm"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["npm", "outdated", "--global", "--json"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 1
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        parse_outdated("npm", stdout)
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["npm", "update", "--global"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:node", "system:network"],
            Phase::Update => vec!["runtime:node"],
        }
    }
}
