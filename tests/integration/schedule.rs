//! `toolup schedule` and `--scheduled`: the units a user, a system and a
//! fleet schedule get (snapshots, read back by the real `systemd-analyze
//! verify`), calendars checked before anything is written, `enable` and
//! `disable` against a fake `systemctl` that records its argv, scheduled
//! runs that never wait for a person, and the webhook that gets a run's
//! summary without its address ever reaching a log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{Sandbox, json_stdout, stderr, stdout};

/// Where a sandbox's system units go, and the fake `systemctl`'s log.
struct Systemd {
    system_dir: PathBuf,
    log: PathBuf,
}

/// A sandbox where systemd "runs": the real `systemd-analyze` on PATH, a
/// fake `systemctl` recording each argv as a line (and answering `show`
/// the way systemd would for an enabled timer), system units in a temp dir.
fn with_systemd(sb: &Sandbox) -> Systemd {
    let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.exists())
        .expect("systemd-analyze is missing (.ci/run installs the systemd package)");
    std::os::unix::fs::symlink(analyze, sb.bin.join("systemd-analyze")).unwrap();
    let log = sb.root.join("systemctl.log");
    sb.script(
        &sb.bin,
        "systemctl",
        &format!(
            r#"echo "$*" >> {log}
case " $* " in
  *" show "*) echo UnitFileState=enabled; echo ActiveState=active; echo "NextElapseUSecRealtime=Mon 2026-01-05 00:23:00 UTC" ;;
  *" enable "*) [ -e {root}/refuse-enable ] && {{ echo "Failed to enable unit: Access denied" >&2; exit 1; }} ;;
esac
exit 0"#,
            log = log.display(),
            root = sb.root.display()
        ),
    );
    Systemd {
        system_dir: sb.root.join("system-units"),
        log,
    }
}

/// Runs toolup in the sandbox as a schedule would: systemd said to run, the
/// system units in their temp dir, no terminal.
fn run(sb: &Sandbox, systemd: &Systemd, args: &[&str]) -> Output {
    let mut cmd = sb.cmd(args);
    cmd.env("TOOLUP_SYSTEMD_RUNNING", "1")
        .env("TOOLUP_SYSTEMD_DIR", &systemd.system_dir);
    cmd.output().unwrap()
}

/// The fake systemctl's argv lines, without its `show` questions.
fn changes(systemd: &Systemd) -> Vec<String> {
    std::fs::read_to_string(&systemd.log)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.contains(" show ") && !l.starts_with("show "))
        .map(str::to_owned)
        .collect()
}

fn user_dir(sb: &Sandbox) -> PathBuf {
    sb.home.join(".config/systemd/user")
}

/// The text of a schedule's two units, with the sandbox and the binary
/// replaced by placeholders.
fn units(sb: &Sandbox, dir: &Path, name: &str) -> String {
    let read = |ext: &str| {
        std::fs::read_to_string(dir.join(format!("toolup-{name}.{ext}")))
            .unwrap_or_else(|e| panic!("toolup-{name}.{ext}: {e}"))
    };
    format!(
        "==> toolup-{name}.service <==\n{}\n==> toolup-{name}.timer <==\n{}",
        read("service"),
        read("timer")
    )
    .replace(env!("CARGO_BIN_EXE_toolup"), "[TOOLUP]")
    .replace(&sb.root.display().to_string(), "[ROOT]")
}

/// The real `systemd-analyze verify` on a schedule's units where they were
/// written: exit 0 and not a word about them.
fn verify(dir: &Path, name: &str, user: bool) {
    let runtime = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("systemd-analyze");
    cmd.arg("verify").arg("--man=no");
    if user {
        cmd.arg("--user");
    }
    let out = cmd
        .arg(dir.join(format!("toolup-{name}.service")))
        .arg(dir.join(format!("toolup-{name}.timer")))
        .env("XDG_RUNTIME_DIR", runtime.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !said.contains(&format!("toolup-{name}")),
        "systemd-analyze verify: {said}"
    );
}

