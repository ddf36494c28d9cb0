//! The runner: jobs with phases, run as soon as their predecessors are done
//! and their locks are free — a ready queue over a DAG, not rigid waves.
//!
//! - Edges: each job's `runs_after` (jobs not in the run are ignored); a
//!   cycle is refused with the cycle named.
//! - Locks: each phase names the locks it holds (`pkgmgr:dpkg`); two phases
//!   holding one lock never overlap; a phase's locks are released when it
//!   ends, so nothing waits while holding.
//! - Processes go through `exec`, so a dry run starts none of them; they get
//!   no stdin, run in the background (nice, idle I/O), under the phase's
//!   timeout; each phase's whole output goes to its own log file.
//! - Interruption: after the first SIGINT/SIGTERM no job starts and running
//!   phases finish; a second one stops them (outcome `interrupted`).
//! - Every transition is reported as an event and saved in the run journal.

pub mod journal;
#[cfg(test)]
mod scheduling_tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::exec::{ProcessRequest, Stop, interrupt, run as run_process};

/// One step of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// `download`, `update`, …
    pub phase: String,
    pub argv: Vec<String>,
    pub timeout: Duration,
    pub locks: Vec<String>,
    /// Lock files another program (unattended-upgrades, another apt) may
    /// hold: the step waits for them, up to `Options::lock_timeout`.
    pub wait_for: Vec<crate::state::lock::LockFile>,
    /// More environment for its process (a plugin's settings).
    pub env: Vec<(String, String)>,
}

/// A unit of work: its steps run in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: String,
    pub steps: Vec<Step>,
    pub runs_after: Vec<String>,
}

/// How a job (or a step) ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "outcome", content = "reason")]
pub enum Outcome {
    Ok,
    Failed(String),
    Skipped(String),
    RolledBack,
    Interrupted,
}

impl Outcome {
    pub fn id(&self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Failed(_) => "failed",
            Outcome::Skipped(_) => "skipped",
            Outcome::RolledBack => "rolled-back",
            Outcome::Interrupted => "interrupted",
        }
    }
}

/// What renderers and the journal hear.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum Event {
    Started {
        job: String,
        phase: String,
    },
    /// Waiting for a lock another program holds, named.
    Waiting {
        job: String,
        phase: String,
        holder: String,
    },
    /// A plugin's progress line: `{"type": "progress", "percent": 45, "message": "…"}` on stderr.
    Progress {
        job: String,
        phase: String,
        percent: Option<f64>,
        message: Option<String>,
    },
    Finished {
        job: String,
        phase: String,
        #[serde(flatten)]
        outcome: Outcome,
        elapsed_ms: u64,
        log: Option<PathBuf>,
        /// CPU time and peak RSS from `wait4`, when it ran.
        #[serde(skip_serializing_if = "Option::is_none")]
        usage: Option<Usage>,
    },
}

/// What a step's process used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub user_ms: u64,
    pub system_ms: u64,
    pub peak_rss_kib: u64,
}

/// How to run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Jobs at once.
    pub parallel: usize,
    /// Where each step's output goes (`JOB.PHASE.log`).
    pub log_dir: Option<PathBuf>,
    /// How long a step waits for lock files others hold before it fails.
    pub lock_timeout: Duration,
    /// After a failure, start nothing new (`--fail-fast`, `--atomic`).
    pub stop_on_failure: bool,
    /// Download phases at once (they share the network).
    pub max_downloads: usize,
    /// What each job is expected to use at its peak (KiB, from history).
    pub memory_kib: BTreeMap<String, u64>,
    /// Jobs start only while their expected peaks fit in this (one always may).
    pub max_memory_kib: Option<u64>,
    /// Whether the user asked to stop (Ctrl-C): `interrupt::interrupted`;
    /// a test gives its own, the flag being the whole process's.
    pub stopping: fn() -> bool,
}

impl Options {
    /// For in-process work (tool upgrades, removals): no logs of its own,
    /// nothing to wait for.
    pub fn in_process(parallel: usize, stop_on_failure: bool) -> Options {
        Options {
            parallel: parallel.clamp(1, 8),
            log_dir: None,
            lock_timeout: Duration::from_secs(600),
            stop_on_failure,
            max_downloads: 8,
            memory_kib: BTreeMap::new(),
            max_memory_kib: None,
            stopping: interrupt::interrupted,
        }
    }
}

