//! `toolup fleet hosts|check|update|audit|status`: the host list and what
//! a selection takes from it (`crate::fleet::choose`), a run over the
//! selected hosts (`crate::fleet::run`) shown as it goes, and its report;
//! the views are in `crate::render::fleet` and `render::fleet_run`.

use crate::base::printer::Printer;
use crate::fleet::Selection;
use crate::render::fleet as view;
use crate::settings::{Format, Settings};

use anyhow::Context as _;

use super::{FleetCommand, FleetSelection, Outcome};

/// The library's selection from the command line's.
pub fn selection(args: &FleetSelection) -> Selection<'_> {
    Selection {
        hosts: &args.hosts,
        inventory: args.inventory.as_deref(),
        limit: args.limit.as_deref(),
    }
}

/// `toolup fleet hosts [HOSTS…] [--inventory FILE] [--limit PATTERN]`.
pub fn hosts(
    settings: &Settings,
    printer: Printer,
    args: &FleetSelection,
) -> anyhow::Result<Outcome> {
    let config_dir = settings.dirs.as_ref().map(|d| d.config.as_path());
    let chosen = crate::fleet::choose(config_dir, &selection(args))?;
    match settings.format {
        Format::Json => {
            if !chosen.defined && chosen.hosts.is_empty() {
                printer.note(view::no_host_list(&chosen).trim_end());
            }
            printer.json(&view::hosts_document(&chosen))?;
        }
        Format::Table => printer.out(&view::hosts_table(&chosen)),
        Format::Markdown => printer.out(&view::hosts_markdown(&chosen)),
    }
    Ok(Outcome::Success)
}

/// `toolup fleet status`: each host's last result here, connecting to nothing.
pub fn status(
    settings: &Settings,
    printer: Printer,
    args: &FleetSelection,
) -> anyhow::Result<Outcome> {
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let chosen = crate::fleet::choose(Some(dirs.config.as_path()), &selection(args))?;
    let report = crate::fleet::run::last_results(dirs, &chosen.hosts);
    show_report(settings, printer, &report)?;
    Ok(Outcome::Success)
}

