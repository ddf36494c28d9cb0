//! apt: Debian and Ubuntu packages. The check reads apt's own cached lists
//! (`apt list --upgradable`, no root); refreshing them is `apt-get update`,
//! which needs root. A candidate from a `-security` suite is a security update.

use crate::system::updater::{Host, LockFile, Pending, Phase, Updater, argv};

pub struct Apt;

impl Updater for Apt {
    fn id(&self) -> &'static str {
        "apt"
    }
    fn program(&self) -> &'static str {
        "apt"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["apt", "list", "--upgradable"])
    }
    /// `name/suite[,suite…] NEW ARCH [upgradable from: OLD]`.
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter(|l| l.contains("[upgradable from:"))
            .filter_map(|line| {
                let (name, rest) = line.split_once('/')?;
                let mut words = rest.split_whitespace();
                let suites = words.next()?;
                let new = words.next()?;
                let old = line
                    .rsplit_once("[upgradable from:")?
                    .1
                    .trim()
                    .trim_end_matches(']')
                    .trim();
                let mut p = Pending::new(name, Some(old), Some(new));
                p.security = suites.split(',').any(|s| s.ends_with("-security"));
                Some(p)
            })
            .collect())
    }
    fn refresh_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["apt-get", "update"]))
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&[
            "apt-get",
            "--yes",
            "--download-only",
            "dist-upgrade",
        ]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["apt-get", "--yes", "dist-upgrade"])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn writes(&self, _host: &Host) -> Vec<std::path::PathBuf> {
        vec!["/var/cache/apt/archives".into(), "/usr".into()]
    }
    fn lock_files(&self) -> Vec<LockFile> {
        [
            "/var/lib/dpkg/lock-frontend",
            "/var/lib/dpkg/lock",
            "/var/cache/apt/archives/lock",
        ]
        .iter()
        .map(|p| LockFile::Fcntl(p.into()))
        .collect()
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:apt-archives", "system:network"],
            Phase::Update => vec!["pkgmgr:dpkg"],
        }
    }
}
