//! One host's part of a fleet run, over one connection: connect (tried
//! again with backoff), probe which toolup the host has, push this one
//! when asked and allowed, run the host's own toolup with `--format json`
//! and read its events as they come, then say how the host ended.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::hosts::FleetHost;
use super::remote::{self, Probe, RemoteToolup};
use super::report::{HostResult, HostState};
use super::ssh::{ConnectError, Connection, Retry, Ssh};
use super::stream::{FinishedPhase, Heard};
use crate::exec::{Input, ProcessOutput, ProcessRequest, Stop};

/// What a fleet run does on each host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Check,
    Update,
    Audit,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::Check => "check",
            Action::Update => "update",
            Action::Audit => "audit",
        }
    }
}

/// What every host of a run is asked.
#[derive(Debug, Clone, Default)]
pub struct Ask {
    pub dry_run: bool,
    pub push: bool,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    pub security_only: bool,
    pub retry: Option<Retry>,
}

/// One host's job in the run.
pub struct HostJob<'a> {
    pub host: &'a FleetHost,
    pub index: usize,
    pub action: Action,
    pub ask: &'a Ask,
    /// Pass `--approve` to the host's update.
    pub approve: bool,
    /// Resume the host's own interrupted run (`--resume=RUN`).
    pub resume_run: Option<String>,
    /// The row so far (its log path).
    pub row: HostResult,
}

/// Hears what happens on a host while it runs.
pub trait Listener: Sync {
    /// The host's state or current work changed.
    fn progress(&self, host: &str, state: HostState, doing: &str, estimate_ms: Option<u64>);
    /// An event from the host, tagged with its name.
    fn event(&self, event: &serde_json::Map<String, serde_json::Value>);
    /// The host finished a phase (recorded in the local history).
    fn phase(&self, host: &str, phase: &FinishedPhase);
    /// The host's own run started: its id, kept at once for `--resume`.
    fn remote_run(&self, host: &str, run: &str);
}

/// The most of a host's output kept in its log.
const MAX_LOG: usize = 8 * 1024 * 1024;

/// The running toolup, found and hashed when first asked for.
pub type Binary<'b> = dyn Fn() -> Option<&'b LocalBinary> + Sync + 'b;

/// The sha256 of the running toolup, for a push.
pub struct LocalBinary {
    pub path: std::path::PathBuf,
    pub sha256: String,
}

