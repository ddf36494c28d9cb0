//! A `--scheduled` run of `system update` or `system check`: nobody is
//! there, so nothing is asked. A question that needs an answer becomes a
//! skip with its reason — outside a maintenance window the whole run
//! (`skipped: outside maintenance`), an updater that needs root where
//! `sudo -n` wants a password that updater. At the end the run's summary
//! is recorded in the history store (what `schedule status` reads), said
//! on one line, and sent: a desktop notification and `[notify] webhook`.

use std::sync::{Mutex, OnceLock};

use serde::Serialize;

use crate::base::env_vars;
use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::model::Verdict;
use crate::runner::journal::RunJournal;
use crate::runner::{Job, JobResult, Outcome as JobOutcome};
use crate::settings::Settings;
use crate::system::CheckReport;

/// One updater's end in a scheduled update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobSummary {
    pub updater: String,
    /// `ok`, `failed`, `skipped`, `interrupted`.
    pub outcome: String,
    pub reason: Option<String>,
}

/// What a scheduled check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingSummary {
    pub updaters: usize,
    pub packages: usize,
    pub security: usize,
    pub reboot_required: bool,
}

/// A scheduled run's summary: what is recorded, printed and POSTed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub schema_version: u32,
    /// The schedule's name; null for a `--scheduled` run started by hand.
    pub schedule: Option<String>,
    /// `system update` or `system check`.
    pub command: String,
    pub host: String,
    pub started_at: String,
    pub finished_at: String,
    /// Updates: `ok`, `up-to-date`, `skipped`, `failed`, `interrupted`.
    /// Checks: `pending`, `up-to-date`, `failed`.
    pub outcome: String,
    pub reason: Option<String>,
    /// The exit status the run ends with.
    pub exit_code: i32,
    /// The update's run (`system history --timeline RUN`).
    pub run_id: Option<String>,
    /// Updates: each updater's end.
    pub jobs: Vec<JobSummary>,
    /// Checks: what is pending.
    pub pending: Option<PendingSummary>,
}

/// A scheduled run under way.
pub struct ScheduledRun {
    schedule: Option<String>,
    command: &'static str,
    started_at: String,
    skipped: Mutex<Option<String>>,
    finished: Mutex<Option<(String, Vec<JobSummary>)>>,
    sudo_works: OnceLock<bool>,
}

impl ScheduledRun {
    /// A scheduled run of `command` starts, under the schedule the unit
    /// names (`TOOLUP_SCHEDULE`).
    pub fn begin(command: &'static str) -> ScheduledRun {
        ScheduledRun {
            schedule: std::env::var(env_vars::TOOLUP_SCHEDULE)
                .ok()
                .filter(|n| super::valid_name(n).is_ok()),
            command,
            started_at: crate::base::clock::now_rfc3339(),
            skipped: Mutex::new(None),
            finished: Mutex::new(None),
            sudo_works: OnceLock::new(),
        }
    }

    /// Approval is required and it is outside every maintenance window:
    /// the run is skipped, nothing touched.
    pub fn outside_window(&self, settings: &Settings) {
        let why = match crate::config::window::listed(&settings.config.maintenance) {
            None => {
                "outside maintenance (approval is required and no window is configured)".to_owned()
            }
            Some(windows) => format!("outside maintenance (windows: {windows})"),
        };
        *self.skipped.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
    }

    /// Why `job` cannot run unattended, if it cannot: it needs root, and
    /// `sudo -n` would want a password nobody is there to type.
    pub fn unanswered(&self, job: &Job) -> Option<String> {
        let [sudo, n] = crate::base::privilege::SUDO;
        let behind_sudo = job
            .steps
            .iter()
            .any(|s| s.argv.len() > 2 && s.argv[0] == sudo && s.argv[1] == n);
        if !behind_sudo
            || *self
                .sudo_works
                .get_or_init(|| crate::system::validate::sudo_works(&Host::current()))
        {
            return None;
        }
        Some(if Host::current().which(sudo).is_none() {
            "needs root, and there is no sudo: a scheduled run of it must run as root \
             (a system schedule)"
                .to_owned()
        } else {
            "needs root, and sudo asks for a password: a scheduled run asks nobody \
             (a system schedule runs as root; `toolup system sudoers` lets this user)"
                .to_owned()
        })
    }

    /// The update ran: each job's end.
    pub fn finished(&self, journal: &RunJournal, results: &[JobResult]) {
        let jobs = results
            .iter()
            .map(|r| {
                let reason = match &r.outcome {
                    JobOutcome::Failed(w) | JobOutcome::Skipped(w) => Some(w.clone()),
                    _ => None,
                };
                JobSummary {
                    updater: r.id.clone(),
                    outcome: r.outcome.id().to_owned(),
                    reason,
                }
            })
            .collect();
        *self.finished.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((journal.run_id.clone(), jobs));
    }

