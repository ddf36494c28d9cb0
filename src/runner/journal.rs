//! A run's journal: every job's state, saved atomically after every
//! transition, so an interrupted or crashed run can be resumed with what
//! was pending, failed or interrupted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Event, Outcome};

/// A job's state in the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Pending,
    Running,
    Done,
    Failed,
    Skipped,
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobEntry {
    pub state: JobState,
    pub phase: Option<String>,
    pub reason: Option<String>,
    pub log: Option<PathBuf>,
}

/// One run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunJournal {
    pub schema_version: u32,
    pub run_id: String,
    pub started_at: String,
    pub jobs: BTreeMap<String, JobEntry>,
    /// When each job's phases ran, for `system history --timeline`.
    #[serde(default)]
    pub timeline: BTreeMap<String, JobTimeline>,
    /// Each job's phases' named locks, kept while the run goes.
    #[serde(skip)]
    locks: BTreeMap<(String, String), Vec<String>>,
}

/// One job on the run's time axis: what it waited for, and its phases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobTimeline {
    pub runs_after: Vec<String>,
    pub phases: Vec<PhaseSpan>,
}

/// One phase: when it started and ended (milliseconds since the run
/// started), the named locks it held, and the lock files it waited for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseSpan {
    pub phase: String,
    pub start_ms: u64,
    pub end_ms: Option<u64>,
    pub outcome: Option<String>,
    #[serde(default)]
    pub locks: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waits: Vec<String>,
}

impl RunJournal {
    /// A new run of `jobs`, all pending, each with its order and locks on
    /// the timeline; the id is time-based and unique.
    pub fn of(jobs: &[super::Job]) -> RunJournal {
        let ids: Vec<String> = jobs.iter().map(|j| j.id.clone()).collect();
        let mut journal = RunJournal::new(&ids);
        for job in jobs {
            journal.timeline.insert(
                job.id.clone(),
                JobTimeline {
                    runs_after: job.runs_after.clone(),
                    phases: Vec::new(),
                },
            );
        }
        journal.locks = jobs
            .iter()
            .flat_map(|j| {
                j.steps
                    .iter()
                    .map(move |s| ((j.id.clone(), s.phase.clone()), s.locks.clone()))
            })
            .collect();
        journal
    }

    /// A new run of `jobs`, all pending; the id is time-based and unique.
    pub fn new(jobs: &[String]) -> RunJournal {
        let now = crate::base::clock::now_rfc3339();
        RunJournal {
            schema_version: 1,
            run_id: format!("{}-{}", now.replace([':', '-'], ""), std::process::id()),
            started_at: now,
            jobs: jobs
                .iter()
                .map(|j| {
                    (
                        j.clone(),
                        JobEntry {
                            state: JobState::Pending,
                            phase: None,
                            reason: None,
                            log: None,
                        },
                    )
                })
                .collect(),
            timeline: BTreeMap::new(),
            locks: BTreeMap::new(),
        }
    }

    /// Applies an event that happened `at_ms` after the run started.
    pub fn record_at(&mut self, event: &Event, at_ms: u64) {
        fn line<'j>(j: &'j mut RunJournal, job: &str) -> &'j mut JobTimeline {
            j.timeline.entry(job.to_owned()).or_default()
        }
        match event {
            Event::Started { job, phase } => {
                let locks = self
                    .locks
                    .get(&(job.clone(), phase.clone()))
                    .cloned()
                    .unwrap_or_default();
                line(self, job).phases.push(PhaseSpan {
                    phase: phase.clone(),
                    start_ms: at_ms,
                    end_ms: None,
                    outcome: None,
                    locks,
                    waits: Vec::new(),
                });
            }
            Event::Waiting { job, holder, .. } => {
                if let Some(span) = line(self, job).phases.last_mut() {
                    span.waits.push(holder.clone());
                }
            }
            Event::Finished { job, outcome, .. } => {
                if let Some(span) = line(self, job).phases.last_mut() {
                    span.end_ms = Some(at_ms);
                    span.outcome = Some(outcome.id().to_owned());
                }
            }
            Event::Progress { .. } => {}
        }
        self.record(event);
    }

    /// Applies an event.
    pub fn record(&mut self, event: &Event) {
        match event {
            Event::Started { job, phase } => {
                if let Some(e) = self.jobs.get_mut(job) {
                    e.state = JobState::Running;
                    e.phase = Some(phase.clone());
                }
            }
            Event::Waiting { .. } | Event::Progress { .. } => {}
            Event::Finished {
                job, outcome, log, ..
            } => {
                if let Some(e) = self.jobs.get_mut(job) {
                    // A finished phase leaves the job running until its last.
                    e.log.clone_from(log);
                    match outcome {
                        Outcome::Ok => e.state = JobState::Running,
                        Outcome::Failed(why) => {
                            e.state = JobState::Failed;
                            e.reason = Some(why.clone());
                        }
                        Outcome::Skipped(why) => {
                            e.state = JobState::Skipped;
                            e.reason = Some(why.clone());
                        }
                        Outcome::RolledBack => e.state = JobState::Failed,
                        Outcome::Interrupted => e.state = JobState::Interrupted,
                    }
                }
            }
        }
    }

    /// Applies a job's final outcome.
    pub fn finish(&mut self, job: &str, outcome: &Outcome) {
        if let Some(e) = self.jobs.get_mut(job) {
            e.state = match outcome {
                Outcome::Ok => JobState::Done,
                Outcome::Failed(_) | Outcome::RolledBack => JobState::Failed,
                Outcome::Skipped(why) if why.starts_with("interrupted") => JobState::Pending,
                Outcome::Skipped(_) => JobState::Skipped,
                Outcome::Interrupted => JobState::Interrupted,
            };
        }
    }

    /// The jobs a resume runs: pending, running (cut off), failed, interrupted.
    pub fn unfinished(&self) -> Vec<String> {
        self.jobs
            .iter()
            .filter(|(_, e)| {
                matches!(
                    e.state,
                    JobState::Pending
                        | JobState::Running
                        | JobState::Failed
                        | JobState::Interrupted
                )
            })
            .map(|(j, _)| j.clone())
            .collect()
    }

    pub fn path_in(&self, dir: &Path) -> PathBuf {
        dir.join(format!("{}.json", self.run_id))
    }

    /// Saves atomically.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::state::write_atomic(&self.path_in(dir), &text)
    }

    /// The run `run_id` in `dir` (an id is letters, digits and `-`).
    pub fn load(dir: &Path, run_id: &str) -> Result<RunJournal, String> {
        if run_id.is_empty()
            || !run_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(format!(
                "{:?} is not a run id (see `toolup system history`)",
                crate::base::printer::visible(run_id)
            ));
        }
        let path = dir.join(format!("{run_id}.json"));
        let bytes = crate::state::read_bounded(&path, 16 << 20)
            .map_err(|e| format!("no run {run_id} ({}): {e}", path.display()))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The newest run in `dir`: the journal written last (run ids of two
    /// runs in one second differ only by their pids, which say nothing of
    /// order).
    pub fn latest(dir: &Path) -> Option<RunJournal> {
        let mut files: Vec<(Option<std::time::SystemTime>, PathBuf)> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .map(|p| (std::fs::metadata(&p).and_then(|m| m.modified()).ok(), p))
            .collect();
        files.sort();
        let files: Vec<PathBuf> = files.into_iter().map(|(_, p)| p).collect();
        files.iter().rev().find_map(|f| {
            serde_json::from_slice(&crate::state::read_bounded(f, 16 << 20).ok()?).ok()
        })
    }
}
