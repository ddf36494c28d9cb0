//! Homebrew (macOS and Linuxbrew): user-owned, no sudo.
//!
//! Homebrew: `brew outdated --json=v2` lists formulae and casks with their
//! installed and current versions. A pinned formula (`brew pin`) is listed
//! too, but `brew upgrade` leaves it alone, so it is not pending.

use serde::Deserialize;

use std::collections::BTreeMap;

use super::{
    Candidate, Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level,
};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Brew;

impl Manager for Brew {
    fn id(&self) -> &'static str {
        "brew"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Brew {
    fn install_key(&self) -> &'static str {
        "brew"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(11, environment)
    }
    fn program(&self) -> &'static str {
        "brew"
    }
    fn install(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["brew", "install", package])
    }
    fn upgrade(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["brew", "upgrade", package])
    }
    fn pins_versions(&self) -> bool {
        false
    }
    fn candidate_query(&self, packages: &[&str]) -> Option<Vec<String>> {
        let mut out = argv(&["brew", "info", "--json=v2"]);
        out.extend(packages.iter().map(|p| (*p).to_owned()));
        Some(out)
    }
    /// Each formula's `versions.stable` by `name`, each cask's `version`
    /// by `token`.
    fn parse_candidates(&self, output: &str) -> BTreeMap<String, Candidate> {
        let Ok(doc) = serde_json::from_str::<serde_json::Value>(output) else {
            return BTreeMap::new();
        };
        let answer = |name: &serde_json::Value, version: &serde_json::Value| {
            Some((
                name.as_str()?.to_owned(),
                Candidate {
                    candidate: version.as_str().map(str::to_owned),
                    installed: None,
                },
            ))
        };
        let formulae = doc["formulae"].as_array().into_iter().flatten();
        let casks = doc["casks"].as_array().into_iter().flatten();
        formulae
            .filter_map(|f| answer(&f["name"], &f["versions"]["stable"]))
            .chain(casks.filter_map(|c| answer(&c["token"], &c["version"])))
            .collect()
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["brew", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Homebrew
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}

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
    fn stage(&self) -> Stage {
        Stage::System
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
    fn a_name_with_a_line_break_is_refused_as_every_check_is_read() {
        // tests/fuzz_regressions/brew/a-name-with-a-line-break
        let read = Brew.parse(r#"{"formulae":[{"name":"\n"}]}"#);
        assert_eq!(
            read.and_then(crate::managers::one_line_each),
            Err(r#"a package name holds a control character: "\n""#.to_owned())
        );
        let read = Brew.parse(r#"{"formulae":[{"name":""}]}"#);
        assert_eq!(
            read.and_then(crate::managers::one_line_each),
            Err("a pending update without a package name".to_owned())
        );
    }

    #[test]
    fn a_pinned_formula_is_not_pending() {
        let pending = Brew
            .parse(r#"{"formulae":[{"name":"jq","installed_versions":["1.6"],"current_version":"1.7.1","pinned":false},{"name":"node","installed_versions":["20.1.0"],"current_version":"22.0.0","pinned":true,"pinned_version":"20.1.0"}],"casks":[]}"#)
            .unwrap();
        let names: Vec<&str> = pending.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["jq"]);
    }
}
