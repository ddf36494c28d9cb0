//! `toolup schedule`: what `enable` and `disable` did, the schedules as a
//! table (`list`, `status`), and the line `wait-online` leaves.

use std::time::Duration;

use tabled::builder::Builder;

use crate::base::printer::visible;
use crate::schedule::{Disabled, Enabled, Listed, Schedule, Scope, Status};

fn command(schedule: &Schedule) -> String {
    format!("toolup {}", schedule.args.join(" "))
}

/// What `enable` did, or would do.
pub fn enabled(done: &Enabled) -> String {
    match done {
        Enabled::Enabled {
            schedule,
            files,
            replaced,
            next,
            lingers,
        } => {
            let mut out = format!(
                "{} schedule {} ({}): `{}` on {}\n",
                if *replaced { "replaced" } else { "enabled" },
                schedule.name,
                schedule.scope.id(),
                command(schedule),
                schedule.on
            );
            for f in files {
                out.push_str(&format!("  {}\n", f.display()));
            }
            if let Some(next) = next {
                out.push_str(&format!("next run: {next}\n"));
            }
            if *lingers == Some(false) {
                out.push_str(
                    "note: your systemd manager stops when you log out; `loginctl enable-linger` keeps it (and the schedule) running\n",
                );
            }
            visible(&out).into_owned()
        }
        Enabled::DryRun {
            schedule,
            files,
            commands,
        } => {
            let mut out = format!(
                "dry run: schedule {} ({}) would be written and enabled; nothing was changed\n",
                schedule.name,
                schedule.scope.id()
            );
            for (path, text) in files {
                out.push_str(&format!("\n==> {} <==\n{text}", path.display()));
            }
            out.push('\n');
            for c in commands {
                out.push_str(&format!("$ {}\n", c.join(" ")));
            }
            visible(&out).into_owned()
        }
        Enabled::NoSystemd { crontab, .. } => format!("{}\n", visible(crontab)),
    }
}

/// What is said on stderr when systemd does not run here.
pub fn no_systemd(schedule: &Schedule) -> String {
    let whose = match schedule.scope {
        Scope::System => "root's crontab (`sudo crontab -e`)",
        Scope::User => "your crontab (`crontab -e`)",
    };
    format!(
        "systemd does not run this machine, so nothing was enabled. To run schedule {} with cron (which catches up no run missed while the machine was off), add this line to {whose}:",
        schedule.name
    )
}

/// What `disable` did.
pub fn disabled(done: &Disabled) -> String {
    let mut out = format!("disabled schedule {} ({})", done.name, done.scope.id());
    if !done.systemd {
        out.push_str(": systemd does not run here, the files were removed");
    }
    out.push('\n');
    for f in &done.removed {
        out.push_str(&format!("  removed {}\n", f.display()));
    }
    visible(&out).into_owned()
}

fn none() -> String {
    "no schedules (`toolup schedule enable` makes one)\n".to_owned()
}

/// `schedule list`.
pub fn list(rows: &[Listed], width: Option<usize>) -> String {
    if rows.is_empty() {
        return none();
    }
    let mut builder = Builder::default();
    builder.push_record(["SCHEDULE", "SCOPE", "ON", "RUNS"]);
    for l in rows {
        builder.push_record([
            l.name.clone(),
            l.scope.id().to_owned(),
            l.on.clone(),
            l.command.clone(),
        ]);
    }
    let table = super::fit_with(
        builder,
        width,
        super::layout::Layout {
            shrink: vec![3],
            under: Some(3),
            argv: vec![3],
            ..super::layout::Layout::default()
        },
    );
    visible(&format!("{table}\n")).into_owned()
}

/// `schedule status`.
pub fn status(rows: &[Status], width: Option<usize>) -> String {
    if rows.is_empty() {
        return none();
    }
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let mut builder = Builder::default();
    builder.push_record([
        "SCHEDULE", "SCOPE", "ON", "ENABLED", "NEXT RUN", "LAST RUN", "OUTCOME",
    ]);
    for s in rows {
        let (last, outcome) = match &s.last_run {
            Some(run) => (
                run.finished_at.clone(),
                match &run.reason {
                    Some(r) => format!("{}: {r}", run.outcome),
                    None => run.outcome.clone(),
                },
            ),
            None => (
                "never".to_owned(),
                s.last_run_note.clone().unwrap_or_else(|| "-".to_owned()),
            ),
        };
        let enabled = match (&s.enabled, &s.active) {
            (Some(e), Some(a)) => format!("{e} ({a})"),
            (e, _) => e.clone().unwrap_or_else(|| {
                if crate::schedule::systemd_running() {
                    "unknown".to_owned()
                } else {
                    "no systemd".to_owned()
                }
            }),
        };
        builder.push_record([
            s.listed.name.clone(),
            s.listed.scope.id().to_owned(),
            s.listed.on.clone(),
            enabled,
            dash(&s.next_run),
            last,
            outcome,
        ]);
    }
    let table = super::fit_with(
        builder,
        width,
        super::layout::Layout {
            shrink: vec![6, 2],
            drop: vec![1],
            under: Some(6),
            ..super::layout::Layout::default()
        },
    );
    visible(&format!("{table}\n")).into_owned()
}

/// What `wait-online` says.
pub fn waited(waited: Duration, up: bool) -> String {
    if up {
        format!("network up (waited {:.1}s)", waited.as_secs_f64())
    } else {
        format!(
            "no default route after {:.0}s; going on (the run says what it cannot reach)",
            waited.as_secs_f64()
        )
    }
}