#[test]
fn a_user_a_system_and_a_fleet_schedule_get_units_systemd_accepts() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    for (args, dir, name, user) in [
        (
            vec!["--user", "--on", "weekly", "--", "--only", "rustup,cargo"],
            user_dir(&sb),
            "update-weekly",
            true,
        ),
        (
            vec!["--system", "--security-only", "--on", "Mon..Fri 04:30"],
            systemd.system_dir.clone(),
            "security-update-mon-fri-04-30",
            false,
        ),
        (
            vec![
                "--fleet",
                "web1,db 2",
                "--on",
                "daily",
                "--",
                "--forks",
                "4",
            ],
            user_dir(&sb),
            "fleet-update-daily",
            true,
        ),
    ] {
        let mut full = vec!["schedule", "enable"];
        full.extend(&args);
        let out = run(&sb, &systemd, &full);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("enabled schedule {name}")),
            "{}",
            stdout(&out)
        );
        insta::assert_snapshot!(name, units(&sb, &dir, name));
        verify(&dir, name, user);
    }
}

#[test]
fn every_calendar_form_is_read_by_systemd_and_a_bad_one_writes_nothing() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    for on in [
        "daily",
        "weekly",
        "monthly",
        "Mon..Fri 04:00",
        "Sat *-*-1..7 02:30",
    ] {
        let out = std::process::Command::new("systemd-analyze")
            .args(["calendar", on])
            .output()
            .unwrap();
        assert!(out.status.success(), "{on}: {}", stderr(&out));
        let out = run(
            &sb,
            &systemd,
            &["schedule", "enable", "--user", "--dry-run", "--on", on],
        );
        assert!(out.status.success(), "{on}: {}", stderr(&out));
        assert!(
            stdout(&out).contains(&format!("OnCalendar={on}\n")),
            "{}",
            stdout(&out)
        );
    }
    assert!(!user_dir(&sb).exists(), "a dry run writes nothing");
    let out = run(
        &sb,
        &systemd,
        &["schedule", "enable", "--user", "--on", "Mon 25:00"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--on \"Mon 25:00\" is not a calendar systemd accepts"),
        "{}",
        stderr(&out)
    );
    assert!(!user_dir(&sb).exists());
    assert!(changes(&systemd).is_empty(), "{:?}", changes(&systemd));
    // What systemd could not carry safely is refused before it is written.
    let out = run(
        &sb,
        &systemd,
        &["schedule", "enable", "--user", "--", "--only", "a\nb"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be written into a unit file safely"),
        "{}",
        stderr(&out)
    );
    assert!(!user_dir(&sb).exists());
}

#[test]
fn enable_and_disable_drive_systemctl_in_order_and_leave_nothing_behind() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    for (scope, dir, ctl) in [
        ("--user", user_dir(&sb), "--user "),
        ("--system", systemd.system_dir.clone(), ""),
    ] {
        std::fs::write(&systemd.log, "").unwrap();
        let out = run(&sb, &systemd, &["schedule", "enable", scope]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("next run: Mon 2026-01-05 00:23:00 UTC"),
            "{}",
            stdout(&out)
        );
        let out = run(&sb, &systemd, &["schedule", "list", "--format", "json"]);
        let listed = json_stdout(&out)["schedules"].clone();
        assert_eq!(listed.as_array().unwrap().len(), 1, "{listed:#}");
        assert_eq!(listed[0]["name"], "update-daily");
        assert_eq!(listed[0]["on"], "daily");
        let out = run(&sb, &systemd, &["schedule", "status", "--format", "json"]);
        let status = json_stdout(&out)["schedules"][0].clone();
        assert_eq!(status["enabled"], "enabled", "{status:#}");
        assert_eq!(status["last_run"], serde_json::Value::Null);
        let out = run(&sb, &systemd, &["schedule", "disable", "update-daily"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            changes(&systemd),
            [
                format!("{ctl}daemon-reload"),
                format!("{ctl}enable --now toolup-update-daily.timer"),
                format!("{ctl}disable --now toolup-update-daily.timer"),
                format!("{ctl}daemon-reload"),
                format!("{ctl}reset-failed toolup-update-daily.service"),
            ]
        );
        let left: Vec<_> = std::fs::read_dir(&dir)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "left behind: {left:?}");
    }
    let out = run(&sb, &systemd, &["schedule", "disable", "update-dialy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no schedule named"),
        "{}",
        stderr(&out)
    );
    // When systemctl will not enable it, the units are taken out again.
    std::fs::write(sb.root.join("refuse-enable"), "").unwrap();
    let out = run(&sb, &systemd, &["schedule", "enable", "--user"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Access denied") && stderr(&out).contains("taken out again"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(user_dir(&sb)).unwrap().count(), 0);
}

#[test]
fn without_systemd_enable_prints_the_crontab_line() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    let out = sb
        .cmd(&["schedule", "enable", "--user", "--on", "Mon..Fri 04:30"])
        .env("TOOLUP_SYSTEMD_RUNNING", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "nothing was scheduled");
    assert!(
        stderr(&out).contains("systemd does not run this machine"),
        "{}",
        stderr(&out)
    );
    let line = stdout(&out);
    assert!(
        line.starts_with("30 4 * * 1-5 TOOLUP_SCHEDULE=update-mon-fri-04-30 ")
            && line.contains(&format!(
                "{} system update --scheduled",
                env!("CARGO_BIN_EXE_toolup")
            )),
        "{line}"
    );
    assert!(changes(&systemd).is_empty());
    assert!(!user_dir(&sb).exists());
}