/// Runs `job` on its host; the result is its row.
pub fn run<'b>(
    job: HostJob<'_>,
    ssh: &Ssh,
    binary: &Binary<'b>,
    listener: &dyn Listener,
) -> (HostResult, String) {
    let started = Instant::now();
    let mut row = job.row.clone();
    row.started_at = Some(crate::base::clock::now_rfc3339());
    row.state = HostState::Running;
    let name = job.host.name.clone();
    let mut log = String::new();
    listener.progress(&name, HostState::Running, "connecting", None);
    let tries = std::sync::atomic::AtomicU32::new(0);
    let wait = |d: Duration| {
        listener.progress(
            &name,
            HostState::Running,
            "connecting (waiting to try again)",
            None,
        );
        sleep_unless_interrupted(d)
    };
    let connected = ssh.connect(
        job.host,
        job.index,
        job.ask.retry.unwrap_or_default(),
        &|d| {
            tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            wait(d)
        },
    );
    row.tries = tries.load(std::sync::atomic::Ordering::SeqCst) + 1;
    let connection = match connected {
        Ok(c) => c,
        Err(e) => {
            row.state = match e {
                ConnectError::Unreachable { tries, .. } => {
                    row.tries = tries;
                    HostState::Unreachable
                }
                ConnectError::HostKey(_) | ConnectError::Auth(_) => HostState::Failed,
            };
            row.reason = Some(e.describe());
            log.push_str(&format!("connect: {}\n", e.describe()));
            return finish(row, started, log);
        }
    };
    row.reachable = true;
    listener.progress(&name, HostState::Running, "probing", None);
    let toolup = match which_toolup(&job, &connection, binary, &mut log, listener) {
        Ok(t) => t,
        Err(why) => {
            row.state = HostState::Failed;
            row.reason = Some(why);
            return finish(row, started, log);
        }
    };
    row.toolup = Some(match &toolup {
        RemoteToolup::Installed(p) => p.clone(),
        RemoteToolup::Pushed { path, .. } => format!("{path} (pushed)"),
    });
    let args = toolup_args(&job);
    let command = remote::toolup_command(&toolup, &args);
    log.push_str(&format!("$ toolup {}\n", crate::base::shell::join(&args)));
    listener.progress(&name, HostState::Running, job.action.id(), None);
    let heard = Mutex::new(Heard::default());
    let lines = Mutex::new(String::new());
    let hear = |line: &str| {
        {
            let mut kept = lines.lock().unwrap_or_else(|e| e.into_inner());
            if kept.len() < MAX_LOG {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        let mut h = heard.lock().unwrap_or_else(|e| e.into_inner());
        let before = h.finished.len();
        let had_run = h.run.is_some();
        if let Some(event) = h.hear(&name, line) {
            if let (false, Some(run)) = (had_run, h.run.clone()) {
                listener.remote_run(&name, &run);
            }
            let doing = match &h.current {
                Some((job, phase)) => format!("{job}: {phase}"),
                None if h.run.is_some() => "updating".to_owned(),
                None => job.action.id().to_owned(),
            };
            let estimate = h.estimate_ms;
            let new: Vec<FinishedPhase> = h.finished[before..].to_vec();
            drop(h);
            for phase in &new {
                listener.phase(&name, phase);
            }
            listener.event(&event);
            listener.progress(&name, HostState::Running, &doing, estimate);
        }
    };
    let argv = connection.session_argv(&command);
    let timeout = Duration::from_secs(86_400);
    let request = if job.action == Action::Update && !job.ask.dry_run {
        ProcessRequest::change(connection.program(), &argv, timeout)
    } else {
        ProcessRequest::query(connection.program(), &argv, timeout)
    };
    let out = crate::exec::run(
        &request
            .input(Input::Lifeline)
            .stop(Stop::OnSecondInterrupt)
            .capture(MAX_LOG)
            .on_stdout_line(&hear)
            .on_stderr_line(&hear),
    );
    log.push_str(&lines.into_inner().unwrap_or_else(|e| e.into_inner()));
    let heard = heard.into_inner().unwrap_or_else(|e| e.into_inner());
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            row.state = HostState::Failed;
            row.reason = Some(format!("cannot run ssh: {e}"));
            return finish(row, started, log);
        }
    };
    judge(&mut row, &job, &out, &heard, &connection);
    drop(connection);
    finish(row, started, log)
}

fn finish(mut row: HostResult, started: Instant, log: String) -> (HostResult, String) {
    row.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    (row, log)
}

/// Sleeps `d` in short steps; false when toolup was interrupted meanwhile.
fn sleep_unless_interrupted(d: Duration) -> bool {
    let until = Instant::now() + d;
    while Instant::now() < until {
        if crate::exec::interrupt::interrupted() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50).min(until - Instant::now()));
    }
    !crate::exec::interrupt::interrupted()
}

