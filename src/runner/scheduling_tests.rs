//! The runner's rules, each checked where a change to it would show:
//! order after `runs_after`, one holder per lock (later steps too), shared
//! download slots, expected memory, stopping after a failure, waiting for
//! lock files with one word of it, what a step's process leaves (outcome,
//! log, progress), and the journal a resume reads. Steps run in-process
//! (an executor that records when it ran) unless the process is the point.

#![allow(clippy::disallowed_methods)] // the tests write their lock and journal files directly

use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::journal::{JobState, RunJournal};
use super::*;

fn step(phase: &str, locks: &[&str]) -> Step {
    Step {
        phase: phase.to_owned(),
        argv: vec!["/bin/true".to_owned()],
        timeout: Duration::from_secs(30),
        locks: locks.iter().map(|l| (*l).to_owned()).collect(),
        wait_for: Vec::new(),
        env: Vec::new(),
    }
}

fn job(id: &str, after: &[&str], steps: Vec<Step>) -> Job {
    Job {
        id: id.to_owned(),
        steps,
        runs_after: after.iter().map(|a| (*a).to_owned()).collect(),
    }
}

/// When each (job, phase) ran, recorded by an executor that sleeps `ms`
/// per step (a phase named `fail…` fails, `rollback` rolls back).
struct Timeline {
    spans: Mutex<Vec<(String, String, Instant, Instant)>>,
}

impl Timeline {
    fn new() -> Timeline {
        Timeline {
            spans: Mutex::new(Vec::new()),
        }
    }

    fn executor(&self, ms: u64) -> impl Fn(&Job, &Step) -> Option<Outcome> + Sync + '_ {
        move |job: &Job, step: &Step| {
            let start = Instant::now();
            std::thread::sleep(Duration::from_millis(ms));
            self.spans.lock().unwrap().push((
                job.id.clone(),
                step.phase.clone(),
                start,
                Instant::now(),
            ));
            Some(match step.phase.as_str() {
                p if p.starts_with("fail") => Outcome::Failed(format!("{p} failed")),
                "rollback" => Outcome::RolledBack,
                _ => Outcome::Ok,
            })
        }
    }

    fn span(&self, job: &str, phase: &str) -> (Instant, Instant) {
        let spans = self.spans.lock().unwrap();
        let (_, _, start, end) = spans
            .iter()
            .find(|(j, p, _, _)| j == job && p == phase)
            .unwrap_or_else(|| panic!("{job} {phase} never ran: {spans:?}"));
        (*start, *end)
    }

    fn ran(&self, job: &str, phase: &str) -> bool {
        let spans = self.spans.lock().unwrap();
        spans.iter().any(|(j, p, _, _)| j == job && p == phase)
    }
}

fn apart(a: (Instant, Instant), b: (Instant, Instant)) -> bool {
    a.1 <= b.0 || b.1 <= a.0
}

/// A meeting place: steps that `meet` wait (up to 5 s) until `n` of them
/// are running at once; whether they ever were is the answer.
fn together() -> (Mutex<(usize, bool)>, Condvar) {
    (Mutex::new((0, false)), Condvar::new())
}

