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
    let mut holder = std::process::Command::new("python3")
        .arg("-c")
        .arg("import fcntl, sys, time\nf = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)")
        .arg(&lock)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "held");
    let (free, detail) =
        toolup::system::validate::lock_state(&toolup::system::LockFile::Fcntl(lock.clone()));
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert!(!free, "{detail}");
    assert!(
        detail.contains(&format!("held by pid {}", holder.id())),
        "{detail}"
    );
    assert!(detail.contains("python3"), "{detail}");
    let (free, _) = toolup::system::validate::lock_state(&toolup::system::LockFile::Fcntl(lock));
    assert!(free);
}
