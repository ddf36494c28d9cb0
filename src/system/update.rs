//! `system update`: the updaters with something pending, side by side
//! where their locks allow, in the order their stages give, each phase
//! logged and recorded in the history store, the run journaled after every
//! transition so `--resume` finishes what is left; one run per machine.
//! How it is shown and asked about is the caller's `View`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use anyhow::{Context as _, bail};

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::managers::{Pending, Updater};
use crate::model::Verdict;
use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, JobResult, Options, Outcome as JobOutcome};
use crate::settings::Settings;
use crate::state::lock::{LockedFile, NotLocked};

/// What the user asked `system update` to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub skip: Vec<String>,
    pub dry_run: bool,
    /// Resume the last run (`"last"`) or the run with this id.
    pub resume: Option<String>,
    /// Only security updates, where the updater can tell them apart.
    pub security_only: bool,
    /// Approve an update outside the maintenance windows.
    pub approve: bool,
    /// A desktop notification at the end.
    pub notify: bool,
}

/// One job's line before it starts: its estimate as words, and the update
/// phase's expected milliseconds (the countdown), when history has them.
pub struct JobEstimate {
    pub job: String,
    pub text: String,
    pub update_ms: Option<u64>,
}

/// How a system update is shown and asked about.
pub trait View: Sync {
    /// Shows the jobs that will run; true to go ahead.
    fn plan(&self, jobs: &[Job]) -> anyhow::Result<bool>;
    /// Approval is required and it is outside every maintenance window:
    /// whether the person at the terminal says yes (false where nobody can).
    fn approve(&self, question: &str) -> bool;
    /// How the check before the update is going.
    fn check(&self, event: &super::check::CheckEvent);
    /// The run `run_id` starts: each job's estimate.
    fn start(&self, run_id: &str, estimates: &[JobEstimate]);
    /// A job started, waited, progressed or finished a phase.
    fn event(&self, event: &Event);
    /// The run is over; why the machine wants a reboot, if it does.
    fn finish(&self, journal: &RunJournal, results: &[JobResult], reboot: Option<&str>);
    /// Why `job` cannot run now without someone to answer a question (a
    /// scheduled run, where `sudo -n` wants a password); such a job is
    /// skipped with that reason, recorded as any skip is.
    fn unanswered(&self, _job: &Job) -> Option<String> {
        None
    }
}