fn meet(state: &(Mutex<(usize, bool)>, Condvar), n: usize) {
    let (lock, cv) = state;
    let mut s = lock.lock().unwrap();
    s.0 += 1;
    if s.0 >= n {
        s.1 = true;
        cv.notify_all();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !s.1 && Instant::now() < deadline {
        s = cv.wait_timeout(s, Duration::from_millis(50)).unwrap().0;
    }
}

fn options(parallel: usize) -> Options {
    Options::in_process(parallel, false)
}

#[test]
fn outcomes_say_their_ids() {
    let ids: Vec<&str> = [
        Outcome::Ok,
        Outcome::Failed("x".into()),
        Outcome::Skipped("x".into()),
        Outcome::RolledBack,
        Outcome::Interrupted,
    ]
    .iter()
    .map(Outcome::id)
    .collect();
    assert_eq!(
        ids,
        ["ok", "failed", "skipped", "rolled-back", "interrupted"]
    );
}

#[test]
fn in_process_options_are_bounded() {
    let o = Options::in_process(0, true);
    assert_eq!(o.parallel, 1);
    assert!(o.stop_on_failure && o.log_dir.is_none() && o.max_memory_kib.is_none());
    assert_eq!(o.lock_timeout, Duration::from_secs(600));
    assert_eq!(o.max_downloads, 8);
    assert!(o.memory_kib.is_empty());
    assert_eq!(Options::in_process(20, false).parallel, 8);
    assert!(!Options::in_process(3, false).stop_on_failure);
}

#[test]
fn a_cycle_is_named_in_order_and_refused() {
    let jobs = [job("a", &["b"], vec![]), job("b", &["a"], vec![])];
    assert_eq!(find_cycle(&jobs).as_deref(), Some("a → b → a"));
    assert_eq!(
        run(&jobs, &options(1), &|_| {}),
        Err("the jobs' order has a cycle: a → b → a".to_owned())
    );
    assert_eq!(
        find_cycle(&[job("a", &["a"], vec![])]).as_deref(),
        Some("a → a")
    );
    assert_eq!(
        find_cycle(&[job("a", &[], vec![]), job("b", &["a"], vec![])]),
        None
    );
}

#[test]
fn every_job_runs_once_after_what_it_runs_after() {
    let t = Timeline::new();
    let jobs = [
        job("c", &["b"], vec![step("update", &[])]),
        job("b", &["a", "not-in-this-run"], vec![step("update", &[])]),
        job("a", &[], vec![step("update", &[])]),
    ];
    let results = run_with(&jobs, &options(3), &|_| {}, &t.executor(30)).unwrap();
    let mut ids: Vec<(&str, &Outcome)> = results
        .iter()
        .map(|r| (r.id.as_str(), &r.outcome))
        .collect();
    ids.sort_by_key(|(id, _)| *id);
    assert_eq!(
        ids,
        [
            ("a", &Outcome::Ok),
            ("b", &Outcome::Ok),
            ("c", &Outcome::Ok)
        ]
    );
    assert!(t.span("a", "update").1 <= t.span("b", "update").0);
    assert!(t.span("b", "update").1 <= t.span("c", "update").0);
    assert_eq!(t.spans.lock().unwrap().len(), 3);
}

#[test]
fn one_lock_one_holder_other_locks_side_by_side() {
    let t = Timeline::new();
    let jobs: Vec<Job> = (0..3)
        .map(|i| {
            job(
                &format!("j{i}"),
                &[],
                vec![step("update", &["pkgmgr:dpkg"])],
            )
        })
        .collect();
    run_with(&jobs, &options(3), &|_| {}, &t.executor(40)).unwrap();
    for (a, b) in [("j0", "j1"), ("j0", "j2"), ("j1", "j2")] {
        assert!(apart(t.span(a, "update"), t.span(b, "update")), "{a} {b}");
    }
    // Different locks: both run at once.
    let met = together();
    let jobs = [
        job("x", &[], vec![step("update", &["pkgmgr:one"])]),
        job("y", &[], vec![step("update", &["pkgmgr:two"])]),
    ];
    let execute = |_: &Job, _: &Step| {
        meet(&met, 2);
        Some(Outcome::Ok)
    };
    run_with(&jobs, &options(2), &|_| {}, &execute).unwrap();
    assert!(met.0.lock().unwrap().1, "two locks, two jobs at once");
}

#[test]
fn a_later_steps_lock_is_taken_before_it_runs() {
    // x: a quick check, then an update holding the lock y holds.
    let t = Timeline::new();
    let jobs = [
        job(
            "x",
            &[],
            vec![step("check", &[]), step("update", &["pkgmgr:dpkg"])],
        ),
        job("y", &[], vec![step("slow", &["pkgmgr:dpkg"])]),
    ];
    let execute = |j: &Job, s: &Step| {
        let ms = if s.phase == "slow" { 400 } else { 100 };
        t.executor(ms)(j, s)
    };
    let results = run_with(&jobs, &options(2), &|_| {}, &execute).unwrap();
    assert!(results.iter().all(|r| r.outcome == Outcome::Ok));
    assert!(apart(t.span("x", "update"), t.span("y", "slow")));
    assert!(t.span("x", "check").1 <= t.span("x", "update").0);
}

#[test]
fn later_download_steps_share_the_download_slots() {
    let t = Timeline::new();
    let jobs: Vec<Job> = (0..2)
        .map(|i| {
            job(
                &format!("j{i}"),
                &[],
                vec![step("check", &[]), step("download", &[])],
            )
        })
        .collect();
    let o = Options {
        max_downloads: 1,
        ..options(2)
    };
    run_with(&jobs, &o, &|_| {}, &t.executor(60)).unwrap();
    assert!(apart(t.span("j0", "download"), t.span("j1", "download")));
    // First steps that download, too; and with two slots, two at once.
    let t = Timeline::new();
    let jobs: Vec<Job> = (0..2)
        .map(|i| {
            job(
                &format!("j{i}"),
                &[],
                vec![step("download", &[]), step("update", &[])],
            )
        })
        .collect();
    run_with(&jobs, &o, &|_| {}, &t.executor(60)).unwrap();
    assert!(apart(t.span("j0", "download"), t.span("j1", "download")));
    let met = together();
    let execute = |_: &Job, _: &Step| {
        meet(&met, 2);
        Some(Outcome::Ok)
    };
    let two = Options {
        max_downloads: 2,
        ..options(2)
    };
    run_with(&jobs[..], &two, &|_| {}, &execute).unwrap();
    assert!(met.0.lock().unwrap().1);
}

#[test]
fn expected_memory_decides_what_runs_together_and_one_always_may() {
    let memory = |kib: u64| -> BTreeMap<String, u64> {
        ["a", "b"].iter().map(|j| ((*j).to_owned(), kib)).collect()
    };
    let jobs = [
        job("a", &[], vec![step("update", &[])]),
        job("b", &[], vec![step("update", &[])]),
    ];
    let t = Timeline::new();
    let tight = Options {
        memory_kib: memory(600),
        max_memory_kib: Some(1000),
        ..options(2)
    };
    run_with(&jobs, &tight, &|_| {}, &t.executor(60)).unwrap();
    assert!(apart(t.span("a", "update"), t.span("b", "update")));
    // Exactly at the limit fits; one job alone runs whatever it needs.
    let met = together();
    let execute = |_: &Job, _: &Step| {
        meet(&met, 2);
        Some(Outcome::Ok)
    };
    let exact = Options {
        memory_kib: memory(500),
        max_memory_kib: Some(1000),
        ..options(2)
    };
    run_with(&jobs, &exact, &|_| {}, &execute).unwrap();
    assert!(met.0.lock().unwrap().1, "500 + 500 fits in 1000");
    let alone = Options {
        memory_kib: memory(5000),
        max_memory_kib: Some(1000),
        ..options(1)
    };
    let results = run_with(&jobs, &alone, &|_| {}, &Timeline::new().executor(1)).unwrap();
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Ok),
        "{results:?}"
    );
}

