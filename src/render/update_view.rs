//! The command line's view of a system update: the check's progress, the
//! plan and the question, then a live view on a terminal, plain lines
//! elsewhere (and in a scheduled run), JSON events with `--format json`
//! (`run-started`, each phase's, `run-finished`, and `busy` when another
//! update holds the machine), and the summary.

use std::sync::Mutex;

use crate::base::printer::Printer;
use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, JobResult};
use crate::schedule::ScheduledRun;
use crate::settings::{Format, Settings};
use crate::system::update::{JobEstimate, View};

use super::check_view::CheckView;
use super::live::Live;

/// The command line's view of an update.
pub struct UpdateView<'a> {
    printer: Printer,
    checking: CheckView,
    json: bool,
    quiet: bool,
    dry_run: bool,
    yes: bool,
    live: Mutex<Option<Live>>,
    scheduled: Option<(&'a ScheduledRun, &'a Settings)>,
}

impl View for UpdateView<'_> {
    /// With `--format json` the check's events join the update's on stdout.
    fn check(&self, event: &crate::system::check::CheckEvent) {
        match serde_json::to_string(event) {
            Ok(line) if self.json => self.printer.out_json(&format!("{line}\n")),
            _ => self.checking.show(event),
        }
    }
    fn plan(&self, jobs: &[Job]) -> anyhow::Result<bool> {
        self.checking.finish();
        if !self.json {
            self.printer.out(&super::system::update_plan(jobs));
        }
        if self.dry_run {
            return Ok(true);
        }
        super::ask::go_ahead(
            self.yes,
            "update the system",
            &format!("Update {} updater(s)?", jobs.len()),
            self.printer,
        )
    }
    fn approve(&self, question: &str) -> bool {
        if let Some((run, settings)) = self.scheduled {
            run.outside_window(settings);
            return false;
        }
        std::io::IsTerminal::is_terminal(&std::io::stdin()) && super::ask::confirm(question)
    }
    fn unanswered(&self, job: &Job) -> Option<String> {
        self.scheduled.and_then(|(run, _)| run.unanswered(job))
    }
    fn start(&self, run_id: &str, estimates: &[JobEstimate]) {
        if self.json {
            let jobs: Vec<serde_json::Value> = estimates
                .iter()
                .map(|e| {
                    serde_json::json!({"job": e.job, "estimate": e.text, "update_ms": e.update_ms})
                })
                .collect();
            let event = serde_json::json!({"event": "run-started", "run": run_id, "jobs": jobs});
            self.printer.out_json(&format!("{event}\n"));
        } else if !self.quiet && self.scheduled.is_none() {
            *self.live.lock().unwrap_or_else(|e| e.into_inner()) = Live::new(estimates);
        }
    }
    fn event(&self, event: &Event) {
        if self.json {
            if let Ok(line) = serde_json::to_string(event) {
                self.printer.out_json(&format!("{line}\n"));
            }
        } else if let Some(live) = &*self.live.lock().unwrap_or_else(|e| e.into_inner()) {
            live.show(event);
        } else {
            self.printer.note(&super::system::event_line(event));
        }
    }
    fn finish(&self, journal: &RunJournal, results: &[JobResult], reboot: Option<&str>) {
        if let Some(live) = &*self.live.lock().unwrap_or_else(|e| e.into_inner()) {
            live.finish();
        }
        if let Some((run, _)) = self.scheduled {
            run.finished(journal, results);
        }
        if self.json {
            let results: Vec<serde_json::Value> = results
                .iter()
                .map(|r| {
                    let mut v = serde_json::json!({
                        "job": r.id,
                        "elapsed_ms": u64::try_from(r.elapsed.as_millis()).unwrap_or(u64::MAX),
                    });
                    if let (Some(map), Ok(serde_json::Value::Object(outcome))) =
                        (v.as_object_mut(), serde_json::to_value(&r.outcome))
                    {
                        map.extend(outcome);
                    }
                    v
                })
                .collect();
            let event = serde_json::json!({
                "event": "run-finished",
                "run": journal.run_id,
                "results": results,
                "reboot_required": reboot.is_some(),
                "reboot_reason": reboot,
            });
            self.printer.out_json(&format!("{event}\n"));
        } else {
            self.printer
                .out(&super::system::update_summary(journal, results));
        }
    }
}

impl<'a> UpdateView<'a> {
    /// The view of an update: `yes` takes the plan without asking;
    /// `scheduled` records the run for its schedule.
    pub fn new(
        settings: &'a Settings,
        printer: Printer,
        dry_run: bool,
        yes: bool,
        scheduled: Option<&'a ScheduledRun>,
    ) -> UpdateView<'a> {
        UpdateView {
            printer,
            checking: CheckView::new(settings, printer),
            json: settings.format == Format::Json,
            quiet: settings.quiet,
            dry_run,
            yes,
            live: Mutex::new(None),
            scheduled: scheduled.map(|s| (s, settings)),
        }
    }

    /// With `--format json`, another update holding the machine is said as
    /// an event (a fleet controller reads it as "busy", not as error text).
    pub fn failed(&self, error: &anyhow::Error) {
        if !self.json {
            return;
        }
        let Some(busy) = error.downcast_ref::<crate::system::update::Busy>() else {
            return;
        };
        let mut event = serde_json::json!({"event": "busy"});
        if let (Some(map), Ok(serde_json::Value::Object(fields))) =
            (event.as_object_mut(), serde_json::to_value(busy))
        {
            map.extend(fields);
        }
        self.printer.out_json(&format!("{event}\n"));
    }
}
