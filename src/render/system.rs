//! The whole-system views: the jobs of an update, its events as lines,
//! its summary.

use tabled::builder::Builder;

use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, JobResult, Outcome as JobOutcome};

/// The jobs of a system update: each phase's command, locks and order.
pub fn update_plan(jobs: &[Job]) -> String {
    let mut b = Builder::default();
    b.push_record(["UPDATER", "PHASE", "COMMAND", "LOCKS", "AFTER"]);
    for j in jobs {
        for s in &j.steps {
            b.push_record([
                j.id.clone(),
                s.phase.clone(),
                s.argv.join(" "),
                s.locks.join(" "),
                j.runs_after.join(" "),
            ]);
        }
    }
    format!("{}\n", super::fit(b, super::terminal_width(), &[2, 4, 3]))
}

/// One event as a line, where there is no live view.
pub fn event_line(event: &Event) -> String {
    match event {
        Event::Started { job, phase } => format!("{job}: {phase} started"),
        Event::Waiting { job, phase, holder } => format!("{job}: {phase} waits: {holder}"),
        Event::Progress {
            job,
            phase,
            percent,
            message,
        } => format!(
            "{job}: {phase}{}{}",
            percent.map_or_else(String::new, |p| format!(" {p:.0}%")),
            message
                .as_deref()
                .map_or_else(String::new, |m| format!(" {m}"))
        ),
        Event::Finished {
            job,
            phase,
            outcome,
            elapsed_ms,
            log,
            ..
        } => {
            let why = match outcome {
                JobOutcome::Failed(w) | JobOutcome::Skipped(w) => format!(": {w}"),
                _ => String::new(),
            };
            let log = match (outcome, log) {
                (JobOutcome::Ok, _) | (_, None) => String::new(),
                (_, Some(p)) => format!(" (log {})", p.display()),
            };
            format!(
                "{job}: {phase} {} in {:.1}s{why}{log}",
                outcome.id(),
                *elapsed_ms as f64 / 1000.0
            )
        }
    }
}

/// The run's outcome per updater, and the count.
pub fn update_summary(journal: &RunJournal, results: &[JobResult]) -> String {
    let mut b = Builder::default();
    b.push_record(["UPDATER", "OUTCOME", "TIME", "LOG"]);
    for r in results {
        let log = journal
            .jobs
            .get(&r.id)
            .and_then(|e| e.log.clone())
            .map_or_else(String::new, |p| p.display().to_string());
        b.push_record([
            r.id.clone(),
            r.outcome.id().to_owned(),
            format!("{:.1}s", r.elapsed.as_secs_f64()),
            log,
        ]);
    }
    let ok = results
        .iter()
        .filter(|r| r.outcome == JobOutcome::Ok)
        .count();
    format!(
        "\n{}\n\nrun {}: {ok} of {} updater(s) ok\n",
        super::fit(b, super::terminal_width(), &[3]),
        journal.run_id,
        results.len()
    )
}