#[test]
fn a_failed_step_ends_its_job_and_after_a_failure_nothing_new_starts() {
    for (first, outcome) in [
        ("fail", Outcome::Failed("fail failed".into())),
        ("rollback", Outcome::RolledBack),
    ] {
        let t = Timeline::new();
        let jobs = [
            job("a", &[], vec![step(first, &[]), step("update", &[])]),
            job("b", &["a"], vec![step("update", &[])]),
        ];
        let stop = Options::in_process(1, true);
        let results = run_with(&jobs, &stop, &|_| {}, &t.executor(1)).unwrap();
        assert_eq!(results[0].outcome, outcome);
        assert!(!t.ran("a", "update"), "the job stops at its failed step");
        assert_eq!(
            results[1],
            JobResult {
                id: "b".to_owned(),
                outcome: Outcome::Skipped("not started: an earlier job failed".to_owned()),
                elapsed: Duration::ZERO,
            }
        );
        // Without --fail-fast the others go on.
        let t = Timeline::new();
        let results = run_with(&jobs, &options(1), &|_| {}, &t.executor(1)).unwrap();
        assert_eq!(results[1].outcome, Outcome::Ok);
        assert!(t.ran("b", "update"));
    }
}

#[test]
fn every_phase_is_said_as_it_starts_and_ends() {
    let heard = Mutex::new(Vec::new());
    let jobs = [job(
        "a",
        &[],
        vec![step("download", &[]), step("fail-update", &[])],
    )];
    run_with(
        &jobs,
        &options(1),
        &|e| heard.lock().unwrap().push(serde_json::to_value(e).unwrap()),
        &Timeline::new().executor(1),
    )
    .unwrap();
    let said: Vec<String> = heard
        .lock()
        .unwrap()
        .iter()
        .map(|e| format!("{} {} {}", e["event"], e["phase"], e["outcome"]))
        .collect();
    assert_eq!(
        said,
        [
            "\"started\" \"download\" null",
            "\"finished\" \"download\" \"ok\"",
            "\"started\" \"fail-update\" null",
            "\"finished\" \"fail-update\" \"failed\""
        ]
    );
}

