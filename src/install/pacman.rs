//! pacman: Arch Linux system packages (needs root).

use super::{Ecosystem, PackageManager, argv};
use crate::model::Method;

pub struct Pacman;

impl PackageManager for Pacman {
    fn id(&self) -> &'static str {
        "pacman"
    }
    fn install_key(&self) -> &'static str {
        "pacman"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn program(&self) -> &'static str {
        "pacman"
    }
    fn needs_sudo(&self) -> bool {
        true
    }
    fn install(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["pacman", "--sync", "--needed", "--noconfirm", package])
    }
    fn upgrade(&self, package: &str, _version: Option<&str>) -> Vec<String> {
        argv(&["pacman", "--sync", "--noconfirm", package])
    }
    fn pins_versions(&self) -> bool {
        false
    }
    fn candidate_query(&self, package: &str) -> Option<Vec<String>> {
        Some(argv(&["pacman", "--sync", "--info", package]))
    }
    /// `Version         : 1.2.3-1`.
    fn parse_candidate(&self, output: &str) -> Option<String> {
        output.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.trim() == "Version").then(|| value.trim().to_owned())
        })
    }
    fn upstream_of(&self, version: &str) -> Option<String> {
        super::distro_upstream(version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["pacman", "--remove", "--noconfirm", package])
    }
    fn retryable(&self, output: &str) -> bool {
        output.contains("unable to lock database")
    }
    fn method(&self) -> Method {
        Method::Pacman
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}