/// A plugin whose update leaves `ROOT/ran-NAME`; `sudo` says whether it
/// needs root.
fn plugin(sb: &Sandbox, name: &str, sudo: bool) {
    let dir = sb.home.join(".config/toolup/plugins.d");
    sb.script(
        &dir,
        &format!("{name}-plugin"),
        &format!(
            r#"case "$1" in
  is-applicable) exit 0 ;;
  estimate-update) echo '{{"status": "success", "data": {{"packages_to_update": [{{"name": "{name}-pkg", "current_version": "1", "new_version": "2", "security": true}}]}}}}' ;;
  can-separate-download) exit 1 ;;
  does-require-sudo) exit {} ;;
  version) echo 1.0 ;;
  update) echo ran > {}/ran-{name} ;;
  *) exit 2 ;;
esac"#,
            if sudo { 0 } else { 1 },
            sb.root.display()
        ),
    );
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!("name = \"{name}\"\nexecutable = \"{name}-plugin\"\n[timeouts]\nupdate = 60\n"),
    )
    .unwrap();
}

/// The user a sandbox's runs are made as: the test's own, or when the
/// tests run as root, `nobody` (given the sandbox) — so that an updater
/// that needs root goes through `sudo -n`, as it does for a person.
const NOBODY: u32 = 65534;

fn as_a_user(sb: &Sandbox, cmd: &mut std::process::Command) {
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    fn give(path: &Path) {
        std::os::unix::fs::lchown(path, Some(NOBODY), Some(NOBODY)).unwrap();
        if path.is_dir() && !path.is_symlink() {
            for entry in std::fs::read_dir(path).unwrap() {
                give(&entry.unwrap().path());
            }
        }
    }
    give(&sb.root);
    // SAFETY: setgroups, setgid and setuid are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(NOBODY) != 0
                || libc::setuid(NOBODY) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// toolup as a timer starts it: no terminal (its own session), nothing on
/// stdin, under a schedule's name, as a user (`as_a_user`), online when
/// `online`; killed if it ever waits past `limit` (a bound for a hang, not
/// a measure of speed).
fn unattended(
    sb: &Sandbox,
    systemd: &Systemd,
    args: &[&str],
    online: bool,
    limit: Duration,
) -> Output {
    let mut cmd = sb.cmd(args);
    cmd.env("TOOLUP_SYSTEMD_RUNNING", "1")
        .env("TOOLUP_SYSTEMD_DIR", &systemd.system_dir)
        .env("TOOLUP_SCHEDULE", "update-daily")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if online {
        cmd.env_remove("TOOLUP_OFFLINE");
    }
    as_a_user(sb, &mut cmd);
    // SAFETY: setsid is async-signal-safe; the child leaves the test's terminal.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd.spawn().unwrap();
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            // SAFETY: the child leads its own session and process group.
            unsafe {
                libc::kill(-pid, libc::SIGKILL);
            }
            panic!("`toolup {}` waited for someone", args.join(" "));
        }
    }
}

