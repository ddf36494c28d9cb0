//! `toolup system update`: the updaters with something pending, side by
//! side where their locks allow, in `runs_after` order, resumable.

use std::io::IsTerminal;
use std::sync::Mutex;

use anyhow::{Context as _, bail};
use tabled::builder::Builder;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::runner::journal::RunJournal;
use crate::runner::{Event, Job, Options, Outcome as JobOutcome, Step};
use crate::settings::Format;
use crate::settings::Settings;
use crate::system::{Pending, Phase, Updater};

use super::Outcome;

/// What the user asked `system update` to do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub skip: Vec<String>,
    pub dry_run: bool,
    pub yes: bool,
    pub resume: bool,
    /// Only security updates, where the updater can tell them apart.
    pub security_only: bool,
    /// Approve an update outside the maintenance windows.
    pub approve: bool,
    /// A desktop notification at the end.
    pub notify: bool,
}

/// How long a job waits for a package manager's lock that another program
/// holds (unattended-upgrades, another apt), as Ansible's `lock_timeout`.
const LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// System package managers: language toolchains update after them
/// (topgrade-rs/topgrade#1039).
const SYSTEM: &[&str] = &["apt", "dnf", "pacman", "zypper", "brew"];
const TOOLCHAINS: &[&str] = &[
    "rustup", "cargo", "npm", "pnpm", "pipx", "uv", "gem", "sdkman", "gcloud", "toolup",
];

/// Leaves out, with a note, the opt-in updaters (firmware) the user did not
/// name with `--only` or `[system] enable`: they are checked, not updated.
fn opted_in<'u>(
    settings: &Settings,
    pending: Vec<(&'u dyn Updater, Vec<Pending>)>,
    printer: Printer,
) -> Vec<(&'u dyn Updater, Vec<Pending>)> {
    pending
        .into_iter()
        .filter(|(u, list)| {
            let Some(why) = u.opt_in() else { return true };
            let named = settings.filter.only.iter().any(|o| o == u.id())
                || settings.config.system_enable.iter().any(|e| e == u.id());
            if !named {
                printer.note(&format!(
                    "{}: {} pending, left alone: {why} unless named (`--only {id}`, or `[system] enable = [\"{id}\"]`)",
                    u.id(),
                    list.len(),
                    id = u.id()
                ));
            }
            named
        })
        .collect()
}