/// `toolup fleet check|update|audit`: the hosts side by side, then the report.
pub fn run(
    settings: &Settings,
    printer: Printer,
    command: &FleetCommand,
) -> anyhow::Result<Outcome> {
    use crate::fleet::host_run::{Action, Ask};
    use crate::fleet::run::{Approve, FleetRequest, MAX_FORKS};
    let (action, args, run_args) = match command {
        FleetCommand::Check { selection, run } => (Action::Check, selection, run),
        FleetCommand::Audit { selection, run } => (Action::Audit, selection, run),
        FleetCommand::Update { selection, run, .. } => (Action::Update, selection, run),
        FleetCommand::Hosts { .. } | FleetCommand::Status { .. } => unreachable!("not a run"),
    };
    let (approve, resume, security_only, dry_run, yes) = match command {
        FleetCommand::Update {
            approve,
            resume,
            security_only,
            dry_run,
            yes,
            ..
        } => (approve.clone(), *resume, *security_only, *dry_run, *yes),
        _ => (Vec::new(), false, false, false, true),
    };
    if !(1..=MAX_FORKS).contains(&run_args.forks) {
        anyhow::bail!("--forks {}: must be 1 to {MAX_FORKS}", run_args.forks);
    }
    let dirs = settings.dirs.as_ref().context("no home directory")?;
    let chosen = crate::fleet::choose(Some(dirs.config.as_path()), &selection(args))?;
    if chosen.hosts.is_empty() {
        printer.note(view::no_host_list(&chosen).trim_end());
        return Ok(Outcome::Failure);
    }
    let mut hosts = chosen.hosts.clone();
    let mut resumed = None;
    if resume {
        let (again, plan) = crate::fleet::run::resume_plan(dirs, &hosts)?;
        for name in &plan.gone {
            printer.warn(&format!(
                "{name}: in the resumed run, but no longer in the host list"
            ));
        }
        if again.is_empty() {
            printer.note(&format!(
                "fleet update {}: nothing left to resume",
                plan.run
            ));
            return Ok(Outcome::Success);
        }
        hosts = again;
        resumed = Some(plan);
    }
    for name in approve.iter().filter(|a| *a != "all") {
        if !hosts.iter().any(|h| &h.name == name) {
            anyhow::bail!("--approve {name}: no such host in this selection");
        }
    }
    if action == Action::Update && !dry_run {
        let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
        if !super::present::go_ahead(
            yes,
            "update hosts",
            &format!("Update {} host(s) ({})?", names.len(), names.join(", ")),
            printer,
        )? {
            return Ok(Outcome::Success);
        }
    }
    let request = FleetRequest {
        action,
        hosts,
        forks: run_args.forks,
        ask: Ask {
            dry_run,
            push: run_args.push,
            only: settings.filter.only.clone(),
            skip: run_args.skip.clone(),
            security_only,
            retry: None,
        },
        approve: if approve.iter().any(|a| a == "all") {
            Approve::All
        } else if approve.is_empty() {
            Approve::Nobody
        } else {
            Approve::Hosts(approve)
        },
        resume: resumed,
        ssh_config: chosen.ssh_config.clone(),
    };
    let terminal = Terminal {
        printer,
        json: settings.format == Format::Json,
        stream_on_stdout: action == Action::Update,
        quiet: settings.quiet,
        live: std::sync::Mutex::new(None),
    };
    let report = crate::fleet::run::run(dirs, &request, &terminal)?;
    if let Some(live) = &*terminal.live.lock().unwrap_or_else(|e| e.into_inner()) {
        live.finish();
    }
    if terminal.json && terminal.stream_on_stdout {
        let mut event = serde_json::json!({"event": "fleet-finished"});
        if let (Some(map), Ok(serde_json::Value::Object(doc))) =
            (event.as_object_mut(), serde_json::to_value(&report))
        {
            map.extend(doc);
        }
        printer.out_json(&format!("{event}\n"));
    } else {
        show_report(settings, printer, &report)?;
    }
    Ok(if report.any_bad() {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

fn show_report(
    settings: &Settings,
    printer: Printer,
    report: &crate::fleet::report::FleetReport,
) -> anyhow::Result<()> {
    match settings.format {
        Format::Json => printer.json(report)?,
        Format::Table => printer.out(&crate::render::fleet_run::report_table(report)),
        Format::Markdown => printer.out(&crate::render::fleet_run::report_markdown(report)),
    }
    Ok(())
}

/// The command line's view of a fleet run: a live line per host on a
/// terminal, plain lines elsewhere, JSON events (each tagged with its
/// host) with `--format json` — on stdout for an update (the stream is
/// its output), on stderr for a check or audit (stdout keeps the report).
struct Terminal {
    printer: Printer,
    json: bool,
    stream_on_stdout: bool,
    quiet: bool,
    live: std::sync::Mutex<Option<crate::render::fleet_run::FleetLive>>,
}

impl Terminal {
    fn emit(&self, event: &serde_json::Value) {
        if self.stream_on_stdout {
            self.printer.out_json(&format!("{event}\n"));
        } else {
            self.printer.note(&event.to_string());
        }
    }
}

impl crate::fleet::run::FleetView for Terminal {
    fn start(&self, run_id: &str, hosts: &[(String, Option<u64>)]) {
        if self.json {
            let list: Vec<serde_json::Value> = hosts
                .iter()
                .map(|(h, ms)| serde_json::json!({"host": h, "estimate_ms": ms}))
                .collect();
            self.emit(&serde_json::json!({"event": "fleet-started", "run": run_id, "hosts": list}));
        } else if !self.quiet {
            *self.live.lock().unwrap_or_else(|e| e.into_inner()) =
                crate::render::fleet_run::FleetLive::new(hosts);
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
            && let Some(line) = crate::render::fleet_run::event_line(event)
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
            self.printer
                .note(&crate::render::fleet_run::done_line(result));
        }
    }
}
