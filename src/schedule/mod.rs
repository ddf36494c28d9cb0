//! Schedules: toolup on a systemd timer. `toolup schedule enable` writes a
//! oneshot service that runs toolup with `--scheduled` and a timer that
//! starts it — a system pair for updates that need root, a user's pair for
//! a user's toolchains, checks and fleets, a name per schedule so several
//! live side by side — and enables them only after `systemd-analyze` has
//! read the calendar and verified the units. Where systemd does not run it
//! gives the crontab line instead. A `--scheduled` run never waits for a
//! person (`scheduled`), and says how it went (`notify`).

mod manage;
pub mod notify;
pub mod online;
pub mod scheduled;
mod syntax;
mod systemd;
pub mod units;

use std::path::{Path, PathBuf};

use crate::base::env_vars;
use crate::base::printer::Printer;
use crate::settings::Settings;

pub use manage::{Disabled, Enabled, Listed, Status, crontab_line, disable, enable, list, status};
pub use scheduled::ScheduledRun;
pub use systemd::running as systemd_running;
pub use units::{Schedule, Scope};

/// What `toolup schedule enable` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// `daily`, `weekly`, `monthly` or a systemd calendar expression.
    pub on: String,
    /// `--user` / `--system`; none chooses by what the schedule runs.
    pub scope: Option<Scope>,
    pub check_only: bool,
    pub security_only: bool,
    /// `--fleet SELECTION`: the hosts (empty: the whole inventory).
    pub fleet: Option<Vec<String>>,
    pub name: Option<String>,
    /// What follows `--`: more arguments for the command it runs.
    pub more: Vec<String>,
}

/// A schedule's name: what its units are called after (`toolup-NAME`).
pub fn valid_name(name: &str) -> Result<(), String> {
    let ok = (1..=48).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{:?} is not a schedule name (lowercase letters, digits and -, at most 48)",
            crate::base::printer::visible(name)
        ))
    }
}

/// The name a schedule gets unless given one: what it runs, then when
/// (`update-daily`, `fleet-check-weekly`, `security-update-sat-02-00`).
pub fn default_name(request: &Request) -> String {
    let what = match (request.check_only, request.security_only) {
        (false, false) => "update",
        (false, true) => "security-update",
        (true, false) => "check",
        (true, true) => "security-check",
    };
    let fleet = if request.fleet.is_some() {
        "fleet-"
    } else {
        ""
    };
    let when = match request.on.as_str() {
        w @ ("daily" | "weekly" | "monthly") => w.to_owned(),
        other => {
            let mut slug = String::new();
            for c in other.to_ascii_lowercase().chars() {
                if c.is_ascii_alphanumeric() {
                    slug.push(c);
                } else if !slug.ends_with('-') && !slug.is_empty() {
                    slug.push('-');
                }
            }
            let slug: String = slug.trim_end_matches('-').chars().take(24).collect();
            let slug = slug.trim_end_matches('-').to_owned();
            if slug.is_empty() {
                "custom".to_owned()
            } else {
                slug
            }
        }
    };
    format!("{fleet}{what}-{when}")
}

/// The scope a schedule gets unless told: a check and a fleet run as the
/// user (a fleet with the user's ssh keys); an update as the system when
/// an updater it would run here needs root, else as the user.
pub fn default_scope(
    request: &Request,
    settings: &Settings,
    printer: Printer,
    skip: &[String],
) -> Scope {
    if request.check_only || request.fleet.is_some() {
        return Scope::User;
    }
    let host = crate::base::host::Host::current();
    let needs_root = crate::system::selected(settings, printer, skip)
        .unwrap_or_default()
        .iter()
        .any(|u| u.applies(&host) && u.needs_root());
    if needs_root {
        Scope::System
    } else {
        Scope::User
    }
}

/// `toolup schedule enable`: the schedule `request` describes, run by this
/// toolup, in the scope asked for — or the one `default_scope` chooses from
/// the updaters `only` and `skip` leave (what follows `--`) —, enabled.
pub fn enable_request(
    settings: &Settings,
    printer: Printer,
    request: &Request,
    (only, skip): (Vec<String>, &[String]),
    dry_run: bool,
) -> Result<Enabled, String> {
    let scope = request.scope.unwrap_or_else(|| {
        let mut selected = settings.clone();
        selected.filter.only = only;
        default_scope(request, &selected, printer, skip)
    });
    let program = std::env::current_exe().map_err(|e| format!("this toolup's path: {e}"))?;
    let schedule = resolve(request, scope, &program)?;
    if scope == Scope::System
        && let Some(warning) = root_would_run_writable(&schedule.program)
    {
        printer.warn(&warning);
    }
    enable(&crate::base::host::Host::current(), &schedule, dry_run)
}

