//! The merged result of a fleet run: one row per host, worst first, and
//! the totals (requested, contacted, ok, failed, unreachable, skipped), as
//! Ansible's recap counts them — unreachable is not failed.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where a host stands in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HostState {
    /// Could not be connected to (after its tries).
    Unreachable,
    /// Connected, and something failed (or the host refused the run).
    Failed,
    /// The run was cut short: Ctrl-C, or the connection dropped.
    Interrupted,
    /// Its own toolup was already updating.
    Busy,
    /// Not started: approval, or toolup was interrupted first.
    Skipped,
    /// Waiting for a fork.
    Pending,
    /// Running now.
    Running,
    Ok,
}

impl HostState {
    pub fn id(self) -> &'static str {
        match self {
            HostState::Unreachable => "unreachable",
            HostState::Failed => "failed",
            HostState::Interrupted => "interrupted",
            HostState::Busy => "busy",
            HostState::Skipped => "skipped",
            HostState::Pending => "pending",
            HostState::Running => "running",
            HostState::Ok => "ok",
        }
    }

    /// Counts against the exit status.
    pub fn is_bad(self) -> bool {
        matches!(
            self,
            HostState::Unreachable | HostState::Failed | HostState::Interrupted | HostState::Busy
        )
    }
}

/// How one updater ended on a host (an update run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdaterOutcome {
    pub updater: String,
    pub outcome: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One host's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostResult {
    pub host: String,
    pub state: HostState,
    /// Why, for anything but ok (and notes for ok: "nothing pending").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whether a connection was made.
    pub reachable: bool,
    /// Pending updates, when a check said (the update's own check, for an update).
    #[serde(default)]
    pub pending: Option<usize>,
    #[serde(default)]
    pub security: Option<usize>,
    #[serde(default)]
    pub reboot_required: Option<bool>,
    /// An update's updaters, as they ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updaters: Vec<UpdaterOutcome>,
    /// The host's own run id (its journal, for `--resume`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_run: Option<String>,
    /// The toolup that ran there (`toolup 0.2.0 at PATH`, or pushed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolup: Option<String>,
    #[serde(default)]
    pub started_at: Option<String>,
    pub duration_ms: u64,
    /// Connection tries made.
    pub tries: u32,
    /// Everything the host said: `state/fleet/RUN/HOST.log`.
    pub log: PathBuf,
}

impl HostResult {
    /// A host not started yet.
    pub fn pending(host: &str, log: PathBuf) -> HostResult {
        HostResult {
            host: host.to_owned(),
            state: HostState::Pending,
            reason: None,
            reachable: false,
            pending: None,
            security: None,
            reboot_required: None,
            updaters: Vec::new(),
            remote_run: None,
            toolup: None,
            started_at: None,
            duration_ms: 0,
            tries: 0,
            log,
        }
    }

    /// Orders worst first: state, then security and pending, then name.
    fn rank(
        &self,
    ) -> (
        HostState,
        std::cmp::Reverse<usize>,
        std::cmp::Reverse<usize>,
        String,
    ) {
        (
            self.state,
            std::cmp::Reverse(self.security.unwrap_or(0)),
            std::cmp::Reverse(self.pending.unwrap_or(0)),
            self.host.clone(),
        )
    }
}

/// Counts over the hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub requested: usize,
    pub contacted: usize,
    pub ok: usize,
    pub failed: usize,
    pub unreachable: usize,
    pub skipped: usize,
    pub interrupted: usize,
    pub busy: usize,
}

/// A run's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetReport {
    pub schema_version: u32,
    pub run_id: String,
    /// `check`, `update`, `audit`.
    pub command: String,
    pub dry_run: bool,
    pub hosts: Vec<HostResult>,
    pub totals: Totals,
}

impl FleetReport {
    /// The report of `hosts`, sorted worst first, with its totals.
    pub fn new(
        run_id: &str,
        command: &str,
        dry_run: bool,
        mut hosts: Vec<HostResult>,
    ) -> FleetReport {
        hosts.sort_by_key(HostResult::rank);
        let count = |s: HostState| hosts.iter().filter(|h| h.state == s).count();
        let totals = Totals {
            requested: hosts.len(),
            contacted: hosts.iter().filter(|h| h.reachable).count(),
            ok: count(HostState::Ok),
            failed: count(HostState::Failed),
            unreachable: count(HostState::Unreachable),
            skipped: count(HostState::Skipped) + count(HostState::Pending),
            interrupted: count(HostState::Interrupted),
            busy: count(HostState::Busy),
        };
        FleetReport {
            schema_version: 1,
            run_id: run_id.to_owned(),
            command: command.to_owned(),
            dry_run,
            hosts,
            totals,
        }
    }

    /// Exit status 1: any host failed, was unreachable, busy or interrupted.
    pub fn any_bad(&self) -> bool {
        self.hosts.iter().any(|h| h.state.is_bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(host: &str, state: HostState, security: usize) -> HostResult {
        HostResult {
            state,
            security: Some(security),
            reachable: state != HostState::Unreachable,
            ..HostResult::pending(host, PathBuf::new())
        }
    }

    #[test]
    fn worst_first_and_unreachable_is_not_failed() {
        let report = FleetReport::new(
            "r",
            "check",
            false,
            vec![
                row("a", HostState::Ok, 0),
                row("b", HostState::Ok, 3),
                row("c", HostState::Unreachable, 0),
                row("d", HostState::Failed, 0),
            ],
        );
        let order: Vec<&str> = report.hosts.iter().map(|h| h.host.as_str()).collect();
        assert_eq!(order, ["c", "d", "b", "a"]);
        assert_eq!(report.totals.unreachable, 1);
        assert_eq!(report.totals.failed, 1);
        assert_eq!(report.totals.contacted, 3);
        assert!(report.any_bad());
    }
}
