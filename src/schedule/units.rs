//! A schedule and the two units that carry it: a oneshot service that runs
//! toolup with `--scheduled`, and a timer that starts it. Pure: the text of
//! each file from the schedule alone (the reason for every directive is in
//! docs/schedules.md).

use std::path::PathBuf;

use serde::Serialize;

use super::syntax;

/// Which service manager runs a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// The user's own manager (`~/.config/systemd/user`): the user's
    /// toolchains, checks, fleets (the user's ssh keys).
    User,
    /// The system's manager (`/etc/systemd/system`): updates that need root.
    System,
}

impl Scope {
    pub fn id(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::System => "system",
        }
    }
}

/// What a schedule runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    /// `update-daily`: the units are `toolup-NAME.service` and `.timer`.
    pub name: String,
    pub scope: Scope,
    /// The `OnCalendar=` expression (`daily`, `Mon..Fri 04:00`).
    pub on: String,
    /// Runs a check, not an update.
    pub check_only: bool,
    /// Runs on many hosts (`toolup fleet …`).
    pub fleet: bool,
    /// The toolup binary, an absolute path.
    pub program: PathBuf,
    /// Its arguments (`system update --scheduled …`).
    pub args: Vec<String>,
    /// Variables the service sets (`TOOLUP_SCHEDULE`, a user's `PATH`).
    pub env: Vec<(String, String)>,
}

/// How long a run may take before systemd stops it.
fn start_timeout(s: &Schedule) -> &'static str {
    match (s.check_only, s.fleet) {
        (true, false) => "1h",
        (true, true) => "2h",
        (false, false) => "4h",
        (false, true) => "8h",
    }
}

impl Schedule {
    /// The stem of its unit files.
    pub fn unit(&self) -> String {
        unit_stem(&self.name)
    }

    /// What it runs, in words (`system update`).
    pub fn what(&self) -> String {
        self.args
            .iter()
            .take(2)
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The service unit's text.
    pub fn service(&self) -> Result<String, String> {
        let mut out = header(&self.name);
        out.push_str(&format!(
            "[Unit]\nDescription=toolup schedule {}: {}\n",
            self.name,
            self.what()
        ));
        if !self.check_only && !self.fleet {
            out.push_str("ConditionACPower=true\n");
        }
        if self.scope == Scope::System {
            out.push_str("Wants=network-online.target\nAfter=network-online.target\n");
        }
        out.push_str("\n[Service]\nType=oneshot\n");
        if self.scope == Scope::System {
            out.push_str("User=root\n");
        }
        for (name, value) in &self.env {
            out.push_str(&syntax::environment(name, value)?);
            out.push('\n');
        }
        let wait = ["schedule".to_owned(), "wait-online".to_owned()];
        out.push_str(&format!(
            "ExecStartPre=-{}\nExecStart={}\n",
            syntax::exec_line(&self.program, &wait)?,
            syntax::exec_line(&self.program, &self.args)?
        ));
        out.push_str(&format!(
            "SyslogIdentifier=toolup\nTimeoutStartSec={}\nTimeoutStopSec=15min\nKillMode=mixed\nNice=19\nIOSchedulingClass=idle\n",
            start_timeout(self)
        ));
        out.push_str(hardening(self));
        Ok(out)
    }

    /// The timer unit's text.
    pub fn timer(&self) -> Result<String, String> {
        let on = syntax::calendar(&self.on)?;
        Ok(format!(
            "{}[Unit]\nDescription=toolup schedule {}: when it runs\n\n[Timer]\nOnCalendar={on}\nRandomizedDelaySec=1h\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n",
            header(&self.name),
            self.name
        ))
    }
}

/// `toolup-NAME`.
pub fn unit_stem(name: &str) -> String {
    format!("toolup-{name}")
}

fn header(name: &str) -> String {
    format!(
        "# toolup schedule {name}: written by `toolup schedule enable`, removed by\n# `toolup schedule disable {name}`; enabling it again rewrites this file.\n"
    )
}

/// The sandboxing a schedule can take without breaking what it runs:
///
/// - a system update runs package managers as root, which write all over
///   /usr, /etc, /boot, /var, root's home, load modules and set sysctls in
///   their scripts: only what leaves those alone (a private /tmp, its own
///   hostname, no realtime scheduling, no personality change);
/// - a user's update may run `sudo -n` for the updaters that need root:
///   every directive that would confine it either needs a user namespace
///   (where sudo cannot become root) or implies `NoNewPrivileges=` (which
///   stops sudo), so it takes none;
/// - a check and a fleet's controller need no privilege at all (checks run
///   as the user, the fleet runs ssh): no new privileges, no setuid files.
fn hardening(s: &Schedule) -> &'static str {
    match (s.scope, s.check_only || s.fleet) {
        (Scope::System, false) => {
            "PrivateTmp=true\nProtectHostname=true\nRestrictRealtime=true\nLockPersonality=true\n"
        }
        (Scope::User, false) => "",
        (_, true) => {
            "NoNewPrivileges=true\nRestrictSUIDSGID=true\nRestrictRealtime=true\nLockPersonality=true\nSystemCallArchitectures=native\n"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(scope: Scope, args: &[&str]) -> Schedule {
        Schedule {
            name: "update-daily".to_owned(),
            scope,
            on: "daily".to_owned(),
            check_only: false,
            fleet: false,
            program: PathBuf::from("/usr/local/bin/toolup"),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            env: vec![("TOOLUP_SCHEDULE".to_owned(), "update-daily".to_owned())],
        }
    }

    #[test]
    fn arguments_are_quoted_and_what_cannot_be_is_refused() {
        let s = schedule(
            Scope::System,
            &["system", "update", "--scheduled", "--only", "a b%"],
        );
        let text = s.service().unwrap();
        assert!(
            text.contains(
                "ExecStart=/usr/local/bin/toolup system update --scheduled --only \"a b%%\"\n"
            ),
            "{text}"
        );
        let s = schedule(Scope::User, &["system", "update", "line\nbreak"]);
        assert!(s.service().is_err());
        let mut s = schedule(Scope::User, &["system", "update"]);
        s.on = "daily\nExecStart=/bin/sh".to_owned();
        assert!(s.timer().is_err());
    }
}