/// A short command of a test that runs as a user.
fn quick(sb: &Sandbox, systemd: &Systemd, args: &[&str]) -> Output {
    unattended(sb, systemd, args, false, Duration::from_secs(120))
}

/// `schedule status --format json`'s entry for update-daily.
fn last_run(sb: &Sandbox, systemd: &Systemd) -> serde_json::Value {
    let out = quick(sb, systemd, &["schedule", "status", "--format", "json"]);
    json_stdout(&out)["schedules"][0]["last_run"].clone()
}

#[test]
fn a_scheduled_update_asks_nobody_and_skips_what_needs_an_answer() {
    let mut sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    let tools = sb.root.join("tools");
    sb.add_path(&tools);
    // sudo as it is without a rule for this user: -n refuses at once,
    // without -n it would ask at the terminal and wait.
    sb.script(
        &sb.bin,
        "sudo",
        "if [ \"$1\" = -n ]; then echo 'sudo: a password is required' >&2; exit 1; fi\nexec /bin/sleep 600",
    );
    plugin(&sb, "tuasks", true);
    plugin(&sb, "tuplain", false);
    assert!(
        quick(&sb, &systemd, &["schedule", "enable", "--user"])
            .status
            .success()
    );
    let out = unattended(
        &sb,
        &systemd,
        &[
            "system",
            "update",
            "--scheduled",
            "--only",
            "tuasks,tuplain",
        ],
        false,
        Duration::from_secs(120),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(sb.root.join("ran-tuplain").exists(), "{}", stderr(&out));
    assert!(!sb.root.join("ran-tuasks").exists());
    let said = stderr(&out);
    assert!(
        said.contains("tuasks: update skipped in 0.0s: needs root, and sudo asks for a password"),
        "{said}"
    );
    assert!(
        said.contains("scheduled update-daily: system update skipped: tuasks: needs root"),
        "{said}"
    );
    // No live view, no escape sequence: lines for the journal.
    assert!(!said.contains('\u{1b}') && !said.contains('\r'), "{said:?}");
    let last = last_run(&sb, &systemd);
    assert_eq!(last["outcome"], "skipped", "{last:#}");
    assert!(
        last["reason"]
            .as_str()
            .unwrap()
            .starts_with("tuasks: needs root, and sudo asks for a password"),
        "{last:#}"
    );
    // The run's journal and the history say the same.
    let out = quick(&sb, &systemd, &["system", "history", "--format", "json"]);
    let phases = json_stdout(&out)["phases"].clone();
    assert!(
        phases
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["updater"] == "tuasks" && p["outcome"] == "skipped"),
        "{phases:#}"
    );
    // A dry run, scheduled or not, records nothing.
    let out = quick(
        &sb,
        &systemd,
        &[
            "system",
            "update",
            "--scheduled",
            "--dry-run",
            "--only",
            "tuplain",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(last_run(&sb, &systemd), last);
    // Without --scheduled and without a terminal, the same update refuses
    // to go on without --yes rather than wait for one.
    let out = unattended(
        &sb,
        &systemd,
        &["system", "update", "--only", "tuplain"],
        false,
        Duration::from_secs(120),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn outside_its_maintenance_window_a_scheduled_update_records_the_skip_and_touches_nothing() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    plugin(&sb, "tuwindow", false);
    assert!(
        quick(&sb, &systemd, &["schedule", "enable", "--user"])
            .status
            .success()
    );
    let now = std::process::Command::new("date")
        .arg("+%H")
        .output()
        .unwrap();
    let hour: u32 = String::from_utf8_lossy(&now.stdout).trim().parse().unwrap();
    let window = format!("daily {:02}:00-{:02}:00", (hour + 3) % 24, (hour + 4) % 24);
    std::fs::write(
        sb.home.join(".config/toolup/config.toml"),
        format!("[system]\napproval = \"required\"\nmaintenance = [\"{window}\"]\n"),
    )
    .unwrap();
    let out = unattended(
        &sb,
        &systemd,
        &["system", "update", "--scheduled", "--only", "tuwindow"],
        false,
        Duration::from_secs(120),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "scheduled update-daily: system update skipped: outside maintenance (windows: {window})"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!sb.root.join("ran-tuwindow").exists());
    assert!(
        !sb.home.join(".local/state/toolup/runs").exists(),
        "no run was started"
    );
    let last = last_run(&sb, &systemd);
    assert_eq!(last["outcome"], "skipped");
    assert_eq!(
        last["reason"],
        format!("outside maintenance (windows: {window})")
    );
    let out = quick(&sb, &systemd, &["schedule", "status"]);
    assert!(
        stdout(&out).contains("skipped: outside maintenance"),
        "{}",
        stdout(&out)
    );
}

/// Each request's head and body, as the webhook server got them.
type Requests = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A loopback server that answers every request 204 and keeps each
/// request's head and body.
fn webhook_server() -> (String, Requests) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let got = Arc::new(Mutex::new(Vec::new()));
    let kept = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let length: usize = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse().unwrap_or(0))
                })
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            kept.lock().unwrap().push((head, body));
            let _ = stream.write_all(
                b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    (address, got)
}

