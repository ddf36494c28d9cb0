//! install / upgrade against fake package managers on a temp PATH that
//! record their argv and create or replace a fake tool — including one that
//! fails halfway, to exercise the backup and its restore.

use std::path::{Path, PathBuf};

use crate::support::{Sandbox, stderr, stdout};

/// A fake `npm` that logs its argv and, for `install --global … PKG@…`, writes
/// a tool `PKG` that prints `PKG <version>` — or breaks it and fails, when
/// the file `fail` exists next to the log.
fn fake_npm(sb: &Sandbox, version: &str) -> PathBuf {
    let log = sb.root.join("npm.log");
    let body = format!(
        r#"echo "$@" >> {log}
for last; do :; done
pkg=${{last%@*}}
if [ -e {fail} ]; then printf 'half-written' > {bin}/$pkg; printf 'clobbered' > $HOME/.tuuprc; echo 'npm ERR! network' >&2; exit 1; fi
printf '#!/bin/sh\necho "%s {version}"\n' "$pkg" > {bin}/$pkg
/bin/chmod +x {bin}/$pkg"#,
        log = log.display(),
        fail = sb.root.join("fail").display(),
        bin = sb.bin.display(),
    );
    sb.script(&sb.bin, "npm", &body);
    log
}

fn tool_with_npm(sb: &Sandbox, name: &str) {
    sb.tool(name, &[name], &format!("[install]\nnpm = \"{name}\""));
}

