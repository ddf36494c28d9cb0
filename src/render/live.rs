//! The live view of a system update on a terminal: one line per job (its
//! state, phase, elapsed time, the estimate from history and, while it
//! updates, how long is left by that estimate) and an overall line. Elsewhere (a pipe, a CI log) the runner's events are
//! printed as plain lines instead.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::runner::{Event, Outcome};
use crate::system::update::JobEstimate;

/// `about 12s left`, or `4s over the estimate`, from the expected and the
/// elapsed milliseconds.
pub fn left(expected_ms: u64, elapsed_ms: u64) -> String {
    let secs = |ms: u64| ms.div_ceil(1000);
    if elapsed_ms <= expected_ms {
        format!("about {}s left", secs(expected_ms - elapsed_ms))
    } else {
        format!("{}s over the estimate", secs(elapsed_ms - expected_ms))
    }
}

/// What the view shows of text from programs (a progress message, why a
/// phase failed, who holds a lock): it reaches the terminal past the
/// printer, so it is scrubbed and escaped as the printer would.
fn shown(text: &str) -> String {
    crate::base::printer::visible(&crate::base::secrets::scrub(text)).into_owned()
}

/// The view; `None` from `new` when stderr is not a terminal.
pub struct Live {
    multi: MultiProgress,
    overall: ProgressBar,
    jobs: Mutex<BTreeMap<String, ProgressBar>>,
    /// Each job's expected update time (ms).
    expected: BTreeMap<String, u64>,
}

impl Live {
    /// A view of `jobs`, when stderr is a terminal.
    pub fn new(jobs: &[JobEstimate]) -> Option<Live> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        // The countdown: a bar's length is its expected update time (set
        // when the update starts), redrawn at every tick.
        let style = ProgressStyle::with_template("{spinner} {prefix:<12} {msg} {elapsed} {left}")
            .ok()?
            .with_key(
                "left",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    if let Some(expected) = state.len().filter(|l| *l > 1) {
                        let elapsed =
                            u64::try_from(state.elapsed().as_millis()).unwrap_or(u64::MAX);
                        let _ = write!(w, "({})", left(expected, elapsed));
                    }
                },
            );
        let mut bars = BTreeMap::new();
        let mut expected = BTreeMap::new();
        for j in jobs {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(j.job.clone());
            bar.set_message(format!("waiting (estimate: {})", j.text));
            bars.insert(j.job.clone(), bar);
            if let Some(ms) = j.update_ms {
                expected.insert(j.job.clone(), ms);
            }
        }
        let overall = multi.add(ProgressBar::new(jobs.len() as u64));
        if let Ok(s) = ProgressStyle::with_template("  {pos}/{len} done {wide_bar} {elapsed}") {
            overall.set_style(s);
        }
        Some(Live {
            multi,
            overall,
            jobs: Mutex::new(bars),
            expected,
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
                    if phase == "update" {
                        bar.reset_elapsed();
                        if let Some(ms) = self.expected.get(job) {
                            bar.set_length((*ms).max(2));
                        }
                    }
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
                    bar.set_message(shown(&format!("{phase}{pct}{msg}")));
                }
            }
            Event::Waiting { job, phase, holder } => {
                if let Some(bar) = jobs.get(job) {
                    bar.set_message(shown(&format!("{phase}: waiting — {holder}")));
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
                    let done = *outcome != Outcome::Ok || phase == "update";
                    if done {
                        // The countdown ends with the phase.
                        bar.unset_length();
                    }
                    let why = match outcome {
                        Outcome::Failed(w) | Outcome::Skipped(w) => format!(": {w}"),
                        _ => String::new(),
                    };
                    bar.set_message(shown(&format!("{phase} {}{why}{log}", outcome.id())));
                    if done {
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

/// A system check's progress on a terminal: a line per updater — checking,
/// then its count and time, or why it failed — cleared when the report is
/// printed; `None` from `new` when stderr is not a terminal.
pub struct CheckProgress {
    multi: MultiProgress,
    lines: Mutex<BTreeMap<String, ProgressBar>>,
}

impl CheckProgress {
    pub fn new() -> Option<CheckProgress> {
        std::io::stderr().is_terminal().then(|| CheckProgress {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            lines: Mutex::new(BTreeMap::new()),
        })
    }

    /// Shows one event of the check.
    pub fn show(&self, event: &crate::system::check::CheckEvent) {
        use crate::system::check::CheckEvent;
        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            CheckEvent::CheckStarted { updater } => {
                let bar = self.multi.add(ProgressBar::new_spinner());
                if let Ok(style) = ProgressStyle::with_template("{spinner} {prefix:<12} {msg}") {
                    bar.set_style(style);
                }
                bar.set_prefix(updater.clone());
                bar.set_message("checking…");
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                lines.insert(updater.clone(), bar);
            }
            CheckEvent::CheckFinished {
                updater,
                pending,
                elapsed_ms,
                error,
            } => {
                if let Some(bar) = lines.get(updater) {
                    bar.finish_with_message(match error {
                        Some(e) => shown(&format!("failed: {e}")),
                        None => format!("{pending} pending ({:.1}s)", *elapsed_ms as f64 / 1000.0),
                    });
                }
            }
        }
    }

    /// Clears the lines, so the report that follows stands alone.
    pub fn finish(&self) {
        let _ = self.multi.clear();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_countdown_says_what_is_left_or_how_far_over() {
        assert_eq!(super::left(12_000, 2_500), "about 10s left");
        assert_eq!(super::left(12_000, 12_000), "about 0s left");
        assert_eq!(super::left(12_000, 15_100), "4s over the estimate");
    }
}