/// The host's own toolup when it is new enough; else a toolup pushed
/// earlier whose hash is this one's; else, with `--push`, this one pushed
/// now (same `uname -sm` only); else why not.
fn which_toolup<'b>(
    job: &HostJob<'_>,
    connection: &Connection<'_>,
    binary: &Binary<'b>,
    log: &mut String,
    listener: &dyn Listener,
) -> Result<RemoteToolup, String> {
    let argv = connection.session_argv(&remote::probe_command(job.host.toolup.as_deref()));
    let out = crate::exec::run(
        &ProcessRequest::query(connection.program(), &argv, Duration::from_secs(120))
            .capture(64 * 1024),
    )
    .map_err(|e| format!("cannot run ssh: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    log.push_str("$ probe\n");
    log.push_str(&text);
    if !succeeded(&out) {
        return Err(format!("the probe failed: {}", last_line(&out)));
    }
    let probe = remote::parse_probe(&text);
    if let (Some(path), Some(version)) = (&probe.toolup, &probe.version)
        && remote::new_enough(version)
    {
        return Ok(RemoteToolup::Installed(path.clone()));
    }
    let found = describe_found(&probe);
    let binary = if probe.cached.is_some() || job.ask.push {
        binary()
    } else {
        None
    };
    if let (Some(binary), Some(cached), Some(sha)) = (binary, &probe.cached, &probe.cached_sha256)
        && *sha == binary.sha256
    {
        return Ok(RemoteToolup::Pushed {
            path: cached.clone(),
            sha256: sha.clone(),
        });
    }
    if !job.ask.push {
        return Err(format!(
            "toolup missing: {found}; install toolup {} or newer there, or pass --push to copy this one",
            remote::MIN_REMOTE_VERSION
        ));
    }
    let Some(binary) = binary else {
        return Err("toolup missing, and this toolup cannot be read to push it".to_owned());
    };
    let local = remote::local_os();
    if probe.os != local {
        return Err(format!(
            "toolup missing: {found}; not pushed: the host is {:?}, this toolup was built for {local:?}",
            probe.os
        ));
    }
    if job.ask.dry_run {
        return Err(format!("toolup missing: {found}; a dry run pushes nothing"));
    }
    listener.progress(&job.host.name, HostState::Running, "pushing toolup", None);
    let argv = connection.session_argv(&remote::push_command(&binary.sha256));
    let (file, _) = crate::state::open_regular(&binary.path).map_err(|e| e.to_string())?;
    let out = crate::exec::run(
        &ProcessRequest::query(connection.program(), &argv, Duration::from_secs(600))
            .input(Input::File(&file))
            .capture(64 * 1024),
    )
    .map_err(|e| format!("cannot run ssh: {e}"))?;
    let said = String::from_utf8_lossy(&out.stdout);
    log.push_str("$ push\n");
    log.push_str(&said);
    log.push_str(&String::from_utf8_lossy(&out.stderr));
    let pushed = said
        .lines()
        .find_map(|l| l.strip_prefix("pushed="))
        .map(str::to_owned);
    match (succeeded(&out), pushed) {
        (true, Some(path)) => Ok(RemoteToolup::Pushed {
            path,
            sha256: binary.sha256.clone(),
        }),
        _ => Err(format!("the push failed: {}", last_line(&out))),
    }
}

fn describe_found(probe: &Probe) -> String {
    match (&probe.toolup, &probe.version) {
        (Some(path), Some(version)) => format!("{path} is {version:?}, too old"),
        (Some(path), None) => format!("{path} does not run"),
        _ => "no toolup on the host's PATH".to_owned(),
    }
}

fn succeeded(out: &ProcessOutput) -> bool {
    out.status.is_some_and(|s| s.success())
}

/// The last thing a process said on stderr (cleaned), or its exit.
fn last_line(out: &ProcessOutput) -> String {
    let text = crate::base::text::clean_output(&out.stderr, &[]);
    text.lines()
        .rev()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('{'))
        .map(|l| l.chars().take(300).collect())
        .unwrap_or_else(|| match out.status.and_then(|s| s.code()) {
            Some(code) => format!("exit {code}"),
            None if out.timed_out => "timed out".to_owned(),
            None => "killed".to_owned(),
        })
}

/// The host's toolup's argv for the job.
fn toolup_args(job: &HostJob<'_>) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    if job.action == Action::Update {
        args.push("--stop-when-stdin-closes".into());
    }
    match job.action {
        Action::Check => args.extend(["system".into(), "check".into()]),
        Action::Update => args.extend(["system".into(), "update".into(), "--yes".into()]),
        Action::Audit => args.push("audit".into()),
    }
    args.extend(["--format".into(), "json".into()]);
    let ask = job.ask;
    if !ask.only.is_empty() {
        args.push(format!("--only={}", ask.only.join(",")));
    }
    if !ask.skip.is_empty() && job.action != Action::Audit {
        args.push(format!("--skip={}", ask.skip.join(",")));
    }
    if job.action == Action::Update {
        if ask.dry_run {
            args.push("--dry-run".into());
        }
        if ask.security_only {
            args.push("--security-only".into());
        }
        if job.approve {
            args.push("--approve".into());
        }
        if let Some(run) = &job.resume_run {
            args.push(format!("--resume={run}"));
        }
    }
    args
}

