//! A fleet run: the selected hosts side by side, at most `forks` at once,
//! each over its own connection (`host_run`); approval and maintenance
//! windows decided per host before it is contacted; the journal saved at
//! every host's change; each host's phases recorded in the local history
//! store under its name; the merged report at the end.
//!
//! Interruption: after the first Ctrl-C no host starts, and each running
//! host is told (its toolup's stdin closes) to start nothing new and
//! finish what runs, keeping its own journal; a second Ctrl-C drops the
//! connections — the hosts still finish their running phases.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context as _;

use super::host_run::{self, Action, Ask, HostJob, Listener, LocalBinary};
use super::hosts::FleetHost;
use super::journal::{FleetJournal, NOT_STARTED};
use super::report::{FleetReport, HostResult, HostState};
use super::ssh::Ssh;
use super::stream::FinishedPhase;
use crate::state::AppDirs;
use crate::state::store::{PhaseRecord, Store};

/// Hosts at once unless `--forks` says otherwise (`--forks` as in Ansible,
/// whose default is 5: a host mostly waits on its own network and disks).
pub const DEFAULT_FORKS: usize = 8;
/// The most `--forks` accepts.
pub const MAX_FORKS: usize = 256;

/// Whose updates outside their windows are approved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Approve {
    #[default]
    Nobody,
    All,
    Hosts(Vec<String>),
}

impl Approve {
    fn covers(&self, host: &str) -> bool {
        match self {
            Approve::Nobody => false,
            Approve::All => true,
            Approve::Hosts(names) => names.iter().any(|n| n == host),
        }
    }
}

/// A fleet run, resolved.
#[derive(Debug)]
pub struct FleetRequest {
    pub action: Action,
    pub hosts: Vec<FleetHost>,
    pub forks: usize,
    pub ask: Ask,
    pub approve: Approve,
    /// `fleet update --resume`: what is taken up.
    pub resume: Option<ResumePlan>,
    /// hosts.toml `[ssh] config`.
    pub ssh_config: Option<PathBuf>,
}

/// What `fleet update --resume` takes up: the run resumed, and per host
/// the host's own run to resume (None: a fresh update).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePlan {
    pub run: String,
    pub hosts: Vec<(String, Option<String>)>,
    /// Hosts of the resumed run the host list no longer has.
    pub gone: Vec<String>,
}

/// How a fleet run is shown.
pub trait FleetView: Sync {
    /// The run starts: its hosts and each one's estimate.
    fn start(&self, run_id: &str, hosts: &[(String, Option<u64>)]);
    /// A host's state or current work changed.
    fn progress(&self, host: &str, state: HostState, doing: &str, estimate_ms: Option<u64>);
    /// An event from a host, tagged with its name.
    fn event(&self, event: &serde_json::Map<String, serde_json::Value>);
    /// A host is done.
    fn host_done(&self, result: &HostResult);
}

