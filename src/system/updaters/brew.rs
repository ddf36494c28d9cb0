//! Homebrew: `brew outdated --json=v2` lists formulae and casks with their
//! installed and current versions. A pinned formula (`brew pin`) is listed
//! too, but `brew upgrade` leaves it alone, so it is not pending.

use serde::Deserialize;

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Brew;

#[derive(Deserialize)]
struct Outdated {
    #[serde(default)]
    formulae: Vec<Item>,
    #[serde(default)]
    casks: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    name: String,
    #[serde(default)]
    installed_versions: Vec<String>,
    current_version: Option<String>,
    #[serde(default)]
    pinned: bool,
}

impl Updater for Brew {
    fn id(&self) -> &'static str {
        "brew"
    }
    fn program(&self) -> &'static str {
        "brew"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["brew", "outdated", "--json=v2"])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        let doc: Outdated =
            serde_json::from_str(stdout).map_err(|e| format!("brew outdated: {e}"))?;
        Ok(doc
            .formulae
            .iter()
            .chain(&doc.casks)
            .filter(|i| !i.pinned)
            .map(|i| {
                Pending::new(
                    &i.name,
                    i.installed_versions.last().map(String::as_str),
                    i.current_version.as_deref(),
                )
            })
            .collect())
    }
    fn refresh_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["brew", "update"]))
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["brew", "fetch", "--deps", "--outdated"]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["brew", "upgrade"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:brew", "system:network"],
            Phase::Update => vec!["pkgmgr:brew"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_formula_is_not_pending() {
        let pending = Brew
            .parse(r#"{"formulae":[{"name":"jq","installed_versions":["1.6"],"current_version":"1.7.1","pinned":false},{"name":"node","installed_versions":["20.1.0"],"current_version":"22.0.0","pinned":true,"pinned_version":"20.1.0"}],"casks":[]}"#)
            .unwrap();
        let names: Vec<&str> = pending.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["jq"]);
    }
}
