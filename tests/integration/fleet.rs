//! The fleet against real OpenSSH: three `sshd`s on loopback addresses,
//! one user each, each host with its own toolup (this build), HOME and
//! updater plugins; the controller is this build too, with a temp HOME and
//! a hosts.toml naming the hosts.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

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
    if [ -f {home}/barrier ]; then
      # Wait (at most a minute) until every host's check has started.
      d=$(/bin/cat {home}/barrier); n=$(/bin/cat {home}/barrier.count); : > "$d/$(/usr/bin/id -un)"; i=0
      while [ "$(/bin/ls "$d" | /usr/bin/wc -l)" -lt "$n" ] && [ $i -lt 600 ]; do /bin/sleep 0.1; i=$((i+1)); done
    fi
    /bin/sleep {check_secs}
    echo "$s $(/bin/date +%s.%N)" >> {home}/{name}.checks
    if [ -f {home}/{name}.done ]; then
      echo '{{"status": "success", "data": {{"packages_to_update": [], "security_updates": false}}}}'
    else
      echo '{{"status": "success", "data": {{"packages_to_update": [{packages}], "security_updates": false}}}}'
    fi ;;
  can-separate-download) exit 1 ;;
  update) echo "$$" >> {home}/{name}.updates
    if [ -f {home}/{name}.until-stopped ]; then
      # Runs until its toolup has been told to stop — the controller gone,
      # its stdin closed, its `stdin-lifeline` thread ended — at most 50 s:
      # never a time a busy machine may outlast.
      p=$PPID
      while [ "$p" -gt 1 ] && ! /bin/grep -qx stdin-lifeline /proc/$p/task/*/comm 2>/dev/null; do
        p=$(/usr/bin/cut -d' ' -f4 /proc/$p/stat)
      done
      echo "$p" > {home}/{name}.held-by
      i=0
      while [ "$p" -gt 1 ] && /bin/grep -qx stdin-lifeline /proc/$p/task/*/comm 2>/dev/null && [ $i -lt 500 ]; do
        /bin/sleep 0.1; i=$((i+1))
      done
    else
      /bin/sleep {update_secs}
    fi
    : > {home}/{name}.done ;;
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

/// Whether `name`'s update on `host` found the toolup it waits on (a
/// `.until-stopped` hold): its pid, above 1.
fn was_held(host: &TestHost, name: &str) -> bool {
    std::fs::read_to_string(host.home.join(format!("{name}.held-by")))
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok())
        .is_some_and(|pid| pid > 1)
}