    /// The update is over (`result` is what it returned): recorded, said,
    /// and sent to whoever listens — every time.
    pub fn end_update(
        &self,
        settings: &Settings,
        printer: Printer,
        result: Result<&Verdict, &anyhow::Error>,
    ) {
        let skipped = self
            .skipped
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let finished = self
            .finished
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let (run_id, jobs) = finished.unwrap_or_default();
        let (outcome, reason) = match (result, skipped) {
            (Err(e), _) => ("failed", Some(format!("{e:#}"))),
            (Ok(_), Some(why)) => ("skipped", Some(why)),
            (Ok(Verdict::Interrupted), None) => ("interrupted", None),
            (Ok(_), None) if jobs.is_empty() => ("up-to-date", None),
            (Ok(_), None) => {
                let with = |word: &str| -> Vec<String> {
                    jobs.iter()
                        .filter(|j| j.outcome == word)
                        .map(|j| match &j.reason {
                            Some(r) => format!("{}: {r}", j.updater),
                            None => j.updater.clone(),
                        })
                        .collect()
                };
                let (failed, skipped) = (with("failed"), with("skipped"));
                if !failed.is_empty() {
                    ("failed", Some(failed.join("; ")))
                } else if !skipped.is_empty() {
                    ("skipped", Some(skipped.join("; ")))
                } else {
                    ("ok", None)
                }
            }
        };
        let summary = self.summary(
            outcome,
            reason,
            exit_code(result),
            (!run_id.is_empty()).then_some(run_id),
            jobs,
            None,
        );
        let ok = summary.jobs.iter().filter(|j| j.outcome == "ok").count();
        let body = match (&summary.reason, summary.jobs.len()) {
            (Some(r), _) => r.clone(),
            (None, 0) => "nothing to update".to_owned(),
            (None, n) => format!("{ok} of {n} updater(s) ok"),
        };
        self.end(settings, printer, &summary, &body, true);
    }

    /// The check is over: recorded always; sent only when something is
    /// pending (security updates, for a `--security-only` schedule) or a
    /// check failed.
    pub fn end_check(
        &self,
        settings: &Settings,
        printer: Printer,
        report: Option<&CheckReport>,
        result: Result<&Verdict, &anyhow::Error>,
    ) {
        let pending = report.map(|r| PendingSummary {
            updaters: r.updaters.iter().filter(|u| !u.pending.is_empty()).count(),
            packages: r.pending(),
            security: r.security(),
            reboot_required: r.reboot_required,
        });
        let failures = report
            .map(|r| {
                r.updaters
                    .iter()
                    .filter_map(|u| u.error.as_ref().map(|e| format!("{}: {e}", u.updater)))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let (outcome, reason) = match (result, &pending) {
            (Err(e), _) => ("failed", Some(format!("{e:#}"))),
            _ if !failures.is_empty() => ("failed", Some(failures.join("; "))),
            (Ok(_), Some(p)) if p.packages > 0 => (
                "pending",
                Some(format!(
                    "{} pending ({} security) from {} updater(s)",
                    p.packages, p.security, p.updaters
                )),
            ),
            _ => ("up-to-date", None),
        };
        let security_only =
            std::env::var(env_vars::TOOLUP_SCHEDULE_NOTIFY).is_ok_and(|v| v.trim() == "security");
        let tell = outcome == "failed"
            || pending
                .as_ref()
                .is_some_and(|p| p.security > 0 || (!security_only && p.packages > 0));
        let summary = self.summary(
            outcome,
            reason,
            exit_code(result),
            None,
            Vec::new(),
            pending,
        );
        let body = summary
            .reason
            .clone()
            .unwrap_or_else(|| "nothing pending".to_owned());
        self.end(settings, printer, &summary, &body, tell);
    }

    fn summary(
        &self,
        outcome: &str,
        reason: Option<String>,
        exit_code: i32,
        run_id: Option<String>,
        jobs: Vec<JobSummary>,
        pending: Option<PendingSummary>,
    ) -> Summary {
        Summary {
            schema_version: 1,
            schedule: self.schedule.clone(),
            command: self.command.to_owned(),
            host: crate::base::host::hostname(),
            started_at: self.started_at.clone(),
            finished_at: crate::base::clock::now_rfc3339(),
            outcome: outcome.to_owned(),
            reason: reason.map(|r| crate::base::secrets::scrub(&r).into_owned()),
            exit_code,
            run_id,
            jobs,
            pending,
        }
    }

    /// Records, says and (when `tell`) sends the summary.
    fn end(
        &self,
        settings: &Settings,
        printer: Printer,
        summary: &Summary,
        body: &str,
        tell: bool,
    ) {
        let json = match serde_json::to_value(summary) {
            Ok(v) => v,
            Err(e) => {
                printer.warn(&format!("the run's summary: {e}"));
                return;
            }
        };
        let record = crate::state::scheduled::RunRecord {
            schedule: summary.schedule.clone().unwrap_or_default(),
            command: summary.command.clone(),
            host: summary.host.clone(),
            run_id: summary.run_id.clone(),
            started_at: summary.started_at.clone(),
            finished_at: summary.finished_at.clone(),
            outcome: summary.outcome.clone(),
            reason: summary.reason.clone(),
            exit_code: summary.exit_code,
            summary: json.to_string(),
        };
        match settings.dirs.as_ref().map(|d| d.history_store()) {
            Some(store) => {
                if let Err(e) = crate::state::scheduled::record(&store, &record) {
                    printer.warn(&format!("cannot record the scheduled run: {e}"));
                }
            }
            None => printer.warn("no home directory: the scheduled run is not recorded"),
        }
        printer.note(&line(summary));
        if tell {
            let title = format!("toolup {}: {}", summary.command, summary.outcome);
            super::notify::desktop(&title, body, summary.outcome == "failed");
            super::notify::webhook(settings, printer, &json);
        }
    }
}

/// The one line a scheduled run ends with, for the journal.
pub fn line(summary: &Summary) -> String {
    let name = summary
        .schedule
        .as_deref()
        .map_or_else(String::new, |n| format!(" {n}"));
    let reason = summary
        .reason
        .as_deref()
        .map_or_else(String::new, |r| format!(": {r}"));
    format!(
        "scheduled{name}: {} {}{reason} (exit {})",
        summary.command, summary.outcome, summary.exit_code
    )
}

/// The exit status a result maps to (as `main` maps it).
fn exit_code(result: Result<&Verdict, &anyhow::Error>) -> i32 {
    match result {
        Ok(Verdict::Success) => 0,
        Ok(Verdict::Failure) => 1,
        Ok(Verdict::Interrupted) => 130,
        Err(_) => 2,
    }
}
