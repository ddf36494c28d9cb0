//! pacman: Arch packages, checked with `checkupdates` (pacman-contrib),
//! which syncs a private copy of the database and so needs no root. It
//! exits 2 when there is nothing to update; lines are `name old -> new`.

use crate::base::host::Host;
use crate::system::updater::{LockFile, Pending, Phase, Updater, argv};

pub struct Pacman;

impl Updater for Pacman {
    fn id(&self) -> &'static str {
        "pacman"
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
