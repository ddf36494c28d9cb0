//! pacman: Arch Linux system packages (needs root).
//!
//! pacman: Arch packages, checked with `checkupdates` (pacman-contrib),
//! which syncs a private copy of the database and so needs no root. It
//! exits 2 when there is nothing to update; lines are `name old -> new`.

use std::collections::BTreeMap;

use super::{
    Candidate, Ecosystem, Installer, LockFile, Manager, Pending, Phase, Stage, Updater, argv,
    system_level,
};
use crate::base::environment::EnvKind;
use crate::base::host::Host;
use crate::model::Method;

pub struct Pacman;

impl Manager for Pacman {
    fn id(&self) -> &'static str {
        "pacman"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Pacman {
    fn install_key(&self) -> &'static str {
        "pacman"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        system_level(3, environment)
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
    fn candidate_query(&self, packages: &[&str]) -> Option<Vec<String>> {
        let mut out = argv(&["pacman", "--sync", "--info"]);
        out.extend(packages.iter().map(|p| (*p).to_owned()));
        Some(out)
    }
    /// One block per package: `Name            : ripgrep`, then
    /// `Version         : 14.1.1-1`.
    fn parse_candidates(&self, output: &str) -> BTreeMap<String, Candidate> {
        let mut out = BTreeMap::new();
        let mut name: Option<String> = None;
        for line in output.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            match key.trim() {
                "Name" => name = Some(value.trim().to_owned()),
                "Version" => {
                    if let Some(n) = name.take() {
                        out.insert(
                            n,
                            Candidate {
                                candidate: Some(value.trim().to_owned()),
                                installed: None,
                            },
                        );
                    }
                }
                _ => {}
            }
        }
        out
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

impl Updater for Pacman {
    fn stage(&self) -> Stage {
        Stage::System
    }
    fn program(&self) -> &'static str {
        "checkupdates"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["checkupdates"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 2
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (name, old, arrow, new) =
                    (words.next()?, words.next()?, words.next()?, words.next()?);
                // `[ignored]`: IgnorePkg in pacman.conf; -Syu leaves it alone.
                let ignored = words.next() == Some("[ignored]");
                (arrow == "->" && !ignored).then(|| Pending::new(name, Some(old), Some(new)))
            })
            .collect())
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&[
            "pacman",
            "--sync",
            "--refresh",
            "--sysupgrade",
            "--downloadonly",
            "--noconfirm",
        ]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&[
            "pacman",
            "--sync",
            "--refresh",
            "--sysupgrade",
            "--noconfirm",
        ])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn writes(&self, _host: &Host) -> Vec<std::path::PathBuf> {
        vec!["/var/cache/pacman/pkg".into(), "/usr".into()]
    }
    fn lock_files(&self) -> Vec<LockFile> {
        vec![LockFile::Exists("/var/lib/pacman/db.lck".into())]
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:pacman", "system:network"],
            Phase::Update => vec!["pkgmgr:pacman"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ignored_package_is_not_pending() {
        let pending = Pacman
            .parse("linux 6.8.9.arch1-1 -> 6.9.1.arch1-1 [ignored]\npython 3.12.3-1 -> 3.12.4-1\n")
            .unwrap();
        let names: Vec<&str> = pending.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["python"]);
    }
}
