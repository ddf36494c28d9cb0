//! `toolup schedule enable | disable | list | status`: units written only
//! after systemd has read them back without a complaint, enabled through
//! `systemctl`, removed whole; where systemd does not run, the crontab
//! line that would do the same.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::host::Host;
use crate::state::scheduled::RunRecord;

use super::syntax;
use super::systemd;
use super::units::{Schedule, Scope, unit_stem};

/// What `enable` did, or would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "result")]
pub enum Enabled {
    /// Written, verified, enabled and started.
    Enabled {
        schedule: Schedule,
        files: Vec<PathBuf>,
        /// An earlier schedule of that name was replaced.
        replaced: bool,
        /// The timer's next run, as systemd says.
        next: Option<String>,
        /// A user's manager stops when they log out unless it lingers.
        lingers: Option<bool>,
    },
    /// `--dry-run`: the verified units and the commands that would run.
    DryRun {
        schedule: Schedule,
        files: Vec<(PathBuf, String)>,
        commands: Vec<Vec<String>>,
    },
    /// systemd does not run here: the crontab line that would.
    NoSystemd { schedule: Schedule, crontab: String },
}

/// Enables `schedule`: its calendar read by `systemd-analyze calendar`,
/// its units generated and passed by `systemd-analyze verify` — before
/// anything is written —, then written atomically, `daemon-reload`,
/// `enable --now`. A failure to enable takes the files back out.
pub fn enable(host: &Host, schedule: &Schedule, dry_run: bool) -> Result<Enabled, String> {
    let calendar = match systemd::calendar(host, &schedule.on) {
        Ok(c) => Some(c),
        // Without systemd's tools the crontab line can still be made
        // for the named schedules; anything else needs systemd to read it.
        Err(e) if !systemd::running() && host.which("systemd-analyze").is_none() => {
            if !["daily", "weekly", "monthly"].contains(&schedule.on.as_str()) {
                return Err(format!(
                    "{e}; without it only daily, weekly and monthly can be read"
                ));
            }
            None
        }
        Err(e) => return Err(e),
    };
    let service = schedule.service()?;
    let timer = schedule.timer()?;
    if !systemd::running() {
        let normalized =
            calendar.map_or_else(|| shorthand(&schedule.on).to_owned(), |c| c.normalized);
        return Ok(Enabled::NoSystemd {
            schedule: schedule.clone(),
            crontab: crontab_line(schedule, &normalized)?,
        });
    }
    let stem = schedule.unit();
    let files = vec![
        (format!("{stem}.service"), service),
        (format!("{stem}.timer"), timer),
    ];
    systemd::verify(host, schedule.scope, &files)?;
    let dir = systemd::unit_dir(schedule.scope)?;
    let timer_unit = format!("{stem}.timer");
    if dry_run {
        return Ok(Enabled::DryRun {
            schedule: schedule.clone(),
            files: files.into_iter().map(|(n, t)| (dir.join(n), t)).collect(),
            commands: vec![
                command(schedule.scope, &["daemon-reload"]),
                command(schedule.scope, &["enable", "--now", &timer_unit]),
            ],
        });
    }
    let replaced = files.iter().any(|(n, _)| dir.join(n).exists());
    let mut written = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        if let Err(e) = crate::state::write_atomic(&path, text.as_bytes()) {
            remove(&written);
            return Err(cannot_write(&path, schedule.scope, &e));
        }
        written.push(path);
    }
    let enabled = systemd::systemctl(host, schedule.scope, &["daemon-reload"])
        .and_then(|_| systemd::systemctl(host, schedule.scope, &["enable", "--now", &timer_unit]));
    if let Err(e) = enabled {
        remove(&written);
        let _ = systemd::systemctl(host, schedule.scope, &["daemon-reload"]);
        return Err(format!("{e}; the units were taken out again"));
    }
    let next = systemd::show(
        host,
        schedule.scope,
        &timer_unit,
        &["NextElapseUSecRealtime"],
    )
    .remove("NextElapseUSecRealtime");
    Ok(Enabled::Enabled {
        schedule: schedule.clone(),
        files: written,
        replaced,
        next,
        lingers: (schedule.scope == Scope::User)
            .then(systemd::lingers)
            .flatten(),
    })
}

/// `systemctl [--user] ARGS` as a person would type it.
fn command(scope: Scope, args: &[&str]) -> Vec<String> {
    std::iter::once("systemctl".to_owned())
        .chain(systemd::argv(scope, args))
        .collect()
}

