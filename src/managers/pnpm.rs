//! pnpm: global packages (`pnpm add -g`).
//!
//! pnpm global packages: `pnpm outdated --global --format json`, the same
//! `{name: {current, latest}}` document as npm's (exit 1 when outdated).

use super::{Ecosystem, Installer, Manager, Pending, Phase, Stage, Updater, argv, user_level};
use crate::base::environment::EnvKind;
use crate::model::Method;

pub struct Pnpm;

impl Manager for Pnpm {
    fn id(&self) -> &'static str {
        "pnpm"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Pnpm {
    fn install_key(&self) -> &'static str {
        "npm"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::Node
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        user_level(5, environment)
    }
    fn program(&self) -> &'static str {
        "pnpm"
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = format!("{package}@{}", version.unwrap_or("latest"));
        argv(&["pnpm", "add", "--global", &spec])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        self.install(package, version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["pnpm", "remove", "--global", package])
    }
    fn method(&self) -> Method {
        Method::Pnpm
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::PackageDir
    }
}

impl Updater for Pnpm {
    fn stage(&self) -> Stage {
        Stage::Toolchain
    }
    fn program(&self) -> &'static str {
        "pnpm"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["pnpm", "outdated", "--global", "--format", "json"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 1
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        super::npm::parse_outdated("pnpm", stdout)
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["pnpm", "update", "--global", "--latest"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["runtime:node", "system:network"],
            Phase::Update => vec!["runtime:node"],
        }
    }
    fn runs_after(&self) -> &'static [&'static str] {
        &["npm"]
    }
}
