//! The commands end to end: formats, filters, exit codes, bad input, the
//! snapshot's atomicity, and render's promise to start nothing and open nothing.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Sandbox, bash_completes, record, stderr, stdout};

fn sandbox_with_tools() -> Sandbox {
    let sb = Sandbox::new();
    sb.tool("tuone", &["tuone"], "");
    sb.tool("tutwo", &["tutwo"], "");
    sb.tool("tumiss", &["tumiss"], "");
    sb.fake(&sb.bin, "tuone", "tuone 1.0.0");
    sb.fake(&sb.bin, "tutwo", "tutwo 2.5.0");
    sb.latest(&[("tuone", "1.1.0"), ("tutwo", "2.5.0"), ("tumiss", "9.0.0")]);
    sb
}

#[test]
fn audit_prints_a_table_and_writes_the_snapshot() {
    let sb = sandbox_with_tools();
    let out = sb.run(&["audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for needle in [
        "STATE",
        "tuone",
        "1.0.0",
        "1.1.0",
        "outdated",
        "up-to-date",
        "not-installed",
        "3 tools: 1 up-to-date, 1 outdated, 1 not installed, 0 unknown",
    ] {
        assert!(text.contains(needle), "{needle:?} missing in:\n{text}");
    }
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
    let snap = sb.snapshot();
    assert_eq!(snap["__meta__"]["schema_version"], 1);
    assert_eq!(snap["__meta__"]["counts"]["outdated"], 1);
    assert_eq!(record(&snap, "tuone")["latest"]["from"], "cache");
}

#[test]
fn json_output_is_the_snapshot_document_in_stable_key_order() {
    let sb = sandbox_with_tools();
    let out = sb.run(&["audit", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["tools"].as_array().unwrap().len(), 3);
    let keys: Vec<&String> = doc["__meta__"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "schema_version",
            "generator",
            "created_at",
            "host",
            "offline",
            "counts",
            "durations_ms"
        ]
    );
    let tool_keys: Vec<&String> = doc["tools"][0].as_object().unwrap().keys().collect();
    assert_eq!(
        tool_keys,
        [
            "name",
            "category",
            "status",
            "installed",
            "installations",
            "latest",
            "error",
            "notes"
        ]
    );
    let file = std::fs::read_to_string(sb.snapshot_path()).unwrap();
    assert_eq!(file, text, "--format json prints exactly the snapshot");
}

#[test]
fn markdown_output_is_a_table() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    let out = sb.run(&["render", "--format", "markdown"]);
    let text = stdout(&out);
    // What needs attention first; the command to type and where it is.
    let outdated = text.find("### Outdated (1)").expect(&text);
    let fine = text.find("### Up to date (1)").expect(&text);
    assert!(outdated < fine, "{text}");
    let bin = sb.bin.display();
    assert!(
        text.contains(&format!(
            "| tuone | `tuone` ({bin}/tuone) | 1.0.0 | 1.1.0 | unknown |  |"
        )),
        "{text}"
    );
    // Not-installed tools are folded away.
    assert!(
        text.contains(
            "<details><summary>Not installed (1)</summary>\n\ntumiss (9.0.0)\n\n</details>"
        ),
        "{text}"
    );
    // An agent's context: the installed ones only.
    let small = stdout(&sb.run(&["render", "--format", "markdown", "--status", "installed"]));
    assert!(
        !small.contains("tumiss") && small.contains("tutwo"),
        "{small}"
    );
}

