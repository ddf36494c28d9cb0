//! `toolup system check`: every applicable updater asked what is pending,
//! side by side (checks are read-only), each under a timeout that kills its
//! process group; one failing check is named and the others complete. The
//! report is saved atomically for `toolup system status`.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use std::time::Duration;

use crate::base::host::Host;
use crate::base::printer::Printer;
use crate::managers::{CheckContext, Pending, Updater};
use crate::settings::{FailOn, Settings};

/// How long one updater's check may take before its process group is killed
/// (`--timeout` sets it).
const CHECK_TIMEOUT: Duration = Duration::from_secs(120);

/// One updater's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdaterCheck {
    pub updater: String,
    pub pending: Vec<Pending>,
    /// How many of them are security updates.
    pub security: usize,
    /// Sum of the known download sizes.
    pub download_bytes: Option<u64>,
    /// How long the update may take, from history ("no history" until runs are recorded).
    pub estimate: String,
    /// Why the check failed (the others still ran).
    pub error: Option<String>,
    pub elapsed_ms: u64,
    /// What the check left out on purpose, each with how to take it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held_back: Vec<String>,
    /// When this updater was checked (a report merged from several
    /// checks holds each updater's own time).
    #[serde(default)]
    pub checked_at: String,
}

/// The whole check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub checked_at: String,
    pub reboot_required: bool,
    pub reboot_reason: Option<String>,
    /// Updaters that do not apply here (their program is missing).
    pub not_applicable: Vec<String>,
    pub updaters: Vec<UpdaterCheck>,
}

impl CheckReport {
    pub fn pending(&self) -> usize {
        self.updaters.iter().map(|u| u.pending.len()).sum()
    }
    pub fn security(&self) -> usize {
        self.updaters.iter().map(|u| u.security).sum()
    }
    pub fn failed(&self) -> bool {
        self.updaters.iter().any(|u| u.error.is_some())
    }

    /// Whether any of the `--fail-on` conditions holds: something pending,
    /// a security update, a reboot needed (the audit's words never do).
    pub fn tripped(&self, fail_on: &[FailOn]) -> bool {
        fail_on.iter().any(|f| match f {
            FailOn::Pending => self.pending() > 0,
            FailOn::Security => self.security() > 0,
            FailOn::Reboot => self.reboot_required,
            _ => false,
        })
    }

    /// The saved report brought up to date by `newer` (a check of some
    /// updaters, `--only`): their answers replace the old ones, the others
    /// stay with their own check times; reboot and what does not apply
    /// are the newer check's.
    pub fn merged_with(&self, newer: &CheckReport) -> CheckReport {
        let mut updaters: Vec<UpdaterCheck> = self
            .updaters
            .iter()
            .filter(|old| !newer.updaters.iter().any(|u| u.updater == old.updater))
            .filter(|old| !newer.not_applicable.contains(&old.updater))
            .cloned()
            .map(|mut old| {
                if old.checked_at.is_empty() {
                    old.checked_at = self.checked_at.clone();
                }
                old
            })
            .collect();
        updaters.extend(newer.updaters.iter().cloned());
        let order = |id: &str| {
            self.updaters
                .iter()
                .chain(&newer.updaters)
                .position(|u| u.updater == id)
        };
        updaters.sort_by_key(|u| order(&u.updater));
        CheckReport {
            updaters,
            ..newer.clone()
        }
    }

    /// How long ago the check ran, as a person writes it (`3m`, `2h`), in
    /// whole seconds; none when `checked_at` does not parse or lies ahead.
    pub fn age(&self) -> Option<String> {
        age_of(&self.checked_at)
    }
}

/// How a check is going, as it goes: each updater started, then done
/// with its count, or failed. A terminal shows them as lines that change;
/// `--format json` streams them.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum CheckEvent {
    CheckStarted {
        updater: String,
    },
    CheckFinished {
        updater: String,
        pending: usize,
        elapsed_ms: u64,
        error: Option<String>,
    },
}

impl UpdaterCheck {
    /// How long ago this updater was checked (`3m`), when known.
    pub fn age(&self) -> Option<String> {
        age_of(&self.checked_at)
    }
}

/// How long ago `time` (RFC 3339) was, as a person writes it, in whole
/// seconds; none when it does not parse or lies ahead.
fn age_of(time: &str) -> Option<String> {
    humantime::parse_rfc3339(time)
        .ok()
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .map(|d| crate::config::show_duration(Duration::from_secs(d.as_secs())))
}