/// How long a job waits for a package manager's lock that another program
/// holds (unattended-upgrades, another apt), as Ansible's `lock_timeout`.
const LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// Runs a system update.
pub fn run(
    settings: &Settings,
    printer: Printer,
    request: &Request,
    view: &dyn View,
) -> anyhow::Result<Verdict> {
    crate::exec::set_dry_run(request.dry_run);
    if !request.dry_run && !approved(settings, request, printer, view) {
        return Ok(Verdict::Success);
    }
    let dirs = settings
        .dirs
        .clone()
        .context("no home directory for the run's journal")?;
    // A dry run records nothing, not even the lock file.
    let _only_one = if request.dry_run {
        None
    } else {
        Some(single_run(&dirs.state)?)
    };
    let updaters = super::selected(settings, printer, &request.skip)?;
    let host = Host::current();
    let runs = dirs.runs();
    let mut sizes: BTreeMap<String, (u64, Option<u64>)> = BTreeMap::new();
    let chosen: Vec<(&'static dyn Updater, Option<Vec<String>>)> =
        if let Some(which) = &request.resume {
            let last = super::history::run(&runs, which).context("no earlier run to resume")?;
            let again = last.unfinished();
            if again.is_empty() {
                printer.note(&format!("run {}: nothing left to resume", last.run_id));
                return Ok(Verdict::Success);
            }
            printer.note(&format!(
                "resuming run {}: {}",
                last.run_id,
                again.join(", ")
            ));
            let again: Vec<&'static dyn Updater> = updaters
                .iter()
                .copied()
                .filter(|u| again.iter().any(|a| a == u.id()))
                .collect();
            // Updaters that name what they update are checked again, so they
            // name what is still pending.
            let (naming, plain): (Vec<_>, Vec<_>) = again
                .into_iter()
                .partition(|u| u.update_argv_for(&[]).is_some());
            let mut chosen: Vec<(&'static dyn Updater, Option<Vec<String>>)> =
                plain.into_iter().map(|u| (u, None)).collect();
            chosen.extend(
                pending_updaters(settings, &naming, &host, printer, view)
                    .into_iter()
                    .map(|(u, list)| (u, u.update_argv_for(&list))),
            );
            chosen
        } else {
            let pending = pending_updaters(settings, &updaters, &host, printer, view);
            for (u, list) in &pending {
                let bytes: Vec<u64> = list.iter().filter_map(|p| p.download_bytes).collect();
                sizes.insert(
                    u.id().to_owned(),
                    (
                        list.len() as u64,
                        (!bytes.is_empty())
                            .then(|| bytes.iter().fold(0u64, |a, b| a.saturating_add(*b))),
                    ),
                );
            }
            let pending = opted_in(settings, pending, printer);
            if request.security_only {
                security_only(pending, printer)
            } else {
                pending
                    .into_iter()
                    .map(|(u, list)| (u, u.update_argv_for(&list)))
                    .collect()
            }
        };
    if chosen.is_empty() {
        printer.note("nothing to update");
        return Ok(Verdict::Success);
    }
    let jobs = super::jobs::jobs_for(&chosen)?;
    if let Some(cycle) = crate::runner::find_cycle(&jobs) {
        bail!("the updaters' order has a cycle: {cycle}");
    }
    if !view.plan(&jobs)? {
        return Ok(Verdict::Success);
    }
    if request.dry_run {
        // What would run, and nothing else: no journal, no history, no logs.
        let ids: Vec<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
        printer.note(&format!(
            "dry run: would update {} updater(s) ({}); nothing was run or recorded",
            ids.len(),
            ids.join(", ")
        ));
        return Ok(Verdict::Success);
    }
    if crate::exec::interrupt::interrupted() {
        // Stopped before anything started (a fleet controller that left
        // during the check): no journal, so nothing half-begun to resume.
        printer.error("interrupted before any update started: nothing was changed");
        return Ok(Verdict::Interrupted);
    }
    let journal = Mutex::new(RunJournal::of(&jobs));
    // What cannot run without an answer nobody can give is skipped.
    let mut unanswered: Vec<(String, String)> = Vec::new();
    let jobs: Vec<Job> = jobs
        .into_iter()
        .filter(|j| match view.unanswered(j) {
            Some(why) => {
                unanswered.push((j.id.clone(), why));
                false
            }
            None => true,
        })
        .collect();
    let log_dir = runs.join(&journal.lock().unwrap_or_else(|e| e.into_inner()).run_id);
    let _ = crate::state::files::ensure_dir(&log_dir);
    let save = |j: &RunJournal| {
        if let Err(e) = j.save(&runs) {
            printer.warn(&format!("cannot save the run journal: {e}"));
        }
    };
    save(&journal.lock().unwrap_or_else(|e| e.into_inner()));
    crate::exec::interrupt::catch(
        "\ninterrupted: the running phases finish, nothing new starts (Ctrl-C again stops them)\n",
    );
    let store = crate::state::store::Store::open(&dirs.history_store())
        .map_err(|e| printer.warn(&format!("the history store: {e}")))
        .ok()
        .map(Mutex::new);
    let estimates: Vec<JobEstimate> = jobs
        .iter()
        .map(|j| {
            let estimate = store.as_ref().and_then(|s| {
                s.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .estimate(&crate::base::host::hostname(), &j.id, "update")
                    .ok()
            });
            JobEstimate {
                job: j.id.clone(),
                text: estimate
                    .as_ref()
                    .map_or_else(|| "no history".to_owned(), |e| e.describe()),
                update_ms: estimate.as_ref().and_then(|e| e.median_ms()),
            }
        })
        .collect();
    view.start(
        &journal.lock().unwrap_or_else(|e| e.into_inner()).run_id,
        &estimates,
    );
    let host = crate::base::host::hostname();
    let started = std::time::Instant::now();
    let on_event = |event: &Event| {
        // When the event came, before the journal's save (an fsync) and
        // any other event's turn: the timeline's time, and a phase's start
        // is this less its time.
        let heard_at = std::time::SystemTime::now();
        let at_ms = started.elapsed().as_millis() as u64;
        let mut j = journal.lock().unwrap_or_else(|e| e.into_inner());
        j.record_at(event, at_ms);
        save(&j);
        let run_id = j.run_id.clone();
        drop(j);
        if let (
            Some(store),
            Event::Finished {
                job,
                phase,
                outcome,
                elapsed_ms,
                usage,
                ..
            },
        ) = (&store, event)
        {
            let (packages, bytes) = sizes.get(job).copied().unwrap_or((0, None));
            let record = crate::state::store::PhaseRecord {
                run_id,
                host: host.clone(),
                updater: job.clone(),
                phase: phase.clone(),
                started_at: crate::base::clock::rfc3339_before(
                    heard_at,
                    std::time::Duration::from_millis(*elapsed_ms),
                ),
                wall_ms: *elapsed_ms,
                user_ms: usage.map(|u| u.user_ms),
                system_ms: usage.map(|u| u.system_ms),
                peak_rss_kib: usage.map(|u| u.peak_rss_kib),
                packages,
                bytes,
                outcome: outcome.id().to_owned(),
            };
            if let Err(e) = store
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .record(&record)
            {
                printer.warn(&format!("cannot record the phase in the history: {e}"));
            }
        }
        view.event(event);
    };
    for (job, why) in &unanswered {
        on_event(&Event::Finished {
            job: job.clone(),
            phase: "update".to_owned(),
            outcome: JobOutcome::Skipped(why.clone()),
            elapsed_ms: 0,
            log: None,
            usage: None,
        });
    }
    let mut results = crate::runner::run(
        &jobs,
        &Options {
            parallel: settings.jobs.clamp(1, 8),
            log_dir: Some(log_dir),
            lock_timeout: LOCK_TIMEOUT,
            stop_on_failure: false,
            max_downloads: 2,
            memory_kib: jobs
                .iter()
                .filter_map(|j| {
                    let store = store.as_ref()?.lock().unwrap_or_else(|e| e.into_inner());
                    Some((j.id.clone(), store.peak_rss_kib(&j.id).ok()??))
                })
                .collect(),
            max_memory_kib: available_memory_kib().map(|a| a / 2),
            ..Options::in_process(1, false)
        },
        &on_event,
    )
    .map_err(anyhow::Error::msg)?;
    results.extend(unanswered.into_iter().map(|(id, why)| JobResult {
        id,
        outcome: JobOutcome::Skipped(why),
        elapsed: std::time::Duration::ZERO,
    }));
    let mut j = journal.into_inner().unwrap_or_else(|e| e.into_inner());
    for r in &results {
        j.finish(&r.id, &r.outcome);
    }
    save(&j);
    let reboot = super::reboot::after_update();
    view.finish(&j, &results, reboot.as_deref());
    if request.notify {
        notify(&results);
    }
    Ok(if crate::exec::interrupt::interrupted() {
        printer.error(&format!(
            "interrupted: `toolup system update --resume` runs what is left of run {}",
            j.run_id
        ));
        Verdict::Interrupted
    } else if results
        .iter()
        .any(|r| !matches!(r.outcome, JobOutcome::Ok | JobOutcome::Skipped(_)))
    {
        Verdict::Failure
    } else {
        Verdict::Success
    })
}

/// Leaves out, with a note, the opt-in updaters (firmware) the user did not
/// name with `--only` or `[system] enable`: they are checked, not updated.
fn opted_in<'u>(
    settings: &Settings,
    pending: Vec<(&'u dyn Updater, Vec<Pending>)>,
    printer: Printer,
) -> Vec<(&'u dyn Updater, Vec<Pending>)> {
    pending
        .into_iter()
        .filter(|(u, list)| {
            let Some(why) = u.opt_in() else { return true };
            let named = settings.filter.only.iter().any(|o| o == u.id())
                || settings.config.system_enable.iter().any(|e| e == u.id());
            if !named {
                printer.note(&format!(
                    "{}: {} pending, left alone: {why} unless named (`--only {id}`, or `[system] enable = [\"{id}\"]`)",
                    u.id(),
                    list.len(),
                    id = u.id()
                ));
            }
            named
        })
        .collect()
}

/// Memory available now (`MemAvailable`), in KiB.
fn available_memory_kib() -> Option<u64> {
    crate::state::read_text("/proc/meminfo", crate::state::MIB)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Approval: with `[system] approval = "required"`, outside every
/// maintenance window an update runs only with `--approve` or a yes at the
/// terminal; a scheduled run there skips, saying why.
fn approved(settings: &Settings, request: &Request, printer: Printer, view: &dyn View) -> bool {
    if !settings.config.approval_required || request.approve {
        return true;
    }
    let (weekday, minute) = crate::config::window::now_local();
    if settings
        .config
        .maintenance
        .iter()
        .any(|w| w.contains(weekday, minute))
    {
        return true;
    }
    let when = match crate::config::window::listed(&settings.config.maintenance) {
        None => "no maintenance window is configured".to_owned(),
        Some(windows) => format!("outside the maintenance windows ({windows})"),
    };
    if view.approve(&format!(
        "Approval is required and it is {when}. Update now?"
    )) {
        return true;
    }
    printer.note(&format!(
        "not updating: approval is required and it is {when}; pass --approve to update now"
    ));
    false
}

/// Another `system update` holds this machine's single-run lock.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Busy {
    pub pid: Option<u64>,
    /// When it took the lock (RFC 3339).
    pub since: Option<String>,
    /// Its command line.
    pub command: String,
}

impl std::fmt::Display for Busy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "another `toolup system update` is running (pid {}: {}, since {}); wait for it, or stop it",
            self.pid.map_or_else(|| "?".to_owned(), |p| p.to_string()),
            self.command,
            self.since.as_deref().unwrap_or("?")
        )
    }
}

