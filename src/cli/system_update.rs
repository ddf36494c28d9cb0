//! `toolup system update` and `toolup system sudoers`: the update shown
//! as it runs — the plan, then a live view on a terminal, plain lines
//! elsewhere, JSON events with `--format json` — and the drop-in printed.

use crate::base::printer::Printer;
use crate::render::update_view::UpdateView;
use crate::schedule::ScheduledRun;
use crate::settings::Settings;
use crate::system::update::Request;

use super::Outcome;

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
    let view = UpdateView::new(
        settings,
        printer,
        request.dry_run,
        yes || scheduled.is_some(),
        scheduled.as_ref(),
    );
    let request = Request {
        notify: request.notify && scheduled.is_none(),
        ..request.clone()
    };
    let result = crate::system::update::run(settings, printer, &request, &view);
    if let Some(s) = &scheduled {
        s.end_update(settings, printer, result.as_ref());
    }
    if let Err(e) = &result {
        view.failed(e);
    }
    result
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
