//! The whole-system views: the jobs of an update, its events as lines,
//! its summary; the recorded history and its estimates; the updaters and
//! the plugins (`plugins list | info | validate`). The check report's views
//! are in `system_check`.

use std::path::{Path, PathBuf};

use tabled::builder::Builder;

use crate::managers::plugin::{Conformance, Listed};
use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, JobResult, Outcome as JobOutcome};
use crate::state::store::PhaseRecord;
use crate::system::UpdaterInfo;
use crate::system::history::PhaseStats;

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
    format!(
        "{}\n",
        super::fit_with(
            b,
            super::terminal_width(),
            super::layout::Layout {
                shrink: vec![2, 4, 3],
                drop: vec![4, 3],
                group: Some(0),
                under: None,
                argv: vec![2]
            }
        )
    )
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
    b.push_record(["UPDATER", "OUTCOME", "TIME", "WHY", "LOG"]);
    for r in results {
        let log = journal
            .jobs
            .get(&r.id)
            .and_then(|e| e.log.clone())
            .map_or_else(String::new, |p| p.display().to_string());
        let why = match &r.outcome {
            JobOutcome::Failed(w) | JobOutcome::Skipped(w) => w.clone(),
            _ => String::new(),
        };
        b.push_record([
            r.id.clone(),
            r.outcome.id().to_owned(),
            format!("{:.1}s", r.elapsed.as_secs_f64()),
            why,
            log,
        ]);
    }
    let ok = results
        .iter()
        .filter(|r| r.outcome == JobOutcome::Ok)
        .count();
    format!(
        "\n{}\n\nrun {}: {ok} of {} updater(s) ok\n",
        super::fit_with(
            b,
            super::terminal_width(),
            super::layout::Layout {
                shrink: vec![3, 4],
                drop: vec![4, 3],
                group: None,
                under: Some(3),
                argv: vec![]
            }
        ),
        journal.run_id,
        results.len()
    )
}

/// `toolup system history`: one row per recorded phase, its times and
/// size; none recorded (for `updater`, when one is named) says so.
pub fn history(phases: &[PhaseRecord], updater: Option<&str>) -> String {
    if phases.is_empty() {
        let of = updater.map_or_else(String::new, |u| {
            format!(" for {}", crate::base::printer::visible(u))
        });
        return format!(
            "no update phases recorded{of} yet (`toolup system update` records them)\n"
        );
    }
    let mut b = Builder::default();
    b.push_record([
        "STARTED", "UPDATER", "PHASE", "OUTCOME", "WALL", "CPU", "PEAK RSS", "PACKAGES", "RUN",
    ]);
    for p in phases {
        b.push_record([
            p.started_at.clone(),
            p.updater.clone(),
            p.phase.clone(),
            p.outcome.clone(),
            format!("{:.1}s", p.wall_ms as f64 / 1000.0),
            match (p.user_ms, p.system_ms) {
                (Some(u), Some(s)) => format!("{:.1}s", (u + s) as f64 / 1000.0),
                _ => "-".to_owned(),
            },
            p.peak_rss_kib.map_or_else(
                || "-".to_owned(),
                |k| crate::base::text::human_bytes(k * 1024),
            ),
            p.packages.to_string(),
            p.run_id.clone(),
        ]);
    }
    format!(
        "{}\n",
        super::fit_with(
            b,
            super::terminal_width(),
            super::layout::Layout {
                shrink: vec![],
                drop: vec![8, 6, 5, 7, 0, 4],
                group: None,
                under: None,
                argv: vec![]
            }
        )
    )
}

/// `toolup system stats`: per updater and phase, the estimate described;
/// nothing recorded says so.
pub fn stats(stats: &[PhaseStats]) -> String {
    if stats.is_empty() {
        return "no update phases recorded yet: no estimates (`toolup system update` records them)\n"
            .to_owned();
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "PHASE", "ESTIMATE"]);
    for s in stats {
        b.push_record([s.updater.clone(), s.phase.clone(), s.estimate.describe()]);
    }
    format!("{}\n", super::fit(b, super::terminal_width(), &[2]))
}

/// `toolup system updaters`: whether each applies here, its commands, root;
/// none selected says so.
pub fn updaters(updaters: &[UpdaterInfo]) -> String {
    if updaters.is_empty() {
        return "no updater selected\n".to_owned();
    }
    let mut b = Builder::default();
    b.push_record(["UPDATER", "HERE", "CHECK", "UPDATE", "ROOT"]);
    for u in updaters {
        let check = u.check.join(" ");
        b.push_record([
            u.id.to_owned(),
            if u.applies { "yes" } else { "-" }.to_owned(),
            if check.is_empty() {
                "(registry lookups)".to_owned()
            } else {
                check
            },
            u.update.join(" "),
            if u.needs_root { "yes" } else { "" }.to_owned(),
        ]);
    }
    format!("{}\n", super::fit(b, super::terminal_width(), &[3, 2]))
}

/// `toolup plugins list`: every manifest, its plugin and whether it loads;
/// none found names the directories looked in (`dirs`).
pub fn plugins(listed: &[Listed], dirs: &[PathBuf]) -> String {
    if listed.is_empty() {
        let places: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return format!("no plugin manifests (*.toml) in {}\n", places.join(", "));
    }
    let mut b = Builder::default();
    b.push_record(["PLUGIN", "EXECUTABLE", "MANIFEST", "STATUS"]);
    for l in listed {
        b.push_record([
            l.name.clone(),
            l.executable.clone(),
            l.manifest.clone(),
            l.status.clone(),
        ]);
    }
    format!("{}\n", super::fit(b, super::terminal_width(), &[3, 2, 1]))
}

/// `toolup plugins info` as text: each key of the document and its JSON value.
pub fn plugin_info(doc: &serde_json::Value) -> String {
    let mut text = String::new();
    for (k, v) in doc.as_object().into_iter().flatten() {
        text.push_str(&format!("{k:<12} {v}\n"));
    }
    text
}

/// `toolup plugins validate`: each conformance check, then the verdict.
pub fn plugin_conformance(name: &str, path: &Path, checks: &[Conformance]) -> String {
    let mut text = format!("plugin {name} ({})\n", path.display());
    for c in checks {
        text.push_str(&format!(
            "  {:<4} {}: {}\n",
            if c.ok { "ok" } else { "FAIL" },
            c.check,
            c.detail
        ));
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    text.push_str(&if failed == 0 {
        "conforms\n".to_owned()
    } else {
        format!("{failed} check(s) failed: plugin {name} does not conform\n")
    });
    text
}
