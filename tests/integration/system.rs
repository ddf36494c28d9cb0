//! `toolup system check`: fake updaters on a temp PATH answering as the real
//! ones do (recorded outputs), a hanging one, a broken one, selections,
//! the saved report and `system status`.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::support::{Sandbox, json_stdout, stderr, stdout};

fn recorded(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/updaters")
            .join(name),
    )
    .unwrap()
}

/// One updater's entry in a `system check --format json` document.
fn updater(doc: &serde_json::Value, id: &str) -> serde_json::Value {
    doc["updaters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["updater"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no {id} in {doc:#}"))
}

/// A sandbox whose PATH holds apt and npm answering with recorded outputs,
/// and rustup hanging.
fn machine() -> Sandbox {
    let sb = Sandbox::new();
    let apt_out = sb.root.join("apt.out");
    std::fs::write(&apt_out, recorded("apt-list-upgradable.txt")).unwrap();
    sb.script(&sb.bin, "apt", &format!("/bin/cat {}", apt_out.display()));
    let npm_out = sb.root.join("npm.out");
    std::fs::write(&npm_out, recorded("npm-outdated-global.json")).unwrap();
    sb.script(
        &sb.bin,
        "npm",
        &format!("/bin/cat {}\nexit 1", npm_out.display()),
    );
    sb.script(&sb.bin, "rustup", "exec /bin/sleep 60");
    sb
}

#[test]
fn every_updater_is_checked_side_by_side_and_a_hanging_one_is_killed() {
    let sb = machine();
    let started = Instant::now();
    let out = sb.run(&["system", "check", "--timeout", "2", "--format", "json"]);
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed check is exit 1: {}",
        stderr(&out)
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
    let doc = json_stdout(&out);
    assert_eq!(doc["schema_version"], 1);
    let by = |id: &str| updater(&doc, id);
    let apt = by("apt");
    assert_eq!(apt["pending"].as_array().unwrap().len(), 80);
    assert_eq!(apt["security"], 20);
    assert_eq!(by("npm")["pending"][1]["name"], "npm");
    let rustup = by("rustup");
    assert!(
        rustup["error"]
            .as_str()
            .unwrap()
            .starts_with("rustup: `rustup check` did not finish"),
        "{rustup:#}"
    );
    assert!(
        doc["not_applicable"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u == "dnf")
    );

    // Saved: `system status` shows it again without starting anything.
    std::fs::remove_file(sb.bin.join("apt")).unwrap();
    let out = sb.run(&["system", "status"]);
    assert!(
        stdout(&out).contains("82 pending (20 security)"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("ago)"), "{}", stdout(&out));
}

/// Debian's reboot flag is read where toolup is told (each sandbox has its
/// own directory), so the machine's own flag never reaches a test; a flag
/// there is reported with the packages that asked, and `--fail-on reboot`
/// turns it into the exit code.
#[test]
fn a_reboot_flag_is_reported_with_the_packages_that_asked() {
    let sb = machine();
    let check = || {
        sb.run(&[
            "system",
            "check",
            "--only",
            "npm",
            "--fail-on",
            "reboot",
            "--format",
            "json",
        ])
    };
    let out = check();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_stdout(&out)["reboot_required"], false);

    std::fs::write(
        sb.run.join("reboot-required"),
        "*** System restart required ***\n",
    )
    .unwrap();
    std::fs::write(
        sb.run.join("reboot-required.pkgs"),
        "linux-image-6.1.0-28-amd64\nlibc6\n",
    )
    .unwrap();
    let out = check();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json_stdout(&out);
    assert_eq!(doc["reboot_required"], true, "{doc:#}");
    let reason = doc["reboot_reason"].as_str().unwrap();
    assert!(
        reason.ends_with("reboot-required exists (asked by linux-image-6.1.0-28-amd64, libc6)"),
        "{reason}"
    );
}

