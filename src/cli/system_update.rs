//! `toolup system update` and `toolup system sudoers`: the update shown
//! as it runs — the plan, then a live view on a terminal, plain lines
//! elsewhere, JSON events with `--format json` — and the drop-in printed.

use std::sync::Mutex;

use crate::base::printer::Printer;
use crate::render::live::Live;
use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, JobResult};
use crate::schedule::ScheduledRun;
use crate::settings::{Format, Settings};
use crate::system::update::{JobEstimate, Request, View};

use super::Outcome;
use super::present;

pub fn run(
    settings: &Settings,
    printer: Printer,
    request: &Request,
    yes: bool,
) -> anyhow::Result<Outcome> {
    // Scheduled: nobody to ask, a plan taken as it is (majors stay held
    // back), and the scheduled run's own notification instead of --notify;
    // a dry run records nothing, a scheduled one neither.
    let scheduled =
        (settings.scheduled && !request.dry_run).then(|| ScheduledRun::begin("system update"));
    let view = Terminal {
        printer,
        checking: present::CheckView::new(settings, printer),
        json: settings.format == Format::Json,
        quiet: settings.quiet,
        dry_run: request.dry_run,
        yes: yes || scheduled.is_some(),
        live: Mutex::new(None),
        scheduled: scheduled.as_ref().map(|s| (s, settings)),
    };
    let request = Request {
        notify: request.notify && scheduled.is_none(),
        ..request.clone()
    };
    let result = crate::system::update::run(settings, printer, &request, &view);
    if let Some(s) = &scheduled {
        s.end_update(settings, printer, result.as_ref());
    }
    // A fleet controller reads "busy" as an event, not as an error text.
    if let Err(e) = &result
        && view.json
        && let Some(busy) = e.downcast_ref::<crate::system::update::Busy>()
    {
        let mut event = serde_json::json!({"event": "busy"});
        if let (Some(map), Ok(serde_json::Value::Object(fields))) =
            (event.as_object_mut(), serde_json::to_value(busy))
        {
            map.extend(fields);
        }
        printer.out_json(&format!("{event}\n"));
    }
    result
}

/// The command line's view of an update.
struct Terminal<'a> {
    printer: Printer,
    checking: present::CheckView,
    json: bool,
    quiet: bool,
    dry_run: bool,
    yes: bool,
    live: Mutex<Option<Live>>,
    scheduled: Option<(&'a ScheduledRun, &'a Settings)>,
}

impl View for Terminal<'_> {
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
            self.printer.out(&crate::render::system::update_plan(jobs));
        }
        if self.dry_run {
            return Ok(true);
        }
        present::go_ahead(
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
        std::io::IsTerminal::is_terminal(&std::io::stdin()) && present::confirm(question)
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
            self.printer.note(&crate::render::system::event_line(event));
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
                .out(&crate::render::system::update_summary(journal, results));
        }
    }
}

/// `toolup system sudoers`.
pub fn sudoers(
    settings: &Settings,
    printer: Printer,
    user: Option<&str>,
) -> anyhow::Result<Outcome> {
    let text = crate::system::sudoers::sudoers(settings, printer, user)?;
    printer.out(&text);
    Ok(Outcome::Success)
}