/// The schedule `request` describes, run by `program` (this toolup), in
/// `scope`: its name, its command line and its environment.
pub fn resolve(request: &Request, scope: Scope, program: &Path) -> Result<Schedule, String> {
    let name = match &request.name {
        Some(n) => {
            valid_name(n)?;
            n.clone()
        }
        None => default_name(request),
    };
    if request.fleet.is_some() && request.security_only && !request.check_only {
        return Err(
            "--security-only with --fleet needs --check-only (`fleet update` takes no --security-only)"
                .to_owned(),
        );
    }
    let program = program_path(program)?;
    let verb = if request.check_only {
        "check"
    } else {
        "update"
    };
    let mut args: Vec<String> = match &request.fleet {
        Some(hosts) => ["fleet", verb, "--scheduled"]
            .iter()
            .map(|s| (*s).to_owned())
            .chain(hosts.iter().cloned())
            .collect(),
        None => ["system", verb, "--scheduled"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    };
    if request.security_only && !request.check_only {
        args.push("--security-only".to_owned());
    }
    args.extend(request.more.iter().cloned());
    let mut env = vec![(env_vars::TOOLUP_SCHEDULE.to_owned(), name.clone())];
    if request.check_only && request.security_only {
        env.push((
            env_vars::TOOLUP_SCHEDULE_NOTIFY.to_owned(),
            "security".to_owned(),
        ));
    }
    // A user's manager starts services with a bare PATH; the user's
    // toolchains (~/.cargo/bin, ~/.local/bin) and ssh must be found as
    // they are now. A system schedule keeps systemd's own PATH: root's
    // should name no directory a user can write.
    if scope == Scope::User {
        let mut path: Vec<String> = Vec::new();
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            if let Some(dir) = dir.to_str().filter(|_| dir.is_absolute())
                && !path.iter().any(|p| p == dir)
            {
                path.push(dir.to_owned());
            }
        }
        if !path.is_empty() {
            env.push(("PATH".to_owned(), path.join(":")));
        }
    }
    Ok(Schedule {
        name,
        scope,
        on: request.on.trim().to_owned(),
        check_only: request.check_only,
        fleet: request.fleet.is_some(),
        program,
        args,
        env,
    })
}

/// The toolup binary as a unit names it: absolute, still there.
fn program_path(program: &Path) -> Result<PathBuf, String> {
    let shown = program.display().to_string();
    if shown.ends_with(" (deleted)") || !program.is_file() {
        return Err(format!(
            "{shown}: this toolup was replaced or removed while it runs; run the installed one"
        ));
    }
    if !program.is_absolute() {
        return Err(format!("{shown}: not an absolute path"));
    }
    Ok(program.to_path_buf())
}

/// A system schedule runs `program` as root: a warning when someone other
/// than root could change it or a directory above it.
pub fn root_would_run_writable(program: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    for path in program.ancestors() {
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        let others_write =
            meta.mode() & 0o022 != 0 && !(meta.is_dir() && meta.mode() & 0o1000 != 0);
        if meta.uid() != 0 || others_write {
            return Some(format!(
                "{} can be changed by a user other than root, and a system schedule runs it as root: install toolup where only root can write (/usr/local/bin)",
                path.display()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_say_what_and_when() {
        let r = |on: &str, check: bool, security: bool, fleet: bool| Request {
            on: on.to_owned(),
            check_only: check,
            security_only: security,
            fleet: fleet.then(Vec::new),
            ..Request::default()
        };
        assert_eq!(
            default_name(&r("daily", false, false, false)),
            "update-daily"
        );
        assert_eq!(
            default_name(&r("weekly", true, true, false)),
            "security-check-weekly"
        );
        assert_eq!(
            default_name(&r("Mon..Fri *-*-* 04:00", false, false, true)),
            "fleet-update-mon-fri-04-00"
        );
        assert_eq!(default_name(&r("*:*", true, false, false)), "check-custom");
        assert!(valid_name("update-daily").is_ok());
        for bad in ["", "Update", "-x", "x-", "a b", "a/b", &"x".repeat(49)] {
            assert!(valid_name(bad).is_err(), "{bad}");
        }
    }
}