/// How the host ended, from its toolup's exit and events.
fn judge(
    row: &mut HostResult,
    job: &HostJob<'_>,
    out: &ProcessOutput,
    heard: &Heard,
    connection: &Connection<'_>,
) {
    row.remote_run = heard.run.clone().or(row.remote_run.take());
    row.updaters = heard.updater_outcomes();
    row.reboot_required = heard.reboot_required;
    let code = out.status.and_then(|s| s.code());
    if job.action == Action::Check && code.is_some_and(|c| c == 0 || c == 1) {
        read_check_report(row, &out.stdout);
    } else if job.action == Action::Audit && code.is_some_and(|c| c == 0 || c == 1) {
        read_audit(row, &out.stdout);
    } else {
        row.pending = heard.pending_total();
    }
    if let Some(busy) = &heard.busy {
        row.state = HostState::Busy;
        row.reason = Some(format!(
            "busy since {}: its own toolup is updating (pid {})",
            busy.since.as_deref().unwrap_or("?"),
            busy.pid.map_or_else(|| "?".to_owned(), |p| p.to_string())
        ));
        return;
    }
    if out.interrupted || code == Some(130) {
        row.state = HostState::Interrupted;
        row.reason = Some(if heard.run.is_some() {
            "interrupted: the host finishes its running phases and keeps its journal (`fleet update --resume`)".to_owned()
        } else {
            "interrupted before the host started updating".to_owned()
        });
        return;
    }
    if code == Some(255) || (code.is_none() && !connection.alive()) {
        row.state = HostState::Interrupted;
        row.reason = Some(format!(
            "connection lost: {}",
            connection.lost().unwrap_or_else(|| last_line(out))
        ));
        return;
    }
    match code {
        Some(0) => {
            row.state = HostState::Ok;
            if row.pending == Some(0) && job.action != Action::Audit {
                row.reason = Some("nothing pending".to_owned());
            }
        }
        Some(1) if job.action != Action::Update => {
            row.state = HostState::Ok;
            if !heard.check_errors.is_empty() {
                row.state = HostState::Failed;
                row.reason = Some(
                    heard
                        .check_errors
                        .iter()
                        .map(|(u, why)| format!("{u}: {why}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                );
            }
        }
        _ => {
            row.state = HostState::Failed;
            let failed: Vec<String> = row
                .updaters
                .iter()
                .filter(|u| u.outcome != "ok" && u.outcome != "skipped")
                .map(|u| match &u.reason {
                    Some(why) => format!("{} {}: {why}", u.updater, u.outcome),
                    None => format!("{} {}", u.updater, u.outcome),
                })
                .collect();
            row.reason = Some(if failed.is_empty() {
                last_line(out)
            } else {
                failed.join("; ")
            });
        }
    }
}

/// An `audit --format json` snapshot: its outdated tools are what is
/// pending (security is not the audit's word).
fn read_audit(row: &mut HostResult, stdout: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(stdout) else {
        return;
    };
    row.pending = doc.get("tools").and_then(|t| t.as_array()).map(|tools| {
        tools
            .iter()
            .filter(|t| t.get("status").and_then(|s| s.as_str()) == Some("outdated"))
            .count()
    });
}

/// A `system check --format json` document's pending, security and reboot.
fn read_check_report(row: &mut HostResult, stdout: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(stdout) else {
        return;
    };
    let updaters = doc.get("updaters").and_then(|u| u.as_array());
    let sum = |f: &dyn Fn(&serde_json::Value) -> Option<usize>| {
        updaters.map(|list| {
            list.iter()
                .filter_map(f)
                .fold(0usize, usize::saturating_add)
        })
    };
    row.pending = sum(&|u| u.get("pending")?.as_array().map(Vec::len));
    row.security = sum(&|u| usize::try_from(u.get("security")?.as_u64()?).ok());
    row.reboot_required = doc
        .get("reboot_required")
        .and_then(serde_json::Value::as_bool);
}