#[test]
fn a_held_lock_file_is_waited_for_said_once_and_given_up_on_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let lock = dir.path().join("db.lck");
    let waiting = |wait_for: Vec<crate::state::lock::LockFile>, timeout: Duration| {
        let heard = Mutex::new(Vec::new());
        let mut s = step("update", &[]);
        s.wait_for = wait_for;
        let o = Options {
            lock_timeout: timeout,
            ..options(1)
        };
        let results = run_with(
            &[job("a", &[], vec![s])],
            &o,
            &|e| {
                if let Event::Waiting { holder, .. } = e {
                    heard.lock().unwrap().push(holder.clone());
                }
            },
            &|_, _| Some(Outcome::Ok),
        )
        .unwrap();
        (results[0].outcome.clone(), heard.into_inner().unwrap())
    };
    let exists = || vec![crate::state::lock::LockFile::Exists(lock.clone())];
    // Free: no wait, no word.
    assert_eq!(waiting(exists(), Duration::ZERO), (Outcome::Ok, vec![]));
    // Held past the timeout: the step fails, naming the holder.
    std::fs::write(&lock, "").unwrap();
    let holder = format!("{} exists: another update is running", lock.display());
    assert_eq!(
        waiting(exists(), Duration::ZERO),
        (
            Outcome::Failed(format!("waited 0s for a lock: {holder}")),
            vec![]
        )
    );
    // Let go after a while: the step runs, and the wait was said once.
    let freed = lock.clone();
    let freer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(700));
        std::fs::remove_file(freed).unwrap();
    });
    let (outcome, said) = waiting(exists(), Duration::from_secs(30));
    freer.join().unwrap();
    assert_eq!((outcome, said), (Outcome::Ok, vec![holder]));
}

/// A step run as a process in `dir`, its log kept there.
fn process_step(dir: &Path, script: &str, timeout: Duration) -> (Outcome, Vec<Event>, String) {
    let heard = Mutex::new(Vec::new());
    let mut s = step("update", &[]);
    s.argv = vec!["/bin/sh".into(), "-c".into(), script.into()];
    s.timeout = timeout;
    let o = Options {
        log_dir: Some(dir.to_path_buf()),
        ..options(1)
    };
    let results = run(&[job("team/a", &[], vec![s])], &o, &|e| {
        heard.lock().unwrap().push(e.clone());
    })
    .unwrap();
    let log = std::fs::read_to_string(super::log_path(dir, "team/a", "update")).unwrap_or_default();
    (results[0].outcome.clone(), heard.into_inner().unwrap(), log)
}