/// Checks `updaters` with what the settings say (registries, timeout),
/// saying each one's progress to `on`.
pub fn check(
    settings: &Settings,
    updaters: &[&'static dyn Updater],
    host: &Host,
    on: &(dyn Fn(&CheckEvent) + Sync),
) -> CheckReport {
    let addresses = settings.addresses();
    let http = settings.http_options();
    let offline = settings.offline;
    let latest = move |specs: &[String]| -> Vec<Result<String, String>> {
        if offline {
            return specs
                .iter()
                .map(|_| Err("offline: registries are not asked".to_owned()))
                .collect();
        }
        crate::upstream::latest_of(specs, &addresses, http.clone())
    };
    let cx = CheckContext {
        host,
        timeout: settings.timeout_given.unwrap_or(CHECK_TIMEOUT),
        latest: &latest,
    };
    // A store that cannot be read is said once, naming it; each estimate
    // then says it is unknown rather than "no history".
    let mut unreadable = false;
    let store = settings
        .dirs
        .as_ref()
        .and_then(
            |d| match crate::state::store::Store::open_read_only(&d.history_store()) {
                Ok(store) => store,
                Err(e) => {
                    tracing::warn!("{e}");
                    unreadable = true;
                    None
                }
            },
        )
        .map(std::sync::Mutex::new);
    let estimate = |updater: &str| -> String {
        let Some(store) = &store else {
            return if unreadable {
                "history unreadable".to_owned()
            } else {
                "no history".to_owned()
            };
        };
        let store = store.lock().unwrap_or_else(|e| e.into_inner());
        store
            .estimate(&crate::base::host::hostname(), updater, "update")
            .map_or_else(|e| format!("history unreadable: {e}"), |e| e.describe())
    };
    let slowest = settings
        .dirs
        .as_ref()
        .and_then(|d| load(&d.system_check()).ok())
        .and_then(|saved| slowest_of(&saved, updaters));
    run(updaters, &cx, &estimate, slowest.as_deref(), on)
}

/// The updater among `updaters` whose last check took longest, when the
/// saved report says: it keeps its CPU share while the others check, so a
/// check takes about as long as its slowest part on a small machine.
fn slowest_of(saved: &CheckReport, updaters: &[&'static dyn Updater]) -> Option<String> {
    saved
        .updaters
        .iter()
        .filter(|u| updaters.iter().any(|x| x.id() == u.updater))
        .max_by_key(|u| u.elapsed_ms)
        .map(|u| u.updater.clone())
}

/// `--refresh`: the package lists, through each updater's refresh command;
/// it needs root, and says so rather than asking for a password.
pub fn refresh(updaters: &[&'static dyn Updater], host: &Host, printer: Printer) {
    let root = crate::base::privilege::is_root();
    for u in updaters.iter().filter(|u| u.applies(host)) {
        let Some(argv) = u.refresh_argv() else {
            continue;
        };
        if !root {
            printer.warn(&format!(
                "{}: refreshing the package lists needs root: run `sudo {}` (the check reads the lists as they are)",
                u.id(),
                argv.join(" ")
            ));
            continue;
        }
        let result = crate::exec::run(
            &crate::exec::ProcessRequest::change(
                std::path::Path::new(&argv[0]),
                &argv[1..],
                Duration::from_secs(600),
            )
            .env(&[("LC_ALL", "C.UTF-8")])
            .capture(64 * 1024)
            .stop(crate::exec::Stop::Never),
        );
        if !result.is_ok_and(|o| o.status.is_some_and(|s| s.success())) {
            printer.warn(&format!("{}: `{}` failed", u.id(), argv.join(" ")));
        }
    }
}

/// Checks `updaters` (those that apply) in parallel; `estimate` says how
/// long each one's update took before (from the history store).
/// `slowest`, when known, keeps its CPU share; the others check at a lower
/// priority (their threads, and what those start, inherit it).
pub fn run(
    updaters: &[&dyn Updater],
    cx: &CheckContext<'_>,
    estimate: &(dyn Fn(&str) -> String + Sync),
    slowest: Option<&str>,
    on: &(dyn Fn(&CheckEvent) + Sync),
) -> CheckReport {
    let (applicable, not): (Vec<&dyn Updater>, Vec<&dyn Updater>) =
        updaters.iter().partition(|u| u.applies(cx.host));
    let (reboot, updaters) = std::thread::scope(|scope| {
        let handles: Vec<_> = applicable
            .iter()
            .map(|u| {
                scope.spawn(move || {
                    if slowest.is_some_and(|s| s != u.id()) {
                        crate::base::host::lower_this_threads_priority();
                    }
                    on(&CheckEvent::CheckStarted {
                        updater: u.id().to_owned(),
                    });
                    let done = one(*u, cx, estimate);
                    on(&CheckEvent::CheckFinished {
                        updater: done.updater.clone(),
                        pending: done.pending.len(),
                        elapsed_ms: done.elapsed_ms,
                        error: done.error.clone(),
                    });
                    done
                })
            })
            .collect();
        let reboot = super::reboot::required(cx);
        let results: Vec<UpdaterCheck> = handles
            .into_iter()
            .zip(&applicable)
            .map(|(h, u)| {
                h.join().unwrap_or_else(|_| UpdaterCheck {
                    updater: u.id().to_owned(),
                    pending: Vec::new(),
                    security: 0,
                    download_bytes: None,
                    estimate: "no history".to_owned(),
                    error: Some("the check panicked".to_owned()),
                    elapsed_ms: 0,
                    held_back: Vec::new(),
                    checked_at: crate::base::clock::now_rfc3339(),
                })
            })
            .collect();
        (reboot, results)
    });
    CheckReport {
        schema_version: 1,
        checked_at: crate::base::clock::now_rfc3339(),
        reboot_required: reboot.is_some(),
        reboot_reason: reboot,
        not_applicable: not.iter().map(|u| u.id().to_owned()).collect(),
        updaters,
    }
}

fn one(
    updater: &dyn Updater,
    cx: &CheckContext<'_>,
    estimate: &(dyn Fn(&str) -> String + Sync),
) -> UpdaterCheck {
    let started = Instant::now();
    let result = updater.check(cx).and_then(crate::managers::one_line_each);
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let (pending, error) = match result {
        Ok(p) => (p, None),
        Err(e) => (Vec::new(), Some(format!("{}: {e}", updater.id()))),
    };
    let sizes: Vec<u64> = pending.iter().filter_map(|p| p.download_bytes).collect();
    UpdaterCheck {
        updater: updater.id().to_owned(),
        security: pending.iter().filter(|p| p.security).count(),
        download_bytes: (!sizes.is_empty())
            .then(|| sizes.iter().fold(0u64, |a, b| a.saturating_add(*b))),
        estimate: estimate(updater.id()),
        pending,
        error,
        elapsed_ms,
        held_back: updater.held_back(),
        checked_at: crate::base::clock::now_rfc3339(),
    }
}

/// Saves the report atomically.
pub fn save(path: &Path, report: &CheckReport) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    text.push('\n');
    // What updaters printed is kept, less credentials (string by string).
    let text = crate::base::secrets::scrub_json(&text);
    crate::state::write_atomic(path, text.as_bytes())
}

/// Saves the report where `toolup system status` reads it, when there is a
/// home directory; the error names the file.
pub fn keep(settings: &Settings, report: &CheckReport) -> Result<(), String> {
    let Some(dirs) = &settings.dirs else {
        return Ok(());
    };
    let path = dirs.system_check();
    let merged = match load(&path) {
        Ok(previous) => previous.merged_with(report),
        Err(_) => report.clone(),
    };
    save(&path, &merged).map_err(|e| format!("cannot save {}: {e}", path.display()))
}

/// The last saved report.
pub fn load(path: &Path) -> Result<CheckReport, String> {
    let bytes = crate::state::read_bounded(path, 64 * 1024 * 1024).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no system check yet ({}): run `toolup system check`",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{} is corrupt ({e}): run `toolup system check` to make a new one",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(pending: usize, security: bool, reboot: bool) -> CheckReport {
        let mut p = Pending::new("pkg", Some("1"), Some("2"));
        p.security = security;
        CheckReport {
            schema_version: 1,
            checked_at: "2020-01-01T00:00:00Z".to_owned(),
            reboot_required: reboot,
            reboot_reason: reboot.then(|| "kernel".to_owned()),
            not_applicable: Vec::new(),
            updaters: vec![UpdaterCheck {
                updater: "apt".to_owned(),
                security: usize::from(security) * pending,
                pending: vec![p; pending],
                download_bytes: None,
                estimate: "no history".to_owned(),
                error: None,
                elapsed_ms: 0,
                held_back: Vec::new(),
                checked_at: String::new(),
            }],
        }
    }

    #[test]
    fn fail_on_trips_on_what_it_names_only() {
        let quiet = report(0, false, false);
        assert!(!quiet.tripped(&[FailOn::Pending, FailOn::Security, FailOn::Reboot]));
        let pending = report(2, false, false);
        assert!(pending.tripped(&[FailOn::Pending]));
        assert!(!pending.tripped(&[FailOn::Security, FailOn::Reboot, FailOn::Outdated]));
        assert!(report(1, true, false).tripped(&[FailOn::Security]));
        assert!(report(0, false, true).tripped(&[FailOn::Reboot]));
    }

    #[test]
    fn age_is_whole_and_none_when_unreadable() {
        assert!(report(0, false, false).age().is_some_and(|a| !a.is_empty()));
        let mut odd = report(0, false, false);
        odd.checked_at = "yesterday".to_owned();
        assert_eq!(odd.age(), None);
        odd.checked_at = "2999-01-01T00:00:00Z".to_owned();
        assert_eq!(odd.age(), None);
    }

    #[test]
    fn the_slowest_last_time_among_those_checked_keeps_its_priority() {
        let mut saved = report(1, false, false);
        let mut npm = saved.updaters[0].clone();
        saved.updaters[0].elapsed_ms = 3_000;
        npm.updater = "npm".to_owned();
        npm.elapsed_ms = 900;
        saved.updaters.push(npm);
        let apt = crate::managers::updater("apt").unwrap();
        let npm = crate::managers::updater("npm").unwrap();
        assert_eq!(slowest_of(&saved, &[apt, npm]).as_deref(), Some("apt"));
        assert_eq!(slowest_of(&saved, &[npm]).as_deref(), Some("npm"));
    }
}
