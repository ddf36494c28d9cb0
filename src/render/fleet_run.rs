//! The views of a fleet run: the report (a row per host, worst first, and
//! the recap), as a table or Markdown; the live view on a terminal (a line
//! per host: state, what it is doing, elapsed, its estimate); plain lines
//! elsewhere. Everything a host said is shown through the printer, which
//! escapes control characters.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use tabled::builder::Builder;

use crate::base::printer::Printer;
use crate::fleet::report::{FleetReport, HostResult, HostState};
use crate::settings::{Format, Settings};

fn secs(ms: u64) -> String {
    let s = ms as f64 / 1000.0;
    if s < 10.0 {
        format!("{s:.1}s")
    } else {
        format!("{s:.0}s")
    }
}

fn pending(h: &HostResult) -> String {
    match (h.security, h.pending) {
        (Some(s), Some(p)) => format!("{s} / {p}"),
        (None, Some(p)) => format!("- / {p}"),
        _ => "-".to_owned(),
    }
}

fn outcome(h: &HostResult) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(why) = &h.reason {
        parts.push(why.clone());
    }
    let updated: Vec<String> = h
        .updaters
        .iter()
        .map(|u| format!("{} {}", u.updater, u.outcome))
        .collect();
    if !updated.is_empty() && h.state == HostState::Ok {
        parts.push(updated.join(", "));
    }
    parts.join("; ")
}

/// The report as a table, then the recap.
pub fn report_table(report: &FleetReport) -> String {
    let mut b = Builder::default();
    b.push_record([
        "HOST", "STATE", "PENDING", "REBOOT", "OUTCOME", "TOOK", "LOG",
    ]);
    for h in &report.hosts {
        b.push_record([
            h.host.clone(),
            h.state.id().to_owned(),
            pending(h),
            match h.reboot_required {
                Some(true) => "yes".to_owned(),
                Some(false) => "no".to_owned(),
                None => "-".to_owned(),
            },
            outcome(h),
            secs(h.duration_ms),
            h.log.display().to_string(),
        ]);
    }
    let width = super::terminal_width();
    let mut out = super::fit_with(
        b,
        width,
        super::layout::Layout {
            shrink: vec![4, 6],
            drop: vec![6, 3, 5],
            group: None,
            under: Some(4),
            argv: vec![],
        },
    );
    out.push('\n');
    out.push_str(&super::wrap_words(&recap(report), width));
    out.push('\n');
    out
}

/// `3 requested · 3 contacted · 2 ok · 1 failed · 0 unreachable` (and
/// skipped, busy, interrupted when there are any).
pub fn recap(report: &FleetReport) -> String {
    let t = &report.totals;
    let mut parts = vec![
        format!("{} requested", t.requested),
        format!("{} contacted", t.contacted),
        format!("{} ok", t.ok),
        format!("{} failed", t.failed),
        format!("{} unreachable", t.unreachable),
    ];
    for (n, what) in [
        (t.skipped, "skipped"),
        (t.busy, "busy"),
        (t.interrupted, "interrupted"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    let dry = if report.dry_run { " (dry run)" } else { "" };
    format!(
        "fleet {} {}{dry}: {}",
        report.command,
        report.run_id,
        parts.join(" · ")
    )
}

/// The report as Markdown: the recap, a table, then each host's updaters.
pub fn report_markdown(report: &FleetReport) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut out = format!("**{}**\n\n", cell(&recap(report)));
    out.push_str("| Host | State | Pending (security / total) | Reboot | Outcome | Took |\n");
    out.push_str("|---|---|---|---|---|---|\n");
    for h in &report.hosts {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            cell(&h.host),
            h.state.id(),
            pending(h),
            h.reboot_required
                .map_or("-", |r| if r { "yes" } else { "no" }),
            cell(&outcome(h)),
            secs(h.duration_ms)
        ));
    }
    out
}

/// One plain line for a host's change (a pipe, a CI log).
pub fn progress_line(host: &str, state: HostState, doing: &str) -> String {
    format!("{host}: {} {doing}", state.id())
}

/// A host's event as one plain line, for the events worth a line: a phase
/// started or finished, a check finished.
pub fn event_line(event: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let text = |k: &str| {
        event
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?")
    };
    let host = text("host");
    match text("event") {
        "started" => Some(format!("{host}: {} {} started", text("job"), text("phase"))),
        "finished" => Some(format!(
            "{host}: {} {} {}",
            text("job"),
            text("phase"),
            text("outcome")
        )),
        "check-finished" => Some(format!(
            "{host}: checked {}: {} pending",
            text("updater"),
            event
                .get("pending")
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        )),
        _ => None,
    }
}

/// A finished host as one line.
pub fn done_line(h: &HostResult) -> String {
    match &h.reason {
        Some(why) => format!(
            "{}: {} ({}) — {why}",
            h.host,
            h.state.id(),
            secs(h.duration_ms)
        ),
        None => format!("{}: {} ({})", h.host, h.state.id(), secs(h.duration_ms)),
    }
}

/// Text from a host as the live view may show it: credentials scrubbed,
/// control characters escaped (indicatif writes past the printer).
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    std::borrow::Cow::Owned(
        crate::base::printer::visible(&crate::base::secrets::scrub(text)).into_owned(),
    )
}

/// The live view: a line per host. `None` when stderr is not a terminal.
pub struct FleetLive {
    multi: MultiProgress,
    bars: Mutex<BTreeMap<String, ProgressBar>>,
}

