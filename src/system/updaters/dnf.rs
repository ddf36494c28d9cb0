//! dnf: Fedora and RHEL packages. `dnf check-update` exits 100 when updates
//! exist, 0 when none; its list is `name.arch  version  repo`.

use crate::base::host::Host;
use crate::system::updater::{LockFile, Pending, Phase, Updater, argv};

pub struct Dnf;

impl Updater for Dnf {
    fn id(&self) -> &'static str {
        "dnf"
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
