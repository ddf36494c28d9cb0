//! Nothing toolup starts outlives it: a `--version` that leaves a daemon
//! behind, a plugin whose phases fork, and a package manager's child that
//! would write over the tool after toolup was killed with `kill -9`.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{Sandbox, stderr, stdout};

/// Script lines that start `sleep 60` in the background holding none of
/// the script's pipes (so nothing waits for it) and append its pid to `list`.
fn leave_behind(list: &Path) -> String {
    format!(
        "/bin/sleep 60 </dev/null >/dev/null 2>&1 &\necho $! >> {}",
        list.display()
    )
}

/// The same, with the `sleep` in a session of its own (out of the process
/// group it was started in), as a daemon puts itself.
fn leave_behind_in_own_session(list: &Path) -> String {
    format!(
        "/usr/bin/setsid /bin/sleep 60 </dev/null >/dev/null 2>&1 &\necho $! >> {}",
        list.display()
    )
}

/// The pids in `list`, once it has at least `n` (waiting up to 30 s).
fn pids(list: &Path, n: usize) -> Vec<u32> {
    let started = Instant::now();
    loop {
        let found: Vec<u32> = std::fs::read_to_string(list)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        if found.len() >= n {
            return found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{} never listed {n} pid(s): {found:?}",
            list.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// True when `pid` is not running now (no such process, or a zombie).
fn gone_now(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| matches!(rest.split_whitespace().next(), Some("Z" | "X"))),
    }
}

/// True once `pid` is gone, waiting up to 20 s (a process killed a moment
/// ago still needs its turn on a busy machine).
fn gone(pid: u32) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if gone_now(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// Kills what a failing test left running, so it does not outlive the test either.
struct Leftovers(Vec<PathBuf>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        for list in &self.0 {
            for pid in std::fs::read_to_string(list).unwrap_or_default().lines() {
                if let Ok(pid) = pid.trim().parse::<libc::pid_t>() {
                    // SAFETY: a pid this test's own scripts started and recorded.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
        }
    }
}

#[test]
fn a_version_probe_that_leaves_a_process_behind_leaves_nothing_once_the_audit_ends() {
    let sb = Sandbox::new();
    let list = sb.root.join("left.pids");
    let _cleanup = Leftovers(vec![list.clone()]);
    sb.tool("tudaemon", &["tudaemon"], "");
    sb.script(
        &sb.bin,
        "tudaemon",
        &format!("{}\necho 'tudaemon 1.2.3'", leave_behind(&list)),
    );
    let out = sb.run(&["audit", "--only", "tudaemon", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("1.2.3"),
        "it was probed: {}",
        stdout(&out)
    );
    for pid in pids(&list, 1) {
        assert!(
            gone(pid),
            "pid {pid}, started by a --version, outlived toolup"
        );
    }
}

/// A plugin whose check (`estimate-update`) and `update` each leave
/// processes behind — one in their process group, one in a session of its
/// own — listing them in `ROOT/check.pids` and `ROOT/update.pids`; the
/// update then runs `then`.
fn forking_plugin(sb: &Sandbox, name: &str, then: &str) -> (PathBuf, PathBuf) {
    let check = sb.root.join("check.pids");
    let update = sb.root.join("update.pids");
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    sb.script(
        &dir,
        &format!("{name}-plugin"),
        &format!(
            r#"case "$1" in
  is-applicable) exit 0 ;;
  estimate-update)
{check_forks}
{check_setsid}
echo '{{"status": "success", "data": {{"packages_to_update": [{{"name": "{name}-pkg", "current_version": "1", "new_version": "2"}}]}}}}' ;;
  can-separate-download|does-require-sudo) exit 1 ;;
  version) echo 1.0 ;;
  update)
{update_forks}
{update_setsid}
{then} ;;
  *) exit 127 ;;
esac"#,
            check_forks = leave_behind(&check),
            check_setsid = leave_behind_in_own_session(&check),
            update_forks = leave_behind(&update),
            update_setsid = leave_behind_in_own_session(&update),
        ),
    );
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!("name = \"{name}\"\nexecutable = \"{name}-plugin\"\n[timeouts]\nupdate = 120\n"),
    )
    .unwrap();
    (check, update)
}