impl FleetLive {
    pub fn new(hosts: &[(String, Option<u64>)]) -> Option<FleetLive> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template("{spinner} {prefix:<16} {msg} {elapsed}").ok()?;
        let mut bars = BTreeMap::new();
        for (host, estimate) in hosts {
            let bar = multi.add(ProgressBar::new_spinner());
            bar.set_style(style.clone());
            bar.set_prefix(shown(host).into_owned());
            bar.set_message(match estimate {
                Some(ms) => format!("waiting (estimate {})", secs(*ms)),
                None => "waiting".to_owned(),
            });
            bars.insert(host.clone(), bar);
        }
        Some(FleetLive {
            multi,
            bars: Mutex::new(bars),
        })
    }

    pub fn progress(&self, host: &str, state: HostState, doing: &str, estimate_ms: Option<u64>) {
        let bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = bars.get(host) {
            if bar.elapsed().as_millis() > 0 && bar.position() == 0 {
                bar.enable_steady_tick(std::time::Duration::from_millis(200));
                bar.set_position(1);
            }
            let estimate =
                estimate_ms.map_or_else(String::new, |ms| format!(" (estimate {})", secs(ms)));
            bar.set_message(shown(&format!("{} {doing}{estimate}", state.id())).into_owned());
        }
    }

    pub fn done(&self, h: &HostResult) {
        let bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = bars.get(&h.host) {
            bar.finish_with_message(
                shown(&match &h.reason {
                    Some(why) => format!("{} — {why}", h.state.id()),
                    None => h.state.id().to_owned(),
                })
                .into_owned(),
            );
        }
    }

    pub fn finish(&self) {
        let _ = self.multi.clear();
    }
}

/// The command line's view of a fleet run: a live line per host on a
/// terminal, plain lines elsewhere, JSON events (each tagged with its
/// host) with `--format json` — on stdout for an update (the stream is
/// its output), on stderr for a check or audit (stdout keeps the report).
pub struct FleetTerminal {
    printer: Printer,
    json: bool,
    stream_on_stdout: bool,
    quiet: bool,
    live: std::sync::Mutex<Option<FleetLive>>,
}

impl FleetTerminal {
    fn emit(&self, event: &serde_json::Value) {
        if self.stream_on_stdout {
            self.printer.out_json(&format!("{event}\n"));
        } else {
            self.printer.note(&event.to_string());
        }
    }
}

impl crate::fleet::run::FleetView for FleetTerminal {
    fn start(&self, run_id: &str, hosts: &[(String, Option<u64>)]) {
        if self.json {
            let list: Vec<serde_json::Value> = hosts
                .iter()
                .map(|(h, ms)| serde_json::json!({"host": h, "estimate_ms": ms}))
                .collect();
            self.emit(&serde_json::json!({"event": "fleet-started", "run": run_id, "hosts": list}));
        } else if !self.quiet {
            *self.live.lock().unwrap_or_else(|e| e.into_inner()) = FleetLive::new(hosts);
        }
    }
    fn progress(
        &self,
        host: &str,
        state: crate::fleet::report::HostState,
        doing: &str,
        estimate_ms: Option<u64>,
    ) {
        if self.json || self.quiet {
            return;
        }
        if let Some(live) = &*self.live.lock().unwrap_or_else(|e| e.into_inner()) {
            live.progress(host, state, doing, estimate_ms);
        }
    }
    fn event(&self, event: &serde_json::Map<String, serde_json::Value>) {
        if self.json {
            self.emit(&serde_json::Value::Object(event.clone()));
        } else if !self.quiet
            && self
                .live
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_none()
            && let Some(line) = event_line(event)
        {
            self.printer.note(&line);
        }
    }
    fn host_done(&self, result: &crate::fleet::report::HostResult) {
        if self.json {
            let mut event = serde_json::json!({"event": "host-finished"});
            if let (Some(map), Ok(serde_json::Value::Object(row))) =
                (event.as_object_mut(), serde_json::to_value(result))
            {
                map.extend(row);
            }
            self.emit(&event);
        } else if let Some(live) = &*self.live.lock().unwrap_or_else(|e| e.into_inner()) {
            live.done(result);
        } else if !self.quiet {
            self.printer.note(&done_line(result));
        }
    }
}

impl FleetTerminal {
    /// The view of a run; `stream_on_stdout` for an update (its events are
    /// its output), else events go to stderr and stdout keeps the report.
    pub fn new(settings: &Settings, printer: Printer, stream_on_stdout: bool) -> FleetTerminal {
        FleetTerminal {
            printer,
            json: settings.format == Format::Json,
            stream_on_stdout,
            quiet: settings.quiet,
            live: std::sync::Mutex::new(None),
        }
    }

    /// The run is over: the live view cleared, then the report (as the
    /// stream's last event, `fleet-finished`, when the stream is the output).
    pub fn finish(&self, format: Format, report: &FleetReport) -> anyhow::Result<()> {
        if let Some(live) = &*self.live.lock().unwrap_or_else(|e| e.into_inner()) {
            live.finish();
        }
        if self.json && self.stream_on_stdout {
            let mut event = serde_json::json!({"event": "fleet-finished"});
            if let (Some(map), Ok(serde_json::Value::Object(doc))) =
                (event.as_object_mut(), serde_json::to_value(report))
            {
                map.extend(doc);
            }
            self.printer.out_json(&format!("{event}\n"));
            return Ok(());
        }
        show_report(format, self.printer, report)
    }
}

/// A report in `format`.
pub fn show_report(format: Format, printer: Printer, report: &FleetReport) -> anyhow::Result<()> {
    match format {
        Format::Json => printer.json(report)?,
        Format::Table => printer.out(&report_table(report)),
        Format::Markdown => printer.out(&report_markdown(report)),
    }
    Ok(())
}
