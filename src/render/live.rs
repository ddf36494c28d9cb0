//! The live view of a system update on a terminal: one line per job (its
//! state, phase, elapsed time and the estimate from history) and an
//! overall line. Elsewhere (a pipe, a CI log) the runner's events are
//! printed as plain lines instead.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::runner::{Event, Outcome};

/// The view; `None` from `new` when stderr is not a terminal.
pub struct Live {
    multi: MultiProgress,
    overall: ProgressBar,
    jobs: Mutex<BTreeMap<String, ProgressBar>>,
}

impl Live {
    /// A view of `jobs` (id, estimate), when stderr is a terminal.
    pub fn new(jobs: &[(String, String)]) -> Option<Live> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix:<12} {msg} {elapsed}").ok()?;
        let mut bars = BTreeMap::new();
        for (id, estimate) in jobs {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(id.clone());
            bar.set_message(format!("waiting (estimate: {estimate})"));
            bars.insert(id.clone(), bar);
        }
        let overall = multi.add(ProgressBar::new(jobs.len() as u64));
        if let Ok(s) = ProgressStyle::with_template("  {pos}/{len} done {wide_bar} {elapsed}") {
            overall.set_style(s);
        }
        Some(Live {
            multi,
            overall,
            jobs: Mutex::new(bars),
        })
    }

    /// Shows an event.
    pub fn show(&self, event: &Event) {
        let jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Event::Started { job, phase } => {
                if let Some(bar) = jobs.get(job) {
                    bar.enable_steady_tick(std::time::Duration::from_millis(200));
                    bar.set_message(format!("{phase}…"));
                }
            }
            Event::Progress {
                job,
                phase,
                percent,
                message,
            } => {
                if let Some(bar) = jobs.get(job) {
                    let pct = percent.map_or_else(String::new, |p| format!(" {p:.0}%"));
                    let msg = message
                        .as_deref()
                        .map_or_else(String::new, |m| format!(" {m}"));
                    bar.set_message(format!("{phase}{pct}{msg}"));
                }
            }
            Event::Waiting { job, phase, holder } => {
                if let Some(bar) = jobs.get(job) {
                    bar.set_message(format!("{phase}: waiting — {holder}"));
                }
            }
            Event::Finished {
                job,
                phase,
                outcome,
                log,
                ..
            } => {
                if let Some(bar) = jobs.get(job) {
                    let log = log
                        .as_ref()
                        .filter(|_| *outcome != Outcome::Ok)
                        .map_or_else(String::new, |l| format!(" (log {})", l.display()));
                    bar.set_message(format!("{phase} {}{log}", outcome.id()));
                    if *outcome != Outcome::Ok || phase == "update" {
                        bar.finish();
                        self.overall.inc(1);
                    }
                }
            }
        }
    }

    /// Ends the view, leaving its last state on the screen.
    pub fn finish(&self) {
        self.overall.finish();
        let _ = self.multi.clear();
    }
}
