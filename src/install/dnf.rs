//! dnf: Fedora and RHEL system packages (needs root).

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Dnf;

fn nevra(package: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => {
            let without_epoch = v.split_once(':').map_or(v, |(_, rest)| rest);
            format!("{package}-{without_epoch}")
        }
        None => package.to_owned(),
    }
}

impl PackageManager for Dnf {
    fn id(&self) -> &'static str {
        "dnf"
    }
    fn install_key(&self) -> &'static str {
        "dnf"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "dnf"
    }
    fn needs_sudo(&self) -> bool {
        true
    }
    /// `name-version-release` names one build exactly (the epoch is left out).
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        argv(&["dnf", "install", "--assumeyes", &nevra(package, version)])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        argv(&["dnf", "upgrade", "--assumeyes", &nevra(package, version)])
    }
    fn candidate_query(&self, package: &str) -> Option<Vec<String>> {
        Some(argv(&[
            "dnf",
            "repoquery",
            "--quiet",
            "--latest-limit",
            "1",
            "--queryformat",
            "%{evr}\\n",
            package,
        ]))
    }
    fn parse_candidate(&self, output: &str) -> Option<String> {
        output
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(str::to_owned)
    }
    fn upstream_of(&self, version: &str) -> Option<String> {
        super::distro_upstream(version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["dnf", "remove", "--assumeyes", package])
    }
    fn method(&self) -> Method {
        Method::Rpm
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}