#[test]
fn a_steps_process_leaves_its_outcome_log_usage_and_progress() {
    let dir = tempfile::tempdir().unwrap();
    let (outcome, events, log) = process_step(
        dir.path(),
        "echo out; echo '{\"type\": \"progress\", \"percent\": 45, \"message\": \"half\"}' >&2; echo err >&2; exit 3",
        Duration::from_secs(30),
    );
    // The reason is the output's last three lines.
    assert_eq!(
        outcome,
        Outcome::Failed(
            "exit 3: out | {\"type\": \"progress\", \"percent\": 45, \"message\": \"half\"} | err"
                .to_owned()
        )
    );
    assert!(
        log.starts_with("$ /bin/sh -c echo out;") && log.contains("out\n") && log.contains("err\n"),
        "{log}"
    );
    let progress: Vec<(Option<f64>, Option<String>)> = events
        .iter()
        .filter_map(|e| match e {
            Event::Progress {
                percent, message, ..
            } => Some((*percent, message.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(progress, [(Some(45.0), Some("half".to_owned()))]);
    let finished = events
        .iter()
        .find_map(|e| match e {
            Event::Finished { log, usage, .. } => Some((log.clone(), *usage)),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        finished.0,
        Some(super::log_path(dir.path(), "team/a", "update"))
    );
    assert!(finished.1.is_some(), "wait4 says what it used");
    // Success, and a big output kept whole in the log (8 MiB are captured).
    let (outcome, _, log) = process_step(
        dir.path(),
        "head -c 3000000 /dev/zero | tr '\\0' x",
        Duration::from_secs(30),
    );
    assert_eq!(outcome, Outcome::Ok);
    assert!(log.len() > 3_000_000, "{}", log.len());
    // Killed at its timeout.
    let (outcome, _, _) = process_step(dir.path(), "sleep 30", Duration::from_secs(1));
    assert_eq!(
        outcome,
        Outcome::Failed("did not finish within 1s (killed)".to_owned())
    );
}

#[test]
fn a_step_with_nothing_to_run_or_no_program_says_so() {
    let mut empty = step("update", &[]);
    empty.argv.clear();
    let mut missing = step("update", &[]);
    missing.argv = vec!["/nonexistent/toolup-test".to_owned()];
    let results = run(
        &[job("a", &[], vec![empty]), job("b", &[], vec![missing])],
        &options(1),
        &|_| {},
    )
    .unwrap();
    assert_eq!(
        results[0].outcome,
        Outcome::Skipped("nothing to run".to_owned())
    );
    assert!(
        matches!(&results[1].outcome, Outcome::Failed(why) if why.starts_with("cannot run /nonexistent/toolup-test: ")),
        "{:?}",
        results[1].outcome
    );
}

fn finished(job: &str, outcome: Outcome, log: Option<&str>) -> Event {
    Event::Finished {
        job: job.to_owned(),
        phase: "update".to_owned(),
        outcome,
        elapsed_ms: 5,
        log: log.map(PathBuf::from),
        usage: None,
    }
}

#[test]
fn the_journal_follows_every_transition() {
    let jobs = [
        job(
            "a",
            &[],
            vec![
                step("download", &["system:network"]),
                step("update", &["pkgmgr:dpkg"]),
            ],
        ),
        job("b", &["a"], vec![step("update", &[])]),
    ];
    let mut j = RunJournal::of(&jobs);
    assert_eq!(j.schema_version, 1);
    assert!(
        j.run_id.ends_with(&format!("-{}", std::process::id())),
        "{}",
        j.run_id
    );
    assert!(j.jobs.values().all(|e| e.state == JobState::Pending));
    assert_eq!(j.timeline["b"].runs_after, ["a"]);
    j.record_at(
        &Event::Started {
            job: "a".into(),
            phase: "update".into(),
        },
        10,
    );
    assert_eq!(j.jobs["a"].state, JobState::Running);
    assert_eq!(j.jobs["a"].phase.as_deref(), Some("update"));
    j.record_at(
        &Event::Waiting {
            job: "a".into(),
            phase: "update".into(),
            holder: "/var/lib/dpkg/lock".into(),
        },
        11,
    );
    j.record_at(&finished("a", Outcome::Ok, Some("/l/a.log")), 40);
    let span = &j.timeline["a"].phases[0];
    assert_eq!(
        (span.start_ms, span.end_ms, span.outcome.as_deref()),
        (10, Some(40), Some("ok"))
    );
    assert_eq!(span.locks, ["pkgmgr:dpkg"]);
    assert_eq!(span.waits, ["/var/lib/dpkg/lock"]);
    assert_eq!(j.jobs["a"].state, JobState::Running, "until its last phase");
    assert_eq!(j.jobs["a"].log.as_deref(), Some(Path::new("/l/a.log")));
    for (outcome, state, reason) in [
        (Outcome::Failed("x".into()), JobState::Failed, Some("x")),
        (Outcome::Skipped("y".into()), JobState::Skipped, Some("y")),
        (Outcome::RolledBack, JobState::Failed, None),
        (Outcome::Interrupted, JobState::Interrupted, None),
    ] {
        let mut j = RunJournal::of(&jobs);
        j.record(&finished("b", outcome, None));
        assert_eq!(j.jobs["b"].state, state);
        assert_eq!(j.jobs["b"].reason.as_deref(), reason);
    }
    for (outcome, state) in [
        (Outcome::Ok, JobState::Done),
        (Outcome::Failed("x".into()), JobState::Failed),
        (Outcome::RolledBack, JobState::Failed),
        (
            Outcome::Skipped("interrupted before it started".into()),
            JobState::Pending,
        ),
        (Outcome::Skipped("not started".into()), JobState::Skipped),
        (Outcome::Interrupted, JobState::Interrupted),
    ] {
        j.finish("b", &outcome);
        assert_eq!(j.jobs["b"].state, state, "{outcome:?}");
    }
}

#[test]
fn a_resume_takes_what_did_not_finish() {
    let ids: Vec<String> = [
        "done",
        "failed",
        "interrupted",
        "pending",
        "running",
        "skipped",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let mut j = RunJournal::new(&ids);
    for (id, state) in [
        ("done", JobState::Done),
        ("failed", JobState::Failed),
        ("interrupted", JobState::Interrupted),
        ("running", JobState::Running),
        ("skipped", JobState::Skipped),
    ] {
        j.jobs.get_mut(id).unwrap().state = state;
    }
    assert_eq!(
        j.unfinished(),
        ["failed", "interrupted", "pending", "running"]
    );
}

#[test]
fn journals_are_saved_loaded_and_found_by_their_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = RunJournal::new(&["a".to_owned()]);
    first.run_id = "run-1".to_owned();
    assert_eq!(first.path_in(dir.path()), dir.path().join("run-1.json"));
    first.save(dir.path()).unwrap();
    assert_eq!(RunJournal::load(dir.path(), "run-1").unwrap(), first);
    for bad in ["", "../run-1", "a b", "run_1"] {
        assert_eq!(
            RunJournal::load(dir.path(), bad).unwrap_err(),
            format!("{bad:?} is not a run id (see `toolup system history`)")
        );
    }
    assert!(
        RunJournal::load(dir.path(), "run-2")
            .unwrap_err()
            .starts_with("no run run-2 (")
    );
    // The journal written last is the latest, whatever its id says.
    std::thread::sleep(Duration::from_millis(20));
    let mut second = RunJournal::new(&["b".to_owned()]);
    second.run_id = "run-0".to_owned();
    second.save(dir.path()).unwrap();
    std::fs::write(
        dir.path().join("notes.txt"),
        serde_json::to_vec(&first).unwrap(),
    )
    .unwrap();
    assert_eq!(RunJournal::latest(dir.path()), Some(second));
    assert_eq!(RunJournal::latest(&dir.path().join("none")), None);
}

#[test]
fn a_stop_ends_a_job_between_its_steps_and_starts_nothing_new_but_a_finished_job_is_ok() {
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    static STOP_IN_THE_MIDDLE: AtomicBool = AtomicBool::new(false);
    static STOP_AT_THE_END: AtomicBool = AtomicBool::new(false);
    let ran = Mutex::new(Vec::new());
    let run_stopping = |jobs: &[Job], stop: &'static AtomicBool, stopping: fn() -> bool| {
        let o = Options {
            stopping,
            ..options(1)
        };
        let execute = |job: &Job, step: &Step| {
            ran.lock()
                .unwrap()
                .push(format!("{}.{}", job.id, step.phase));
            stop.store(true, SeqCst);
            Some(Outcome::Ok)
        };
        let results = run_with(jobs, &o, &|_| {}, &execute).unwrap();
        results
            .into_iter()
            .map(|r| (r.id, r.outcome))
            .collect::<BTreeMap<_, _>>()
    };
    // Stopped after the first of two steps: interrupted, the second never runs,
    // and the job after it never starts.
    let results = run_stopping(
        &[
            job("two", &[], vec![step("check", &[]), step("update", &[])]),
            job("next", &["two"], vec![step("update", &[])]),
        ],
        &STOP_IN_THE_MIDDLE,
        || STOP_IN_THE_MIDDLE.load(SeqCst),
    );
    assert_eq!(results["two"], Outcome::Interrupted);
    assert_eq!(
        results["next"],
        Outcome::Skipped("interrupted before it started".into())
    );
    assert_eq!(*ran.lock().unwrap(), ["two.check"]);
    // Stopped while its last step ran: the job finished, so it is ok.
    let results = run_stopping(
        &[job("one", &[], vec![step("update", &[])])],
        &STOP_AT_THE_END,
        || STOP_AT_THE_END.load(SeqCst),
    );
    assert_eq!(results["one"], Outcome::Ok);
}