fn cannot_write(path: &Path, scope: Scope, e: &std::io::Error) -> String {
    let hint = if scope == Scope::System && e.kind() == std::io::ErrorKind::PermissionDenied {
        " (system units need root: run it with sudo, or pass --user for your own toolchains)"
    } else {
        ""
    };
    format!("cannot write {}: {e}{hint}", path.display())
}

fn remove(files: &[PathBuf]) {
    for f in files {
        let _ = crate::state::files::remove_file(f);
    }
}

/// The normalized form of a shorthand, where `systemd-analyze` is missing.
fn shorthand(on: &str) -> &'static str {
    match on {
        "weekly" => "Mon *-*-* 00:00:00",
        "monthly" => "*-*-01 00:00:00",
        _ => "*-*-* 00:00:00",
    }
}

/// The crontab line that runs `schedule` at (about) the same times: a
/// minute spread by host and name stands in for `RandomizedDelaySec`;
/// cron has no `Persistent=` (a run missed while the machine was off is
/// not caught up).
pub fn crontab_line(schedule: &Schedule, normalized: &str) -> Result<String, String> {
    let mut fields = syntax::cron_fields(normalized)?;
    if fields[0] == "0" {
        let seed = format!("{}/{}", crate::base::host::hostname(), schedule.name);
        let spread = seed
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
            % 60;
        fields[0] = spread.to_string();
    }
    let mut words: Vec<String> = schedule
        .env
        .iter()
        .map(|(k, v)| format!("{k}={}", syntax::shell_word(v)))
        .collect();
    words.push(syntax::shell_word(&schedule.program.display().to_string()));
    words.extend(schedule.args.iter().map(|a| syntax::shell_word(a)));
    if words.iter().any(|w| w.contains('\n')) {
        return Err("a crontab line cannot carry a newline".to_owned());
    }
    Ok(format!(
        "{} {}",
        fields.join(" "),
        syntax::crontab_command(&words.join(" "))
    ))
}

/// One schedule found among the units.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub name: String,
    pub scope: Scope,
    /// `OnCalendar=` as written.
    pub on: String,
    /// The service's `ExecStart=` after the program, as written.
    pub command: String,
    pub service: PathBuf,
    pub timer: PathBuf,
}

/// Every schedule toolup wrote, user's then system's, by name.
pub fn list() -> Vec<Listed> {
    let mut out = Vec::new();
    for scope in [Scope::User, Scope::System] {
        let Ok(dir) = systemd::unit_dir(scope) else {
            continue;
        };
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|f| {
                f.strip_prefix("toolup-")?
                    .strip_suffix(".timer")
                    .map(str::to_owned)
            })
            .collect();
        names.sort();
        for name in names {
            let stem = unit_stem(&name);
            let (service, timer) = (
                dir.join(format!("{stem}.service")),
                dir.join(format!("{stem}.timer")),
            );
            let read = |p: &Path, key: &str| -> String {
                crate::state::read_bounded(p, 64 * 1024)
                    .ok()
                    .and_then(|b| {
                        String::from_utf8_lossy(&b)
                            .lines()
                            .find_map(|l| l.strip_prefix(key).map(str::to_owned))
                    })
                    .unwrap_or_default()
            };
            let exec = read(&service, "ExecStart=");
            // After the program, which is quoted when its path has a space.
            let rest = match exec.strip_prefix('"') {
                Some(quoted) => quoted.split_once("\" ").map(|(_, r)| r),
                None => exec.split_once(' ').map(|(_, r)| r),
            };
            let command = rest.unwrap_or_default().to_owned();
            out.push(Listed {
                on: read(&timer, "OnCalendar="),
                command,
                name,
                scope,
                service,
                timer,
            });
        }
    }
    out
}

/// What `disable` did.
#[derive(Debug, Clone, Serialize)]
pub struct Disabled {
    pub name: String,
    pub scope: Scope,
    pub removed: Vec<PathBuf>,
    /// systemd was told (it runs here).
    pub systemd: bool,
}