#[test]
fn selections_and_fail_on() {
    let sb = machine();
    let out = sb.run(&[
        "system",
        "check",
        "--only",
        "apt,npm",
        "--fail-on",
        "security",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--fail-on: 82 pending, 20 security"),
        "{}",
        stderr(&out)
    );
    assert!(!stdout(&out).contains("rustup"), "{}", stdout(&out));
    let out = sb.run(&["system", "check", "--only", "npm", "--skip", "apt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = sb.run(&["system", "check", "--only", "aptt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no updater named \"aptt\" (one of apt, dnf"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["system", "check", "--fail-on", "outdated"]);
    assert_eq!(out.status.code(), Some(2));
    let out = sb.run(&["system", "check", "--only", "npm", "--format", "markdown"]);
    assert!(
        stdout(&out).contains("<details><summary>npm (2)</summary>"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_check_that_prints_garbage_names_its_updater_and_the_others_complete() {
    let sb = machine();
    sb.script(&sb.bin, "npm", "echo '{not json'\nexit 1");
    let out = sb.run(&["system", "check", "--only", "apt,npm", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc = json_stdout(&out);
    let text = doc.to_string();
    assert!(text.contains("npm: npm outdated:"), "{doc:#}");
    assert_eq!(doc["updaters"][0]["pending"].as_array().unwrap().len(), 80);
}

/// A listing whose package name or version holds a control character is
/// refused whole, named by its updater, whichever manager printed it (a
/// JSON string may hold any); the other updaters' checks stand.
#[test]
fn a_listing_with_a_control_character_in_a_name_or_version_is_refused_by_name() {
    let sb = machine();
    sb.script(
        &sb.bin,
        "brew",
        r#"printf '%s\n' '{"formulae":[{"name":"jq\nrm","installed_versions":["1.6"],"current_version":"1.7"}],"casks":[]}'"#,
    );
    sb.script(
        &sb.bin,
        "npm",
        r#"printf '%s\n' '{"left-pad":{"current":"1.0.0","wanted":"1.3.0\u001b[2J","latest":"1.3.0\u001b[2J"}}'
exit 1"#,
    );
    let out = sb.run(&[
        "system",
        "check",
        "--only",
        "apt,brew,npm",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json_stdout(&out);
    assert_eq!(
        updater(&doc, "brew")["error"],
        "brew: a package name holds a control character: \"jq\\nrm\"",
        "{doc:#}"
    );
    assert_eq!(
        updater(&doc, "npm")["error"],
        "npm: a version holds a control character: \"1.3.0\\u{1b}[2J\"",
        "{doc:#}"
    );
    assert_eq!(
        updater(&doc, "apt")["pending"].as_array().unwrap().len(),
        80
    );
}

/// A plugin script answering the protocol; `overrides` replaces whole
/// `case` arms (`command) body ;;`).
fn plugin(sb: &Sandbox, name: &str, overrides: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    let mut arms: Vec<(String, String)> = [
        ("is-applicable", "exit 0"),
        (
            "estimate-update",
            r#"echo '{"status": "success", "data": {"packages_to_update": [{"name": "widget", "current_version": "1.0", "new_version": "1.1", "download_size_bytes": 2048}], "security_updates": false}}'"#,
        ),
        ("can-separate-download", "exit 1"),
        ("update", "exit 0"),
        ("does-require-sudo", "exit 1"),
        ("version", "echo 0.1.0"),
        ("update-mutexes", "echo pkgmgr:widgets"),
        ("runs-after", "echo apt"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (command, body) in overrides {
        arms.retain(|(k, _)| k != command);
        if !body.is_empty() {
            arms.push(((*command).to_owned(), (*body).to_owned()));
        }
    }
    let mut script = String::from("case \"$1\" in\n");
    for (k, v) in &arms {
        script.push_str(&format!("  {k}) {v} ;;\n"));
    }
    script.push_str("  *) echo \"unknown command $1\" >&2; exit 127 ;;\nesac\n");
    sb.script(&dir, &format!("{name}-plugin"), &script);
    let manifest = dir.join(format!("{name}.toml"));
    std::fs::write(
        &manifest,
        format!(
            "name = \"{name}\"\nexecutable = \"{name}-plugin\"\ndescription = \"test\"\nruns_after = [\"npm\"]\n\n[timeouts]\nestimate_update = 2\n\n[mutexes]\nupdate = [\"system:widgets\"]\n"
        ),
    )
    .unwrap();
    manifest
}

#[test]
fn plugins_validate_names_each_broken_plugin() {
    let sb = Sandbox::new();
    let good = plugin(&sb, "tugood", &[]);
    let out = sb.run(&["plugins", "validate", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("conforms"), "{}", stdout(&out));

    let missing = plugin(&sb, "tunover", &[("version", "")]);
    let out = sb.run(&["plugins", "validate", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("FAIL version: exited 127: unknown command version")
            && stdout(&out).contains("plugin tunover does not conform"),
        "{}",
        stdout(&out)
    );

    let hangs = plugin(&sb, "tuhang", &[("estimate-update", "exec /bin/sleep 60")]);
    let started = Instant::now();
    let out = sb.run(&["plugins", "validate", hangs.to_str().unwrap()]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        stdout(&out).contains("FAIL estimate-update: did not finish (killed at its timeout)"),
        "{}",
        stdout(&out)
    );

    let garbage = plugin(&sb, "tujunk", &[("estimate-update", "echo 'not json'")]);
    let out = sb.run(&["plugins", "validate", garbage.to_str().unwrap()]);
    assert!(
        stdout(&out).contains(
            "FAIL estimate-update: plugin tujunk: `estimate-update` printed no valid JSON"
        ),
        "{}",
        stdout(&out)
    );

    let sudo = plugin(
        &sb,
        "tusudo",
        &[
            ("does-require-sudo", "exit 0"),
            ("sudo-programs-paths", "echo apt-get"),
        ],
    );
    let out = sb.run(&["plugins", "validate", sudo.to_str().unwrap()]);
    assert!(
        stdout(&out).contains("FAIL sudo-programs-paths: not absolute paths that exist"),
        "{}",
        stdout(&out)
    );

    // A manifest that does not parse is named with its line and field, and
    // skipped by the rest while the others go on.
    let broken = sb.home.join(".config/toolup/plugins.d/tubroken.toml");
    std::fs::write(
        &broken,
        "name = \"tubroken\"\nexecutable = \"nope\"\ntimeout = 3\n",
    )
    .unwrap();
    let out = sb.run(&["plugins", "validate", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("tubroken.toml:3: field `timeout`"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&[
        "system",
        "check",
        "--timeout",
        "5",
        "--only",
        "tugood,tuhang",
        "--format",
        "json",
    ]);
    assert!(
        stderr(&out).contains("skipped plugin:") && stderr(&out).contains("tubroken.toml"),
        "{}",
        stderr(&out)
    );
    let doc = json_stdout(&out);
    let by = |id: &str| updater(&doc, id);
    assert_eq!(by("tugood")["pending"][0]["name"], "widget");
    assert_eq!(by("tugood")["download_bytes"], 2048);
    assert!(
        by("tuhang")["error"]
            .as_str()
            .unwrap()
            .contains("did not finish"),
        "{doc:#}"
    );
    // Static and dynamic locks and order merge; the plugin is an updater like any.
    let out = sb.run(&["plugins", "info", "tugood", "--format", "json"]);
    let info = json_stdout(&out);
    assert_eq!(
        info["locks"]["update"],
        serde_json::json!(["system:widgets", "pkgmgr:widgets"])
    );
    assert_eq!(info["runs_after"], serde_json::json!(["npm", "apt"]));
    assert_eq!(info["version"], "0.1.0");
}

#[test]
fn validate_only_says_what_an_update_needs_and_who_holds_a_lock() {
    let sb = machine();
    // apt is there to check with, but apt-get, which updates, is not.
    let out = sb.run(&[
        "system",
        "check",
        "--validate-only",
        "--only",
        "apt,npm",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json_stdout(&out);
    let text = doc.to_string();
    assert!(text.contains("apt-get is not on PATH"), "{doc:#}");
    assert!(text.contains("\"need\":\"disk\""), "{doc:#}");
    let out = sb.run(&["system", "check", "--validate-only", "--only", "npm"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("everything an update needs is there"));

    // A lock held by another process is named with its pid and command.
    let lock = sb.root.join("lock");
    std::fs::write(&lock, "").unwrap();
    let mut holder = crate::support::hold_lock(&lock, 30.0);
    let (free, detail) = toolup::state::lock::LockFile::Fcntl(lock.clone()).state();
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(!free, "{detail}");
    assert!(
        detail.contains(&format!("held by pid {}", holder.id())),
        "{detail}"
    );
    assert!(detail.contains("python3"), "{detail}");
    let (free, _) = toolup::state::lock::LockFile::Fcntl(lock).state();
    assert!(free);
}

/// A plugin whose `update` records its start and end (nanoseconds) in
/// `ROOT/times/NAME`, sleeping `secs` between; pending until it ran.
fn timed_plugin(
    sb: &Sandbox,
    name: &str,
    secs: &str,
    locks: &[&str],
    after: &[&str],
    update: Option<&str>,
) {
    let times = sb.root.join("times");
    std::fs::create_dir_all(&times).unwrap();
    let record = times.join(name);
    let body = update.map_or_else(
        || {
            format!(
                "/bin/date +%s%N > {r}.start; /bin/sleep {secs}; /bin/date +%s%N > {r}.end",
                r = record.display()
            )
        },
        str::to_owned,
    );
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    sb.script(
        &dir,
        &format!("{name}-plugin"),
        &format!(
            r#"case "$1" in
  is-applicable) exit 0 ;;
  estimate-update) echo '{{"status": "success", "data": {{"packages_to_update": [{{"name": "{name}-pkg", "current_version": "1", "new_version": "2"}}]}}}}' ;;
  can-separate-download|does-require-sudo) exit 1 ;;
  version) echo 1.0 ;;
  update) {body} ;;
  *) exit 127 ;;
esac"#
        ),
    );
    let list = |v: &[&str]| {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    std::fs::write(
        dir.join(format!("{name}.toml")),
        format!(
            "name = \"{name}\"\nexecutable = \"{name}-plugin\"\nruns_after = [{}]\n[mutexes]\nupdate = [{}]\n[timeouts]\nupdate = 3\n",
            list(after),
            list(locks)
        ),
    )
    .unwrap();
}

/// `(start, end)` in nanoseconds of each plugin that ran.
fn times(sb: &Sandbox, names: &[&str]) -> Vec<(u128, u128)> {
    names
        .iter()
        .map(|n| {
            let read = |suffix: &str| -> u128 {
                std::fs::read_to_string(sb.root.join(format!("times/{n}.{suffix}")))
                    .unwrap_or_else(|e| panic!("{n}.{suffix}: {e}"))
                    .trim()
                    .parse()
                    .unwrap()
            };
            (read("start"), read("end"))
        })
        .collect()
}

fn update(sb: &Sandbox, only: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["system", "update", "--yes", "--only", only, "--jobs", "4"];
    args.extend_from_slice(extra);
    sb.run(&args)
}

#[test]
fn independent_jobs_overlap_and_jobs_sharing_a_lock_never_do() {
    let sb = Sandbox::new();
    let free: Vec<String> = (0..4).map(|i| format!("tufree{i}")).collect();
    for name in &free {
        timed_plugin(&sb, name, "0.5", &[], &[], None);
    }
    let out = update(&sb, &free.join(","), &[]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let names: Vec<&str> = free.iter().map(String::as_str).collect();
    let spans = times(&sb, &names);
    let overlapping = spans
        .iter()
        .enumerate()
        .any(|(i, a)| spans.iter().skip(i + 1).any(|b| a.0 < b.1 && b.0 < a.1));
    assert!(
        overlapping,
        "4 slots: independent jobs run side by side: {spans:?}"
    );

    let shared: Vec<String> = (0..3).map(|i| format!("tushared{i}")).collect();
    for name in &shared {
        timed_plugin(&sb, name, "0.3", &["pkgmgr:one"], &[], None);
    }
    let out = update(&sb, &shared.join(","), &[]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let names: Vec<&str> = shared.iter().map(String::as_str).collect();
    let mut spans = times(&sb, &names);
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[0].1 <= pair[1].0, "one lock: no overlap: {spans:?}");
    }
}

#[test]
fn order_cycles_timeouts_crashes_and_resume() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tufirst", "0.2", &[], &[], None);
    timed_plugin(&sb, "tusecond", "0.1", &[], &["tufirst"], None);
    let out = update(&sb, "tufirst,tusecond", &[]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let spans = times(&sb, &["tufirst", "tusecond"]);
    assert!(spans[0].1 <= spans[1].0, "runs_after holds: {spans:?}");

    // A cycle is refused by name.
    timed_plugin(&sb, "tuloopa", "0", &[], &["tuloopb"], None);
    timed_plugin(&sb, "tuloopb", "0", &[], &["tuloopa"], None);
    let out = update(&sb, "tuloopa,tuloopb", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cycle: tuloopa → tuloopb → tuloopa")
            || stderr(&out).contains("cycle: tuloopb → tuloopa → tuloopb"),
        "{}",
        stderr(&out)
    );

    // A hanging job is killed at its timeout; one that crashes fails; the rest complete.
    timed_plugin(&sb, "tuhangs", "0", &[], &[], Some("exec /bin/sleep 60"));
    let flag = sb.root.join("crash");
    std::fs::write(&flag, "").unwrap();
    timed_plugin(
        &sb,
        "tucrash",
        "0",
        &[],
        &[],
        Some(&format!(
            "if [ -e {f} ]; then echo 'broken halfway' >&2; exit 3; fi; /bin/date +%s%N > {t}.start; /bin/date +%s%N > {t}.end",
            f = flag.display(),
            t = sb.root.join("times/tucrash").display()
        )),
    );
    timed_plugin(&sb, "tufine", "0", &[], &[], None);
    let started = std::time::Instant::now();
    let out = update(&sb, "tuhangs,tucrash,tufine", &[]);
    assert!(started.elapsed() < Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("tuhangs: update failed") && err.contains("did not finish within 3s"),
        "{err}"
    );
    assert!(
        err.contains("tucrash: update failed") && err.contains("broken halfway"),
        "{err}"
    );
    assert!(err.contains("(log "), "a failure names its log: {err}");
    assert!(sb.root.join("times/tufine.end").exists());
    // Resume runs only what failed, and the crash is gone now.
    std::fs::remove_file(&flag).unwrap();
    std::fs::remove_file(sb.root.join("times/tufine.end")).unwrap();
    timed_plugin(&sb, "tuhangs", "0", &[], &[], None);
    let out = update(&sb, "tuhangs,tucrash,tufine", &["--resume"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("resuming run"), "{}", stderr(&out));
    assert!(sb.root.join("times/tucrash.end").exists());
    assert!(
        !sb.root.join("times/tufine.end").exists(),
        "the finished job was not run again"
    );
}

#[test]
fn an_interrupted_run_exits_130_and_resume_completes_it() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tuslow", "1", &["pkgmgr:one"], &[], None);
    timed_plugin(&sb, "tulater", "0", &["pkgmgr:one"], &["tuslow"], None);
    let child = sb
        .cmd(&["system", "update", "--yes", "--only", "tuslow,tulater"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = sb.root.join("times/tuslow.start");
    let began = std::time::Instant::now();
    while !start.exists() && began.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling the toolup child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "interrupted: the running phases finish, nothing new starts (Ctrl-C again stops them)"
        ),
        "the first Ctrl-C says what happens: {}",
        stderr(&out)
    );
    assert!(
        sb.root.join("times/tuslow.end").exists(),
        "the running phase finished"
    );
    assert!(
        !sb.root.join("times/tulater.start").exists(),
        "nothing new started"
    );
    let journals = sb.home.join(".local/state/toolup/runs");
    let journal: serde_json::Value = std::fs::read_dir(&journals)
        .unwrap()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "json"))
        .map(|e| serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap())
        .unwrap();
    assert_eq!(journal["jobs"]["tuslow"]["state"], "done", "{journal:#}");
    assert_eq!(
        journal["jobs"]["tulater"]["state"], "pending",
        "{journal:#}"
    );
    let out = update(&sb, "tuslow,tulater", &["--resume"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(sb.root.join("times/tulater.end").exists());
}

#[test]
fn a_second_update_is_refused_naming_the_first() {
    let sb = Sandbox::new();
    // The first's update runs until the test lets it go.
    let start = sb.root.join("times/tuhold.start");
    let release = sb.root.join("tuhold.release");
    timed_plugin(
        &sb,
        "tuhold",
        "0",
        &[],
        &[],
        Some(&format!(
            ": > {start}; i=0; while [ ! -f {release} ] && [ $i -lt 600 ]; do /bin/sleep 0.1; i=$((i+1)); done",
            start = start.display(),
            release = release.display()
        )),
    );
    // Its update may take as long as the test holds it.
    let manifest = sb.home.join(".config/toolup/plugins.d/tuhold.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("update = 3\n", "update = 120\n")).unwrap();
    let mut first = sb
        .cmd(&["system", "update", "--yes", "--only", "tuhold"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let began = std::time::Instant::now();
    while !start.exists() && began.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = update(&sb, "tuhold", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "another `toolup system update` is running (pid {}",
            first.id()
        )),
        "{}",
        stderr(&out)
    );
    std::fs::write(&release, "").unwrap();
    first.wait().unwrap();
    let out = sb.run(&["system", "update", "--yes", "--only", "tuhold", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn an_update_waits_for_a_lock_another_program_holds_and_names_it() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tulocked", "0", &[], &[], None);
    let lock = sb.root.join("dpkg-lock-frontend");
    std::fs::write(&lock, "").unwrap();
    let manifest = sb.home.join(".config/toolup/plugins.d/tulocked.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen(
            "runs_after",
            &format!("lock_files = [{:?}]\nruns_after", lock),
            1,
        ),
    )
    .unwrap();
    // Another program holds the lock, as unattended-upgrades would, until
    // toolup says it waits.
    let log = sb.root.join("update.err");
    let mut holder = crate::support::hold_lock_until(&lock, &log, "update waits");
    let out = sb
        .cmd(&[
            "system", "update", "--yes", "--only", "tulocked", "--jobs", "4",
        ])
        .stderr(std::fs::File::create(&log).unwrap())
        .output()
        .unwrap();
    holder.wait().unwrap();
    let err = std::fs::read_to_string(&log).unwrap();
    assert!(out.status.success(), "{}{err}", stdout(&out));
    assert!(
        err.contains(&format!(
            "tulocked: update waits: {} is held by pid {}",
            lock.display(),
            holder.id()
        )) && err.contains("python3"),
        "{err}"
    );
    let times = times(&sb, &["tulocked"]);
    assert!(times[0].0 > 0, "it went on once the lock was released");
}

#[test]
fn security_only_upgrades_exactly_the_security_packages() {
    let sb = machine();
    let log = sb.root.join("apt-get.log");
    let simulation = sb.root.join("apt-get-s.out");
    std::fs::write(
        &simulation,
        simulate(&recorded("apt-list-upgradable.txt"), &[]),
    )
    .unwrap();
    sb.script(
        &sb.bin,
        "apt-get",
        &format!(
            "if [ \"$1\" = -s ]; then /bin/cat {}; exit 0; fi\necho \"$@\" >> {}",
            simulation.display(),
            log.display()
        ),
    );
    sb.script(&sb.bin, "sudo", "shift\nexec \"$@\"");
    let out = sb.run(&[
        "system",
        "update",
        "--yes",
        "--only",
        "apt,npm",
        "--security-only",
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains("npm: cannot tell security updates apart: left out"),
        "{}",
        stderr(&out)
    );
    let ran = std::fs::read_to_string(&log).unwrap();
    let expected: Vec<String> = recorded("apt-list-upgradable.txt")
        .lines()
        .filter(|l| l.contains("-security"))
        .map(|l| l.split('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(expected.len(), 20);
    assert_eq!(
        ran.trim(),
        format!("install --yes --only-upgrade {}", expected.join(" "))
    );
    // The full update: dist-upgrade, downloads first.
    std::fs::remove_file(&log).unwrap();
    let out = sb.run(&["system", "update", "--yes", "--only", "apt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "--yes --download-only dist-upgrade\n--yes dist-upgrade\n"
    );
}

#[test]
fn outside_its_maintenance_windows_an_update_needs_approval() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tuwindow", "0", &[], &[], None);
    // A daily window that is certainly not now: it starts in 3 hours.
    let now = std::process::Command::new("date")
        .arg("+%H")
        .output()
        .unwrap();
    let hour: u32 = String::from_utf8_lossy(&now.stdout).trim().parse().unwrap();
    let (from, to) = ((hour + 3) % 24, (hour + 4) % 24);
    let config = sb.home.join(".config/toolup/config.toml");
    std::fs::write(
        &config,
        format!(
            "[system]\napproval = \"required\"\nmaintenance = [\"daily {from:02}:00-{to:02}:00\"]\n"
        ),
    )
    .unwrap();
    let out = update(&sb, "tuwindow", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "not updating: approval is required and it is outside the maintenance windows (daily"
        ),
        "{}",
        stderr(&out)
    );
    assert!(!sb.root.join("times/tuwindow.start").exists());
    let out = update(&sb, "tuwindow", &["--approve"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.root.join("times/tuwindow.start").exists());
    // A window that is now lets it run unasked.
    std::fs::remove_file(sb.root.join("times/tuwindow.start")).unwrap();
    std::fs::write(
        &config,
        format!(
            "[system]\napproval = \"required\"\nmaintenance = [\"daily {:02}:00-{:02}:00\"]\n",
            // From the hour before to two after: still now should the
            // clock pass the hour while the test runs.
            (hour + 23) % 24,
            (hour + 2) % 24
        ),
    )
    .unwrap();
    let out = update(&sb, "tuwindow", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(sb.root.join("times/tuwindow.start").exists());
    // A bad window is named.
    std::fs::write(
        &config,
        "[system]\nmaintenance = [\"Funday 01:00-02:00\"]\n",
    )
    .unwrap();
    let out = update(&sb, "tuwindow", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("config.toml:2: key `maintenance`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn sudoers_lists_what_runs_as_root_and_visudo_accepts_it() {
    let sb = machine();
    sb.script(&sb.bin, "apt-get", "exit 0");
    sb.script(&sb.bin, "dpkg", "exit 0");
    let out = sb.run(&["system", "sudoers", "--user", "alice", "--only", "apt"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let bin = sb.bin.display();
    assert!(
        text.contains(&format!("alice ALL=(root) NOPASSWD: {bin}/apt-get update")),
        "{text}"
    );
    assert!(
        !text.contains('*'),
        "no wildcard, which would match options too: {text}"
    );
    if Path::new("/usr/sbin/visudo").exists() {
        assert!(
            stderr(&out).contains("checked with visudo -c"),
            "{}",
            stderr(&out)
        );
    }
    let out = sb.run(&["system", "sudoers", "--user", "bob;rm"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_phase_is_recorded_and_checks_estimate_from_history() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tuhist", "0.1", &[], &[], None);
    let out = sb.run(&["system", "check", "--only", "tuhist", "--format", "json"]);
    assert_eq!(
        updater(&json_stdout(&out), "tuhist")["estimate"],
        "no history"
    );
    for _ in 0..3 {
        let out = update(&sb, "tuhist", &[]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let out = sb.run(&[
        "system",
        "history",
        "--updater",
        "tuhist",
        "--format",
        "json",
    ]);
    let doc = json_stdout(&out);
    let phases = doc["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 3, "{doc:#}");
    let p = &phases[0];
    assert_eq!(
        (
            p["updater"].as_str(),
            p["phase"].as_str(),
            p["outcome"].as_str()
        ),
        (Some("tuhist"), Some("update"), Some("ok"))
    );
    assert!(p["wall_ms"].as_u64().unwrap() >= 100, "{p:#}");
    assert!(
        p["user_ms"].is_u64() && p["peak_rss_kib"].as_u64().unwrap() > 0,
        "wait4's rusage: {p:#}"
    );
    assert_eq!(p["packages"], 1);
    let out = sb.run(&["system", "check", "--only", "tuhist", "--format", "json"]);
    let estimate = updater(&json_stdout(&out), "tuhist")["estimate"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        estimate.contains("(IQR") && estimate.contains("3 runs"),
        "{estimate}"
    );
    let out = sb.run(&["system", "stats"]);
    assert!(
        stdout(&out).contains("tuhist") && stdout(&out).contains("3 runs"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_terminal_gets_a_live_view_of_the_jobs() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tulive", "0.5", &[], &[], None);
    let log = sb.root.join("typescript");
    let live = |log: &Path| {
        let path = std::env::join_paths(&sb.path).unwrap();
        let status = std::process::Command::new("script")
            .arg("-qec")
            .arg(format!(
                "{} system update --yes --only tulive",
                env!("CARGO_BIN_EXE_toolup")
            ))
            .arg(log)
            .env_clear()
            .env("HOME", &sb.home)
            .env("PATH", format!("{}:/usr/bin:/bin", path.to_string_lossy()))
            .env("TERM", "xterm")
            .env("TOOLUP_CATALOG", &sb.catalog)
            .env("TOOLUP_OFFLINE", "1")
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(log).unwrap()
    };
    let screen = live(&log);
    assert!(
        screen.contains("tulive") && screen.contains("estimate: no history"),
        "{screen}"
    );
    // The check before it showed its progress too.
    assert!(
        screen.contains("checking…") && screen.contains("1 pending ("),
        "{screen}"
    );
    assert!(screen.contains("update ok"), "{screen}");
    assert!(screen.contains("1/1 done"), "{screen}");
    // With history, the update counts down from its estimate.
    let screen = live(&sb.root.join("typescript2"));
    // About the first run's half second, whatever a busy machine added.
    let estimate = regex::Regex::new(r"estimate: about (\d+\.\d)s").unwrap();
    let secs: f64 = estimate
        .captures(&screen)
        .unwrap_or_else(|| panic!("no estimate: {screen}"))[1]
        .parse()
        .unwrap();
    assert!((0.5..5.0).contains(&secs), "{screen}");
    assert!(
        screen.contains("left)") || screen.contains("over the estimate)"),
        "{screen}"
    );
}

#[test]
fn a_plugins_progress_lines_become_events() {
    let sb = Sandbox::new();
    timed_plugin(
        &sb,
        "tuprogress",
        "0",
        &[],
        &[],
        Some(
            r#"echo '{"type": "progress", "percent": 50, "message": "half way"}' >&2; echo 'not progress' >&2"#,
        ),
    );
    let out = update(&sb, "tuprogress", &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let events: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let progress: Vec<&serde_json::Value> =
        events.iter().filter(|e| e["event"] == "progress").collect();
    assert_eq!(progress.len(), 1, "{events:#?}");
    assert_eq!(progress[0]["percent"], 50.0);
    assert_eq!(progress[0]["message"], "half way");
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "finished" && e["outcome"] == "ok"),
        "{events:#?}"
    );
}

#[test]
fn firmware_is_only_checked_unless_named() {
    let sb = Sandbox::new();
    let updates = sb.root.join("fwupd.json");
    std::fs::write(&updates, recorded("fwupdmgr-get-updates.json")).unwrap();
    let flashed = sb.root.join("flashed");
    sb.script(
        &sb.bin,
        "fwupdmgr",
        &format!(
            "case \"$1\" in\n  get-updates) /bin/cat {};;\n  update) echo \"$@\" >> {};;\nesac",
            updates.display(),
            flashed.display()
        ),
    );
    sb.script(&sb.bin, "sudo", "shift\nexec \"$@\"");
    let out = sb.run(&["system", "check", "--format", "json"]);
    let doc = json_stdout(&out);
    assert!(
        !updater(&doc, "fwupd")["pending"]
            .as_array()
            .unwrap()
            .is_empty(),
        "firmware is checked: {doc:#}"
    );
    // Not named: checked, reported, never flashed.
    let out = sb.run(&["system", "update", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("fwupd: 1 pending, left alone: firmware is only checked unless named"),
        "{}",
        stderr(&out)
    );
    assert!(
        !flashed.exists(),
        "firmware was flashed without being asked"
    );
    // Named on the command line, or enabled in the user's config: flashed.
    let out = sb.run(&["system", "update", "--yes", "--only", "fwupd"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&flashed).unwrap(),
        "update --assume-yes --no-reboot-check\n"
    );
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[system]\nenable = [\"fwupd\"]\n",
    )
    .unwrap();
    let out = sb.run(&["system", "update", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&flashed).unwrap().lines().count(),
        2
    );
}

#[test]
fn sdkman_upgrades_without_stopping_at_its_questions() {
    let sb = Sandbox::new();
    std::os::unix::fs::symlink("/bin/bash", sb.bin.join("bash")).unwrap();
    let sdkman = sb.home.join(".sdkman");
    std::fs::create_dir_all(sdkman.join("etc")).unwrap();
    // As SDKMAN's own: the init script reads etc/config, whose default is to ask.
    std::fs::write(sdkman.join("etc/config"), "sdkman_auto_answer=false\n").unwrap();
    let log = sb.root.join("sdk.log");
    sb.script(
        &sdkman.join("bin"),
        "sdkman-init.sh",
        &format!(
            "source \"$HOME/.sdkman/etc/config\"\nsdk() {{\n  case \"$1\" in\n    outdated) echo 'Upgrade:'; echo 'java (17.0.1-tem < 21.0.2-tem)';;\n    upgrade) if [ \"$sdkman_auto_answer\" != true ]; then read -r answer || {{ echo 'asked, no answer' >> {log}; return 1; }}; fi; echo upgraded >> {log};;\n  esac\n}}",
            log = log.display()
        ),
    );
    let out = sb.run(&["system", "update", "--yes", "--only", "sdkman"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(std::fs::read_to_string(&log).unwrap(), "upgraded\n");
}

#[test]
fn cargo_crates_are_reinstalled_by_name_at_the_versions_the_check_found() {
    use crate::fixture_server::{FixtureServer, Reply};
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let index = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/http/crates-itoa.txt"),
    )
    .unwrap();
    server.route("/index/it/oa/itoa", vec![Reply::ok(index)]);
    std::fs::create_dir_all(sb.home.join(".cargo")).unwrap();
    std::fs::write(
        sb.home.join(".cargo/.crates2.json"),
        r#"{"installs": {"itoa 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)": {}, "mine 0.1.0 (path+file:///src/mine)": {}}}"#,
    )
    .unwrap();
    let log = sb.root.join("cargo.log");
    sb.script(
        &sb.bin,
        "cargo",
        &format!("echo \"$@\" >> {}", log.display()),
    );
    let run = |args: &[&str]| {
        sb.cmd(args)
            .env_remove("TOOLUP_OFFLINE")
            .env("TOOLUP_CRATES_INDEX_URL", format!("{}/index", server.base))
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap()
    };
    let out = run(&["system", "update", "--only", "cargo", "--yes", "--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("cargo install --locked itoa@1.0.18"),
        "the plan names the crate and its version: {}",
        stdout(&out)
    );
    assert!(!log.exists(), "a dry run runs nothing");
    let out = run(&["system", "update", "--only", "cargo", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "install --locked itoa@1.0.18\n"
    );
}

/// What `apt-get -s dist-upgrade` prints for the packages of an `apt list
/// --upgradable` listing, leaving out `held`.
fn simulate(listing: &str, held: &[&str]) -> String {
    let mut out = String::from("NOTE: This is only a simulation!\n");
    for line in listing.lines().filter(|l| l.contains("[upgradable from:")) {
        let (name, rest) = line.split_once('/').unwrap();
        if held.contains(&name) {
            continue;
        }
        let mut words = rest.split_whitespace();
        let (suite, new, arch) = (
            words.next().unwrap(),
            words.next().unwrap(),
            words.next().unwrap(),
        );
        let old = line.rsplit_once("from: ").unwrap().1.trim_end_matches(']');
        out.push_str(&format!(
            "Inst {name} [{old}] ({new} Debian:12/{suite} [{arch}])\n"
        ));
    }
    out
}

#[test]
fn apt_pending_is_what_dist_upgrade_would_do() {
    let sb = machine();
    let listing = recorded("apt-list-upgradable.txt");
    let first = listing
        .lines()
        .find(|l| l.contains("[upgradable from:"))
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let simulation = sb.root.join("apt-get-s.out");
    std::fs::write(
        &simulation,
        simulate(&listing, &[&first]) + "Inst tunewdep (1.4 Debian:12/stable [amd64])\n",
    )
    .unwrap();
    sb.script(
        &sb.bin,
        "apt-get",
        &format!("[ \"$1\" = -s ] && exec /bin/cat {}", simulation.display()),
    );
    let out = sb.run(&["system", "check", "--only", "apt", "--format", "json"]);
    let doc = json_stdout(&out);
    let pending = updater(&doc, "apt")["pending"].clone();
    let names: Vec<&str> = pending
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 80, "{doc:#}");
    assert!(
        !names.contains(&first.as_str()),
        "a held package is not pending"
    );
    let new = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tunewdep");
    assert!(
        new.is_some_and(|p| p["from"].is_null() && p["to"] == "1.4"),
        "a new dependency is: {doc:#}"
    );
}

#[test]
fn a_held_snap_is_not_pending() {
    let sb = Sandbox::new();
    let refresh = sb.root.join("snap-refresh.out");
    std::fs::write(&refresh, recorded("snap-refresh-list.txt")).unwrap();
    sb.script(
        &sb.bin,
        "snap",
        &format!(
            "case \"$1\" in\n  refresh) /bin/cat {};;\n  list) printf 'Name     Version  Rev   Tracking       Publisher   Notes\\nfirefox  125.0    4200  latest/stable  mozilla*    held\\ncore22   20240301 1300  latest/stable  canonical*  base\\n';;\nesac",
            refresh.display()
        ),
    );
    let out = sb.run(&["system", "check", "--only", "snap", "--format", "json"]);
    let doc = json_stdout(&out);
    let names: Vec<String> = updater(&doc, "snap")["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["core22"], "{doc:#}");
}

#[test]
fn a_masked_flatpak_is_not_pending() {
    let sb = Sandbox::new();
    let updates = sb.root.join("flatpak.out");
    std::fs::write(&updates, recorded("flatpak-remote-ls-updates.txt")).unwrap();
    sb.script(
        &sb.bin,
        "flatpak",
        &format!(
            "case \"$1\" in\n  remote-ls) /bin/cat {};;\n  mask) echo 'Masked patterns:'; echo '  org.mozilla.*';;\nesac",
            updates.display()
        ),
    );
    let out = sb.run(&["system", "check", "--only", "flatpak", "--format", "json"]);
    let doc = json_stdout(&out);
    let names: Vec<String> = updater(&doc, "flatpak")["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["org.freedesktop.Platform"], "{doc:#}");
}

/// A machine where apt owns `tubash` and 52 other tools, npm owns
/// `tucore`, cargo owns `tucrate`, and a release binary `turel` is owned by
/// no updater: all four are outdated by the catalog's lights.
fn owned_machine() -> Sandbox {
    let sb = Sandbox::new();
    let apt_tools: Vec<String> = std::iter::once("tubash".to_owned())
        .chain((1..=52).map(|i| format!("tuapt{i}")))
        .collect();
    let mut dpkg_status = String::new();
    let mut listing = String::from("Listing...\n");
    let mut latest: Vec<(String, String)> = Vec::new();
    for name in &apt_tools {
        sb.tool(name, &[name], &format!("[install]\napt = \"{name}\""));
        let path = sb.fake(&sb.bin, name, &format!("{name} 5.2.15"));
        std::fs::write(
            sb.dpkg.join(format!("info/{name}.list")),
            format!("/.\n{}\n", path.display()),
        )
        .unwrap();
        dpkg_status.push_str(&format!(
            "Package: {name}\nStatus: install ok installed\nVersion: 5.2.15-2+b8\n\n"
        ));
        listing.push_str(&format!(
            "{name}/oldstable-security 5.2.15-2+b13 amd64 [upgradable from: 5.2.15-2+b8]\n"
        ));
        latest.push((name.clone(), "5.3.0".to_owned()));
    }
    std::fs::write(sb.dpkg.join("status"), dpkg_status).unwrap();
    std::fs::write(sb.root.join("apt.out"), listing).unwrap();
    sb.script(
        &sb.bin,
        "apt",
        &format!("/bin/cat {}", sb.root.join("apt.out").display()),
    );
    sb.script(&sb.bin, "apt-get", "exit 1");
    // One line per call; a block per package named.
    sb.script(
        &sb.bin,
        "apt-cache",
        &format!(
            "echo \"$@\" >> {log}\nshift\nfor p in \"$@\"; do echo \"$p:\"; echo '  Installed: 5.2.15-2+b8'; echo '  Candidate: 5.2.15-2+b13'; done",
            log = sb.root.join("apt-cache.log").display()
        ),
    );
    // npm's global tree holds tucore.
    let npm_root = sb.root.join("npm/lib/node_modules/tucore/bin");
    sb.tool("tucore", &["tucore"], "[install]\nnpm = \"tucore\"");
    let real = sb.fake(&npm_root, "tucore", "tucore 0.34.6");
    std::os::unix::fs::symlink(&real, sb.bin.join("tucore")).unwrap();
    latest.push(("tucore".to_owned(), "0.34.7".to_owned()));
    sb.script(
        &sb.bin,
        "npm",
        "echo '{\"tucore\": {\"current\": \"0.34.6\", \"wanted\": \"0.34.7\", \"latest\": \"0.34.7\"}}'\nexit 1",
    );
    // cargo's record holds tucrate.
    let cargo_bin = sb.home.join(".cargo/bin");
    sb.tool("tucrate", &["tucrate"], "[install]\ncargo = \"tucrate\"");
    sb.fake(&cargo_bin, "tucrate", "tucrate 1.0.0");
    std::fs::write(
        sb.home.join(".cargo/.crates2.json"),
        r#"{"installs": {"tucrate 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)": {"bins": ["tucrate"]}}}"#,
    )
    .unwrap();
    latest.push(("tucrate".to_owned(), "1.1.0".to_owned()));
    sb.script(&sb.bin, "cargo", "exit 0");
    // A release binary in ~/.local/bin: no updater owns it.
    sb.tool("turel", &["turel"], "[install]\ngithub = \"example/turel\"");
    sb.fake(&sb.home.join(".local/bin"), "turel", "turel 1.0.0");
    latest.push(("turel".to_owned(), "1.1.0".to_owned()));
    let latest: Vec<(&str, &str)> = latest
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    sb.latest(&latest);
    sb
}

#[test]
fn each_package_is_pending_once_under_the_updater_that_owns_it() {
    let mut sb = owned_machine();
    let cargo_bin = sb.home.join(".cargo/bin");
    let local_bin = sb.home.join(".local/bin");
    sb.add_path(&cargo_bin);
    sb.add_path(&local_bin);
    let out = sb.run(&["system", "check", "--format", "json"]);
    let doc = json_stdout(&out);
    let names = |id: &str| -> Vec<String> {
        updater(&doc, id)["pending"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    // Each under its owner, with the owner's versions and security flag.
    let apt = updater(&doc, "apt");
    assert!(names("apt").contains(&"tubash".to_owned()), "{doc:#}");
    let bash = apt["pending"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "tubash")
        .unwrap();
    assert_eq!(
        (&bash["from"], &bash["to"], &bash["security"]),
        (
            &serde_json::json!("5.2.15-2+b8"),
            &serde_json::json!("5.2.15-2+b13"),
            &serde_json::json!(true)
        )
    );
    assert_eq!(names("npm"), ["tucore"]);
    // The catalog names only what no updater here owns.
    assert_eq!(names("toolup"), ["turel"], "{doc:#}");
    // And nothing twice, anywhere.
    let mut all: Vec<String> = doc["updaters"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["pending"].as_array().unwrap().clone())
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "a package listed twice: {doc:#}");
    // The catalog left apt's 53 tools to apt before asking apt anything.
    assert!(!sb.root.join("apt-cache.log").exists());
    // An upgrade of all 53 through apt asks apt once, naming them all.
    let out = sb.run(&["upgrade", "--dry-run", "--environment", "server"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = std::fs::read_to_string(sb.root.join("apt-cache.log")).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(
        calls.starts_with("policy ") && calls.split(' ').count() == 54,
        "{calls}"
    );
}

/// Every file under `dir` with its bytes' hash, sorted.
fn tree_hashes(dir: &Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                out.push((path, toolup::base::digest::sha256_hex(&bytes)));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn dry_runs_leave_no_trace_and_resume_still_finds_the_real_run() {
    let sb = Sandbox::new();
    timed_plugin(&sb, "tuslow", "1", &["pkgmgr:one"], &[], None);
    timed_plugin(&sb, "tulater", "0", &["pkgmgr:one"], &["tuslow"], None);
    // A real run, interrupted while tuslow runs: tulater is left for --resume.
    let child = sb
        .cmd(&["system", "update", "--yes", "--only", "tuslow,tulater"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = sb.root.join("times/tuslow.start");
    let began = std::time::Instant::now();
    while !start.exists() && began.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling the toolup child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    // A tool to upgrade and one installed twice, for upgrade and reconcile.
    sb.tool("tunpm", &["tunpm"], "[install]\nnpm = \"tunpm\"");
    sb.fake(&sb.bin, "tunpm", "tunpm 1.0.0");
    let other = sb.root.join("other");
    sb.fake(&other, "tunpm", "tunpm 1.1.0");
    sb.latest(&[("tunpm", "1.2.0")]);
    sb.script(&sb.bin, "npm", "echo \"$@\" >> /dev/null");
    let state = sb.home.join(".local/state/toolup");
    let before = tree_hashes(&state);
    assert!(!before.is_empty());
    for args in [
        &[
            "system",
            "update",
            "--yes",
            "--only",
            "tuslow,tulater",
            "--dry-run",
        ][..],
        &[
            "system",
            "update",
            "--yes",
            "--only",
            "tuslow,tulater",
            "--resume",
            "--dry-run",
        ],
        &["upgrade", "--outdated", "--yes", "--dry-run"],
        &["install", "tunpm", "--yes", "--dry-run"],
        &["reconcile", "--aggressive", "--yes", "--dry-run"],
    ] {
        let out = sb.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            !said.contains(" ok "),
            "{args:?} says what would run: {said}"
        );
        assert_eq!(tree_hashes(&state), before, "{args:?} left a trace");
    }
    let out = sb.run(&[
        "system",
        "update",
        "--yes",
        "--only",
        "tuslow,tulater",
        "--dry-run",
    ]);
    assert!(
        stderr(&out).contains("dry run: would update 2 updater(s)"),
        "{}",
        stderr(&out)
    );
    // The real interrupted run is still the one --resume finishes.
    let out = update(&sb, "tuslow,tulater", &["--resume"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("resuming run"), "{}", stderr(&out));
    assert!(sb.root.join("times/tulater.end").exists());
}

#[test]
fn a_json_check_streams_each_updaters_progress_as_events() {
    let sb = machine();
    let out = sb.run(&["system", "check", "--only", "apt,npm", "--format", "json"]);
    let doc = json_stdout(&out);
    assert_eq!(
        updater(&doc, "apt")["pending"].as_array().unwrap().len(),
        80
    );
    let events: Vec<serde_json::Value> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let finished = |id: &str| {
        events
            .iter()
            .find(|e| e["event"] == "check-finished" && e["updater"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no check-finished for {id}: {events:?}"))
    };
    assert!(
        events
            .iter()
            .any(|e| e["event"] == "check-started" && e["updater"] == "npm")
    );
    assert_eq!(finished("apt")["pending"], 80);
    assert_eq!(finished("npm")["pending"], 2);
}

#[test]
fn a_partial_check_merges_into_the_saved_report_and_phases_start_when_they_start() {
    let sb = machine();
    assert!(
        sb.run(&["system", "check", "--only", "apt"])
            .status
            .success()
    );
    assert!(
        sb.run(&["system", "check", "--only", "npm"])
            .status
            .success()
    );
    let status = json_stdout(&sb.run(&["system", "status", "--format", "json"]));
    for id in ["apt", "npm"] {
        assert!(
            !updater(&status, id)["checked_at"]
                .as_str()
                .unwrap()
                .is_empty(),
            "{status:#}"
        );
    }
    assert_eq!(
        updater(&status, "apt")["pending"].as_array().unwrap().len(),
        80
    );
    let table = stdout(&sb.run(&["system", "status"]));
    assert!(
        table.contains("CHECKED") && table.contains(" ago"),
        "{table}"
    );

    // A phase's STARTED is when it started, not when it ended.
    timed_plugin(&sb, "tustart", "1.2", &[], &[], None);
    assert!(update(&sb, "tustart", &[]).status.success());
    let started_ns = times(&sb, &["tustart"])[0].0;
    let history = json_stdout(&sb.run(&["system", "history", "--format", "json"]));
    let phase = history["phases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["updater"] == "tustart" && p["phase"] == "update")
        .unwrap()
        .clone();
    let recorded = humantime::parse_rfc3339(phase["started_at"].as_str().unwrap())
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        u128::from(recorded) <= started_ns / 1_000_000_000,
        "started_at {recorded} is after the phase started ({started_ns} ns): {phase:#}"
    );
}

#[test]
fn a_runs_timeline_shows_what_ran_side_by_side_and_what_waited_for_a_lock() {
    let sb = Sandbox::new();
    // 3.75 s each, drawn a second a column: a bar rounds to four columns
    // whatever a busy machine adds to a phase, up to 0.75 s (a second for
    // tua and tuc together), and never rounds short.
    timed_plugin(&sb, "tua", "3.75", &["pkgmgr:one"], &[], None);
    timed_plugin(&sb, "tub", "3.75", &[], &[], None);
    timed_plugin(&sb, "tuc", "3.75", &["pkgmgr:one"], &[], None);
    for name in ["tua", "tub", "tuc"] {
        let manifest = sb
            .home
            .join(format!(".config/toolup/plugins.d/{name}.toml"));
        let text = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, text.replace("update = 3\n", "update = 30\n")).unwrap();
    }
    let out = update(&sb, "tua,tub,tuc", &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb
        .cmd(&["system", "history", "--timeline"])
        .env("COLUMNS", "20")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stamp = regex::Regex::new(r"\d{8}T\d{6}Z-\d+").unwrap();
    let time = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z").unwrap();
    let text = stdout(&out);
    let text = stamp.replace_all(&text, "[RUN]");
    let text = time.replace_all(&text, "[TIME]");
    insta::assert_snapshot!("timeline", text);
    // The JSON gives each phase's start and end.
    let doc = json_stdout(&sb.run(&["system", "history", "--timeline", "--format", "json"]));
    let tuc = &doc["jobs"]["tuc"]["phases"][0];
    let tua = &doc["jobs"]["tua"]["phases"][0];
    assert!(
        tuc["start_ms"].as_u64().unwrap() >= tua["end_ms"].as_u64().unwrap(),
        "{doc:#}"
    );
}

/// A plugin called `name` (however long) whose update runs `update`, its
/// script and manifest under short file names.
fn named_plugin(sb: &Sandbox, file: &str, name: &str, update: &str) {
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    sb.script(
        &dir,
        &format!("{file}-plugin"),
        &format!(
            r#"case "$1" in
  is-applicable) exit 0 ;;
  estimate-update) echo '{{"status": "success", "data": {{"packages_to_update": [{{"name": "p", "current_version": "1", "new_version": "2"}}]}}}}' ;;
  can-separate-download|does-require-sudo) exit 1 ;;
  version) echo 1.0 ;;
  update) {update} ;;
  *) exit 127 ;;
esac"#
        ),
    );
    std::fs::write(
        dir.join(format!("{file}.toml")),
        format!("name = \"{name}\"\nexecutable = \"{file}-plugin\"\n"),
    )
    .unwrap();
}

/// The `finished` events of a `--format json` update.
fn finished(out: &std::process::Output) -> Vec<serde_json::Value> {
    stdout(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["event"] == "finished")
        .collect()
}

#[test]
fn a_phase_log_is_written_whatever_the_name_or_its_loss_is_said() {
    let sb = Sandbox::new();
    let long = format!("tu{}", "x".repeat(298));
    assert_eq!(long.len(), 300);
    named_plugin(&sb, "long", &long, "echo output of the long one");
    let out = update(&sb, &long, &["--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let done = finished(&out);
    assert_eq!(done.len(), 1, "{}", stdout(&out));
    let log = Path::new(done[0]["log"].as_str().expect("a log is named"));
    assert!(
        log.file_name().unwrap().len() < 100,
        "a safe file name: {}",
        log.display()
    );
    let text = std::fs::read_to_string(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
    assert!(text.contains("output of the long one"), "{text}");

    // A log that cannot be written (here the update itself puts a
    // directory where it goes) is said, named, and marks the phase.
    let runs = sb.home.join(".local/state/toolup/runs");
    named_plugin(
        &sb,
        "lost",
        "tulost",
        &format!(
            "run=$(/bin/ls -td {}/*/ | /usr/bin/head -n 1); /bin/mkdir ${{run}}tulost.update.log; echo lost output",
            runs.display()
        ),
    );
    let out = update(&sb, "tulost", &["--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let done = finished(&out);
    assert_eq!(done[0]["outcome"], "failed", "{}", stdout(&out));
    assert!(
        done[0]["log"].is_null(),
        "no file that is not there is named"
    );
    let reason = done[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("exit 0, but cannot write its log ")
            && reason.contains("tulost.update.log"),
        "{reason}"
    );
    assert!(
        stderr(&out).contains("tulost update: cannot write its log ")
            && stderr(&out).contains("tulost.update.log"),
        "{}",
        stderr(&out)
    );
}

/// The state dir's history store, cut in half or overwritten.
fn damage_history(sb: &Sandbox, how: &str) -> std::path::PathBuf {
    let store = sb.home.join(".local/state/toolup/history.sqlite");
    let bytes = std::fs::read(&store).unwrap();
    match how {
        "cut" => std::fs::write(&store, &bytes[..bytes.len() / 2]).unwrap(),
        _ => std::fs::write(&store, vec![0x42u8; bytes.len()]).unwrap(),
    }
    store
}

#[test]
fn every_reader_of_a_damaged_history_store_says_so_and_writers_start_afresh() {
    for how in ["cut", "garbage"] {
        let sb = Sandbox::new();
        timed_plugin(&sb, "tudamage", "0", &[], &[], None);
        for _ in 0..2 {
            let out = update(&sb, "tudamage", &[]);
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let store = damage_history(&sb, how);
        let named = |out: &std::process::Output| {
            let err = stderr(out);
            err.contains(&store.display().to_string()) && err.contains("damaged")
        };
        // Readers: the history of actions, of phases, the stats, the check's estimates.
        let out = sb.run(&["history", "--format", "json"]);
        assert!(named(&out), "{how}: history: {}", stderr(&out));
        for args in [
            &["system", "history"][..],
            &["system", "history", "--format", "json"],
            &["system", "stats"],
        ] {
            let out = sb.run(args);
            assert!(!out.status.success(), "{how}: {args:?}: {}", stdout(&out));
            assert!(named(&out), "{how}: {args:?}: {}", stderr(&out));
        }
        let out = sb.run(&["system", "check", "--only", "tudamage", "--format", "json"]);
        assert!(named(&out), "{how}: check: {}", stderr(&out));
        assert_eq!(
            updater(&json_stdout(&out), "tudamage")["estimate"],
            "history unreadable"
        );
        // Nothing was moved by a reader.
        assert!(store.is_file());
        let aside = |sb: &Sandbox| -> Vec<String> {
            std::fs::read_dir(sb.home.join(".local/state/toolup"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("history.sqlite.corrupt-"))
                .collect()
        };
        assert!(aside(&sb).is_empty(), "{how}");
        // The update's recording: set aside, said, and a new store that records.
        let out = update(&sb, "tudamage", &[]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("was damaged") && stderr(&out).contains("set aside as"),
            "{how}: {}",
            stderr(&out)
        );
        assert_eq!(aside(&sb).len(), 1, "{how}");
        let out = sb.run(&["system", "history", "--format", "json"]);
        assert!(out.status.success(), "{how}: {}", stderr(&out));
        assert_eq!(json_stdout(&out)["phases"].as_array().unwrap().len(), 1);
        let out = sb.run(&["history", "--format", "json"]);
        assert!(!stderr(&out).contains("damaged"), "{how}: {}", stderr(&out));
    }
}