fn snapshot_of_dir(dir: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                stack.push(e.path());
            } else {
                out.push((e.path(), m.len(), m.modified().unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn dry_run_lists_exactly_the_missing_preset_tools_and_changes_nothing() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tuhave");
    tool_with_npm(&sb, "tunpm");
    sb.tool("tupy", &["tupy"], "[install]\npypi = \"tupy\"");
    sb.tool("tuother", &["tuother"], "[install]\nnpm = \"tuother\"");
    std::fs::write(
        sb.catalog.join("presets.toml"),
        "[agent]\ntools = [\"tuhave\", \"tunpm\", \"tupy\"]\n",
    )
    .unwrap();
    sb.fake(&sb.bin, "tuhave", "tuhave 1.0.0");
    let log = fake_npm(&sb, "1.0.0");
    sb.script(&sb.bin, "uv", "echo uv was run >> /dev/null");
    sb.latest(&[("tunpm", "2.1.0"), ("tupy", "0.3.0")]);
    sb.collect(&[]);
    let before = (
        snapshot_of_dir(&sb.home),
        snapshot_of_dir(&sb.bin),
        std::fs::read(sb.snapshot_path()).unwrap(),
    );
    let out = sb.run(&[
        "upgrade",
        "--missing",
        "--preset",
        "agent",
        "--dry-run",
        "--environment",
        "workstation",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let actions = plan["actions"].as_array().unwrap();
    let tools: Vec<&str> = actions
        .iter()
        .map(|a| a["tool"].as_str().unwrap())
        .collect();
    assert_eq!(tools, ["tunpm", "tupy"], "{plan:#}");
    assert_eq!(actions[0]["manager"], "npm");
    assert_eq!(
        actions[0]["argv"],
        serde_json::json!([
            "npm",
            "install",
            "--global",
            "--no-fund",
            "--no-audit",
            "tunpm@2.1.0"
        ])
    );
    assert_eq!(actions[1]["manager"], "uv");
    assert_eq!(
        actions[1]["argv"],
        serde_json::json!(["uv", "tool", "install", "--force", "tupy==0.3.0"])
    );
    assert!(
        actions[1]["reason"]
            .as_str()
            .unwrap()
            .contains("first available of uv, pipx, pip")
    );
    let after = (
        snapshot_of_dir(&sb.home),
        snapshot_of_dir(&sb.bin),
        std::fs::read(sb.snapshot_path()).unwrap(),
    );
    assert_eq!(before, after, "a dry run changes nothing on disk");
    assert!(!log.exists(), "no package manager ran");
}

#[test]
fn install_runs_the_manager_validates_and_records_history() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tunew");
    let log = fake_npm(&sb, "3.1.0");
    // Offline with nothing known: no version to name, so nothing runs.
    let out = sb.run(&["install", "tunew", "--yes", "--environment", "workstation"]);
    assert!(
        stdout(&out).contains("skipped tunew: no latest version of tunew is known"),
        "{}",
        stdout(&out)
    );
    assert!(!log.exists());
    sb.latest(&[("tunew", "3.1.0")]);
    let out = sb.run(&["install", "tunew", "--yes", "--environment", "workstation"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "install --global --no-fund --no-audit tunew@3.1.0\n"
    );
    assert!(
        stderr(&out).contains("install tunew: ok (3.1.0)"),
        "{}",
        stderr(&out)
    );
    let entries = crate::support::history_entries(&sb.run(&["history", "--format", "json"]));
    // Recorded as started before npm ran, then its outcome.
    assert_eq!(entries[0]["outcome"], "started");
    assert_eq!(entries[1]["outcome"], "ok");
    assert_eq!(entries[1]["tool"], "tunew");
}

#[test]
fn a_failed_upgrade_restores_the_old_bytes_and_says_so() {
    let sb = Sandbox::new();
    sb.tool(
        "tuup",
        &["tuup"],
        "config_files = [\"~/.tuuprc\"]\n[install]\nnpm = \"tuup\"",
    );
    let rc = sb.home.join(".tuuprc");
    std::fs::write(&rc, "setting = 1\n").unwrap();
    let tool = sb.fake(&sb.bin, "tuup", "tuup 1.0.0");
    let original = std::fs::read(&tool).unwrap();
    sb.latest(&[("tuup", "1.1.0")]);
    fake_npm(&sb, "1.1.0");
    std::fs::write(sb.root.join("fail"), "").unwrap();
    let out = sb.run(&["upgrade", "tuup", "--yes", "--environment", "workstation"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "restored the previous version from its backup, which runs and reports 1.0.0"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&tool).unwrap(), original, "byte for byte");
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        "setting = 1\n",
        "its config file too"
    );
    let entries: serde_json::Value =
        crate::support::history_entries(&sb.run(&["history", "--format", "json"]));
    assert_eq!(entries[1]["outcome"], "rolled-back");

    // Now it works; and `rollback` puts the old version back by hand.
    std::fs::remove_file(sb.root.join("fail")).unwrap();
    let out = sb.run(&["upgrade", "tuup", "--yes", "--environment", "workstation"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&sb.run(&["render", "--only", "tuup"])).contains("1.1.0"));
    let out = sb.run(&["rollback", "tuup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&tool).unwrap(), original);
}

#[test]
fn major_upgrades_are_held_back_unless_allowed() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tumaj");
    sb.fake(&sb.bin, "tumaj", "tumaj 1.4.0");
    sb.latest(&[("tumaj", "2.0.0")]);
    let log = fake_npm(&sb, "2.0.0");
    let out = sb.run(&[
        "upgrade",
        "tumaj",
        "--dry-run",
        "--environment",
        "workstation",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("skipped tumaj: major upgrade 1.4.0 → 2.0.0")
            && text.contains("--allow-major"),
        "{text}"
    );
    let out = sb.run(&[
        "upgrade",
        "tumaj",
        "--allow-major",
        "--environment",
        "workstation",
        "--yes",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(log.exists());
}

#[test]
fn without_a_terminal_or_yes_nothing_runs() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tuask");
    sb.latest(&[("tuask", "1.0.0")]);
    let log = fake_npm(&sb, "1.0.0");
    let out = sb.run(&["install", "tuask", "--environment", "workstation"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("without --yes"), "{}", stderr(&out));
    assert!(!log.exists());
}

#[test]
fn bad_package_names_are_refused_before_any_process_starts() {
    let sb = Sandbox::new();
    let log = fake_npm(&sb, "1.0.0");
    for (i, bad) in ["evil; rm -rf ~", "-g", "a b", "$(touch x)"]
        .iter()
        .enumerate()
    {
        let name = format!("tubad{i}");
        sb.tool(&name, &[&name], &format!("[install]\nnpm = {bad:?}"));
        let out = sb.run(&["install", &name, "--yes", "--environment", "workstation"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("invalid package name"),
            "{bad}: {}",
            stderr(&out)
        );
        std::fs::remove_file(sb.catalog.join(format!("{name}.toml"))).unwrap();
    }
    assert!(!log.exists(), "no package manager ran");
}

#[test]
fn the_environment_chooses_the_manager() {
    let sb = Sandbox::new();
    sb.tool(
        "tusys",
        &["tusys"],
        "[install]\napt = \"tusys\"\nnpm = \"tusys\"",
    );
    fake_npm(&sb, "1.0.0");
    sb.latest(&[("tusys", "1.2.3")]);
    sb.script(&sb.bin, "apt-get", "exit 0");
    // apt is asked what it would install, even in a dry run.
    sb.script(
        &sb.bin,
        "apt-cache",
        "echo 'tusys:'; echo '  Installed: (none)'; echo '  Candidate: 1:1.2.3-1'",
    );
    let plan = |env: &str, ci: bool| {
        let mut cmd = sb.cmd(&["install", "tusys", "--dry-run", "--format", "json"]);
        if ci {
            cmd.env("CI", "true");
        } else {
            cmd.args(["--environment", env]);
        }
        let out = cmd.output().unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)))
    };
    let ci = plan("", true);
    assert_eq!(
        (
            ci["environment"].as_str(),
            ci["actions"][0]["manager"].as_str()
        ),
        (Some("ci"), Some("npm"))
    );
    let server = plan("server", false);
    assert_eq!(server["actions"][0]["manager"], "apt");
    assert_eq!(server["actions"][0]["argv"][0], "apt-get");
    assert_eq!(
        server["actions"][0]["argv"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        "tusys=1:1.2.3-1",
        "{server:#}"
    );
    assert_eq!(server["actions"][0]["to_version"], "1.2.3");
    assert_eq!(
        server["actions"][0]["undo"]["argv"][0], "apt-get",
        "{server:#}"
    );
}

#[test]
fn reject_refuses_majors_even_with_yes_and_pins_hold() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "turej");
    tool_with_npm(&sb, "tupin");
    sb.fake(&sb.bin, "turej", "turej 1.0.0");
    sb.fake(&sb.bin, "tupin", "tupin 1.0.0");
    sb.latest(&[("turej", "2.0.0"), ("tupin", "1.5.0")]);
    let log = fake_npm(&sb, "2.0.0");
    std::fs::write(
        sb.root.join(".toolup.toml"),
        "breaking_changes = \"reject\"\n\n[tools.tupin]\npin = \"never\"\n",
    )
    .unwrap();
    assert!(sb.run(&["trust"]).status.success());
    let out = sb.run(&["upgrade", "--yes", "--environment", "workstation"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "skipped turej: major upgrade 1.0.0 → 2.0.0 refused by breaking_changes = \"reject\""
        ),
        "{text}"
    );
    assert!(text.contains("skipped tupin: pinned: never"), "{text}");
    assert!(!log.exists());
    let out = sb.run(&[
        "upgrade",
        "turej",
        "--allow-major",
        "--yes",
        "--environment",
        "workstation",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "install --global --no-fund --no-audit turej@2.0.0\n"
    );
}

#[test]
fn reconcile_shows_shadowed_copies_and_removes_only_what_it_may() {
    let mut sb = Sandbox::new();
    sb.tool(
        "turec",
        &["turec"],
        "[install]\napt = \"turec\"\nnpm = \"turec\"",
    );
    sb.tool("bash", &["bash"], "[install]\napt = \"bash\"");
    let old = sb.fake(&sb.bin, "turec", "turec 1.0.0");
    std::fs::write(
        sb.dpkg.join("info/turec.list"),
        format!("{}\n", old.display()),
    )
    .unwrap();
    let prefix = sb.home.join(".npm-global");
    let package = prefix.join("lib/node_modules/turec");
    std::fs::create_dir_all(package.join("bin")).unwrap();
    std::fs::write(
        package.join("package.json"),
        r#"{"name": "turec", "version": "2.0.0"}"#,
    )
    .unwrap();
    crate::support::write_executable(&package.join("bin/cli.js"), "#!/bin/sh\necho turec 2.0.0\n");
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    std::os::unix::fs::symlink(package.join("bin/cli.js"), prefix.join("bin/turec")).unwrap();
    sb.add_path(&prefix.join("bin"));
    let second = sb.root.join("bin2");
    sb.add_path(&second);
    sb.fake(&sb.bin, "bash", "GNU bash, version 5.2.15(1)-release");
    sb.fake(&second, "bash", "GNU bash, version 5.1.0(1)-release");
    let apt_log = sb.root.join("apt.log");
    sb.script(
        &sb.bin,
        "apt-get",
        &format!("echo \"$@\" >> {}", apt_log.display()),
    );
    fake_npm(&sb, "2.0.0");

    let out = sb.run(&[
        "reconcile",
        "--aggressive",
        "--dry-run",
        "--environment",
        "workstation",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("shadowed newer copy") && text.contains("2.0.0 (npm)"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "put {} earlier on PATH",
            prefix.join("bin").display()
        )),
        "{text}"
    );
    assert!(
        text.contains("would run: apt-get remove --yes turec"),
        "{text}"
    );
    assert!(
        text.contains("bash is system-critical: toolup never removes it"),
        "{text}"
    );
    assert!(!apt_log.exists());

    let out = sb.run(&[
        "reconcile",
        "--aggressive",
        "--yes",
        "--environment",
        "workstation",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&apt_log).unwrap(),
        "remove --yes turec\n"
    );
    let entries: serde_json::Value =
        crate::support::history_entries(&sb.run(&["history", "--format", "json"]));
    // Recorded as started before the manager ran, then its outcome.
    let seen: Vec<(&str, &str)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [("uninstall", "started"), ("uninstall", "ok")]);
}

#[test]
fn atomic_undoes_every_action_when_one_fails() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tuaok");
    tool_with_npm(&sb, "tubfail");
    tool_with_npm(&sb, "tuanew");
    let ok_tool = sb.fake(&sb.bin, "tuaok", "tuaok 1.0.0");
    let original = std::fs::read(&ok_tool).unwrap();
    sb.fake(&sb.bin, "tubfail", "tubfail 1.0.0");
    sb.latest(&[
        ("tuaok", "1.1.0"),
        ("tubfail", "1.1.0"),
        ("tuanew", "1.1.0"),
    ]);
    let log = sb.root.join("npm.log");
    let body = format!(
        r#"echo "$@" >> {log}
for last; do :; done
pkg=${{last%@*}}
if [ "$1" = uninstall ]; then /bin/rm -f {bin}/$3; exit 0; fi
if [ "$pkg" = tubfail ]; then echo 'npm ERR! broken' >&2; exit 1; fi
printf '#!/bin/sh\necho "%s 1.1.0"\n' "$pkg" > {bin}/$pkg
/bin/chmod +x {bin}/$pkg"#,
        log = log.display(),
        bin = sb.bin.display(),
    );
    sb.script(&sb.bin, "npm", &body);
    let out = sb.run(&[
        "upgrade",
        "--all",
        "--atomic",
        "--yes",
        "--environment",
        "workstation",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(&ok_tool).unwrap(),
        original,
        "the successful upgrade was restored"
    );
    assert!(
        !sb.bin.join("tuanew").exists(),
        "the new install was removed"
    );
    let entries: serde_json::Value =
        crate::support::history_entries(&sb.run(&["history", "--format", "json"]));
    let summary: Vec<(String, String)> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["tool"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        summary.contains(&("tuaok".into(), "rolled-back".into())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("tubfail".into(), "rolled-back".into()))
            || summary.contains(&("tubfail".into(), "failed".into())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("tuanew".into(), "rolled-back".into())),
        "{summary:?}"
    );
}

#[test]
fn rollback_never_leaves_the_backups_directory() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let victim = sb.root.join("victim");
    std::fs::write(&victim, "mine").unwrap();
    // A manifest planted outside the backups directory, restoring a setuid file.
    let planted = sb.root.join("x/20260101T000000Z");
    std::fs::create_dir_all(&planted).unwrap();
    std::fs::write(planted.join("0-victim"), "evil").unwrap();
    let manifest = serde_json::json!({
        "tool": "x", "created_at": "20260101T000000Z", "dir": planted,
        "files": [{"original": victim, "copy": "0-victim",
                   "sha256": toolup::base::digest::sha256_hex(b"evil"), "mode": 0o104755}]
    });
    std::fs::write(planted.join("manifest.json"), manifest.to_string()).unwrap();
    let backups = sb.home.join(".local/state/toolup/backups");
    std::fs::create_dir_all(&backups).unwrap();
    let depth = backups.strip_prefix(&sb.root).unwrap().components().count();
    let escape = format!("{}x", "../".repeat(depth));
    for name in [escape.as_str(), "x/../../x", "/tmp/x"] {
        let out = sb.run(&["rollback", name]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains("not a tool name"), "{}", stderr(&out));
    }
    // Planted inside the backups directory through a link: not followed.
    std::os::unix::fs::symlink(sb.root.join("x"), backups.join("x")).unwrap();
    let out = sb.run(&["rollback", "x"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "mine");
    assert_eq!(
        std::fs::metadata(&victim).unwrap().permissions().mode() & 0o7000,
        0
    );
}

#[test]
fn an_upgrade_is_validated_against_exactly_the_planned_version() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tuexact");
    let tool = sb.fake(&sb.bin, "tuexact", "tuexact 1.0.0");
    let original = std::fs::read(&tool).unwrap();
    sb.latest(&[("tuexact", "1.1.0")]);
    // npm installs something newer than what was planned (a release that
    // appeared since, or a registry that ignored the version).
    let log = fake_npm(&sb, "1.2.0");
    let out = sb.run(&[
        "upgrade",
        "tuexact",
        "--yes",
        "--environment",
        "workstation",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "install --global --no-fund --no-audit tuexact@1.1.0\n"
    );
    assert!(
        stderr(&out).contains("not the planned 1.1.0: `") && stderr(&out).contains("reports 1.2.0"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&tool).unwrap(), original, "restored");
}

#[test]
fn a_system_package_targets_what_its_manager_can_deliver() {
    let sb = Sandbox::new();
    sb.tool(
        "tuansible",
        &["tuansible"],
        "[install]\napt = \"tuansible-core\"\npypi = \"tuansible-core\"",
    );
    let path = sb.fake(&sb.bin, "tuansible", "tuansible 2.14.18");
    std::fs::write(
        sb.dpkg.join("info/tuansible-core.list"),
        format!("/.\n{}\n", path.display()),
    )
    .unwrap();
    sb.latest(&[("tuansible", "2.21.5")]);
    sb.script(
        &sb.bin,
        "apt-get",
        &format!("echo \"$@\" >> {}/apt.log", sb.root.display()),
    );
    let candidate = sb.root.join("candidate");
    std::fs::write(&candidate, "2.14.18-1").unwrap();
    sb.script(
        &sb.bin,
        "apt-cache",
        &format!(
            "echo \"$1 $2\" >> {root}/apt-cache.log; echo 'tuansible-core:'; echo '  Installed: 2.14.18-1'; echo \"  Candidate: $(/bin/cat {c})\"",
            root = sb.root.display(),
            c = candidate.display()
        ),
    );
    sb.script(&sb.bin, "uv", "exit 0");
    let plan = |extra: &[&str]| {
        let mut args = vec![
            "upgrade",
            "tuansible",
            "--dry-run",
            "--environment",
            "server",
        ];
        args.extend_from_slice(extra);
        sb.run(&args)
    };
    let out = plan(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(
            "skipped tuansible: apt has no newer version than 2.14.18-1 (upstream 2.21.5)"
        ),
        "{}",
        stdout(&out)
    );
    assert!(
        std::fs::read_to_string(sb.root.join("apt-cache.log"))
            .unwrap()
            .contains("policy tuansible-core"),
        "apt was asked, even in a dry run"
    );
    // --via takes it from a user-level manager, at the upstream version.
    let out = plan(&["--via", "uv", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["actions"][0]["manager"], "uv", "{doc:#}");
    assert_eq!(
        doc["actions"][0]["argv"],
        serde_json::json!(["uv", "tool", "install", "--force", "tuansible-core==2.21.5"])
    );
    // A newer candidate: the argv names it exactly.
    std::fs::write(&candidate, "2.16.3-1").unwrap();
    let out = plan(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = &doc["actions"][0];
    assert_eq!(action["to_version"], "2.16.3", "{doc:#}");
    assert_eq!(action["manager_version"], "2.16.3-1");
    assert_eq!(
        action["argv"].as_array().unwrap().last().unwrap(),
        "tuansible-core=2.16.3-1"
    );
    assert!(
        !sb.root.join("apt.log").exists(),
        "a dry run runs no apt-get"
    );
    // A package whose version is not the program's (a cloud SDK's kubectl:
    // package 1:528.0.0-0, program 1.32.4): the plan names the package's
    // candidate and claims no program version, and no "major" jump.
    std::fs::write(&candidate, "1:529.0.0-0").unwrap();
    sb.script(
        &sb.bin,
        "apt-cache",
        &format!(
            "echo 'tuansible-core:'; echo '  Installed: 1:528.0.0-0'; echo \"  Candidate: $(/bin/cat {c})\"",
            c = candidate.display()
        ),
    );
    let out = plan(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let action = &doc["actions"][0];
    assert!(action["to_version"].is_null(), "{doc:#}");
    assert_eq!(action["manager_version"], "1:529.0.0-0");
    assert_eq!(action["major"], false);
}

#[test]
fn a_dry_run_plans_from_the_same_answers_as_the_real_run() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tusame");
    sb.set_upstream("tusame", "npm:tusame");
    let server = crate::fixture_server::FixtureServer::start();
    server.route(
        "/npm/-/package/tusame/dist-tags",
        vec![crate::fixture_server::Reply::ok(r#"{"latest":"4.0.1"}"#)],
    );
    let log = fake_npm(&sb, "4.0.1");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "install",
            "tusame",
            "--environment",
            "workstation",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        sb.cmd(&args)
            .env_remove("TOOLUP_OFFLINE")
            .env("TOOLUP_NPM_REGISTRY_URL", format!("{}/npm", server.base))
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap()
    };
    // A fresh HOME: nothing cached. The dry run fetches as the real run will.
    let dry = run(&["--dry-run"]);
    let plan: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        plan["actions"][0]["to_version"],
        "4.0.1",
        "{plan:#}\n{}",
        stderr(&dry)
    );
    let shown = plan["actions"][0]["argv"].clone();
    assert_eq!(plan["actions"][0]["undo"]["kind"], "run");
    assert!(!log.exists());
    let real = run(&["--yes"]);
    assert!(real.status.success(), "{}", stderr(&real));
    let ran: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let shown: Vec<String> = shown.as_array().unwrap()[1..]
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ran, shown, "what ran is what the dry run showed");
}

/// An npm global package in `prefix`: `bin/NAME` links to a script that
/// needs a second file of the package to run, as real packages need theirs.
fn npm_package(prefix: &Path, name: &str, version: &str) {
    let pkg = prefix.join("lib/node_modules").join(name);
    std::fs::create_dir_all(pkg.join("bin")).unwrap();
    std::fs::create_dir_all(pkg.join("lib")).unwrap();
    std::fs::write(
        pkg.join("package.json"),
        format!(
            r#"{{"name": "{name}", "version": "{version}", "bin": {{"{name}": "bin/cli.sh"}}}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        pkg.join("lib/main.sh"),
        format!("echo '{name} {version}'\n"),
    )
    .unwrap();
    crate::support::write_executable(
        &pkg.join("bin/cli.sh"),
        "#!/bin/sh\nhere=$(/usr/bin/dirname \"$(/usr/bin/readlink -f \"$0\")\")\n. \"$here/../lib/main.sh\" || exit 1\n",
    );
    std::fs::create_dir_all(prefix.join("bin")).unwrap();
    let link = prefix.join("bin").join(name);
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(format!("../lib/node_modules/{name}/bin/cli.sh"), &link).unwrap();
}

#[test]
fn an_upgrade_that_leaves_the_tool_broken_brings_back_the_whole_package() {
    let mut sb = Sandbox::new();
    tool_with_npm(&sb, "tupkg");
    let prefix = sb.root.join("npm-prefix");
    npm_package(&prefix, "tupkg", "1.0.0");
    sb.add_path(&prefix.join("bin"));
    sb.latest(&[("tupkg", "1.1.0")]);
    let pkg = prefix.join("lib/node_modules/tupkg");
    let before = toolup::state::tree::hash(&pkg).unwrap();
    // npm rewrites the package halfway — the new package.json, a file gone —
    // and exits 0, as a real npm can.
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "printf '{{\"name\": \"tupkg\", \"version\": \"1.1.0\"}}' > {pkg}/package.json\n/bin/rm {pkg}/lib/main.sh\nexit 0",
            pkg = pkg.display()
        ),
    );
    let out = sb.run(&["upgrade", "tupkg", "--yes", "--environment", "workstation"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("fails"),
        "a broken tool is a failed upgrade: {err}"
    );
    assert!(
        err.contains("restored the previous version from its backup, which runs and reports 1.0.0"),
        "{err}"
    );
    assert_eq!(
        toolup::state::tree::hash(&pkg).unwrap(),
        before,
        "the whole package is back"
    );
    let runs = std::process::Command::new(prefix.join("bin/tupkg"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&runs.stdout), "tupkg 1.0.0\n");
}

/// The tool `tucut` at 1.0.0 with 1.5.0 upstream, and an npm that gets
/// halfway: (the tool, its bytes, where npm writes its pid).
fn halfway(sb: &Sandbox) -> (PathBuf, Vec<u8>, PathBuf) {
    tool_with_npm(sb, "tucut");
    let tool = sb.fake(&sb.bin, "tucut", "tucut 1.0.0");
    let original = std::fs::read(&tool).unwrap();
    sb.latest(&[("tucut", "1.5.0")]);
    let pid_file = hanging_npm(sb, &tool);
    (tool, original, pid_file)
}

/// A fake npm that writes the new version over the tool, records its pid,
/// and then hangs: an upgrade caught halfway.
fn hanging_npm(sb: &Sandbox, tool: &Path) -> PathBuf {
    let pid_file = sb.root.join("npm.pid");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "printf '#!/bin/sh\\necho \"tucut 1.5.0\"\\n' > {tool}\necho $$ > {pid}.tmp\n/bin/mv {pid}.tmp {pid}\nexec /bin/sleep 60",
            tool = tool.display(),
            pid = pid_file.display()
        ),
    );
    pid_file
}

fn wait_for(path: &Path) -> u32 {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("{} never appeared", path.display());
}

fn gone(pid: u32) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(10) {
        if !Path::new(&format!("/proc/{pid}")).exists()
            || std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|s| s.split_whitespace().nth(2) == Some("Z"))
        {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    false
}

fn outcomes(sb: &Sandbox) -> Vec<String> {
    let history: serde_json::Value =
        crate::support::history_entries(&sb.run(&["history", "--format", "json"]));
    history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn ctrl_c_during_an_upgrade_stops_the_manager_and_puts_the_tool_back() {
    let sb = Sandbox::new();
    let (tool, original, pid_file) = halfway(&sb);
    let child = sb
        .cmd(&["upgrade", "tucut", "--yes", "--environment", "workstation"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let npm = wait_for(&pid_file);
    // SAFETY: signalling the toolup child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(gone(npm), "the package manager was stopped");
    assert_eq!(std::fs::read(&tool).unwrap(), original, "the tool is back");
    assert!(
        stderr(&out).contains("which runs and reports 1.0.0"),
        "{}",
        stderr(&out)
    );
    assert_eq!(outcomes(&sb), ["started", "interrupted"]);
}

#[test]
fn kill_9_during_an_upgrade_is_put_back_by_the_next_run() {
    let sb = Sandbox::new();
    let (tool, original, pid_file) = halfway(&sb);
    let mut child = sb
        .cmd(&["upgrade", "tucut", "--yes", "--environment", "workstation"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let npm = wait_for(&pid_file);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(gone(npm), "the package manager died with toolup");
    assert_ne!(std::fs::read(&tool).unwrap(), original, "caught halfway");
    // Any run says so; a dry run changes nothing.
    let out = sb.run(&["upgrade", "--dry-run", "--environment", "workstation"]);
    assert!(
        stderr(&out).contains("the upgrade of tucut started at")
            && stderr(&out).contains("did not finish"),
        "{}",
        stderr(&out)
    );
    assert_ne!(std::fs::read(&tool).unwrap(), original);
    // The next acting run puts it back before anything else.
    let out = sb.run(&["rollback", "tucut"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&tool).unwrap(), original, "the tool is back");
    assert!(
        stderr(&out).contains("which runs and reports 1.0.0"),
        "{}",
        stderr(&out)
    );
    assert_eq!(outcomes(&sb), ["started", "rolled-back"]);
    let again = sb.run(&["history"]);
    assert!(!stderr(&again).contains("did not finish"), "handled once");
}

#[test]
fn an_action_the_history_cannot_record_is_not_run() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tunote");
    sb.fake(&sb.bin, "tunote", "tunote 1.0.0");
    sb.latest(&[("tunote", "1.1.0")]);
    let log = fake_npm(&sb, "1.1.0");
    // The history file cannot be appended to (a full disk, a read-only state dir).
    let state = sb.home.join(".local/state/toolup");
    std::fs::create_dir_all(state.join("history.sqlite")).unwrap();
    let out = sb.run(&["upgrade", "tunote", "--yes", "--environment", "workstation"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot record the action")
            && stderr(&out).contains("nothing was run"),
        "{}",
        stderr(&out)
    );
    assert!(!log.exists(), "npm never ran");
    // Nothing was journaled either: the warning must not say it was.
    assert!(
        !stderr(&out).contains("stays recorded as unfinished"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("the upgrade of tunote (failed) is recorded nowhere"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_history_lost_after_the_action_names_the_journal_entry_that_is_there() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tulate");
    let tool = sb.fake(&sb.bin, "tulate", "tulate 1.0.0");
    sb.latest(&[("tulate", "1.1.0")]);
    // An npm that upgrades the tool, and meanwhile the disk under the
    // history goes (a directory where the store was).
    let state = sb.home.join(".local/state/toolup");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "printf '#!/bin/sh\\necho \"tulate 1.1.0\"\\n' > {tool}\n/bin/rm -f {state}/history.sqlite {state}/history.sqlite-wal {state}/history.sqlite-shm\n/bin/mkdir {state}/history.sqlite",
            tool = tool.display(),
            state = state.display()
        ),
    );
    let out = sb.run(&["upgrade", "tulate", "--yes", "--environment", "workstation"]);
    let entry = state.join("journal/tulate.json");
    assert!(
        stderr(&out).contains(&format!(
            "the upgrade of tulate stays recorded as unfinished in {}",
            entry.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(entry.is_file(), "what the warning names is there");
}

#[test]
fn system_check_calls_pending_exactly_what_the_upgrade_would_do() {
    let sb = Sandbox::new();
    for name in ["tuok", "tupin", "turej"] {
        tool_with_npm(&sb, name);
        sb.fake(&sb.bin, name, &format!("{name} 1.0.0"));
    }
    sb.latest(&[("tuok", "1.5.0"), ("tupin", "1.5.0"), ("turej", "2.0.0")]);
    let log = fake_npm(&sb, "1.5.0");
    std::fs::write(
        sb.root.join(".toolup.toml"),
        "breaking_changes = \"reject\"\n\n[tools.tupin]\npin = \"never\"\n\n[environment]\nkind = \"workstation\"\n",
    )
    .unwrap();
    assert!(sb.run(&["trust"]).status.success());
    let out = sb.run(&["system", "check", "--only", "toolup", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pending = &doc["updaters"][0]["pending"];
    assert_eq!(
        pending.as_array().unwrap().len(),
        1,
        "a pinned tool and a refused major are not pending: {doc:#}"
    );
    assert_eq!(
        (&pending[0]["name"], &pending[0]["from"], &pending[0]["to"]),
        (
            &serde_json::json!("tuok"),
            &serde_json::json!("1.0.0"),
            &serde_json::json!("1.5.0")
        )
    );
    let out = sb.run(&["system", "update", "--only", "toolup", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "install --global --no-fund --no-audit tuok@1.5.0\n",
        "the update did what the check said, and nothing else"
    );
}

#[test]
fn an_unreachable_registry_is_named_unreachable_not_offline() {
    let sb = Sandbox::new();
    sb.tool("turel", &["turel"], "[install]\ngithub = \"example/turel\"");
    // A loopback port nobody listens on: the network is up, GitHub is not.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let run = |args: &[&str]| {
        sb.cmd(args)
            .env_remove("TOOLUP_OFFLINE")
            .env("TOOLUP_GITHUB_API_URL", &url)
            .env("TOOLUP_GITHUB_URL", &url)
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap()
    };
    for args in [
        &["upgrade", "--missing", "turel", "--dry-run"][..],
        // Again within the failure cache's time: still the real cause.
        &["upgrade", "--missing", "turel", "--dry-run"],
    ] {
        let out = run(args);
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains("skipped turel"), "{said}");
        assert!(said.contains("unreachable"), "{said}");
        assert!(!said.contains("offline"), "a wrong diagnosis: {said}");
    }
    // Offline by flag is said as such.
    let out = sb.run(&["upgrade", "--missing", "turel", "--dry-run"]);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("offline"), "{said}");
}

#[test]
fn two_upgrades_of_one_tool_at_once_never_undo_each_other() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "tuconc");
    let tool = sb.fake(&sb.bin, "tuconc", "tuconc 1.0.0");
    sb.latest(&[("tuconc", "1.1.0")]);
    // An npm that installs once the test lets it go, and, like npm, fails
    // (later) when another install runs in the same prefix meanwhile.
    let busy = sb.root.join("npm.busy");
    let release = sb.root.join("npm.release");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "if /bin/mkdir {busy} 2>/dev/null; then\n  i=0; while [ ! -f {release} ] && [ $i -lt 600 ]; do /bin/sleep 0.1; i=$((i+1)); done\n  printf '#!/bin/sh\\necho \"tuconc 1.1.0\"\\n' > {tool}\n  /bin/rmdir {busy}\n  exit 0\nfi\n/bin/sleep 4\necho 'npm ERR! ENOTEMPTY: another install is running' >&2\nexit 1",
            busy = busy.display(),
            release = release.display(),
            tool = tool.display()
        ),
    );
    let second_err = sb.root.join("second.err");
    let upgrade = |err: Option<&std::path::Path>| {
        sb.cmd(&["upgrade", "tuconc", "--yes", "--environment", "workstation"])
            .stdout(std::process::Stdio::piped())
            .stderr(err.map_or_else(std::process::Stdio::piped, |p| {
                std::fs::File::create(p).unwrap().into()
            }))
            .spawn()
            .unwrap()
    };
    let first = upgrade(None);
    let started = std::time::Instant::now();
    while !busy.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "npm never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // The second plans while the first's npm runs: it sees 1.0.0 too; the
    // first's npm goes on once the second waits for it.
    let second = upgrade(Some(&second_err));
    let started = std::time::Instant::now();
    while !std::fs::read_to_string(&second_err)
        .unwrap_or_default()
        .contains("waiting for another toolup")
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the second never waited: {}",
            std::fs::read_to_string(&second_err).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::fs::write(&release, "").unwrap();
    let first_pid = first.id();
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    let said = std::fs::read_to_string(&second_err).unwrap();
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{said}");
    assert!(
        said.contains("upgrade tuconc: waiting for another toolup acting on it")
            && said.contains(&format!("held by pid {first_pid}")),
        "the second says whom it waits for: {said}"
    );
    assert!(
        said.contains("tuconc is at 1.1.0 now, not 1.0.0: another run changed it"),
        "{said}"
    );
    assert!(!said.contains("restored"), "{said}");
    assert_eq!(
        String::from_utf8(std::fs::read(&tool).unwrap()).unwrap(),
        "#!/bin/sh\necho \"tuconc 1.1.0\"\n",
        "the newer version stays"
    );
    assert_eq!(outcomes(&sb), ["started", "ok", "skipped"]);
}

/// A rollback never runs under another toolup's action on the same tool:
/// it is refused, naming who acts, and nothing is restored.
#[test]
fn a_rollback_is_refused_while_an_upgrade_of_the_tool_runs() {
    let sb = Sandbox::new();
    tool_with_npm(&sb, "turb");
    let tool = sb.fake(&sb.bin, "turb", "turb 1.0.0");
    sb.latest(&[("turb", "1.1.0")]);
    let started = sb.root.join("npm.started");
    let release = sb.root.join("npm.release");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            ": > {started}\nwhile [ ! -e {release} ]; do /bin/sleep 0.05; done\nprintf '#!/bin/sh\\necho \"turb 1.1.0\"\\n' > {tool}\nexit 0",
            started = started.display(),
            release = release.display(),
            tool = tool.display()
        ),
    );
    let upgrade = sb
        .cmd(&["upgrade", "turb", "--yes", "--environment", "workstation"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let since = std::time::Instant::now();
    while !started.exists() {
        assert!(
            since.elapsed() < std::time::Duration::from_secs(60),
            "npm never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = sb.run(&["rollback", "turb"]);
    std::fs::write(&release, "").unwrap();
    let upgraded = upgrade.wait_with_output().unwrap();
    assert!(upgraded.status.success(), "{}", stderr(&upgraded));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another toolup is still acting on turb"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&tool).unwrap(),
        "#!/bin/sh\necho \"turb 1.1.0\"\n",
        "the upgrade's result stays"
    );
}
