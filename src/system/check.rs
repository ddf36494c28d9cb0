//! `toolup system check`: every applicable updater asked what is pending,
//! side by side (checks are read-only), each under a timeout that kills its
//! process group; one failing check is named and the others complete. The
//! report is saved atomically for `toolup system status`.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::updater::{CheckContext, Pending, Updater};

/// One updater's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdaterCheck {
    pub updater: String,
    pub pending: Vec<Pending>,
    /// How many of them are security updates.
    pub security: usize,
    /// Sum of the known download sizes.
    pub download_bytes: Option<u64>,
    /// How long the update may take, from history ("no history" until runs are recorded).
    pub estimate: String,
    /// Why the check failed (the others still ran).
    pub error: Option<String>,
    pub elapsed_ms: u64,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub checked_at: String,
    pub reboot_required: bool,
    pub reboot_reason: Option<String>,
    /// Updaters that do not apply here (their program is missing).
    pub not_applicable: Vec<String>,
    pub updaters: Vec<UpdaterCheck>,
}

impl CheckReport {
    pub fn pending(&self) -> usize {
        self.updaters.iter().map(|u| u.pending.len()).sum()
    }
    pub fn security(&self) -> usize {
        self.updaters.iter().map(|u| u.security).sum()
    }
    pub fn failed(&self) -> bool {
        self.updaters.iter().any(|u| u.error.is_some())
    }
}

/// Checks `updaters` (those that apply) in parallel; `estimate` says how
/// long each one's update took before (from the history store).
pub fn run(
    updaters: &[&dyn Updater],
    cx: &CheckContext<'_>,
    estimate: &(dyn Fn(&str) -> String + Sync),
) -> CheckReport {
    let (applicable, not): (Vec<&dyn Updater>, Vec<&dyn Updater>) =
        updaters.iter().partition(|u| u.applies(cx.host));
    let (reboot, updaters) = std::thread::scope(|scope| {
        let handles: Vec<_> = applicable
            .iter()
            .map(|u| scope.spawn(move || one(*u, cx, estimate)))
            .collect();
        let reboot = super::reboot::required(cx);
        let results: Vec<UpdaterCheck> = handles
            .into_iter()
            .zip(&applicable)
            .map(|(h, u)| {
                h.join().unwrap_or_else(|_| UpdaterCheck {
                    updater: u.id().to_owned(),
                    pending: Vec::new(),
                    security: 0,
                    download_bytes: None,
                    estimate: "no history".to_owned(),
                    error: Some("the check panicked".to_owned()),
                    elapsed_ms: 0,
                })
            })
            .collect();
        (reboot, results)
    });
    CheckReport {
        schema_version: 1,
        checked_at: crate::base::clock::now_rfc3339(),
        reboot_required: reboot.is_some(),
        reboot_reason: reboot,
        not_applicable: not.iter().map(|u| u.id().to_owned()).collect(),
        updaters,
    }
}

fn one(
    updater: &dyn Updater,
    cx: &CheckContext<'_>,
    estimate: &(dyn Fn(&str) -> String + Sync),
) -> UpdaterCheck {
    let started = Instant::now();
    let result = updater.check(cx);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let (pending, error) = match result {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(format!("{}: {e}", updater.id()))),
    };
    let sizes: Vec<u64> = pending.iter().filter_map(|p| p.download_bytes).collect();
    UpdaterCheck {
        updater: updater.id().to_owned(),
        security: pending.iter().filter(|p| p.security).count(),
        download_bytes: (!sizes.is_empty()).then(|| sizes.iter().sum()),
        estimate: estimate(updater.id()),
        pending,
        error,
        elapsed_ms,
    }
}

/// Saves the report atomically.
pub fn save(path: &Path, report: &CheckReport) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::state::write_atomic(path, text.as_bytes())
}

/// The last saved report.
pub fn load(path: &Path) -> Result<CheckReport, String> {
    let bytes = crate::state::read_bounded(path, 64 * 1024 * 1024).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no system check yet ({}): run `toolup system check`",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{} is corrupt ({e}): run `toolup system check` to make a new one",
            path.display()
        )
    })
}
