//! Flatpak: `flatpak remote-ls --updates --columns=application,version`
//! lists the applications and runtimes with updates, one per line.

use crate::system::updater::{Pending, Phase, Updater, argv};

pub struct Flatpak;

impl Updater for Flatpak {
    fn id(&self) -> &'static str {
        "flatpak"
    }
    fn program(&self) -> &'static str {
        "flatpak"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&[
            "flatpak",
            "remote-ls",
            "--updates",
            "--columns=application,version",
        ])
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with("Application"))
            .filter_map(|line| {
                let mut cells = line.split('\t').map(str::trim);
                let name = cells.next().filter(|n| !n.is_empty())?;
                let version = cells.next().filter(|v| !v.is_empty());
                Some(Pending::new(name, None, version))
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["flatpak", "update", "--noninteractive"])
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:flatpak", "system:network"],
            Phase::Update => vec!["pkgmgr:flatpak"],
        }
    }
}