/// Disables the schedule `name`: `systemctl disable --now` its timer (a run
/// in progress finishes), its files removed, `daemon-reload`. `scope`
/// chooses when both a user's and a system schedule have that name.
pub fn disable(host: &Host, name: &str, scope: Option<Scope>) -> Result<Disabled, String> {
    let all = list();
    let found: Vec<&Listed> = all
        .iter()
        .filter(|l| l.name == name && scope.is_none_or(|s| s == l.scope))
        .collect();
    let listed = match found.as_slice() {
        [one] => *one,
        [] => {
            let names: Vec<&str> = all.iter().map(|l| l.name.as_str()).collect();
            return Err(if names.is_empty() {
                format!("no schedule named {name:?}: there is none")
            } else {
                format!(
                    "no schedule named {name:?} (there are: {}){}",
                    names.join(", "),
                    crate::base::names::did_you_mean(name, names.iter().copied())
                )
            });
        }
        _ => {
            return Err(format!(
                "both a user's and a system schedule are named {name:?}: pass --user or --system"
            ));
        }
    };
    let scope = listed.scope;
    let timer_unit = format!("{}.timer", unit_stem(name));
    let running = systemd::running();
    if running {
        systemd::systemctl(host, scope, &["disable", "--now", &timer_unit])
            .map_err(|e| format!("{e}; nothing was removed"))?;
    }
    let dir = systemd::unit_dir(scope)?;
    // `enable` made this link; `disable` above took it away where systemd
    // runs. Where it does not (an image), it goes with the files.
    let wants = dir.join("timers.target.wants").join(&timer_unit);
    let mut removed = Vec::new();
    for path in [&listed.service, &listed.timer, &wants] {
        if std::fs::symlink_metadata(path).is_ok() {
            crate::state::files::remove_file(path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            removed.push(path.clone());
        }
    }
    crate::state::files::remove_empty_dir(&dir.join("timers.target.wants"));
    if running {
        systemd::systemctl(host, scope, &["daemon-reload"])?;
        let service = format!("{}.service", unit_stem(name));
        let _ = systemd::systemctl(host, scope, &["reset-failed", &service]);
    }
    Ok(Disabled {
        name: name.to_owned(),
        scope,
        removed,
        systemd: running,
    })
}

/// One schedule, with what systemd and the history say of it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    #[serde(flatten)]
    pub listed: Listed,
    /// systemd's `UnitFileState` of the timer (`enabled`, `disabled`), or
    /// none where systemd does not run or cannot say.
    pub enabled: Option<String>,
    /// The timer's `ActiveState` (`active` while it waits).
    pub active: Option<String>,
    pub next_run: Option<String>,
    /// The service's last `Result` as systemd saw it (`success`, `exit-code`).
    pub systemd_result: Option<String>,
    /// The newest run the history store holds.
    pub last_run: Option<RunRecord>,
    /// Why there is no `last_run` when that is not simply "never ran".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run_note: Option<String>,
}

/// Every schedule (or the one named), with systemd's view and its last run
/// from the history store at `store`.
pub fn status(
    host: &Host,
    store: Option<&Path>,
    name: Option<&str>,
) -> Result<Vec<Status>, String> {
    let all = list();
    if let Some(name) = name
        && !all.iter().any(|l| l.name == name)
    {
        return Err(format!("no schedule named {name:?}"));
    }
    let running = systemd::running();
    Ok(all
        .into_iter()
        .filter(|l| name.is_none_or(|n| n == l.name))
        .map(|listed| {
            let stem = unit_stem(&listed.name);
            let (timer, service) = if running {
                (
                    systemd::show(
                        host,
                        listed.scope,
                        &format!("{stem}.timer"),
                        &["UnitFileState", "ActiveState", "NextElapseUSecRealtime"],
                    ),
                    systemd::show(host, listed.scope, &format!("{stem}.service"), &["Result"]),
                )
            } else {
                Default::default()
            };
            let (last_run, last_run_note) =
                match store.map(|s| crate::state::scheduled::last(s, &listed.name)) {
                    Some(Ok(run)) => (run, None),
                    Some(Err(e)) => (None, Some(format!("the history store: {e}"))),
                    None => (
                        None,
                        Some("no home directory for the history store".to_owned()),
                    ),
                };
            let last_run_note = last_run_note.or_else(|| {
                (last_run.is_none()
                    && listed.scope == Scope::System
                    && !crate::base::privilege::is_root())
                .then(|| "a system schedule's runs are in root's history: ask as root".to_owned())
            });
            let get = |m: &std::collections::BTreeMap<String, String>, k: &str| m.get(k).cloned();
            Status {
                enabled: get(&timer, "UnitFileState"),
                active: get(&timer, "ActiveState"),
                next_run: get(&timer, "NextElapseUSecRealtime"),
                systemd_result: get(&service, "Result"),
                last_run,
                last_run_note,
                listed,
            }
        })
        .collect())
}