/// Runs `request`; the report of every host.
pub fn run(
    dirs: &AppDirs,
    request: &FleetRequest,
    view: &dyn FleetView,
) -> anyhow::Result<FleetReport> {
    let fleet_dir = dirs.state.join("fleet");
    let recording = !request.ask.dry_run;
    let names: Vec<String> = request.hosts.iter().map(|h| h.name.clone()).collect();
    let mut journal = FleetJournal::new(&fleet_dir, request.action.id(), &names);
    journal.resumes = request.resume.as_ref().map(|r| r.run.clone());
    if recording {
        journal.save(&fleet_dir).with_context(|| {
            format!("cannot write the fleet journal in {}", fleet_dir.display())
        })?;
    }
    let control = fleet_dir.join(format!("ssh-{}", std::process::id()));
    let ssh = Ssh::new(request.ssh_config.as_deref(), control.clone())?;
    // Hashed only when a host has no toolup of its own.
    let binary = std::sync::OnceLock::new();
    let binary = || binary.get_or_init(local_binary).as_ref();
    let store = if recording {
        Store::open(&dirs.history_store()).ok().map(Mutex::new)
    } else {
        None
    };
    let estimates: Vec<(String, Option<u64>)> = request
        .hosts
        .iter()
        .map(|h| (h.name.clone(), host_estimate(dirs, &h.name)))
        .collect();
    view.start(&journal.run_id, &estimates);
    crate::exec::interrupt::catch(
        "\ninterrupted: no more hosts start; running hosts finish what they run and keep their journal (Ctrl-C again to drop the connections)\n",
    );

    let run_id = journal.run_id.clone();
    let journal = Mutex::new(journal);
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..request.hosts.len()).collect());
    // Each change is a line appended to the journal's changes (`record`),
    // not the whole journal written again: that would cost the whole
    // journal per host started, heard from and done.
    let save = |result: &HostResult| {
        let mut j = journal.lock().unwrap_or_else(|e| e.into_inner());
        if recording {
            let _ = j.record(&fleet_dir, result.clone());
        } else {
            j.set(result.clone());
        }
    };
    let remote_run = |host: &str, run: &str| {
        let mut j = journal.lock().unwrap_or_else(|e| e.into_inner());
        let Some(row) = j.hosts.iter().find(|h| h.host == host) else {
            return;
        };
        let row = HostResult {
            remote_run: Some(run.to_owned()),
            ..row.clone()
        };
        if recording {
            let _ = j.record(&fleet_dir, row);
        } else {
            j.set(row);
        }
    };
    let listener = Hear {
        view,
        store: store.as_ref(),
        run_id: &run_id,
        remote_run: &remote_run,
    };
    let forks = request
        .forks
        .clamp(1, MAX_FORKS)
        .min(request.hosts.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..forks {
            scope.spawn(|| {
                loop {
                    let Some(index) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                    else {
                        break;
                    };
                    let host = &request.hosts[index];
                    let row =
                        journal.lock().unwrap_or_else(|e| e.into_inner()).hosts[index].clone();
                    let result = match refused(request, host) {
                        Some(why) => HostResult {
                            state: HostState::Skipped,
                            reason: Some(why),
                            ..row
                        },
                        None => {
                            let mut running = row.clone();
                            running.state = HostState::Running;
                            save(&running);
                            let resume_run = request.resume.as_ref().and_then(|r| {
                                r.hosts.iter().find(|(h, _)| *h == host.name)?.1.clone()
                            });
                            let job = HostJob {
                                host,
                                index,
                                action: request.action,
                                ask: &request.ask,
                                approve: request.approve.covers(&host.name),
                                resume_run,
                                row,
                            };
                            let (result, log) = host_run::run(job, &ssh, &binary, &listener);
                            if recording {
                                let _ = crate::state::write_private(&result.log, log.as_bytes());
                            }
                            result
                        }
                    };
                    save(&result);
                    view.host_done(&result);
                }
            });
        }
    });
    drop(ssh);
    crate::state::files::remove_empty_dir(&control);
    let journal = journal.into_inner().unwrap_or_else(|e| e.into_inner());
    if recording {
        // Whole again, its changes folded in.
        let _ = journal.save(&fleet_dir);
    }
    Ok(FleetReport::new(
        &journal.run_id,
        &journal.command,
        request.ask.dry_run,
        journal.hosts,
    ))
}

/// Why a host is not started: toolup was interrupted, or its update needs
/// approval and it is outside its windows.
fn refused(request: &FleetRequest, host: &FleetHost) -> Option<String> {
    if crate::exec::interrupt::interrupted() {
        return Some(NOT_STARTED.to_owned());
    }
    if request.action != Action::Update
        || request.ask.dry_run
        || !host.approval_required
        || request.approve.covers(&host.name)
    {
        return None;
    }
    let (weekday, minute) = crate::config::window::now_local();
    let windows: Vec<crate::config::window::Window> = host
        .maintenance
        .iter()
        .filter_map(|w| crate::config::window::Window::parse(w).ok())
        .collect();
    if windows.iter().any(|w| w.contains(weekday, minute)) {
        return None;
    }
    Some(if windows.is_empty() {
        format!(
            "approval required and no maintenance window is configured: pass --approve {}",
            host.name
        )
    } else {
        format!(
            "approval required, outside its maintenance windows ({}): pass --approve {}",
            host.maintenance.join(", "),
            host.name
        )
    })
}

/// The running toolup and its sha256, for `--push` and for recognising a
/// toolup pushed earlier (hashed as a stream).
fn local_binary() -> Option<LocalBinary> {
    let path = std::env::current_exe().ok()?;
    let (file, _) = crate::state::open_regular(&path).ok()?;
    Some(LocalBinary {
        sha256: crate::base::digest::sha256_reader(file).ok()?,
        path,
    })
}

/// A host's expected update time from the local history of its phases.
fn host_estimate(dirs: &AppDirs, host: &str) -> Option<u64> {
    let store = Store::open_read_only(&dirs.history_store()).ok()??;
    store.host_estimate_ms(host).ok().flatten()
}

/// Passes a host's news to the view and its phases to the history store.
struct Hear<'a> {
    view: &'a dyn FleetView,
    store: Option<&'a Mutex<Store>>,
    run_id: &'a str,
    remote_run: &'a (dyn Fn(&str, &str) + Sync),
}

impl Listener for Hear<'_> {
    fn progress(&self, host: &str, state: HostState, doing: &str, estimate_ms: Option<u64>) {
        self.view.progress(host, state, doing, estimate_ms);
    }
    fn event(&self, event: &serde_json::Map<String, serde_json::Value>) {
        self.view.event(event);
    }
    fn remote_run(&self, host: &str, run: &str) {
        (self.remote_run)(host, run);
    }
    fn phase(&self, host: &str, phase: &FinishedPhase) {
        let Some(store) = self.store else { return };
        let record = PhaseRecord {
            run_id: self.run_id.to_owned(),
            host: host.to_owned(),
            updater: phase.job.clone(),
            phase: phase.phase.clone(),
            started_at: crate::base::clock::rfc3339_ago(std::time::Duration::from_millis(
                phase.elapsed_ms,
            )),
            wall_ms: phase.elapsed_ms,
            user_ms: phase.user_ms,
            system_ms: phase.system_ms,
            peak_rss_kib: phase.peak_rss_kib,
            packages: 0,
            bytes: None,
            outcome: phase.outcome.clone(),
        };
        let _ = store
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(&record);
    }
}

