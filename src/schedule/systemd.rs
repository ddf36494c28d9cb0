//! What toolup asks of systemd, through `exec` like every process: whether
//! it runs this machine, where units live, `systemd-analyze calendar` and
//! `verify`, and `systemctl` (found on PATH, as a person would run it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::base::env_vars;
use crate::base::host::Host;
use crate::exec::{ProcessRequest, run};

use super::units::Scope;

/// Whether systemd is this machine's service manager: `/run/systemd/system`
/// exists (as `sd_booted` asks), unless `TOOLUP_SYSTEMD_RUNNING` says.
pub fn running() -> bool {
    match std::env::var(env_vars::TOOLUP_SYSTEMD_RUNNING).as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => Path::new("/run/systemd/system").is_dir(),
    }
}

/// Where a scope's units are written: the user's
/// `$XDG_CONFIG_HOME/systemd/user` (`~/.config/systemd/user`), the system's
/// `/etc/systemd/system` (or `TOOLUP_SYSTEMD_DIR`).
pub fn unit_dir(scope: Scope) -> Result<PathBuf, String> {
    match scope {
        Scope::System => Ok(std::env::var_os(env_vars::TOOLUP_SYSTEMD_DIR)
            .filter(|d| !d.is_empty())
            .map_or_else(|| PathBuf::from("/etc/systemd/system"), PathBuf::from)),
        Scope::User => {
            let config = std::env::var_os("XDG_CONFIG_HOME")
                .filter(|d| Path::new(d).is_absolute())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                .ok_or("no home directory for a user's units")?;
            Ok(config.join("systemd/user"))
        }
    }
}

fn program(host: &Host, name: &str) -> Result<PathBuf, String> {
    host.which(name)
        .ok_or_else(|| format!("{name} is not on PATH (it comes with systemd)"))
}

/// What `systemd-analyze calendar` made of an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `Mon *-*-* 00:00:00`.
    pub normalized: String,
    /// `Mon 2026-01-05 00:00:00 UTC`, when there is a next time.
    pub next: Option<String>,
}

/// `systemd-analyze calendar EXPR`: systemd's reading of the expression,
/// or its complaint.
pub fn calendar(host: &Host, on: &str) -> Result<Calendar, String> {
    let analyze = program(host, "systemd-analyze")?;
    let args = ["calendar".to_owned(), on.to_owned()];
    let out = run(&ProcessRequest::query(
        &analyze,
        &args,
        Duration::from_secs(30),
    ))
    .map_err(|e| format!("cannot run systemd-analyze: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(|v| v.trim().to_owned())
    };
    if !out.status.is_some_and(|s| s.success()) {
        let why = String::from_utf8_lossy(&out.stderr);
        let why = why.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!(
            "--on {:?} is not a calendar systemd accepts: {}",
            crate::base::printer::visible(on),
            why.trim()
        ));
    }
    Ok(Calendar {
        normalized: field("Normalized form:").unwrap_or_else(|| on.to_owned()),
        next: field("Next elapse:").filter(|n| !n.is_empty() && n != "never"),
    })
}

/// `systemd-analyze verify` of the units `files` (name, text), written
/// first into a private directory: they pass when it exits 0 and says
/// nothing about them (an unknown key is only a warning to systemd, and a
/// refusal here).
pub fn verify(host: &Host, scope: Scope, files: &[(String, String)]) -> Result<(), String> {
    let analyze = program(host, "systemd-analyze")?;
    let dir = crate::state::files::scratch_dir().map_err(|e| format!("a scratch dir: {e}"))?;
    let units = dir.path().join("units");
    let runtime = dir.path().join("runtime");
    for d in [&units, &runtime] {
        crate::state::files::ensure_private_dir(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let mut args: Vec<String> = vec!["verify".to_owned(), "--man=no".to_owned()];
    if scope == Scope::User {
        args.push("--user".to_owned());
    }
    for (name, text) in files {
        let path = units.join(name);
        crate::state::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        args.push(path.display().to_string());
    }
    // A user manager's verify wants a runtime directory; a private one
    // keeps it from touching the real one.
    let runtime_text = runtime.display().to_string();
    let env = [
        ("LC_ALL", "C.UTF-8"),
        ("SYSTEMD_LOG_COLOR", "0"),
        ("XDG_RUNTIME_DIR", runtime_text.as_str()),
    ];
    let out = run(&ProcessRequest::query(&analyze, &args, Duration::from_secs(60)).env(&env))
        .map_err(|e| format!("cannot run systemd-analyze: {e}"))?;
    let said: Vec<String> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&out.stdout).lines())
        .filter(|l| files.iter().any(|(name, _)| l.contains(name.as_str())))
        .map(|l| l.replace(&format!("{}/", units.display()), ""))
        .collect();
    if out.status.is_some_and(|s| s.success()) && said.is_empty() {
        return Ok(());
    }
    let mut why = said;
    if why.is_empty() {
        why.push(
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rfind(|l| !l.trim().is_empty())
                .unwrap_or("it exited non-zero")
                .trim()
                .to_owned(),
        );
    }
    Err(format!(
        "systemd-analyze verify refuses the units: {}",
        why.join("; ")
    ))
}

/// `systemctl [--user] ARGS…`: a change (never started in a dry run);
/// its stdout, or what it said when it failed.
pub fn systemctl(host: &Host, scope: Scope, args: &[&str]) -> Result<String, String> {
    let ctl = program(host, "systemctl")?;
    let argv = argv(scope, args);
    let out = run(&ProcessRequest::change(
        &ctl,
        &argv,
        Duration::from_secs(120),
    ))
    .map_err(|e| format!("cannot run systemctl: {e}"))?;
    if out.status.is_some_and(|s| s.success()) {
        return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    Err(format!(
        "`systemctl {}` failed: {}",
        argv.join(" "),
        stderr
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or(if out.timed_out {
                "timed out"
            } else {
                "no reason given"
            })
            .trim()
    ))
}

/// The argv after `systemctl` for a scope.
pub fn argv(scope: Scope, args: &[&str]) -> Vec<String> {
    let user = (scope == Scope::User).then_some("--user");
    user.into_iter()
        .chain(args.iter().copied())
        .map(str::to_owned)
        .collect()
}

/// `systemctl [--user] show UNIT -p …`: the properties it knows (read
/// only; empty where systemctl cannot answer).
pub fn show(
    host: &Host,
    scope: Scope,
    unit: &str,
    properties: &[&str],
) -> BTreeMap<String, String> {
    let Ok(ctl) = program(host, "systemctl") else {
        return BTreeMap::new();
    };
    let mut args = vec!["show", unit, "--no-pager", "--timestamp=utc"];
    for p in properties {
        args.extend(["-p", p]);
    }
    let argv = argv(scope, &args);
    run(&ProcessRequest::query(&ctl, &argv, Duration::from_secs(30)))
        .ok()
        .filter(|o| o.status.is_some_and(|s| s.success()))
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .filter_map(|l| l.split_once('='))
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// For a user's schedule: whether the user's manager runs while they are
/// logged out (`loginctl enable-linger`), where that can be told.
pub fn lingers() -> Option<bool> {
    let user = std::env::var("USER")
        .ok()
        .or_else(|| std::env::var("LOGNAME").ok())?;
    let dir = Path::new("/var/lib/systemd/linger");
    dir.is_dir().then(|| dir.join(user).exists())
}
