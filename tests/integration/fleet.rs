//! The fleet against real OpenSSH: three `sshd`s on loopback addresses,
//! one user each, each host with its own toolup (this build), HOME and
//! updater plugins; the controller is this build too, with a temp HOME and
//! a hosts.toml naming the hosts.

use std::process::Output;

use crate::sshd_hosts::{TestFleet, TestHost};
use crate::support::{Sandbox, json_stdout, stderr};

/// A plugin named `name` on `host`: its check sleeps `check_secs` and
/// finds `pending` packages until its update has run; its update sleeps
/// `update_secs` and counts itself in `~/NAME.updates`. Each check writes
/// its start and end (seconds since the epoch) to `~/NAME.checks`.
fn plugin(host: &TestHost, name: &str, pending: usize, check_secs: f64, update_secs: f64) {
    let packages: Vec<String> = (0..pending)
        .map(|i| {
            format!(
                r#"{{"name": "{name}-pkg{i}", "current_version": "1.0", "new_version": "1.1"}}"#
            )
        })
        .collect();
    let home = host.home.display();
    let script = format!(
        r#"#!/bin/sh
case "$1" in
  is-applicable) exit 0 ;;
  estimate-update)
    s=$(/bin/date +%s.%N)
    /bin/sleep {check_secs}
    echo "$s $(/bin/date +%s.%N)" >> {home}/{name}.checks
    if [ -f {home}/{name}.done ]; then
      echo '{{"status": "success", "data": {{"packages_to_update": [], "security_updates": false}}}}'
    else
      echo '{{"status": "success", "data": {{"packages_to_update": [{packages}], "security_updates": false}}}}'
    fi ;;
  can-separate-download) exit 1 ;;
  update) echo "$$" >> {home}/{name}.updates; /bin/sleep {update_secs}; : > {home}/{name}.done ;;
  does-require-sudo) exit 1 ;;
  version) echo 0.1.0 ;;
  update-mutexes) echo pkgmgr:{name} ;;
  runs-after) ;;
  *) exit 127 ;;
esac
"#,
        packages = packages.join(", ")
    );
    let dir = ".config/toolup/plugins.d";
    let path = host.write(&format!("{dir}/{name}-plugin"), &script);
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    host.write(
        &format!("{dir}/{name}.toml"),
        &format!(
            "name = \"{name}\"\nexecutable = \"{name}-plugin\"\ndescription = \"test\"\n\n[timeouts]\nestimate_update = 60\nupdate = 60\n"
        ),
    );
}

/// How many times `name`'s update ran on `host`.
#[allow(dead_code)] // the update tests use it
fn updates(host: &TestHost, name: &str) -> usize {
    std::fs::read_to_string(host.home.join(format!("{name}.updates")))
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

/// The controller: a sandbox whose hosts.toml names the fleet's hosts.
fn controller(fleet: &TestFleet, extra: &[(&str, &str)]) -> Sandbox {
    let sb = Sandbox::new();
    std::os::unix::fs::symlink("/usr/bin/ssh", sb.bin.join("ssh")).unwrap();
    let dir = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hosts.toml"), fleet.hosts_toml(extra)).unwrap();
    sb
}

fn run(sb: &Sandbox, args: &[&str]) -> Output {
    sb.cmd(args).output().unwrap()
}

/// The report's row for `host`.
fn row<'a>(report: &'a serde_json::Value, host: &str) -> &'a serde_json::Value {
    report["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["host"] == host)
        .unwrap_or_else(|| panic!("no row for {host}: {report:#}"))
}

/// The three standard hosts, with plugins of different durations and
/// pending lists (h1: 1 package, h2: 2, h3: 3).
fn three_hosts() -> Option<TestFleet> {
    let fleet = TestFleet::start(&["h1", "h2", "h3"])?;
    for (i, host) in fleet.hosts.iter().enumerate() {
        plugin(host, "widgets", i + 1, 0.5 + i as f64, 0.2);
    }
    Some(fleet)
}

#[test]
fn a_fleet_check_asks_every_host_at_once_and_reports_each() {
    let Some(fleet) = three_hosts() else { return };
    let sb = controller(&fleet, &[]);
    let out = run(&sb, &["fleet", "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["totals"]["ok"], 3, "{report:#}");
    assert_eq!(report["totals"]["contacted"], 3, "{report:#}");
    for (i, name) in ["h1", "h2", "h3"].iter().enumerate() {
        assert_eq!(row(&report, name)["pending"], i + 1, "{report:#}");
        assert_eq!(row(&report, name)["state"], "ok", "{report:#}");
    }
    // Side by side: every host's check was running at one moment.
    let spans: Vec<(f64, f64)> = fleet
        .hosts
        .iter()
        .map(|h| {
            let text = std::fs::read_to_string(h.home.join("widgets.checks")).unwrap();
            let mut words = text.split_whitespace().map(|w| w.parse::<f64>().unwrap());
            (words.next().unwrap(), words.next().unwrap())
        })
        .collect();
    let latest_start = spans.iter().map(|s| s.0).fold(f64::MIN, f64::max);
    let earliest_end = spans.iter().map(|s| s.1).fold(f64::MAX, f64::min);
    assert!(
        latest_start < earliest_end,
        "the hosts' checks did not overlap: {spans:?}"
    );
    // Every event on stderr names its host.
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "check-finished" && e["host"] == "h2"),
        "{}",
        stderr(&out)
    );
    assert!(
        events
            .iter()
            .all(|e| e["host"].is_string() || e["event"] == "fleet-started")
    );
    // One connection per host.
    for host in &fleet.hosts {
        assert_eq!(host.accepted_connections(), 1, "{}", host.sshd_log());
    }
}