pub fn run(settings: &Settings, printer: Printer, request: &Request) -> anyhow::Result<Outcome> {
    crate::exec::set_dry_run(request.dry_run);
    if !request.dry_run && !approved(settings, request, printer) {
        return Ok(Outcome::Success);
    }
    let dirs = settings
        .dirs
        .clone()
        .context("no home directory for the run's journal")?;
    let _only_one = single_run(&dirs.state)?;
    let updaters = super::system_cmd::selected(settings, printer, &request.skip)?;
    let host = Host::current();
    let runs = dirs.runs();
    let mut sizes: std::collections::BTreeMap<String, (u64, Option<u64>)> =
        std::collections::BTreeMap::new();
    let chosen: Vec<(&'static dyn Updater, Option<Vec<String>>)> = if request.resume {
        let last = RunJournal::latest(&runs).context("no earlier run to resume")?;
        let again = last.unfinished();
        if again.is_empty() {
            printer.note(&format!("run {}: nothing left to resume", last.run_id));
            return Ok(Outcome::Success);
        }
        printer.note(&format!(
            "resuming run {}: {}",
            last.run_id,
            again.join(", ")
        ));
        let again: Vec<&'static dyn Updater> = updaters
            .iter()
            .copied()
            .filter(|u| again.iter().any(|a| a == u.id()))
            .collect();
        // Updaters that name what they update are checked again, so they
        // name what is still pending.
        let (naming, plain): (Vec<_>, Vec<_>) = again
            .into_iter()
            .partition(|u| u.update_argv_for(&[]).is_some());
        let mut chosen: Vec<(&'static dyn Updater, Option<Vec<String>>)> =
            plain.into_iter().map(|u| (u, None)).collect();
        chosen.extend(
            pending_updaters(settings, &naming, &host, printer)
                .into_iter()
                .map(|(u, list)| (u, u.update_argv_for(&list))),
        );
        chosen
    } else {
        let pending = pending_updaters(settings, &updaters, &host, printer);
        for (u, list) in &pending {
            let bytes: Vec<u64> = list.iter().filter_map(|p| p.download_bytes).collect();
            sizes.insert(
                u.id().to_owned(),
                (
                    list.len() as u64,
                    (!bytes.is_empty()).then(|| bytes.iter().sum()),
                ),
            );
        }
        let pending = opted_in(settings, pending, printer);
        if request.security_only {
            security_only(pending, printer)
        } else {
            pending
                .into_iter()
                .map(|(u, list)| (u, u.update_argv_for(&list)))
                .collect()
        }
    };
    if chosen.is_empty() {
        printer.note("nothing to update");
        return Ok(Outcome::Success);
    }
    let jobs = jobs_for(&chosen)?;
    if let Some(cycle) = crate::runner::find_cycle(&jobs) {
        bail!("the updaters' order has a cycle: {cycle}");
    }
    show_plan(settings, printer, &jobs);
    if !request.dry_run && !request.yes {
        if !std::io::stdin().is_terminal() {
            bail!("refusing to update the system without --yes: there is no terminal to ask");
        }
        if !super::upgrade_cmd::confirm(&format!("Update {} updater(s)?", jobs.len())) {
            printer.note("nothing was changed");
            return Ok(Outcome::Success);
        }
    }
    let ids: Vec<String> = jobs.iter().map(|j| j.id.clone()).collect();
    let journal = Mutex::new(RunJournal::new(&ids));
    let log_dir = runs.join(&journal.lock().unwrap_or_else(|e| e.into_inner()).run_id);
    std::fs::create_dir_all(&log_dir).ok();
    let save = |j: &RunJournal| {
        if let Err(e) = j.save(&runs) {
            printer.warn(&format!("cannot save the run journal: {e}"));
        }
    };
    save(&journal.lock().unwrap_or_else(|e| e.into_inner()));
    crate::exec::interrupt::catch();
    let json = settings.format == Format::Json;
    let store = crate::state::store::Store::open(&dirs.history_store())
        .map_err(|e| printer.warn(&format!("the history store: {e}")))
        .ok()
        .map(Mutex::new);
    let estimates: Vec<crate::render::live::JobEstimate> = jobs
        .iter()
        .map(|j| {
            let estimate = store.as_ref().and_then(|s| {
                s.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .estimate(&j.id, "update")
                    .ok()
            });
            crate::render::live::JobEstimate {
                job: j.id.clone(),
                text: estimate
                    .as_ref()
                    .map_or_else(|| "no history".to_owned(), |e| e.describe()),
                update_ms: estimate.as_ref().and_then(|e| e.median_ms()),
            }
        })
        .collect();
    let live = if json || settings.quiet {
        None
    } else {
        crate::render::live::Live::new(&estimates)
    };
    let host = crate::base::host::hostname();
    let on_event = |event: &Event| {
        let mut j = journal.lock().unwrap_or_else(|e| e.into_inner());
        j.record(event);
        save(&j);
        let run_id = j.run_id.clone();
        drop(j);
        if let (
            Some(store),
            Event::Finished {
                job,
                phase,
                outcome,
                elapsed_ms,
                usage,
                ..
            },
        ) = (&store, event)
        {
            let (packages, bytes) = sizes.get(job).copied().unwrap_or((0, None));
            let record = crate::state::store::PhaseRecord {
                run_id,
                host: host.clone(),
                updater: job.clone(),
                phase: phase.clone(),
                started_at: crate::base::clock::now_rfc3339(),
                wall_ms: *elapsed_ms,
                user_ms: usage.map(|u| u.user_ms),
                system_ms: usage.map(|u| u.system_ms),
                peak_rss_kib: usage.map(|u| u.peak_rss_kib),
                packages,
                bytes,
                outcome: outcome.id().to_owned(),
            };
            if let Err(e) = store
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .record(&record)
            {
                printer.warn(&format!("cannot record the phase in the history: {e}"));
            }
        }
        if json {
            if let Ok(line) = serde_json::to_string(event) {
                printer.out_json(&format!("{line}\n"));
            }
        } else if let Some(live) = &live {
            live.show(event);
        } else {
            printer.note(&describe(event));
        }
    };
    let results = crate::runner::run(
        &jobs,
        &Options {
            parallel: settings.jobs.clamp(1, 8),
            log_dir: Some(log_dir),
            lock_timeout: LOCK_TIMEOUT,
            stop_on_failure: false,
            max_downloads: 2,
            memory_kib: jobs
                .iter()
                .filter_map(|j| {
                    let store = store.as_ref()?.lock().unwrap_or_else(|e| e.into_inner());
                    Some((j.id.clone(), store.peak_rss_kib(&j.id).ok()??))
                })
                .collect(),
            max_memory_kib: available_memory_kib().map(|a| a / 2),
        },
        &on_event,
    )
    .map_err(anyhow::Error::msg)?;
    if let Some(live) = &live {
        live.finish();
    }
    let mut j = journal.into_inner().unwrap_or_else(|e| e.into_inner());
    for r in &results {
        j.finish(&r.id, &r.outcome);
    }
    save(&j);
    if !json {
        summary(printer, &j, &results);
    }
    if request.notify {
        notify(&results);
    }
    Ok(if crate::exec::interrupt::interrupted() {
        printer.error(&format!(
            "interrupted: `toolup system update --resume` runs what is left of run {}",
            j.run_id
        ));
        Outcome::Interrupted
    } else if results
        .iter()
        .any(|r| !matches!(r.outcome, JobOutcome::Ok | JobOutcome::Skipped(_)))
    {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}

/// Memory available now (`MemAvailable`), in KiB.
fn available_memory_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/meminfo")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("MemAvailable:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Approval (seed 002): with `[system] approval = "required"`, outside every
/// maintenance window an update runs only with `--approve` or a terminal's
/// yes; a scheduled run there skips, saying why.
fn approved(settings: &Settings, request: &Request, printer: Printer) -> bool {
    if !settings.config.approval_required || request.approve {
        return true;
    }
    let (weekday, minute) = crate::config::window::now_local();
    if settings
        .config
        .maintenance
        .iter()
        .any(|w| w.contains(weekday, minute))
    {
        return true;
    }
    let windows: Vec<&str> = settings
        .config
        .maintenance
        .iter()
        .map(|w| w.text())
        .collect();
    let when = if windows.is_empty() {
        "no maintenance window is configured".to_owned()
    } else {
        format!("outside the maintenance windows ({})", windows.join(", "))
    };
    if std::io::stdin().is_terminal()
        && super::upgrade_cmd::confirm(&format!(
            "Approval is required and it is {when}. Update now?"
        ))
    {
        return true;
    }
    printer.note(&format!(
        "not updating: approval is required and it is {when}; pass --approve to update now"
    ));
    false
}

/// One `system update` at a time on a machine: a lock on the state dir's
/// `system_update.lock`, holding the holder's pid, so a second run names it.
fn single_run(state: &std::path::Path) -> anyhow::Result<std::fs::File> {
    use std::io::{Read, Seek, Write};
    std::fs::create_dir_all(state)?;
    let path = state.join("system_update.lock");
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)?;
    if file.try_lock().is_err() {
        let mut pid = String::new();
        let _ = file.read_to_string(&mut pid);
        let pid = pid.trim().to_owned();
        bail!(
            "another `toolup system update` is running (pid {pid}: {}); wait for it, or stop it",
            crate::base::host::command_line(&pid)
        );
    }
    file.set_len(0)?;
    file.rewind()?;
    write!(file, "{}", std::process::id())?;
    Ok(file)
}

/// The updaters whose check says something is pending (read-only, side by side).
fn pending_updaters(
    settings: &Settings,
    updaters: &[&'static dyn Updater],
    host: &Host,
    printer: Printer,
) -> Vec<(&'static dyn Updater, Vec<Pending>)> {
    let report = super::system_cmd::run_check(settings, updaters, host);
    for u in &report.updaters {
        if let Some(e) = &u.error {
            printer.warn(&format!("{e}: not updated"));
        }
    }
    updaters
        .iter()
        .copied()
        .filter_map(|u| {
            let c = report.updaters.iter().find(|c| c.updater == u.id())?;
            (c.error.is_none() && !c.pending.is_empty()).then(|| (u, c.pending.clone()))
        })
        .collect()
}

/// `--security-only`: each updater's argv for exactly its security
/// updates; an updater that cannot tell them apart, or has none, is left
/// out and says so.
fn security_only(
    pending: Vec<(&'static dyn Updater, Vec<Pending>)>,
    printer: Printer,
) -> Vec<(&'static dyn Updater, Option<Vec<String>>)> {
    pending
        .into_iter()
        .filter_map(|(u, list)| {
            let security: Vec<Pending> = list.into_iter().filter(|p| p.security).collect();
            match u.security_update_argv(&security) {
                None => {
                    printer.note(&format!(
                        "{}: cannot tell security updates apart: left out",
                        u.id()
                    ));
                    None
                }
                Some(_) if security.is_empty() => {
                    printer.note(&format!("{}: no security updates", u.id()));
                    None
                }
                Some(argv) => Some((u, Some(argv))),
            }
        })
        .collect()
}

/// A job per updater: download (where it can separate it), then update;
/// `sudo -n` where root is needed and toolup is not root; its locks; its
/// order, with toolchains after the system's package manager.
/// `update` replaces an updater's update argv (`--security-only`), and
/// drops its download phase. Every argv is checked against the updater's
/// whitelist before anything runs.
pub fn jobs_for(
    chosen: &[(&'static dyn Updater, Option<Vec<String>>)],
) -> anyhow::Result<Vec<Job>> {
    let ids: Vec<&str> = chosen.iter().map(|(u, _)| u.id()).collect();
    let jobs: Vec<Job> = chosen
        .iter()
        .map(|(u, update)| {
            let u = *u;
            let sudo = |argv: Vec<String>| crate::base::privilege::as_root(argv, u.needs_root());
            let mut steps = Vec::new();
            if u.id() == "apt" && dpkg_interrupted() {
                steps.push(Step {
                    phase: "repair".to_owned(),
                    argv: sudo(vec!["dpkg".into(), "--configure".into(), "-a".into()]),
                    timeout: u.phase_timeout(Phase::Update),
                    locks: vec!["pkgmgr:dpkg".to_owned()],
                    wait_for: u.lock_files(),
                });
            }
            if let Some(argv) = u.download_argv().filter(|_| update.is_none()) {
                steps.push(Step {
                    phase: "download".to_owned(),
                    argv: sudo(argv),
                    timeout: u.phase_timeout(Phase::Download),
                    locks: u
                        .locks(Phase::Download)
                        .iter()
                        .map(|l| (*l).to_owned())
                        .collect(),
                    wait_for: u.lock_files(),
                });
            }
            steps.push(Step {
                phase: "update".to_owned(),
                argv: sudo(update.clone().unwrap_or_else(|| u.update_argv())),
                timeout: u.phase_timeout(Phase::Update),
                locks: u
                    .locks(Phase::Update)
                    .iter()
                    .map(|l| (*l).to_owned())
                    .collect(),
                wait_for: u.lock_files(),
            });
            let mut runs_after: Vec<String> =
                u.runs_after().iter().map(|s| (*s).to_owned()).collect();
            // The modules first: no plugin of a module runs while the
            // module is being replaced.
            let modules = crate::system::modules_updater::ID;
            if u.id() != modules && ids.contains(&modules) {
                runs_after.push(modules.to_owned());
            }
            if TOOLCHAINS.contains(&u.id()) {
                runs_after.extend(
                    SYSTEM
                        .iter()
                        .filter(|s| ids.contains(s))
                        .map(|s| (*s).to_owned()),
                );
            }
            Job {
                id: u.id().to_owned(),
                steps,
                runs_after,
            }
        })
        .collect();
    for (job, (u, _)) in jobs.iter().zip(chosen) {
        for step in &job.steps {
            let bare = crate::base::privilege::without_sudo(&step.argv);
            u.check_shape(bare)
                .map_err(|e| anyhow::anyhow!("{}: {e}", u.id()))?;
        }
    }
    Ok(jobs)
}

/// dpkg was interrupted: its journal of half-done work is not empty.
fn dpkg_interrupted() -> bool {
    std::fs::read_dir("/var/lib/dpkg/updates").is_ok_and(|mut d| d.next().is_some())
}

fn show_plan(settings: &Settings, printer: Printer, jobs: &[Job]) {
    if settings.format == Format::Json {
        return;
    }
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
    printer.out(&format!(
        "{}\n",
        crate::render::fit(b, crate::render::terminal_width(), &[2, 4, 3])
    ));
}

fn describe(event: &Event) -> String {
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

/// `--notify`: a desktop notification, when `notify-send` is there.
fn notify(results: &[crate::runner::JobResult]) {
    let Some(program) = Host::current().which("notify-send") else {
        return;
    };
    let ok = results
        .iter()
        .filter(|r| r.outcome == JobOutcome::Ok)
        .count();
    let body = format!("{ok} of {} updater(s) ok", results.len());
    let args = ["toolup system update".to_owned(), body];
    let _ = crate::exec::run_quick(&program, &args, std::time::Duration::from_secs(5));
}

fn summary(printer: Printer, journal: &RunJournal, results: &[crate::runner::JobResult]) {
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
    printer.out(&format!(
        "\n{}\n\nrun {}: {ok} of {} updater(s) ok\n",
        crate::render::fit(b, crate::render::terminal_width(), &[3]),
        journal.run_id,
        results.len()
    ));
}

/// `toolup system sudoers`: a minimal sudoers drop-in for the commands
/// `system update` runs as root — absolute paths, exact arguments (a `*`
/// only where apt takes the security packages' names) — checked with
/// `visudo -c` when visudo is there.
pub fn sudoers(
    settings: &Settings,
    printer: Printer,
    user: Option<&str>,
) -> anyhow::Result<Outcome> {
    let updaters = super::system_cmd::selected(settings, printer, &[])?;
    let host = Host::current();
    let user = user
        .map(str::to_owned)
        .or_else(|| std::env::var("SUDO_USER").ok())
        .or_else(|| std::env::var("USER").ok())
        .context("no user: pass --user NAME")?;
    if !user
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        || user.is_empty()
    {
        bail!(
            "{:?} is not a user name",
            crate::base::printer::visible(&user)
        );
    }
    let mut commands: Vec<String> = Vec::new();
    for u in updaters
        .iter()
        .filter(|u| u.applies(&host) && u.needs_root())
    {
        let mut argvs: Vec<Vec<String>> =
            [u.refresh_argv(), u.download_argv(), Some(u.update_argv())]
                .into_iter()
                .flatten()
                .collect();
        if u.id() == "apt" {
            argvs.push(vec!["dpkg".into(), "--configure".into(), "-a".into()]);
            argvs.push(vec![
                "apt-get".into(),
                "install".into(),
                "--yes".into(),
                "--only-upgrade".into(),
                "*".into(),
            ]);
        }
        for argv in argvs {
            let Some(program) = host.which(&argv[0]).or_else(|| {
                std::path::Path::new(&argv[0])
                    .is_absolute()
                    .then(|| argv[0].clone().into())
            }) else {
                printer.warn(&format!("{}: {} is not on PATH: left out", u.id(), argv[0]));
                continue;
            };
            let line = std::iter::once(program.display().to_string())
                .chain(argv[1..].iter().cloned())
                .collect::<Vec<_>>()
                .join(" ");
            if !commands.contains(&line) {
                commands.push(line);
            }
        }
    }
    let mut text = "# toolup: what `toolup system update` runs as root, through `sudo -n`.\n# Install: toolup system sudoers > toolup.sudoers && visudo -cf toolup.sudoers \\\n#   && sudo install -m 0440 toolup.sudoers /etc/sudoers.d/toolup\n".to_owned();
    if commands.is_empty() {
        text.push_str("# nothing here needs root\n");
    } else {
        text.push_str(&format!(
            "{user} ALL=(root) NOPASSWD: {}\n",
            commands.join(", \\\n    ")
        ));
    }
    if let Some(visudo) = host.which("visudo").or_else(|| {
        let p = std::path::PathBuf::from("/usr/sbin/visudo");
        p.is_file().then_some(p)
    }) {
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), &text)?;
        let args = [
            "-c".to_owned(),
            "-f".to_owned(),
            file.path().display().to_string(),
        ];
        let out = crate::exec::run_quick(&visudo, &args, std::time::Duration::from_secs(10))?;
        if !out.status.is_some_and(|s| s.success()) {
            bail!(
                "visudo -c rejects the drop-in: {}",
                String::from_utf8_lossy(&out.stdout).trim()
            );
        }
        printer.note("checked with visudo -c");
    }
    printer.out(&text);
    Ok(Outcome::Success)
}