impl std::error::Error for Busy {}

/// One `system update` at a time on a machine: a lock on the state dir's
/// `system_update.lock`, holding the holder's pid, so a second run names
/// it (a `Busy` error).
fn single_run(state: &std::path::Path) -> anyhow::Result<LockedFile> {
    let path = state.join("system_update.lock");
    LockedFile::acquire(&path, std::time::Duration::ZERO).map_err(|e| match e {
        NotLocked::Held { pid } => anyhow::Error::new(Busy {
            pid: pid.as_deref().and_then(|p| p.trim().parse().ok()),
            since: std::fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .map(|t| humantime::format_rfc3339_seconds(t).to_string()),
            command: pid
                .as_deref()
                .map(crate::base::host::command_line)
                .unwrap_or_default(),
        }),
        NotLocked::Io(e) => anyhow::anyhow!("{}: {e}", path.display()),
    })
}

/// The updaters whose check says something is pending (read-only, side by side).
fn pending_updaters(
    settings: &Settings,
    updaters: &[&'static dyn Updater],
    host: &Host,
    printer: Printer,
    view: &dyn View,
) -> Vec<(&'static dyn Updater, Vec<Pending>)> {
    let report = super::check::check(settings, updaters, host, &|e| view.check(e));
    for u in &report.updaters {
        if let Some(e) = &u.error {
            printer.warn(&format!("{e}: not updated"));
        }
        for held in &u.held_back {
            printer.note(&format!("{}: {held}", u.updater));
        }
    }
    updaters
        .iter()
        .copied()
        .filter_map(|u| {
            let c = report.updaters.iter().find(|c| c.updater == u.id())?;
            (c.error.is_none() && !c.pending.is_empty()).then(|| (u, c.pending.clone()))
        })
        .collect()
}

/// `--security-only`: each updater's argv for exactly its security
/// updates; an updater that cannot tell them apart, or has none, is left
/// out and says so.
fn security_only(
    pending: Vec<(&'static dyn Updater, Vec<Pending>)>,
    printer: Printer,
) -> Vec<(&'static dyn Updater, Option<Vec<String>>)> {
    pending
        .into_iter()
        .filter_map(|(u, list)| {
            let security: Vec<Pending> = list.into_iter().filter(|p| p.security).collect();
            match u.security_update_argv(&security) {
                None => {
                    printer.note(&format!(
                        "{}: cannot tell security updates apart: left out",
                        u.id()
                    ));
                    None
                }
                Some(_) if security.is_empty() => {
                    printer.note(&format!("{}: no security updates", u.id()));
                    None
                }
                Some(argv) => Some((u, Some(argv))),
            }
        })
        .collect()
}

/// `--notify`: a desktop notification, when `notify-send` is there.
fn notify(results: &[JobResult]) {
    let Some(program) = Host::current().which("notify-send") else {
        return;
    };
    let ok = results
        .iter()
        .filter(|r| r.outcome == JobOutcome::Ok)
        .count();
    let body = format!("{ok} of {} updater(s) ok", results.len());
    let args = ["toolup system update".to_owned(), body];
    let _ = crate::exec::run_quick(&program, &args, std::time::Duration::from_secs(5));
}