/// The hosts `fleet update --resume` takes up, among `selected`: those the
/// newest fleet update left interrupted (resuming their own run, when it
/// is known), unreachable, busy or not started; and the plan.
pub fn resume_plan(
    dirs: &AppDirs,
    selected: &[FleetHost],
) -> anyhow::Result<(Vec<FleetHost>, ResumePlan)> {
    let fleet_dir = dirs.state.join("fleet");
    let last = FleetJournal::latest(&fleet_dir, Action::Update.id()).ok_or_else(|| {
        anyhow::anyhow!(
            "no fleet update to resume ({} has none)",
            fleet_dir.display()
        )
    })?;
    let wanted = last.to_resume();
    let mut hosts = Vec::new();
    let mut gone = Vec::new();
    for (name, _) in &wanted {
        match selected.iter().find(|h| &h.name == name) {
            Some(host) => hosts.push(host.clone()),
            None => gone.push(name.clone()),
        }
    }
    Ok((
        hosts,
        ResumePlan {
            run: last.run_id,
            hosts: wanted,
            gone,
        },
    ))
}

/// Each selected host's last word from the fleet journals here (newest
/// first); hosts never run show as pending. Connects to nothing.
pub fn last_results(dirs: &AppDirs, selected: &[FleetHost]) -> FleetReport {
    let journals = FleetJournal::all(&dirs.state.join("fleet"));
    let rows: Vec<HostResult> = selected
        .iter()
        .map(|host| {
            journals
                .iter()
                .find_map(|j| {
                    j.hosts
                        .iter()
                        .find(|h| h.host == host.name && h.state != HostState::Pending)
                        .map(|h| {
                            let mut row = h.clone();
                            row.reason = Some(match &h.reason {
                                Some(why) => format!("{} {}: {why}", j.command, j.run_id),
                                None => format!("{} {}", j.command, j.run_id),
                            });
                            row
                        })
                })
                .unwrap_or_else(|| HostResult {
                    reason: Some("never run from here".to_owned()),
                    ..HostResult::pending(&host.name, PathBuf::new())
                })
        })
        .collect();
    FleetReport::new("-", "status", false, rows)
}

/// What a fleet run was asked, as the command line gives it.
#[derive(Debug, Clone)]
pub struct Options {
    pub action: Action,
    pub forks: usize,
    pub push: bool,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub security_only: bool,
    pub dry_run: bool,
    /// Host names, or `all`.
    pub approve: Vec<String>,
    pub resume: bool,
}

/// A run ready to go, or why there is none.
#[derive(Debug)]
pub enum Prepared {
    Run(Box<FleetRequest>),
    /// Nothing to do, and why (`--resume` with nothing left).
    Nothing(String),
    /// The selection holds no host (no host list yet).
    NoHosts,
}

/// The request for `options` over the hosts `chosen` selects: `--forks`
/// range-checked, `--approve` names checked against the selection,
/// `--resume` narrowed to what the last fleet update left.
pub fn prepare(
    dirs: &AppDirs,
    chosen: &super::Selected,
    options: &Options,
) -> anyhow::Result<Prepared> {
    if !(1..=MAX_FORKS).contains(&options.forks) {
        anyhow::bail!("--forks {}: must be 1 to {MAX_FORKS}", options.forks);
    }
    if chosen.hosts.is_empty() {
        return Ok(Prepared::NoHosts);
    }
    let mut hosts = chosen.hosts.clone();
    let mut resume = None;
    if options.resume {
        let (again, plan) = resume_plan(dirs, &hosts)?;
        if again.is_empty() {
            return Ok(Prepared::Nothing(format!(
                "fleet update {}: nothing left to resume",
                plan.run
            )));
        }
        hosts = again;
        resume = Some(plan);
    }
    for name in options.approve.iter().filter(|a| *a != "all") {
        if !hosts.iter().any(|h| &h.name == name) {
            anyhow::bail!("--approve {name}: no such host in this selection");
        }
    }
    let approve = if options.approve.iter().any(|a| a == "all") {
        Approve::All
    } else if options.approve.is_empty() {
        Approve::Nobody
    } else {
        Approve::Hosts(options.approve.clone())
    };
    Ok(Prepared::Run(Box::new(FleetRequest {
        action: options.action,
        hosts,
        forks: options.forks,
        ask: Ask {
            dry_run: options.dry_run,
            push: options.push,
            only: options.only.clone(),
            skip: options.skip.clone(),
            security_only: options.security_only,
            retry: None,
        },
        approve,
        resume,
        ssh_config: chosen.ssh_config.clone(),
    })))
}