/// How many times `name`'s update ran on `host`.
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
    // Each check waits for the others to start: were the checks one after
    // another, none would end and the run would show it (not a race
    // between a short sleep and a busy machine's ssh handshakes).
    let barrier = fleet.root.join("barrier");
    std::fs::create_dir(&barrier).unwrap();
    std::fs::set_permissions(
        &barrier,
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    for host in &fleet.hosts {
        host.write("barrier", &barrier.display().to_string());
        host.write("barrier.count", "3");
    }
    // h2 wants a reboot (its own flag; no other host sees it).
    std::fs::write(fleet.hosts[1].reboot_flag_dir().join("reboot-required"), "").unwrap();
    let sb = controller(&fleet, &[]);
    let out = run(&sb, &["fleet", "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["totals"]["ok"], 3, "{report:#}");
    assert_eq!(report["totals"]["contacted"], 3, "{report:#}");
    for (i, name) in ["h1", "h2", "h3"].iter().enumerate() {
        assert_eq!(row(&report, name)["pending"], i + 1, "{report:#}");
        assert_eq!(row(&report, name)["state"], "ok", "{report:#}");
        assert_eq!(
            row(&report, name)["reboot_required"],
            *name == "h2",
            "{report:#}"
        );
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

/// `fleet audit`: each host audits its own tools (offline, from its own
/// cache) and its outdated ones are what it has pending; a host without
/// the tool has nothing pending, and a host whose audit fails says why.
#[test]
fn a_fleet_audit_counts_each_hosts_outdated_tools() {
    let Some(fleet) = TestFleet::start(&["h1", "h2", "h3", "h4"]) else {
        return;
    };
    std::fs::write(
        fleet.root.join("shared/catalog/tuaudit.toml"),
        "name = \"tuaudit\"\ndescription = \"test tool\"\ncategory = \"test\"\nbins = [\"tuaudit\"]\nupstream = \"github:example/tuaudit\"\n",
    )
    .unwrap();
    for (host, version) in
        fleet
            .hosts
            .iter()
            .zip([Some("1.0.0"), Some("1.1.0"), None, Some("1.0.0")])
    {
        if let Some(v) = version {
            host.script("tuaudit", &format!("echo 'tuaudit {v}'"));
        }
        host.write(
            ".cache/toolup/latest_versions.json",
            r#"{"tuaudit": "1.1.0"}"#,
        );
    }
    // h4's toolup cannot read its config: its audit fails.
    fleet
        .host("h4")
        .write(".config/toolup/config.toml", "[audit\n");
    let sb = controller(&fleet, &[]);
    let out = run(&sb, &["fleet", "audit", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["command"], "audit", "{report:#}");
    for (name, pending) in [("h1", 1), ("h2", 0), ("h3", 0)] {
        assert_eq!(row(&report, name)["state"], "ok", "{report:#}");
        assert_eq!(row(&report, name)["pending"], pending, "{name}: {report:#}");
    }
    let h4 = row(&report, "h4");
    assert_eq!(h4["state"], "failed", "{report:#}");
    assert!(
        h4["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("config.toml"),
        "the host's own error: {report:#}"
    );
    assert_eq!(report["totals"]["ok"], 3, "{report:#}");
}

/// The JSON lines of a streamed output.
fn lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn a_fleet_update_runs_each_hosts_update_once_over_one_connection_and_keeps_its_history() {
    let Some(mut fleet) = three_hosts() else {
        return;
    };
    let sb = controller(&fleet, &[]);
    let out = run(&sb, &["fleet", "update", "--yes", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = lines(&String::from_utf8_lossy(&out.stdout));
    let last = events.last().unwrap();
    assert_eq!(last["event"], "fleet-finished", "{last:#}");
    assert_eq!(last["totals"]["ok"], 3, "{last:#}");
    for host in ["h1", "h2", "h3"] {
        assert!(
            events.iter().any(|e| e["host"] == host
                && e["event"] == "finished"
                && e["job"] == "widgets"
                && e["phase"] == "update"
                && e["outcome"] == "ok"),
            "{host}'s update phase: {events:#?}"
        );
    }
    assert!(
        events
            .iter()
            .filter(|e| e["event"] != "fleet-started" && e["event"] != "fleet-finished")
            .all(|e| e["host"].is_string()),
        "every event names its host"
    );
    for host in &fleet.hosts {
        assert_eq!(updates(host, "widgets"), 1, "{}", host.name);
        // The check and the update went over the one connection.
        assert_eq!(host.accepted_connections(), 1, "{}", host.sshd_log());
    }
    // Each host's phases are in the controller's history under its name.
    let out = run(
        &sb,
        &["system", "history", "--host", "h2", "--format", "json"],
    );
    let doc = json_stdout(&out);
    let phases = doc["phases"].as_array().unwrap();
    assert!(
        phases
            .iter()
            .any(|p| p["host"] == "h2" && p["updater"] == "widgets" && p["phase"] == "update"),
        "{doc:#}"
    );
    assert!(phases.iter().all(|p| p["host"] == "h2"), "{doc:#}");
    // `fleet status` answers from the records, with every host down.
    for host in &mut fleet.hosts {
        host.stop();
    }
    let out = run(&sb, &["fleet", "status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_stdout(&out);
    for host in ["h1", "h2", "h3"] {
        assert_eq!(row(&report, host)["state"], "ok", "{report:#}");
    }
    // And a second update finds nothing left.
    for host in &mut fleet.hosts {
        host.start();
    }
    let out = run(&sb, &["fleet", "update", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for host in &fleet.hosts {
        assert_eq!(updates(host, "widgets"), 1, "{}", host.name);
    }
}

#[test]
fn an_unreachable_host_is_tried_three_times_and_the_others_finish() {
    let Some(mut fleet) = three_hosts() else {
        return;
    };
    let sb = controller(&fleet, &[]);
    fleet.host_mut("h2").stop();
    let out = run(&sb, &["fleet", "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_stdout(&out);
    let h2 = row(&report, "h2");
    assert_eq!(h2["state"], "unreachable", "{report:#}");
    assert_eq!(h2["tries"], 3, "{report:#}");
    assert!(
        h2["reason"]
            .as_str()
            .unwrap()
            .contains("unreachable after 3 tries"),
        "{report:#}"
    );
    assert_eq!(report["hosts"][0]["host"], "h2", "worst first: {report:#}");
    assert_eq!(row(&report, "h1")["state"], "ok");
    assert_eq!(row(&report, "h3")["state"], "ok");
    assert_eq!(report["totals"]["unreachable"], 1);
    assert_eq!(report["totals"]["failed"], 0, "unreachable is not failed");
    // The table says the same, with its recap.
    let out = run(&sb, &["fleet", "check", "h1", "h2"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2 requested · 1 contacted · 1 ok · 0 failed · 1 unreachable"),
        "{text}"
    );
}

#[test]
fn an_update_that_needs_approval_waits_for_it_outside_its_window() {
    let Some(fleet) = three_hosts() else { return };
    let sb = controller(
        &fleet,
        &[("h1", "approval = \"required\"\nmaintenance = []")],
    );
    let out = run(&sb, &["fleet", "update", "--yes", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let events = lines(&String::from_utf8_lossy(&out.stdout));
    let report = events.last().unwrap();
    let h1 = row(report, "h1");
    assert_eq!(h1["state"], "skipped", "{report:#}");
    assert!(
        h1["reason"].as_str().unwrap().contains("--approve h1"),
        "{report:#}"
    );
    assert_eq!(updates(fleet.host("h1"), "widgets"), 0);
    assert_eq!(
        fleet.host("h1").accepted_connections(),
        0,
        "not even contacted"
    );
    assert_eq!(updates(fleet.host("h2"), "widgets"), 1);
    let out = run(&sb, &["fleet", "update", "--yes", "--approve", "h1", "h1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(updates(fleet.host("h1"), "widgets"), 1);
}

#[test]
fn a_changed_host_key_is_refused_and_named_with_its_fix() {
    let Some(mut fleet) = three_hosts() else {
        return;
    };
    let sb = controller(&fleet, &[]);
    fleet.host_mut("h3").change_host_key();
    let out = run(&sb, &["fleet", "check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json_stdout(&out);
    let h3 = row(&report, "h3");
    assert_eq!(h3["state"], "failed", "{report:#}");
    assert_eq!(h3["tries"], 1, "a key is not tried again: {report:#}");
    let why = h3["reason"].as_str().unwrap();
    assert!(
        why.contains("host key of h3") && why.contains("CHANGED"),
        "{why}"
    );
    assert!(why.contains("ssh-keygen -R"), "{why}");
    assert_eq!(fleet.host("h3").accepted_connections(), 0);
    assert_eq!(row(&report, "h1")["state"], "ok");
}

#[test]
fn push_copies_this_toolup_to_a_host_without_one_checked_by_sha256() {
    let Some(fleet) = three_hosts() else { return };
    let sb = controller(&fleet, &[]);
    let h3 = fleet.host("h3");
    std::fs::remove_file(h3.bin.join("toolup")).unwrap();
    let out = run(&sb, &["fleet", "check", "--format", "json", "h3"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let why = json_stdout(&out)["hosts"][0]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        why.starts_with("toolup missing") && why.contains("--push"),
        "{why}"
    );
    let out = run(&sb, &["fleet", "check", "--push", "--format", "json", "h3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json_stdout(&out);
    assert_eq!(report["hosts"][0]["pending"], 3, "{report:#}");
    let version = env!("CARGO_PKG_VERSION");
    let pushed = h3.home.join(format!(".cache/toolup/bin/toolup-{version}"));
    let sha = |p: &std::path::Path| {
        let out = Command::new("sha256sum").arg(p).output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(sha(&pushed), sha(&fleet.toolup), "the very binary");
    // Next time the pushed one is used as it is, without --push.
    let out = run(&sb, &["fleet", "check", "--format", "json", "h3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Changed on the host, it is not run.
    let mut bytes = std::fs::read(&pushed).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&pushed, bytes).unwrap();
    let out = run(&sb, &["fleet", "check", "--format", "json", "h3"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let why = json_stdout(&out)["hosts"][0]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(why.starts_with("toolup missing"), "{why}");
}

#[test]
fn a_host_already_updating_is_reported_busy_not_queued_twice() {
    let Some(fleet) = TestFleet::start(&["h1"]) else {
        return;
    };
    plugin(fleet.host("h1"), "slow", 1, 0.1, 6.0);
    let sb = controller(&fleet, &[]);
    let first = sb
        .cmd(&["fleet", "update", "--yes", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while updates(fleet.host("h1"), "slow") == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the update never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = run(&sb, &["fleet", "update", "--yes", "--format", "json"]);
    let first = first.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = lines(&String::from_utf8_lossy(&out.stdout)).pop().unwrap();
    let h1 = row(&report, "h1");
    assert_eq!(h1["state"], "busy", "{report:#}");
    assert!(
        h1["reason"].as_str().unwrap().starts_with("busy since "),
        "{report:#}"
    );
    assert_eq!(updates(fleet.host("h1"), "slow"), 1);
}

/// Kill -9 of the controller while every host updates; each host finishes
/// the phase it runs and starts nothing else; `fleet update --resume`
/// then runs what is left: every plugin's update ran once per host.
#[test]
fn a_killed_fleet_update_resumes_and_runs_each_update_exactly_once() {
    let Some(fleet) = TestFleet::start(&["h1", "h2", "h3"]) else {
        return;
    };
    for host in &fleet.hosts {
        plugin(host, "first", 1, 0.1, 3.0);
        plugin(host, "second", 1, 0.1, 0.2);
        // `first` runs until its toolup is told the controller is gone.
        host.write("first.until-stopped", "");
        // `second` runs after `first`: it has not started when the kill lands.
        let manifest = host.home.join(".config/toolup/plugins.d/second.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace("description", "runs_after = [\"first\"]\ndescription"),
        )
        .unwrap();
    }
    let sb = controller(&fleet, &[]);
    let mut controller = sb
        .cmd(&["fleet", "update", "--yes", "--format", "json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fleet.hosts.iter().any(|h| updates(h, "first") == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the updates never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    controller.kill().unwrap();
    controller.wait().unwrap();
    // Each host's toolup finishes its running phase, then stops.
    for host in &fleet.hosts {
        let started = Instant::now();
        while Command::new("pgrep")
            .args(["-u", &host.user, "toolup"])
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
        {
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "{} never stopped",
                host.name
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(updates(host, "first"), 1, "{}", host.name);
        assert!(was_held(host, "first"), "{}", host.name);
        assert_eq!(
            updates(host, "second"),
            0,
            "{}: nothing new started",
            host.name
        );
    }
    let out = run(
        &sb,
        &["fleet", "update", "--resume", "--yes", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for host in &fleet.hosts {
        assert_eq!(updates(host, "first"), 1, "{}", host.name);
        assert_eq!(updates(host, "second"), 1, "{}", host.name);
    }
    let out = run(&sb, &["fleet", "update", "--resume", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing left to resume"),
        "{}",
        stderr(&out)
    );
}

/// Ctrl-C of the controller: each host is told at once (its stdin closes),
/// finishes the phase it runs and starts nothing new; the controller waits
/// for their word, reports them interrupted, and `--resume` finishes.
#[test]
fn ctrl_c_lets_each_host_finish_its_phase_and_resume_takes_up_the_rest() {
    let Some(fleet) = TestFleet::start(&["h1", "h2"]) else {
        return;
    };
    for host in &fleet.hosts {
        plugin(host, "first", 1, 0.1, 3.0);
        plugin(host, "second", 1, 0.1, 0.2);
        host.write("first.until-stopped", "");
        let manifest = host.home.join(".config/toolup/plugins.d/second.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(
            &manifest,
            text.replace("description", "runs_after = [\"first\"]\ndescription"),
        )
        .unwrap();
    }
    let sb = controller(&fleet, &[]);
    let controller = sb
        .cmd(&["fleet", "update", "--yes", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while fleet.hosts.iter().any(|h| updates(h, "first") == 0) {
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the updates never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = controller.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = controller.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = lines(&String::from_utf8_lossy(&out.stdout)).pop().unwrap();
    for host in &fleet.hosts {
        assert_eq!(
            row(&report, &host.name)["state"],
            "interrupted",
            "{report:#}"
        );
        assert_eq!(
            updates(host, "first"),
            1,
            "{}: its phase finished",
            host.name
        );
        assert!(was_held(host, "first"), "{}", host.name);
        assert_eq!(
            updates(host, "second"),
            0,
            "{}: nothing new started",
            host.name
        );
    }
    let out = run(&sb, &["fleet", "update", "--resume", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for host in &fleet.hosts {
        assert_eq!(
            (updates(host, "first"), updates(host, "second")),
            (1, 1),
            "{}",
            host.name
        );
    }
}
