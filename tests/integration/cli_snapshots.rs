//! Snapshots of what the CLI prints — exit code, stdout and stderr of each
//! command's main forms — the way uv tests its CLI. Paths, times, the host
//! and durations are replaced by placeholders, so a snapshot changes only
//! when what a user sees changes. Review changes with `cargo insta review`
//! (or set INSTA_UPDATE=always and read the diff).

use std::sync::LazyLock;

use regex::Regex;

use crate::support::Sandbox;

/// A sandbox with one tool of each kind: outdated, up to date, missing.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.tool("tuone", &["tuone"], "[install]\nnpm = \"tuone\"");
    sb.tool("tutwo", &["tutwo", "tt"], "");
    sb.tool(
        "tumiss",
        &["tumiss"],
        "[install]\nnpm = \"tumiss\"\ncargo = \"tumiss\"",
    );
    std::fs::write(
        sb.catalog.join("presets.toml"),
        "[starter]\ndescription = \"the basics\"\ntools = [\"tuone\", \"tumiss\"]\n",
    )
    .unwrap();
    sb.fake(&sb.bin, "tuone", "tuone 1.0.0");
    sb.fake(&sb.bin, "tutwo", "tutwo 2.5.0");
    sb.fake(&sb.bin, "npm", "10.0.0");
    sb.latest(&[("tuone", "1.1.0"), ("tutwo", "2.5.0"), ("tumiss", "9.0.0")]);
    sb
}

static TIME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z").unwrap());
static MILLIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"("(discover|upstream|total|\w+_ms)": )\d+"#).unwrap());
static STAMP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{8}T\d{6}Z(-\d+)?").unwrap());

/// What a user saw, with what differs between machines and runs filtered.
fn shown(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.run(args);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let mut text = format!(
        "$ toolup {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status
            .code()
            .map_or_else(|| "signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    text = text.replace(&sb.root.display().to_string(), "[ROOT]");
    text = text.replace(env!("CARGO_BIN_EXE_toolup"), "[TOOLUP]");
    if !host.trim().is_empty() {
        text = text.replace(&format!("\"{}\"", host.trim()), "\"[HOST]\"");
        text = text.replace(&format!("on {}\n", host.trim()), "on [HOST]\n");
    }
    text = TIME.replace_all(&text, "[TIME]").into_owned();
    text = STAMP.replace_all(&text, "[STAMP]").into_owned();
    MILLIS.replace_all(&text, "${1}[MS]").into_owned()
}

macro_rules! snapshot {
    ($name:literal, $sb:expr, $args:expr) => {
        insta::assert_snapshot!($name, shown($sb, $args))
    };
}

#[test]
fn reading_commands() {
    let sb = sandbox();
    snapshot!("audit", &sb, &["audit"]);
    snapshot!("render_json", &sb, &["render", "--format", "json"]);
    snapshot!("render_markdown", &sb, &["render", "--format", "markdown"]);
    snapshot!(
        "render_status",
        &sb,
        &["render", "--status", "outdated,not-installed"]
    );
    snapshot!("render_fail_on", &sb, &["render", "--fail-on", "missing"]);
    snapshot!("latest", &sb, &["latest", "tuone", "tt"]);
    snapshot!("catalog_list", &sb, &["catalog", "list"]);
    snapshot!("catalog_show", &sb, &["catalog", "show", "tt"]);
    snapshot!("catalog_validate", &sb, &["catalog", "validate"]);
    snapshot!("presets", &sb, &["presets"]);
    snapshot!(
        "config_show",
        &sb,
        &["config", "show", "--environment", "ci", "--jobs", "3"]
    );
    snapshot!("env", &sb, &["env", "--environment", "workstation"]);
    snapshot!("history_empty", &sb, &["history"]);
}

#[test]
fn acting_commands_in_dry_runs() {
    let sb = sandbox();
    sb.collect(&[]);
    snapshot!(
        "install_dry_run",
        &sb,
        &[
            "install",
            "tumiss",
            "--dry-run",
            "--environment",
            "workstation"
        ]
    );
    snapshot!(
        "upgrade_dry_run",
        &sb,
        &[
            "upgrade",
            "--all",
            "--dry-run",
            "--environment",
            "workstation"
        ]
    );
    snapshot!(
        "upgrade_dry_run_json",
        &sb,
        &[
            "upgrade",
            "--dry-run",
            "--environment",
            "workstation",
            "--format",
            "json"
        ]
    );
    snapshot!(
        "install_installed",
        &sb,
        &["install", "tt", "--dry-run", "--environment", "workstation"]
    );
    snapshot!("reconcile", &sb, &["reconcile"]);
    snapshot!("rollback_nothing", &sb, &["rollback", "tuone"]);
    snapshot!("trust_nothing", &sb, &["trust"]);
}

#[test]
fn mistakes_are_named() {
    let sb = sandbox();
    sb.collect(&[]);
    snapshot!("unknown_category", &sb, &["audit", "--category", "tst"]);
    snapshot!("unknown_status", &sb, &["render", "--status", "outdatd"]);
    snapshot!("unknown_tool", &sb, &["latest", "tuon"]);
    snapshot!("unknown_format", &sb, &["history", "--format", "markdown"]);
    snapshot!("bad_timeout", &sb, &["audit", "--timeout", "1e300"]);
    snapshot!("bad_rollback_name", &sb, &["rollback", "../x"]);
    snapshot!("modules_sync_no_repo", &sb, &["modules", "sync"]);
    snapshot!(
        "modules_sync_ext",
        &sb,
        &["modules", "sync", "--repo", "ext::sh -c x"]
    );
    snapshot!("modules_list_none", &sb, &["modules", "list"]);
    snapshot!("modules_info_unknown", &sb, &["modules", "info", "team"]);
    snapshot!(
        "no_snapshot",
        &sb,
        &["render", "--snapshot", "missing.json"]
    );
}

#[test]
fn help() {
    let sb = sandbox();
    snapshot!("help", &sb, &["--help"]);
    snapshot!("install_help", &sb, &["install", "--help"]);
}
