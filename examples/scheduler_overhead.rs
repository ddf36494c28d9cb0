//! The runner's own overhead: 1,000 jobs with no process to start, in a
//! chain of `runs_after` edges and with shared locks, timed in-process.
//! Run by `bench/scheduler.sh`.

use std::time::Instant;

use toolup::runner::{Job, Options, Step, run};

#[allow(clippy::print_stdout)] // a benchmark's report
fn main() {
    let jobs: Vec<Job> = (0..1000)
        .map(|i| Job {
            id: format!("job{i}"),
            steps: vec![Step {
                phase: "update".to_owned(),
                argv: Vec::new(),
                timeout: std::time::Duration::from_secs(1),
                locks: vec![format!("lock:{}", i % 10)],
                wait_for: Vec::new(),
                env: Vec::new(),
            }],
            runs_after: if i % 3 == 0 && i > 0 {
                vec![format!("job{}", i - 1)]
            } else {
                Vec::new()
            },
        })
        .collect();
    let started = Instant::now();
    let results = run(
        &jobs,
        &Options {
            lock_timeout: std::time::Duration::from_secs(1),
            max_downloads: 2,
            ..Options::in_process(8, false)
        },
        &|_| {},
    )
    .expect("no cycle");
    let took = started.elapsed();
    assert_eq!(results.len(), 1000);
    println!(
        "1000 trivial jobs (10 locks, a third chained): {:.1} ms, {:.1} µs per job",
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e6 / 1000.0
    );
}
