//! Hostile tools and hostile data: a `--version` that hides from toolup,
//! output, files and registry answers that try to drive the terminal, and
//! inputs without bounds.

use std::time::{Duration, Instant};

use crate::fixture_server::{FixtureServer, Reply};
use crate::support::{Sandbox, record, stderr, stdout};

/// What a terminal must never receive from data: ESC, CSI (C1), BEL, `\r`,
/// backspace.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect()
}

#[test]
fn escape_sequences_from_tools_files_and_registries_never_reach_the_terminal() {
    let sb = Sandbox::new();
    // A tool whose output is an OSC 52 clipboard write and a screen clear.
    sb.tool("tuevil", &["tuevil"], "");
    sb.script(
        &sb.bin,
        "tuevil",
        r"printf '\033]52;c;aGVsbG8=\007\033[2J\302\233H\r\010 no version here\n'",
    );
    // A user overlay whose description is an escape sequence.
    let overlay = sb.home.join(".config/toolup/catalog");
    std::fs::create_dir_all(&overlay).unwrap();
    std::fs::write(
        overlay.join("tuover.toml"),
        "name = \"tuover\"\ndescription = \"\\u001b]52;c;aGk=\\u0007 sneaky\"\ncategory = \"test\"\nbins = [\"tuover\"]\nupstream = \"github:example/tuover\"\n",
    )
    .unwrap();
    // A registry whose latest tag is an escape sequence.
    let server = FixtureServer::start();
    server.route(
        "/api/repos/example/tuevil/releases/latest",
        vec![Reply::ok(
            r#"{"tag_name": "v9.9.9\u001b[2J", "published_at": "2026-01-02T03:04:05Z", "draft": false, "prerelease": false}"#,
        )],
    );
    let online = |args: &[&str]| {
        sb.cmd(args)
            .env_remove("TOOLUP_OFFLINE")
            .env("TOOLUP_GITHUB_API_URL", format!("{}/api", server.base))
            .env("TOOLUP_GITHUB_URL", format!("{}/web", server.base))
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap()
    };
    let out = online(&["audit", "--only", "tuevil", "--no-cache"]);
    let text = stdout(&out);
    assert!(text.contains("tuevil"), "{text}\n{}", stderr(&out));
    assert_eq!(raw_controls(&text), [], "table: {text:?}");
    assert_eq!(
        raw_controls(&stderr(&out)),
        [],
        "stderr: {:?}",
        stderr(&out)
    );
    let snapshot = sb.snapshot();
    let evil = record(&snapshot, "tuevil");
    assert!(
        evil["latest"].is_null(),
        "an escape is not a version: {evil:#}"
    );
    assert_eq!(evil["status"], "unknown", "{evil:#}");
    for format in ["markdown", "table"] {
        let out = sb.run(&["render", "--format", format]);
        assert_eq!(
            raw_controls(&stdout(&out)),
            [],
            "{format}: {:?}",
            stdout(&out)
        );
    }
    // JSON stays exact: the escape is there, escaped as JSON escapes it.
    let json = stdout(&sb.run(&["render", "--format", "json"]));
    assert_eq!(raw_controls(&json), []);
    let out = sb.run(&["catalog", "show", "tuover"]);
    assert!(stdout(&out).contains("sneaky"), "{}", stdout(&out));
    assert_eq!(raw_controls(&stdout(&out)), [], "{:?}", stdout(&out));
    // Nothing hostile is kept in the latest-versions cache.
    let cache = std::fs::read_to_string(sb.home.join(".cache/toolup/latest_versions.json"))
        .unwrap_or_default();
    assert!(!cache.contains("9.9.9"), "{cache}");
}

#[test]
fn a_version_that_closes_its_pipes_and_runs_on_is_killed_at_the_timeout() {
    let sb = Sandbox::new();
    sb.tool("tuhide", &["tuhide"], "");
    sb.script(&sb.bin, "tuhide", "exec >&- 2>&-\n/bin/sleep 60");
    let started = Instant::now();
    let out = sb.run(&["collect", "--no-cache", "--timeout", "1"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let tool = record(&sb.snapshot(), "tuhide").clone();
    assert_eq!(tool["status"], "unknown", "{tool:#}");
}

#[test]
fn bad_numbers_and_odd_files_are_clear_errors() {
    let sb = Sandbox::new();
    sb.tool("tuone", &["tuone"], "");
    sb.fake(&sb.bin, "tuone", "tuone 1.0.0");
    for args in [
        &["collect", "--timeout", "1e300"][..],
        &["collect", "--timeout", "0"],
        &["collect", "--timeout", "NaN"],
    ] {
        let out = sb.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--timeout"), "{}", stderr(&out));
    }
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[audit]\ntimeout = \"0s\"\n").unwrap();
    let out = sb.run(&["collect"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("config.toml:2: key `timeout`"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(config.join("config.toml")).unwrap();

    let fifo = sb.root.join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for path in [std::path::Path::new("/dev/zero"), fifo.as_path()] {
        let started = Instant::now();
        let out = sb.run(&["render", "--snapshot", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    // A snapshot path that is a link: the link stays, its target is written
    // and keeps its mode.
    use std::os::unix::fs::PermissionsExt;
    let target = sb.root.join("real-snapshot.json");
    std::fs::write(&target, "{}").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = sb.root.join("link-snapshot.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = sb.run(&["collect", "--snapshot", link.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&target).unwrap().contains("tuone"));
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

#[test]
fn a_corrupt_latest_cache_is_set_aside_and_rebuilt() {
    let sb = Sandbox::new();
    sb.tool("tuone", &["tuone"], "");
    let cache = sb.home.join(".cache/toolup");
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::write(
        cache.join("latest_versions.json"),
        "{\"tuone\": \"1.0\", garbage",
    )
    .unwrap();
    let server = FixtureServer::start();
    server.route(
        "/api/repos/example/tuone/releases/latest",
        vec![Reply::ok(
            r#"{"tag_name": "v2.0.0", "published_at": "2026-01-02T03:04:05Z", "draft": false, "prerelease": false}"#,
        )],
    );
    let out = sb
        .cmd(&["latest", "tuone", "--format", "json"])
        .env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_GITHUB_API_URL", format!("{}/api", server.base))
        .env("TOOLUP_HTTP_TIMEOUT", "2")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("starting afresh"), "{}", stderr(&out));
    let rebuilt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cache.join("latest_versions.json")).unwrap())
            .unwrap();
    assert_eq!(rebuilt["tuone"], "2.0.0", "{rebuilt:#}");
    let aside = std::fs::read_dir(&cache)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
        .count();
    assert_eq!(aside, 1);
}
