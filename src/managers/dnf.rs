//! dnf: Fedora and RHEL system packages (needs root).
//!
//! dnf: Fedora and RHEL packages. `dnf check-update` exits 100 when updates
//! exist, 0 when none; its list is `name.arch  version  repo`.

use std::collections::BTreeMap;

use super::{
    Candidate, Ecosystem, Installer, LockFile, Manager, Pending, Phase, Stage, Updater, argv,
    system_level,
};
use crate::base::environment::EnvKind;
use crate::base::host::Host;
use crate::model::Method;

pub struct Dnf;

impl Manager for Dnf {
    fn id(&self) -> &'static str {
        "dnf"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

fn nevra(package: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => {
            let without_epoch = v.split_once(':').map_or(v, |(_, rest)| rest);
            format!("{package}-{without_epoch}")
        }
        None => package.to_owned(),
    }
}

impl Installer for Dnf {
    fn install_key(&self) -> &'static str {
        "dnf"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        system_level(2, environment)
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
    fn candidate_query(&self, packages: &[&str]) -> Option<Vec<String>> {
        let mut out = argv(&[
            "dnf",
            "repoquery",
            "--quiet",
            "--latest-limit",
            "1",
            "--queryformat",
            "%{name} %{evr}\\n",
        ]);
        out.extend(packages.iter().map(|p| (*p).to_owned()));
        Some(out)
    }
    /// `NAME EPOCH:VERSION-RELEASE` per line.
    fn parse_candidates(&self, output: &str) -> BTreeMap<String, Candidate> {
        output
            .lines()
            .filter_map(|l| {
                let (name, evr) = l.trim().split_once(' ')?;
                Some((
                    name.to_owned(),
                    Candidate {
                        candidate: Some(evr.trim().to_owned()),
                        installed: None,
                    },
                ))
            })
            .collect()
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

impl Updater for Dnf {
    fn stage(&self) -> Stage {
        Stage::System
    }
    fn program(&self) -> &'static str {
        "dnf"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["dnf", "check-update", "--quiet", "--cacheonly"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 100
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            // "Obsoleting Packages" and later sections are not updates.
            .take_while(|l| !l.starts_with("Obsoleting"))
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let (pkg, version, _repo) = (words.next()?, words.next()?, words.next()?);
                let name = pkg.rsplit_once('.').map_or(pkg, |(n, _)| n);
                Some(Pending::new(name, None, Some(version)))
            })
            .collect())
    }
    fn refresh_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["dnf", "makecache"]))
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["dnf", "upgrade", "--assumeyes", "--downloadonly"]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["dnf", "upgrade", "--assumeyes"])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn writes(&self, _host: &Host) -> Vec<std::path::PathBuf> {
        vec!["/var/cache/dnf".into(), "/usr".into()]
    }
    fn lock_files(&self) -> Vec<LockFile> {
        vec![LockFile::Fcntl("/var/lib/rpm/.rpm.lock".into())]
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:rpm-cache", "system:network"],
            Phase::Update => vec!["pkgmgr:rpm"],
        }
    }
}
