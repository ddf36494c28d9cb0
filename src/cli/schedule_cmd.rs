//! `toolup schedule enable | disable | status | list` (and the hidden
//! `wait-online` a schedule's unit runs first): each asks `crate::schedule`
//! once and hands the answer to `render::schedule`.

use clap::Parser;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::render::schedule as view;
use crate::schedule::{Enabled, Request, Scope};
use crate::settings::{Format, Settings};

use super::system_cmd::show;
use super::{Cli, Command, Outcome, ScheduleAction, SystemAction};

fn scope(user: bool, system: bool) -> Option<Scope> {
    (user || system).then_some(if user { Scope::User } else { Scope::System })
}

pub fn run(
    action: &ScheduleAction,
    settings: &Settings,
    printer: Printer,
) -> anyhow::Result<Outcome> {
    let host = Host::current();
    let width = crate::render::terminal_width();
    match action {
        ScheduleAction::Enable {
            on,
            user,
            system,
            check_only,
            security_only,
            fleet,
            name,
            dry_run,
            more,
        } => {
            let request = Request {
                on: on.clone(),
                scope: scope(*user, *system),
                check_only: *check_only,
                security_only: *security_only,
                fleet: fleet.clone(),
                name: name.clone(),
                more: more.clone(),
            };
            enable(settings, printer, &request, *dry_run)
        }
        ScheduleAction::Disable { name, user, system } => {
            let done = crate::schedule::disable(&host, name, scope(*user, *system))
                .map_err(anyhow::Error::msg)?;
            printer.out(&view::disabled(&done));
            Ok(Outcome::Success)
        }
        ScheduleAction::Status { name } => {
            let store = settings.dirs.as_ref().map(|d| d.history_store());
            let rows = crate::schedule::status(&host, store.as_deref(), name.as_deref())
                .map_err(anyhow::Error::msg)?;
            show(settings, printer, ("schedules", &rows), |r| {
                view::status(r, width)
            })
        }
        ScheduleAction::List => show(
            settings,
            printer,
            ("schedules", &crate::schedule::list()),
            |r| view::list(r, width),
        ),
        ScheduleAction::WaitOnline { timeout } => {
            if !settings.offline {
                let secs = std::time::Duration::from_secs(*timeout);
                let (waited, up) = crate::schedule::online::wait(secs);
                printer.note(&view::waited(waited, up));
            }
            Ok(Outcome::Success)
        }
    }
}

/// `toolup schedule enable`: what follows `--` read as the scheduled
/// command will read it — a typo is found now, not at the first run (a
/// fleet's command reads its own) —, then enabled, or its crontab line
/// shown and exit 1: nothing was scheduled.
fn enable(
    settings: &Settings,
    printer: Printer,
    request: &Request,
    dry_run: bool,
) -> anyhow::Result<Outcome> {
    let (mut only, mut skip) = (Vec::new(), Vec::new());
    if request.fleet.is_none() {
        let verb = if request.check_only {
            "check"
        } else {
            "update"
        };
        let argv = ["toolup", "system", verb, "--scheduled"].map(str::to_owned);
        let parsed =
            Cli::try_parse_from(argv.into_iter().chain(request.more.clone())).map_err(|e| {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                anyhow::anyhow!("after `--`: {}", first.trim_start_matches("error: "))
            })?;
        only = parsed.global.only;
        if let Command::System {
            action: SystemAction::Update { skip: s, .. } | SystemAction::Check { skip: s, .. },
        } = parsed.command
        {
            skip = s;
        }
    }
    let done = crate::schedule::enable_request(settings, printer, request, (only, &skip), dry_run)
        .map_err(anyhow::Error::msg)?;
    if let Enabled::NoSystemd { schedule, .. } = &done {
        printer.note(&view::no_systemd(schedule));
    }
    match settings.format {
        Format::Json => printer.json(&done)?,
        _ => printer.out(&view::enabled(&done)),
    }
    Ok(match done {
        Enabled::NoSystemd { .. } => Outcome::Failure,
        _ => Outcome::Success,
    })
}