/// Every file under `dir` that holds `secret`.
fn files_holding(dir: &Path, secret: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, secret));
        } else if std::fs::read(&path).is_ok_and(|b| String::from_utf8_lossy(&b).contains(secret)) {
            found.push(path);
        }
    }
    found
}

#[test]
fn the_webhook_gets_the_summary_and_its_address_reaches_no_log() {
    let sb = Sandbox::new();
    let systemd = with_systemd(&sb);
    plugin(&sb, "tuhook", false);
    assert!(
        quick(&sb, &systemd, &["schedule", "enable", "--user"])
            .status
            .success()
    );
    let (address, got) = webhook_server();
    let (password, token) = ("pa55-w0rd-s3cret", "T0K3N-in-the-path");
    std::fs::write(
        sb.home.join(".config/toolup/config.toml"),
        format!("[notify]\nwebhook = \"http://hook:{password}@{address}/hooks/{token}\"\n"),
    )
    .unwrap();
    let mut outputs = Vec::new();
    for args in [
        vec!["system", "check", "--scheduled", "--only", "tuhook", "-vv"],
        vec!["system", "update", "--scheduled", "--only", "tuhook", "-vv"],
        vec!["config", "show", "-vv"],
    ] {
        let out = unattended(&sb, &systemd, &args, true, Duration::from_secs(120));
        outputs.push(format!("{}{}", stdout(&out), stderr(&out)));
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let got = got.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:?}");
    let (head, body) = &got[0];
    assert!(head.starts_with(&format!("POST /hooks/{token} ")), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    let check: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(check["schema_version"], 1);
    assert_eq!(check["schedule"], "update-daily");
    assert_eq!(check["command"], "system check");
    assert_eq!(check["outcome"], "pending");
    assert_eq!(check["pending"]["packages"], 1);
    assert_eq!(check["pending"]["security"], 1);
    let update: serde_json::Value = serde_json::from_slice(&got[1].1).unwrap();
    assert_eq!(update["command"], "system update");
    assert_eq!(update["outcome"], "ok");
    assert_eq!(update["exit_code"], 0);
    assert_eq!(update["jobs"][0]["updater"], "tuhook");
    assert_eq!(update["jobs"][0]["outcome"], "ok");
    for secret in [password, token] {
        for text in &outputs {
            assert!(!text.contains(secret), "{secret} in:\n{text}");
        }
        let files = files_holding(&sb.home, secret);
        assert!(
            files == [sb.home.join(".config/toolup/config.toml")],
            "{secret} written to {files:?}"
        );
    }
    assert!(
        outputs[2].contains(&format!("http://***@{address}/***")),
        "{}",
        outputs[2]
    );
}
