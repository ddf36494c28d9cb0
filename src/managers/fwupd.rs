//! Firmware through fwupd: `fwupdmgr get-updates --json` (exit 2 when there
//! is nothing to do). Check-only: `system update` flashes firmware only
//! when the user names fwupd (`--only fwupd`, or `[system] enable`).

use serde::Deserialize;

use super::{Manager, Pending, Phase, Updater, argv};

pub struct Fwupd;

impl Manager for Fwupd {
    fn id(&self) -> &'static str {
        "fwupd"
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

#[derive(Deserialize)]
struct Updates {
    #[serde(rename = "Devices", default)]
    devices: Vec<Device>,
}

#[derive(Deserialize)]
struct Device {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Version")]
    version: Option<String>,
    #[serde(rename = "Releases", default)]
    releases: Vec<Release>,
}

#[derive(Deserialize)]
struct Release {
    #[serde(rename = "Version")]
    version: Option<String>,
    #[serde(rename = "Size")]
    size: Option<u64>,
}

impl Updater for Fwupd {
    fn program(&self) -> &'static str {
        "fwupdmgr"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["fwupdmgr", "get-updates", "--json", "--no-unreported-check"])
    }
    fn check_ran(&self, code: i32) -> bool {
        code == 0 || code == 2
    }
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        if stdout.trim().is_empty() {
            return Ok(Vec::new());
        }
        let doc: Updates = serde_json::from_str(stdout).map_err(|e| format!("fwupdmgr: {e}"))?;
        Ok(doc
            .devices
            .iter()
            .filter_map(|d| {
                let release = d.releases.first()?;
                let mut p = Pending::new(&d.name, d.version.as_deref(), release.version.as_deref());
                p.download_bytes = release.size;
                Some(p)
            })
            .collect())
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["fwupdmgr", "update", "--assume-yes", "--no-reboot-check"])
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn opt_in(&self) -> Option<&'static str> {
        Some("firmware is only checked")
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["system:network"],
            Phase::Update => vec!["system:firmware"],
        }
    }
}
