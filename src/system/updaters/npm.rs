//! npm global packages: `npm outdated --global --json` (exit 1 when
//! something is outdated) maps each package to `current`, `wanted`, `latest`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Npm;

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
    fn id(&self) -> &'static str {
        "npm"
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