#[test]
fn a_plugin_whose_check_and_update_fork_leaves_nothing_once_the_update_ends() {
    let sb = Sandbox::new();
    let (check, update) = forking_plugin(&sb, "tufork", "exit 0");
    let _cleanup = Leftovers(vec![check.clone(), update.clone()]);
    let out = sb.run(&["system", "update", "--yes", "--only", "tufork"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let checked = pids(&check, 2);
    let updated = pids(&update, 2);
    for pid in checked {
        assert!(
            gone(pid),
            "pid {pid}, started by the check, outlived toolup"
        );
    }
    for pid in updated {
        assert!(
            gone(pid),
            "pid {pid}, started by the update, outlived toolup"
        );
    }
}

#[test]
fn a_plugin_whose_update_forks_leaves_nothing_when_toolup_is_interrupted() {
    let sb = Sandbox::new();
    let release = sb.root.join("release");
    // The update holds on until the test lets it go, after the interruption.
    let (check, update) = forking_plugin(
        &sb,
        "tuforkint",
        &format!(
            "i=0; while [ ! -e {r} ] && [ $i -lt 1200 ]; do /bin/sleep 0.05; i=$((i+1)); done",
            r = release.display()
        ),
    );
    let _cleanup = Leftovers(vec![check.clone(), update.clone()]);
    let mut child = sb
        .cmd(&["system", "update", "--yes", "--only", "tuforkint"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    let updated = pids(&update, 2);
    // SAFETY: signalling the toolup child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    // toolup has heard it once it says so; then the running phase may end.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = rx
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("toolup never said it was interrupted");
        if line.contains("interrupted:") {
            break;
        }
    }
    std::fs::write(&release, "").unwrap();
    let out = child.wait_with_output().unwrap();
    let err = reader.join().unwrap();
    assert_eq!(out.status.code(), Some(130), "{err}");
    for pid in updated.into_iter().chain(pids(&check, 2)) {
        assert!(
            gone(pid),
            "pid {pid} outlived the interrupted toolup: {err}"
        );
    }
}

#[test]
fn after_kill_9_a_rollback_first_ends_what_the_package_manager_left_running() {
    let sb = Sandbox::new();
    sb.tool("tucut", &["tucut"], "[install]\nnpm = \"tucut\"");
    let tool = sb.fake(&sb.bin, "tucut", "tucut 1.0.0");
    let original = std::fs::read(&tool).unwrap();
    sb.latest(&[("tucut", "1.5.0")]);
    let orphans = sb.root.join("orphan.pids");
    let wrote = sb.root.join("late-write.done");
    let npm = sb.root.join("npm.pid");
    let _cleanup = Leftovers(vec![orphans.clone(), npm.clone()]);
    // npm writes the new version, starts a child that writes over the tool
    // again once it has been put back (LATE-WRITE), and hangs.
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            r#"printf '#!/bin/sh\necho "tucut 1.5.0"\n' > {tool}
(
  i=0
  while /bin/grep -q 1.5.0 {tool} && [ $i -lt 1200 ]; do /bin/sleep 0.05; i=$((i+1)); done
  /bin/sleep 0.5
  printf '#!/bin/sh\necho LATE-WRITE\n' > {tool}
  : > {wrote}
) </dev/null >/dev/null 2>&1 &
echo $! >> {orphans}
echo $$ > {npm}.tmp
/bin/mv {npm}.tmp {npm}
exec /bin/sleep 60"#,
            tool = tool.display(),
            wrote = wrote.display(),
            orphans = orphans.display(),
            npm = npm.display(),
        ),
    );
    let mut child = sb
        .cmd(&["upgrade", "tucut", "--yes", "--environment", "workstation"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let manager = pids(&npm, 1)[0];
    let orphan = pids(&orphans, 1)[0];
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(gone(manager), "the package manager died with toolup");
    assert!(
        !gone_now(orphan),
        "its child outlived toolup (nothing in toolup could stop it)"
    );
    let out = sb.run(&["rollback", "tucut"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        gone_now(orphan),
        "the interrupted upgrade's process was ended before the restore: {}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&tool).unwrap(), original, "the tool is back");
    // The orphan would have written within half a second of the restore.
    std::thread::sleep(Duration::from_secs(3));
    assert!(!wrote.exists(), "the orphan wrote over the restored tool");
    assert_eq!(
        std::fs::read(&tool).unwrap(),
        original,
        "the tool stays back"
    );
    let runs = std::process::Command::new(&tool).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&runs.stdout), "tucut 1.0.0\n");
}
