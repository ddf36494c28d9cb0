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
    let by = |id: &str| {
        doc["updaters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["updater"] == id)
            .unwrap_or_else(|| panic!("no {id} in {doc:#}"))
            .clone()
    };
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
