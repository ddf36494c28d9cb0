//! pipx: `pipx list --json` names each venv's main package and version;
//! PyPI (through toolup's upstream layer) says the latest.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::system::updater::{CheckContext, Pending, Phase, Updater, argv};

pub struct Pipx;

#[derive(Deserialize)]
struct List {
    #[serde(default)]
    venvs: BTreeMap<String, Venv>,
}

#[derive(Deserialize)]
struct Venv {
    metadata: Metadata,
}

#[derive(Deserialize)]
struct Metadata {
    main_package: Package,
}

#[derive(Deserialize)]
struct Package {
    package: String,
    package_version: String,
}

/// `(package, version)` per venv.
pub(crate) fn installed(stdout: &str) -> Result<Vec<(String, String)>, String> {
    let doc: List = serde_json::from_str(stdout).map_err(|e| format!("pipx list: {e}"))?;
    Ok(doc
        .venvs
        .into_values()
        .map(|v| {
            (
                v.metadata.main_package.package,
                v.metadata.main_package.package_version,
            )
        })
        .collect())
}

impl Updater for Pipx {
    fn id(&self) -> &'static str {
        "pipx"
    }
    fn program(&self) -> &'static str {
        "pipx"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["pipx", "list", "--json"])
    }
    fn parse(&self, _stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(Vec::new())
    }
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        super::registry::check_against(cx, &self.check_argv(), "pypi", installed)
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["pipx", "upgrade-all"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["runtime:python-tools"],
        }
    }
}
