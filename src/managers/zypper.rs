//! zypper: openSUSE and SLES packages. `zypper --quiet list-updates` prints
//! a table `S | Repository | Name | Current Version | Available Version | Arch`.

use super::{Manager, Pending, Phase, Stage, Updater, argv};

pub struct Zypper;

impl Manager for Zypper {
    fn id(&self) -> &'static str {
        "zypper"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Updater for Zypper {
    fn stage(&self) -> Stage {
        Stage::System
    }
    fn program(&self) -> &'static str {
        "zypper"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&[
            "zypper",
            "--non-interactive",
            "--no-refresh",
            "list-updates",
        ])
    }
    fn check_ran(&self, code: i32) -> bool {
        // 100: updates available; 101: security updates available.
        matches!(code, 0 | 100 | 101)
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter(|l| l.starts_with('v') && l.contains('|'))
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let [_, _repo, name, current, available, ..] = cells.as_slice() else {
                    return None;
                };
                Some(Pending::new(name, Some(current), Some(available)))
            })
            .collect())
    }
    fn refresh_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["zypper", "--non-interactive", "refresh"]))
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&[
            "zypper",
            "--non-interactive",
            "update",
            "--download-only",
        ]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["zypper", "--non-interactive", "update"])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:zypp", "system:network"],
            Phase::Update => vec!["pkgmgr:rpm", "pkgmgr:zypp"],
        }
    }
}