#[test]
fn filters_and_fail_on() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    let out = sb.run(&["render", "--status", "outdated", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["tools"].as_array().unwrap().len(), 1);
    assert_eq!(doc["__meta__"]["counts"]["outdated"], 1);
    assert_eq!(
        sb.run(&["render", "--fail-on", "outdated"]).status.code(),
        Some(1)
    );
    assert_eq!(
        sb.run(&["render", "--fail-on", "outdated", "--only", "tutwo"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        sb.run(&["render", "--fail-on", "missing,unknown", "--only", "tumiss"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        sb.run(&["render", "--status", "bogus"]).status.code(),
        Some(2)
    );
    let out = sb.run(&["audit", "--only", "nosuchtool"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nosuchtool"), "{}", stderr(&out));
    // A command names its tool.
    sb.tool("tubinname", &["tub"], "");
    let out = sb.run(&["audit", "--only", "tub"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("tubinname"), "{}", stdout(&out));
}

#[test]
fn a_partial_collect_updates_its_tools_and_keeps_the_rest() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    sb.fake(&sb.bin, "tuone", "tuone 1.1.0");
    let snap = sb.collect(&["--only", "tuone"]);
    assert_eq!(snap["tools"].as_array().unwrap().len(), 3);
    assert_eq!(record(&snap, "tuone")["status"], "up-to-date");
    assert_eq!(snap["__meta__"]["counts"]["up-to-date"], 2);
}

#[test]
fn a_malformed_catalog_file_names_file_line_and_field() {
    let sb = Sandbox::new();
    sb.tool("tubad", &["tubad"], "");
    let path = sb.catalog.join("tubad.toml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("bins = [\"tubad\"]", "bins = \"tubad\"");
    std::fs::write(&path, text).unwrap();
    let out = sb.run(&["audit"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}:4: field `bins`", path.display())),
        "{err}"
    );

    std::fs::write(&path, "name = \"tubad\"\ndescription = \"x\"\ncategory = \"t\"\nbins = [\"tubad\"]\nupstream = \"github:x/y\"\nversion_pattern = 'tubad ('\n").unwrap();
    let out = sb.run(&["catalog", "validate"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("tubad.toml:6: field `version_pattern`: invalid regex"),
        "{err}"
    );
}

#[test]
fn the_embedded_catalog_validates_and_lists() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd(&["catalog", "validate"]);
    cmd.env_remove("TOOLUP_CATALOG");
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("catalog ok: "), "{}", stdout(&out));
    let mut cmd = sb.cmd(&["catalog", "show", "ripgrep"]);
    cmd.env_remove("TOOLUP_CATALOG");
    let out = cmd.output().unwrap();
    assert!(
        stdout(&out).contains("bins:            rg"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_missing_or_corrupt_snapshot_says_how_to_make_one() {
    let sb = Sandbox::new();
    let out = sb.run(&["render"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("toolup collect"), "{}", stderr(&out));
    std::fs::write(
        sb.snapshot_path(),
        "{\"__meta__\": {\"schema_version\": 1,\n  \"generator\": ",
    )
    .unwrap();
    let out = sb.run(&["render"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("corrupt at line 2") && err.contains("toolup collect"),
        "{err}"
    );
}

#[test]
fn render_starts_no_process_and_opens_no_socket() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    let trace = sb.root.join("trace.txt");
    let strace = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("strace"))
        .find(|p| p.is_file())
        .expect("strace is required for this test (apt-get install strace)");
    let mut cmd = Command::new(strace);
    cmd.args([
        "-f",
        "-qq",
        "-e",
        "trace=execve,execveat,fork,vfork,clone,clone3,socket,connect",
        "-o",
    ])
    .arg(&trace)
    .arg(env!("CARGO_BIN_EXE_toolup"))
    .args(["render", "--format", "json"]);
    let inner = sb.cmd(&[]);
    cmd.env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(&sb.root);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let calls = std::fs::read_to_string(&trace).unwrap();
    let execs = calls.lines().filter(|l| l.contains("execve")).count();
    assert_eq!(execs, 1, "only toolup itself is executed:\n{calls}");
    let call = |l: &str| l.split_whitespace().nth(1).unwrap_or("").to_owned();
    for line in calls.lines() {
        let c = call(line);
        let new_process = (c.starts_with("clone") && !line.contains("CLONE_THREAD"))
            || c.starts_with("fork(")
            || c.starts_with("vfork(");
        let network = c.starts_with("socket(") || c.starts_with("connect(");
        assert!(!new_process && !network, "render must not do this:\n{line}");
    }
}

#[test]
fn kill_9_during_collect_never_leaves_a_partial_snapshot() {
    let sb = Sandbox::new();
    for i in 0..12 {
        let name = format!("tuslow{i}");
        sb.tool(&name, &[&name], "");
        sb.script(
            &sb.bin,
            &name,
            &format!("/bin/sleep 0.0{}; echo '{name} 1.{i}.0'", i % 10),
        );
    }
    sb.collect(&["--no-cache"]);
    let good = std::fs::read(sb.snapshot_path()).unwrap();
    for round in 0..15u64 {
        let mut child = sb
            .cmd(&["collect", "--no-cache"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + round * 17));
        child.kill().unwrap();
        child.wait().unwrap();
        let bytes = std::fs::read(sb.snapshot_path()).unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("round {round}: partial snapshot: {e}"));
        assert_eq!(doc["tools"].as_array().unwrap().len(), 12);
        let leftovers: Vec<_> = std::fs::read_dir(&sb.root)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".toolup-"))
            .collect();
        // A killed writer may leave its temp file behind, never a torn snapshot.
        assert!(leftovers.len() <= 15, "{leftovers:?}");
    }
    assert!(!good.is_empty());
}

#[test]
fn the_user_overlay_adds_and_overrides_tools() {
    let sb = Sandbox::new();
    let overlay = sb.home.join(".config/toolup/catalog");
    std::fs::create_dir_all(&overlay).unwrap();
    let tool = |name: &str, bin: &str| {
        format!(
            "name = \"{name}\"\ndescription = \"mine\"\ncategory = \"mine\"\nbins = [\"{bin}\"]\nupstream = \"none\"\n"
        )
    };
    std::fs::write(overlay.join("ripgrep.toml"), tool("ripgrep", "tu-rg")).unwrap();
    std::fs::write(overlay.join("tuextra.toml"), tool("tuextra", "tuextra")).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = sb.cmd(args);
        cmd.env_remove("TOOLUP_CATALOG");
        cmd.output().unwrap()
    };
    let out = run(&["catalog", "show", "ripgrep"]);
    assert!(
        stdout(&out).contains("bins:            tu-rg"),
        "{}",
        stdout(&out)
    );
    let out = run(&["catalog", "list", "--category", "mine"]);
    let text = stdout(&out);
    assert!(
        text.contains("tuextra") && text.contains("2 tools"),
        "{text}"
    );

    std::fs::write(
        overlay.join("tuextra.toml"),
        "name = \"tuextra\"\nbins = [\"x\"]\n",
    )
    .unwrap();
    let out = run(&["catalog", "list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&overlay.join("tuextra.toml").display().to_string())
            && err.contains("description"),
        "{err}"
    );
}

#[test]
fn env_detects_ci_and_can_be_overridden() {
    let sb = Sandbox::new();
    let mut cmd = sb.cmd(&["env", "--format", "json"]);
    cmd.env("CI", "true");
    let doc: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    assert_eq!(doc["kind"], "ci");
    assert!(doc["indicators"][0].as_str().unwrap().contains("CI is set"));
    let mut cmd = sb.cmd(&["env", "--format", "json", "--environment", "workstation"]);
    cmd.env("CI", "true");
    let doc: serde_json::Value = serde_json::from_slice(&cmd.output().unwrap().stdout).unwrap();
    assert_eq!(
        (doc["kind"].as_str(), doc["overridden"].as_bool()),
        (Some("workstation"), Some(true))
    );
    std::fs::write(
        sb.root.join(".toolup.toml"),
        "[environment]\nkind = \"server\"\n",
    )
    .unwrap();
    let doc: serde_json::Value =
        serde_json::from_slice(&sb.run(&["env", "--format", "json"]).stdout).unwrap();
    assert_eq!(doc["kind"], "server");
}

#[test]
fn colour_follows_the_flag_and_the_shells_conventions() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = sb.cmd(&[&["render"], args].concat());
        cmd.envs(env.iter().copied());
        stdout(&cmd.output().unwrap()).contains("\u{1b}[33m↑ outdated\u{1b}[0m")
    };
    assert!(coloured(&["--color", "always"], &[]));
    assert!(
        coloured(&["--color", "always"], &[("NO_COLOR", "1")]),
        "the flag wins"
    );
    assert!(!coloured(&[], &[]), "piped: none");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&["--no-color"], &[("CLICOLOR_FORCE", "1")]));
    // TERM=dumb turns auto off even on a terminal (script(1) gives one).
    let script = |term: &str| {
        let log = sb.root.join(format!("typescript-{term}"));
        let status = Command::new("script")
            .args(["-qec"])
            .arg(format!("{} render", env!("CARGO_BIN_EXE_toolup")))
            .arg(&log)
            .env_clear()
            .env("HOME", &sb.home)
            .env("PATH", "/usr/bin:/bin")
            .env("TERM", term)
            .env("TOOLUP_CATALOG", &sb.catalog)
            .env("TOOLUP_SNAPSHOT", sb.snapshot_path())
            .env("TOOLUP_OFFLINE", "1")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(log).unwrap().contains("\u{1b}[33m")
    };
    assert!(script("xterm"), "a terminal gets colour");
    assert!(!script("dumb"), "TERM=dumb gets none");
}

#[test]
fn selections_say_what_they_did() {
    let sb = sandbox_with_tools();
    sb.tool("tulong", &["tul"], "");
    sb.fake(&sb.bin, "tul", "tulong 3.0.0");
    sb.collect(&[]);
    // An unknown category or state is an error that lists the valid ones.
    for args in [
        &["audit", "--category", "tst"][..],
        &["render", "--category", "tst"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("no such category (one of test)"),
            "{}",
            stderr(&out)
        );
    }
    let out = sb.run(&["render", "--status", "outdatd"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not-installed (or missing)"),
        "{}",
        stderr(&out)
    );
    // --status takes a list, with the same words as --fail-on.
    let shown = |args: &[&str]| -> Vec<String> {
        let out = sb.run(&[&["render", "--format", "json"], args].concat());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        shown(&["--status", "outdated,not-installed"]),
        ["tumiss", "tuone"]
    );
    assert_eq!(shown(&["--status", "missing"]), ["tumiss"]);
    assert_eq!(
        shown(&["--status", "installed"]),
        ["tulong", "tuone", "tutwo"]
    );
    // A command works where a tool name does.
    assert_eq!(shown(&["--only", "tul"]), ["tulong"]);
    let out = sb.run(&["audit", "--only", "tul", "--format", "json"]);
    assert!(stdout(&out).contains("\"tulong\""), "{}", stderr(&out));
    let out = sb.run(&["latest", "tul", "--format", "json"]);
    assert!(stdout(&out).contains("\"tulong\""), "{}", stderr(&out));
    // --fail-on names what tripped it; `missing` and `not-installed` are one.
    for word in ["missing", "not-installed"] {
        let out = sb.run(&["render", "--fail-on", word]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("--fail-on: 1 tool(s) tripped it: tumiss (not-installed)"),
            "{}",
            stderr(&out)
        );
    }
    // install of something already there says so.
    let out = sb.run(&[
        "install",
        "tul",
        "--dry-run",
        "--environment",
        "workstation",
    ]);
    assert!(
        stderr(&out).contains("tulong is already installed (3.0.0 at"),
        "{}",
        stderr(&out)
    );
}

/// The widest line of `text`, in characters.
fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_80_columns_and_piped_output_is_never_cut() {
    let sb = sandbox_with_tools();
    sb.tool(
        "tu-a-rather-long-tool-name",
        &["tulongname"],
        "[install]\nnpm = \"@some-scope/a-rather-long-package-name\"",
    );
    sb.script(
        &sb.bin,
        "tulongname",
        "echo 'Usage: tulongname [OPTIONS] <COMMAND> — this build prints a long help text and no version at all'",
    );
    sb.latest(&[
        ("tuone", "1.1.0"),
        ("tu-a-rather-long-tool-name", "12.345.6789-beta.1"),
    ]);
    sb.fake(&sb.bin, "npm", "npm 10.0.0");
    let at80 = |args: &[&str], catalog: bool| {
        let mut cmd = sb.cmd(args);
        cmd.env("COLUMNS", "80");
        if catalog {
            cmd.env_remove("TOOLUP_CATALOG");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            stderr(&out)
        );
        stdout(&out)
    };
    let cause = "Usage: tulongname [OPTIONS] <COMMAND> — this build prints a long help text";
    for (args, catalog) in [
        (&["audit"][..], false),
        (&["render"], false),
        (&["catalog", "list"], true),
        (
            &[
                "upgrade",
                "--all",
                "--dry-run",
                "--environment",
                "workstation",
            ],
            false,
        ),
    ] {
        let text = at80(args, catalog);
        assert!(
            widest(&text) <= 80,
            "{args:?} is {} wide:\n{text}",
            widest(&text)
        );
        // Folded, never cut.
        assert!(
            !text.lines().any(|l| l.trim_end().ends_with('…')),
            "{args:?} cut something:\n{text}"
        );
    }
    // Piped with no COLUMNS: one line per tool, nothing cut or wrapped.
    let piped = stdout(&sb.run(&["render"]));
    assert!(piped.lines().any(|l| l.contains(cause)), "{piped}");
    assert!(widest(&piped) > 80);
}

#[test]
fn bash_completes_commands_and_tool_names_and_the_man_page_renders() {
    let sb = sandbox_with_tools();
    let subcommands = bash_completes(&sb, &["toolup", "au"]);
    assert_eq!(subcommands, ["audit"]);
    let tools = bash_completes(&sb, &["toolup", "install", "tuo"]);
    assert_eq!(tools, ["tuone"]);
    let only = bash_completes(&sb, &["toolup", "render", "--only", "tut"]);
    assert_eq!(only, ["tutwo"]);
    let page = sb.root.join("toolup.1");
    std::fs::write(&page, stdout(&sb.run(&["man"]))).unwrap();
    let out = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("NAME") && text.contains("toolup"), "{text}");
}

/// The README's sample configuration, as a user would copy it.
fn readme_sample() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .find("### Configuration")
        .expect("the README has a Configuration section");
    let start = section
        + readme[section..]
            .find("```toml\n")
            .expect("the section has a TOML sample")
        + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    readme[start..end].to_owned()
}

#[test]
fn the_readme_sample_configuration_is_accepted_and_config_show_shows_every_setting() {
    let sb = sandbox_with_tools();
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), readme_sample()).unwrap();
    let out = sb.run(&["config", "show", "--format", "json"]);
    assert!(
        out.status.success(),
        "the README's sample is rejected: {}",
        stderr(&out)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let keys: Vec<&str> = doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    for key in [
        "audit.jobs",
        "audit.timeout",
        "upstream.ttl",
        "upstream.min_release_age",
        "upstream.offline",
        "breaking_changes",
        "backups.keep",
        "backups.max_age",
        "environment.kind",
        "managers.python",
        "tools.node.pin",
        "tools.node.breaking_changes",
        "presets.mine",
        "sources.pypi",
        "modules.repository",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    let max_age = doc["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "backups.max_age")
        .unwrap();
    assert_eq!(max_age["value"], "90d");
    assert!(max_age["from"].as_str().unwrap().ends_with("config.toml"));
    let out = sb.run(&["config", "path"]);
    assert!(
        stdout(&out).contains(".config/toolup/config.toml"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn every_format_is_honoured_or_refused() {
    let sb = sandbox_with_tools();
    sb.collect(&[]);
    // JSON everywhere it is offered, each document versioned.
    for args in [
        &["catalog", "list"][..],
        &["catalog", "show", "tuone"],
        &["config", "show"],
        &["config", "path"],
        &["env"],
        &["history"],
        &["presets"],
        &["doctor"],
        &["upgrade", "--dry-run", "--environment", "workstation"],
    ] {
        let out = sb.run(&[args, &["--format", "json"]].concat());
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}{}", stdout(&out), stderr(&out)));
        assert_eq!(doc["schema_version"], 1, "{args:?}: {doc:#}");
    }
    let render = sb.run(&["render", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&render.stdout).unwrap();
    assert_eq!(doc["__meta__"]["schema_version"], 1);
    // Refused, never ignored.
    for args in [
        &["history", "--format", "markdown"][..],
        &["man", "--format", "json"],
        &["catalog", "validate", "--format", "json"],
        &["env", "--format", "markdown"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("prints"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}
