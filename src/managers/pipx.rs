//! pipx: Python CLIs in isolated virtual environments.
//!
//! pipx: `pipx list --json` names each venv's main package and version;
//! PyPI (through toolup's upstream layer) says the latest.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    CheckContext, Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, python_spec,
    user_level,
};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Pipx;

impl Manager for Pipx {
    fn id(&self) -> &'static str {
        "pipx"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Pipx {
    fn install_key(&self) -> &'static str {
        "pypi"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Python
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(2, environment)
    }
    fn program(&self) -> &'static str {
        "pipx"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = python_spec(package, version);
        argv(&["pipx", "install", "--force", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        match version {
            Some(_) => self.install(package, version),
            None => argv(&["pipx", "upgrade", package]),
        }
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["pipx", "uninstall", package])
    }
    fn method(&self) -> Method {
        Method::Pipx
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Venv
    }
}

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
pub(super) fn installed(stdout: &str) -> Result<Vec<(String, String)>, String> {
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
    fn stage(&self) -> Stage {
        Stage::Toolchain
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