/// Carries out a step in-process instead of running its argv (a tool
/// upgrade: back up, run the manager, validate, restore); `None` runs the argv.
pub type Executor<'a> = dyn Fn(&Job, &Step) -> Option<Outcome> + Sync + 'a;

/// A job's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobResult {
    pub id: String,
    pub outcome: Outcome,
    pub elapsed: Duration,
}

/// The cycle in `jobs`' `runs_after` edges, if there is one, as
/// `a → b → a`.
pub fn find_cycle(jobs: &[Job]) -> Option<String> {
    let ids: BTreeSet<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    let edges: BTreeMap<&str, Vec<&str>> = jobs
        .iter()
        .map(|j| {
            let before: Vec<&str> = j
                .runs_after
                .iter()
                .map(String::as_str)
                .filter(|b| ids.contains(b))
                .collect();
            (j.id.as_str(), before)
        })
        .collect();
    fn visit<'a>(
        node: &'a str,
        edges: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<String> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<&str> = path[at..].to_vec();
            cycle.push(node);
            return Some(cycle.join(" → "));
        }
        if done.contains(node) {
            return None;
        }
        path.push(node);
        for next in edges.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    for id in &ids {
        if let Some(c) = visit(id, &edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Finished,
}

struct Shared {
    state: BTreeMap<String, State>,
    held: BTreeSet<String>,
    results: Vec<JobResult>,
    /// Download phases running now.
    downloads: usize,
    /// Expected peak memory of the jobs running now (KiB).
    memory_in_use: u64,
}

/// Runs `jobs`; `on_event` hears every transition (from worker threads).
/// A cycle is an error naming it.
pub fn run(
    jobs: &[Job],
    options: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<Vec<JobResult>, String> {
    run_with(jobs, options, on_event, &|_, _| None)
}

/// `run`, with steps carried out by `execute` where it answers.
pub fn run_with(
    jobs: &[Job],
    options: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
    execute: &Executor<'_>,
) -> Result<Vec<JobResult>, String> {
    if let Some(cycle) = find_cycle(jobs) {
        return Err(format!("the jobs' order has a cycle: {cycle}"));
    }
    let ids: BTreeSet<&str> = jobs.iter().map(|j| j.id.as_str()).collect();
    let shared = Mutex::new(Shared {
        state: jobs
            .iter()
            .map(|j| (j.id.clone(), State::Pending))
            .collect(),
        held: BTreeSet::new(),
        results: Vec::new(),
        downloads: 0,
        memory_in_use: 0,
    });
    let changed = Condvar::new();
    let ready = |s: &Shared, job: &Job| {
        s.state[&job.id] == State::Pending
            && job
                .runs_after
                .iter()
                .filter(|b| ids.contains(b.as_str()))
                .all(|b| s.state[b] == State::Finished)
            && options.max_memory_kib.is_none_or(|max| {
                let need = options.memory_kib.get(&job.id).copied().unwrap_or(0);
                s.memory_in_use == 0 || s.memory_in_use + need <= max
            })
            && job.steps.first().is_none_or(|step| {
                step.locks.iter().all(|l| !s.held.contains(l))
                    && (step.phase != "download" || s.downloads < options.max_downloads.max(1))
            })
    };
    std::thread::scope(|scope| {
        for _ in 0..options.parallel.max(1) {
            scope.spawn(|| {
                loop {
                    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                    let job = loop {
                        if (options.stopping)() {
                            // Start nothing new: what is pending stays pending.
                            return;
                        }
                        if options.stop_on_failure
                            && s.results.iter().any(|r| {
                                matches!(
                                    r.outcome,
                                    Outcome::Failed(_) | Outcome::RolledBack | Outcome::Interrupted
                                )
                            })
                        {
                            return;
                        }
                        if let Some(job) = jobs.iter().find(|j| ready(&s, j)) {
                            break job;
                        }
                        if !s.state.values().any(|st| *st == State::Pending) {
                            return;
                        }
                        s = changed
                            .wait_timeout(s, Duration::from_millis(100))
                            .map(|(g, _)| g)
                            .unwrap_or_else(|e| e.into_inner().0);
                    };
                    s.state.insert(job.id.clone(), State::Running);
                    s.memory_in_use += options.memory_kib.get(&job.id).copied().unwrap_or(0);
                    if let Some(first) = job.steps.first() {
                        s.held.extend(first.locks.iter().cloned());
                        if first.phase == "download" {
                            s.downloads += 1;
                        }
                    }
                    drop(s);
                    let result = run_job(job, options, on_event, execute, &shared, &changed);
                    let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                    s.state.insert(job.id.clone(), State::Finished);
                    s.memory_in_use = s
                        .memory_in_use
                        .saturating_sub(options.memory_kib.get(&job.id).copied().unwrap_or(0));
                    s.results.push(result);
                    drop(s);
                    changed.notify_all();
                }
            });
        }
    });
    let mut s = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    // Jobs never started (interrupted before their turn) are reported too.
    for job in jobs {
        if s.state[&job.id] == State::Pending {
            let why = if (options.stopping)() {
                "interrupted before it started"
            } else {
                "not started: an earlier job failed"
            };
            s.results.push(JobResult {
                id: job.id.clone(),
                outcome: Outcome::Skipped(why.to_owned()),
                elapsed: Duration::ZERO,
            });
        }
    }
    Ok(s.results)
}

/// Runs one job's steps; its first step's locks are already held.
fn run_job(
    job: &Job,
    options: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
    execute: &Executor<'_>,
    shared: &Mutex<Shared>,
    changed: &Condvar,
) -> JobResult {
    let started = Instant::now();
    let mut outcome = Outcome::Ok;
    for (i, step) in job.steps.iter().enumerate() {
        if i > 0 {
            // Take this step's locks (the previous step's were released).
            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
            while step.locks.iter().any(|l| s.held.contains(l))
                || (step.phase == "download" && s.downloads >= options.max_downloads.max(1))
            {
                s = changed
                    .wait_timeout(s, Duration::from_millis(100))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
            s.held.extend(step.locks.iter().cloned());
            if step.phase == "download" {
                s.downloads += 1;
            }
        }
        on_event(&Event::Started {
            job: job.id.clone(),
            phase: step.phase.clone(),
        });
        let step_started = Instant::now();
        let (step_outcome, log, usage) = match wait_for_locks(job, step, options, on_event) {
            Ok(()) => match execute(job, step) {
                Some(outcome) => (outcome, None, None),
                None => run_step(job, step, options, on_event),
            },
            Err(why) => (Outcome::Failed(why), None, None),
        };
        // Said before its locks are let go, so whatever they let start is
        // seen to start after this ended.
        on_event(&Event::Finished {
            job: job.id.clone(),
            phase: step.phase.clone(),
            outcome: step_outcome.clone(),
            elapsed_ms: step_started.elapsed().as_millis() as u64,
            log,
            usage,
        });
        {
            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
            for l in &step.locks {
                s.held.remove(l);
            }
            if step.phase == "download" {
                s.downloads = s.downloads.saturating_sub(1);
            }
        }
        changed.notify_all();
        if step_outcome != Outcome::Ok {
            outcome = step_outcome;
            break;
        }
        if (options.stopping)() && i + 1 < job.steps.len() {
            outcome = Outcome::Interrupted;
            break;
        }
    }
    JobResult {
        id: job.id.clone(),
        outcome,
        elapsed: started.elapsed(),
    }
}

/// Waits while another program holds one of the step's lock files, saying
/// who (every 10 s), up to the lock timeout — never failing at once.
fn wait_for_locks(
    job: &Job,
    step: &Step,
    options: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> Result<(), String> {
    let started = Instant::now();
    let mut said: Option<Instant> = None;
    loop {
        let held: Vec<String> = step
            .wait_for
            .iter()
            .map(crate::state::lock::LockFile::state)
            .filter(|(free, _)| !free)
            .map(|(_, detail)| detail)
            .collect();
        if held.is_empty() {
            return Ok(());
        }
        if started.elapsed() >= options.lock_timeout {
            return Err(format!(
                "waited {}s for a lock: {}",
                options.lock_timeout.as_secs(),
                held.join("; ")
            ));
        }
        if said.is_none_or(|t| t.elapsed() >= Duration::from_secs(10)) {
            on_event(&Event::Waiting {
                job: job.id.clone(),
                phase: step.phase.clone(),
                holder: held.join("; "),
            });
            said = Some(Instant::now());
        }
        if (options.stopping)() {
            return Err("interrupted while waiting for a lock".to_owned());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// A progress line, if `line` is one (a plugin's `{"type": "progress", …}`):
/// its percent, finite and within 0 to 100, and its message, escaped.
pub fn progress(line: &str) -> Option<(Option<f64>, Option<String>)> {
    #[derive(Deserialize)]
    struct Line {
        #[serde(rename = "type")]
        kind: String,
        percent: Option<f64>,
        message: Option<String>,
    }
    let parsed: Line = serde_json::from_str(line.trim()).ok()?;
    (parsed.kind == "progress").then(|| {
        (
            parsed
                .percent
                .filter(|p| p.is_finite())
                .map(|p| p.clamp(0.0, 100.0)),
            // One line, escaped and scrubbed: a message is shown on its job's line.
            parsed.message.map(|m| {
                crate::base::text::visible(&crate::base::secrets::scrub(&m)).replace('\n', " ")
            }),
        )
    })
}

fn run_step(
    job: &Job,
    step: &Step,
    options: &Options,
    on_event: &(dyn Fn(&Event) + Sync),
) -> (Outcome, Option<PathBuf>, Option<Usage>) {
    let Some((program, args)) = step.argv.split_first() else {
        return (Outcome::Skipped("nothing to run".to_owned()), None, None);
    };
    let program = match crate::base::paths::program(program) {
        Ok(program) => program,
        Err(why) => return (Outcome::Failed(why), None, None),
    };
    let hear = |line: &str| {
        if let Some((percent, message)) = progress(line) {
            on_event(&Event::Progress {
                job: job.id.clone(),
                phase: step.phase.clone(),
                percent,
                message,
            });
        }
    };
    let env: Vec<(&str, &str)> = [
        ("DEBIAN_FRONTEND", "noninteractive"),
        ("NO_COLOR", "1"),
        ("TERM", "dumb"),
    ]
    .into_iter()
    .chain(step.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    .collect();
    let out = run_process(
        &ProcessRequest::change(&program, args, step.timeout)
            .env(&env)
            .capture(8 * 1024 * 1024)
            .stop(Stop::OnSecondInterrupt)
            .background()
            .on_stderr_line(&hear),
    );
    let log = options
        .log_dir
        .as_ref()
        .map(|d| log_path(d, &job.id, &step.phase));
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            return (
                Outcome::Failed(format!("cannot run {}: {e}", program.display())),
                None,
                None,
            );
        }
    };
    let usage = out.usage.map(|u| Usage {
        user_ms: u.user_ms,
        system_ms: u.system_ms,
        peak_rss_kib: u.max_rss_kib,
    });
    // A log that cannot be written is said, named, and marks the phase:
    // its output is lost, and nobody is pointed at a file that is not there.
    let mut lost: Option<String> = None;
    let log = log.filter(|path| {
        let mut text = format!("$ {}\n", step.argv.join(" "));
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        text.push_str(&String::from_utf8_lossy(&out.stderr));
        // Less its credentials: a file under runs/ outlives the run and is
        // read by others.
        let text = crate::base::secrets::scrub(&text);
        match crate::state::write_atomic(path, text.as_bytes()) {
            Ok(()) => true,
            Err(e) => {
                let why = format!("cannot write its log {}: {e}", path.display());
                tracing::warn!("{} {}: {why}", job.id, step.phase);
                lost = Some(why);
                false
            }
        }
    });
    let outcome = if out.interrupted {
        Outcome::Interrupted
    } else if out.timed_out {
        Outcome::Failed(format!(
            "did not finish within {}s (killed)",
            step.timeout.as_secs()
        ))
    } else if out.status.is_some_and(|s| s.success()) {
        Outcome::Ok
    } else {
        let text = crate::base::text::clean_output(&out.stdout, &out.stderr);
        let tail: Vec<&str> = text.lines().rev().take(3).collect();
        // Scrubbed here, where it is made: the journal, the history and
        // the live view keep it too.
        Outcome::Failed(
            crate::base::secrets::scrub(&format!(
                "exit {}: {}",
                out.status.and_then(|s| s.code()).unwrap_or(-1),
                tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
            ))
            .into_owned(),
        )
    };
    let outcome = match (outcome, lost) {
        (outcome, None) => outcome,
        (Outcome::Ok, Some(why)) => Outcome::Failed(format!("exit 0, but {why}")),
        (Outcome::Failed(reason), Some(why)) => Outcome::Failed(format!("{reason}; {why}")),
        (other, Some(_)) => other,
    };
    (outcome, log, usage)
}

/// Where a step's output goes: `JOB.PHASE.log` in `dir`, each part a safe
/// file name (`state::names`) whatever the job is called.
pub fn log_path(dir: &std::path::Path, job: &str, phase: &str) -> PathBuf {
    use crate::state::names::file_name;
    dir.join(format!("{}.{}.log", file_name(job), file_name(phase)))
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests read their fixtures directly
mod tests {
    use super::*;

    #[test]
    fn a_progress_line_says_a_percent_within_bounds_and_one_escaped_line() {
        // tests/fuzz_regressions/plugin_progress/a-message-of-two-lines
        let line = r#"{"type": "progress", "percent": 140, "message": "a\nb\u001b[2J\tc"}"#;
        assert_eq!(
            progress(line),
            Some((Some(100.0), Some("a b\\u{1b}[2J\tc".to_owned())))
        );
        assert_eq!(
            progress(r#"{"type": "progress", "percent": -5}"#),
            Some((Some(0.0), None))
        );
        assert_eq!(progress(r#"{"type": "log", "message": "x"}"#), None);
        assert_eq!(progress("not json"), None);
    }

    fn job(id: &str, after: &[&str]) -> Job {
        Job {
            id: id.to_owned(),
            steps: Vec::new(),
            runs_after: after.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn a_cycle_is_named() {
        let jobs = [
            job("a", &["c"]),
            job("b", &["a"]),
            job("c", &["b"]),
            job("d", &[]),
        ];
        let cycle = find_cycle(&jobs).unwrap();
        assert!(
            cycle.contains("a") && cycle.contains("b") && cycle.contains("c"),
            "{cycle}"
        );
        assert_eq!(cycle.matches('→').count(), 3, "{cycle}");
        assert!(find_cycle(&[job("a", &[]), job("b", &["a", "not-in-run"])]).is_none());
    }

    /// Three jobs whose one step records its start and end; returns their
    /// spans after running them with `options`.
    fn spans(phase: &str, options: &Options) -> Vec<(u128, u128)> {
        let dir = tempfile::tempdir().unwrap();
        let jobs: Vec<Job> = (0..3)
            .map(|i| {
                let f = dir.path().join(format!("j{i}"));
                Job {
                    id: format!("j{i}"),
                    steps: vec![Step {
                        phase: phase.to_owned(),
                        argv: vec![
                            "/bin/sh".to_owned(),
                            "-c".to_owned(),
                            format!(
                                "date +%s%N > {f}.start; sleep 0.2; date +%s%N > {f}.end",
                                f = f.display()
                            ),
                        ],
                        timeout: Duration::from_secs(5),
                        locks: Vec::new(),
                        wait_for: Vec::new(),
                        env: Vec::new(),
                    }],
                    runs_after: Vec::new(),
                }
            })
            .collect();
        run(&jobs, options, &|_| {}).unwrap();
        let read =
            |p: PathBuf| -> u128 { std::fs::read_to_string(p).unwrap().trim().parse().unwrap() };
        let mut spans: Vec<(u128, u128)> = (0..3)
            .map(|i| {
                let f = dir.path().join(format!("j{i}"));
                (
                    read(f.with_extension("start")),
                    read(f.with_extension("end")),
                )
            })
            .collect();
        spans.sort();
        spans
    }

    fn one_at_a_time(spans: &[(u128, u128)]) -> bool {
        spans.windows(2).all(|pair| pair[0].1 <= pair[1].0)
    }

    #[test]
    fn downloads_share_their_slots() {
        let options = Options {
            max_downloads: 1,
            ..Options::in_process(4, false)
        };
        assert!(one_at_a_time(&spans("download", &options)));
    }

    #[test]
    fn jobs_start_while_their_expected_memory_fits() {
        let options = Options {
            memory_kib: (0..3).map(|i| (format!("j{i}"), 600)).collect(),
            max_memory_kib: Some(1000),
            ..Options::in_process(4, false)
        };
        assert!(
            one_at_a_time(&spans("update", &options)),
            "600 + 600 > 1000"
        );
        let roomy = Options {
            max_memory_kib: Some(10_000),
            ..options
        };
        assert!(
            !one_at_a_time(&spans("update", &roomy)),
            "they fit side by side"
        );
    }
}
