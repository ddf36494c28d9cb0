//! Upstream lookups against a loopback server replaying bodies recorded from
//! the real registries (`tests/fixtures/http/`: PyPI's JSON API, npm's
//! abbreviated documents, the crates sparse index) and GitHub, GitLab and
//! GNU answers written from their documented formats.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::fixture_server::{FixtureServer, Reply};
use crate::support::{Sandbox, json_stdout, record, stderr, stdout};

fn recorded(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/http")
            .join(name),
    )
    .unwrap()
}

/// A sandbox whose sources all point at `server`.
fn online(sb: &Sandbox, server: &FixtureServer, args: &[&str]) -> Command {
    let mut cmd = sb.cmd(args);
    let b = &server.base;
    cmd.env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_PYPI_URL", format!("{b}/simple"))
        .env("TOOLUP_NPM_REGISTRY_URL", format!("{b}/npm"))
        .env("TOOLUP_CRATES_INDEX_URL", format!("{b}/index"))
        .env("TOOLUP_GITHUB_API_URL", format!("{b}/api"))
        .env("TOOLUP_GITHUB_URL", format!("{b}/web"))
        .env("TOOLUP_GITLAB_URL", format!("{b}/gitlab"))
        .env("TOOLUP_GNU_URL", format!("{b}/gnu"))
        .env("TOOLUP_HTTP_TIMEOUT", "2");
    cmd
}

fn run(sb: &Sandbox, server: &FixtureServer, args: &[&str]) -> Output {
    online(sb, server, args).output().unwrap()
}

fn tool(sb: &Sandbox, name: &str, upstream: &str) {
    let text = format!(
        "name = \"{name}\"\ndescription = \"t\"\ncategory = \"test\"\nbins = [\"{name}\"]\nupstream = \"{upstream}\"\n"
    );
    std::fs::write(sb.catalog.join(format!("{name}.toml")), text).unwrap();
}

/// PyPI's Simple API page for `six`, as JSON (PEP 691).
fn six_json() -> Reply {
    Reply::ok(recorded("pypi-simple-six.json"))
        .header("Content-Type", "application/vnd.pypi.simple.v1+json")
}

fn registries(server: &FixtureServer) {
    server.route("/simple/six/", vec![six_json()]);
    server.route(
        "/npm/is-number",
        vec![Reply::ok(recorded("npm-is-number.json"))],
    );
    server.route(
        "/index/it/oa/itoa",
        vec![Reply::ok(recorded("crates-itoa.txt"))],
    );
}

#[test]
fn pypi_npm_and_the_crates_sparse_index() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    registries(&server);
    tool(&sb, "tusix", "pypi:six");
    tool(&sb, "tunum", "npm:is-number");
    tool(&sb, "tuitoa", "crates:itoa");
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc = json_stdout(&out);
    for (name, version) in [
        ("tusix", "1.17.0"),
        ("tunum", "7.0.0"),
        ("tuitoa", "1.0.18"),
    ] {
        let latest = &record(&doc, name)["latest"];
        assert_eq!(latest["version"], version, "{name}: {doc:#}");
        assert_eq!(latest["from"], "network");
    }
    let npm = &server.requests("/npm/is-number")[0];
    assert!(
        npm.headers["accept"].starts_with("application/vnd.npm.install-v1+json"),
        "{:?}",
        npm.headers
    );
    assert!(npm.headers["user-agent"].starts_with("toolup/"));
    // Within the TTL the next run asks nobody.
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert_eq!(
        record(&json_stdout(&out), "tusix")["latest"]["from"],
        "cache"
    );
    assert_eq!(server.requests("/simple").len(), 1);
}

#[test]
fn conditional_requests_turn_into_304s() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    server.route_etag("/simple/six/", "\"six-v1\"", six_json());
    tool(&sb, "tusix", "pypi:six");
    run(&sb, &server, &["latest"]);
    let out = run(&sb, &server, &["latest", "--refresh", "--format", "json"]);
    let requests = server.requests("/simple");
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].headers.get("if-none-match").map(String::as_str),
        Some("\"six-v1\"")
    );
    assert_eq!(
        record(&json_stdout(&out), "tusix")["latest"]["version"],
        "1.17.0"
    );
}

#[test]
fn a_404_is_not_retried_and_500_then_200_is() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tugone", "pypi:gone");
    tool(&sb, "tuflaky", "npm:is-number");
    server.route(
        "/npm/is-number",
        vec![
            Reply::status(500),
            Reply::ok(recorded("npm-is-number.json")),
        ],
    );
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed lookup with no cache: {}",
        stderr(&out)
    );
    let doc = json_stdout(&out);
    assert!(
        record(&doc, "tugone")["error"]
            .as_str()
            .unwrap()
            .contains("not found"),
        "{doc:#}"
    );
    assert_eq!(server.requests("/simple/gone/").len(), 1);
    assert_eq!(record(&doc, "tuflaky")["latest"]["version"], "7.0.0");
    assert_eq!(server.requests("/npm/is-number").len(), 2);
}

#[test]
fn a_429_waits_for_retry_after() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tunum", "npm:is-number");
    server.route(
        "/npm/is-number",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::ok(recorded("npm-is-number.json")),
        ],
    );
    let started = Instant::now();
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert_eq!(
        record(&json_stdout(&out), "tunum")["latest"]["version"],
        "7.0.0"
    );
    let requests = server.requests("/npm/is-number");
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1].at - requests[0].at >= Duration::from_millis(950),
        "{:?}",
        requests[1].at - requests[0].at
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_stalled_response_times_out_and_malformed_json_keeps_the_cache() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tusix", "pypi:six");
    tool(&sb, "tustall", "npm:is-number");
    server.route(
        "/simple/six/",
        vec![
            six_json(),
            Reply::ok("{\"files\": [")
                .header("Content-Type", "application/vnd.pypi.simple.v1+json"),
        ],
    );
    server.route(
        "/npm/is-number",
        vec![Reply::ok(recorded("npm-is-number.json")).delay(Duration::from_secs(30))],
    );
    let started = Instant::now();
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    let doc = json_stdout(&out);
    assert!(
        record(&doc, "tustall")["error"]
            .as_str()
            .unwrap()
            .contains("timed out"),
        "{doc:#}"
    );
    let cache = sb.home.join(".cache/toolup/latest_versions.json");
    let before = std::fs::read(&cache).unwrap();
    let out = run(
        &sb,
        &server,
        &["latest", "--refresh", "--format", "json", "--only", "tusix"],
    );
    let doc = json_stdout(&out);
    let latest = &record(&doc, "tusix")["latest"];
    assert_eq!(
        (latest["version"].as_str(), latest["from"].as_str()),
        (Some("1.17.0"), Some("cache")),
        "{latest:#}"
    );
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        before,
        "a failed fetch must not touch the cache"
    );
}

#[test]
fn github_rate_limit_stops_api_calls_and_falls_back_once_warned() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    // The API and the web site are different hosts, as api.github.com and github.com are.
    let web = FixtureServer::start();
    let limited = Reply::status(403)
        .header("X-RateLimit-Remaining", "0")
        .header("X-RateLimit-Reset", "1893456000");
    for i in 0..12 {
        let name = format!("tugh{i}");
        tool(&sb, &name, &format!("github:owner/{name}"));
        server.route(
            &format!("/api/repos/owner/{name}/releases/latest"),
            vec![limited.clone()],
        );
        let location = format!("{}/web/owner/{name}/releases/tag/v1.{i}.0", web.base);
        web.route(
            &format!("/web/owner/{name}/releases/latest"),
            vec![Reply::status(302).header("Location", &location)],
        );
    }
    let out = online(&sb, &server, &["latest", "--format", "json"])
        .env("TOOLUP_GITHUB_URL", format!("{}/web", web.base))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let doc = json_stdout(&out);
    for i in 0..12 {
        assert_eq!(
            record(&doc, &format!("tugh{i}"))["latest"]["version"],
            format!("1.{i}.0"),
            "{doc:#}"
        );
    }
    let api = server.requests("/api/");
    let first = api.iter().map(|r| r.at).min().unwrap();
    // Only the first wave (at most 8 per host at once) was already on its way.
    let late: Vec<_> = api
        .iter()
        .filter(|r| r.at > first + Duration::from_secs(2))
        .collect();
    assert!(late.is_empty(), "API calls after the rate limit: {late:?}");
    assert!(api.len() <= 8, "{} API calls", api.len());
    let err = stderr(&out);
    assert_eq!(err.matches("rate limit").count(), 1, "{err}");
    assert!(err.contains("2030-01-01"), "names the reset time: {err}");
}

/// GitHub Enterprise Server (or a mirror) serves the API and the web pages
/// from one host: a rate-limited API must not stop the quota-free web fallbacks.
#[test]
fn a_rate_limited_api_leaves_the_web_fallbacks_on_the_same_host_working() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let limited = Reply::status(403)
        .header("X-RateLimit-Remaining", "0")
        .header("X-RateLimit-Reset", "1893456000");
    for i in 0..12 {
        let name = format!("tughe{i}");
        tool(&sb, &name, &format!("github:owner/{name}"));
        server.route(
            &format!("/api/repos/owner/{name}/releases/latest"),
            vec![limited.clone()],
        );
        let location = format!("{}/web/owner/{name}/releases/tag/v2.{i}.0", server.base);
        server.route(
            &format!("/web/owner/{name}/releases/latest"),
            vec![Reply::status(302).header("Location", &location)],
        );
    }
    // One host for both: online() points the API at /api and the web at /web.
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert!(out.status.success(), "{}\n{}", stderr(&out), stdout(&out));
    let doc = json_stdout(&out);
    for i in 0..12 {
        let t = record(&doc, &format!("tughe{i}"));
        assert_eq!(t["latest"]["version"], format!("2.{i}.0"), "{doc:#}");
        assert_eq!(t["latest"]["from"], "network", "{doc:#}");
    }
    assert_eq!(
        server.requests("/web/").len(),
        12,
        "every web fallback asked"
    );
    assert!(
        server.requests("/api/").len() <= 8,
        "the API stopped after the first wave"
    );
    let err = stderr(&out);
    assert_eq!(err.matches("rate limit").count(), 1, "{err}");
    assert!(err.contains("2030-01-01"), "names the reset time: {err}");
}

#[test]
fn github_releases_tags_and_atom_gitlab_and_gnu() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "turel", "github:o/turel");
    tool(&sb, "tutags", "github:o/tutags");
    tool(&sb, "tuatom", "github:o/tuatom");
    tool(&sb, "tulab", "gitlab:group/tulab");
    tool(&sb, "tugnu", "gnu:tugnu");
    server.route("/api/repos/o/turel/releases/latest", vec![Reply::ok(r#"{"tag_name": "turel-2.3.4", "published_at": "2026-01-02T03:04:05Z", "draft": false, "prerelease": false}"#)]);
    server.route("/api/repos/o/tutags/tags?per_page=100", vec![Reply::ok(r#"[{"name": "v3.0.0-rc.1"}, {"name": "v2.10.0"}, {"name": "v2.9.0"}, {"name": "nightly"}]"#)]);
    server.route(
        "/api/repos/o/tuatom/releases/latest",
        vec![Reply::status(500)],
    );
    let feed = r#"<?xml version="1.0"?><feed><entry><link rel="alternate" href="https://github.com/o/tuatom/releases/tag/v5.0.0-beta.1"/></entry><entry><link rel="alternate" href="https://github.com/o/tuatom/releases/tag/v4.2.0"/></entry></feed>"#;
    server.route("/web/o/tuatom/releases.atom", vec![Reply::ok(feed)]);
    server.route("/gitlab/api/v4/projects/group%2Ftulab/releases?per_page=20", vec![Reply::ok(r#"[{"tag_name": "v1.5.0", "released_at": "2026-02-01T00:00:00Z", "upcoming_release": true}, {"tag_name": "v1.4.2", "released_at": "2026-01-01T00:00:00Z", "upcoming_release": false}]"#)]);
    let listing = r#"<a href="tugnu-1.9.tar.gz">tugnu-1.9.tar.gz</a> <a href="tugnu-1.10.tar.xz">tugnu-1.10.tar.xz</a> <a href="tugnu-1.10.tar.xz.sig">sig</a> <a href="tugnu-latest.tar.gz">latest</a>"#;
    server.route("/gnu/tugnu/", vec![Reply::ok(listing)]);
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    let doc = json_stdout(&out);
    for (name, version) in [
        ("turel", "2.3.4"),
        ("tutags", "2.10.0"),
        ("tuatom", "4.2.0"),
        ("tulab", "1.4.2"),
        ("tugnu", "1.10"),
    ] {
        assert_eq!(
            record(&doc, name)["latest"]["version"],
            version,
            "{name}: {doc:#}"
        );
    }
}

#[test]
fn redirects_are_followed() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tuitoa", "crates:itoa");
    let moved = format!("{}/mirror/it/oa/itoa", server.base);
    server.route(
        "/index/it/oa/itoa",
        vec![Reply::status(301).header("Location", &moved)],
    );
    server.route(
        "/mirror/it/oa/itoa",
        vec![Reply::ok(recorded("crates-itoa.txt"))],
    );
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    assert_eq!(
        record(&json_stdout(&out), "tuitoa")["latest"]["version"],
        "1.0.18"
    );
}

#[test]
fn a_minimum_release_age_holds_back_a_fresh_release() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tusix", "pypi:six");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&recorded("pypi-simple-six.json")).unwrap();
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let files = doc["files"].as_array_mut().unwrap();
    files.push(
        serde_json::json!({"filename": "six-1.18.0.tar.gz", "upload-time": now, "yanked": false}),
    );
    files.push(serde_json::json!({"filename": "six-1.19.0-py2.py3-none-any.whl", "upload-time": "2020-01-01T00:00:00Z", "yanked": "broken"}));
    server.route(
        "/simple/six/",
        vec![
            Reply::ok(doc.to_string())
                .header("Content-Type", "application/vnd.pypi.simple.v1+json"),
        ],
    );
    let out = run(
        &sb,
        &server,
        &["latest", "--format", "json", "--min-release-age", "3d"],
    );
    assert_eq!(
        record(&json_stdout(&out), "tusix")["latest"]["version"],
        "1.17.0"
    );
    let out = run(&sb, &server, &["latest", "--format", "json", "--refresh"]);
    assert_eq!(
        record(&json_stdout(&out), "tusix")["latest"]["version"],
        "1.18.0",
        "the yanked 1.19.0 is skipped"
    );
}

#[test]
fn offline_opens_no_socket_and_answers_from_the_cache() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    registries(&server);
    tool(&sb, "tusix", "pypi:six");
    run(&sb, &server, &["latest"]);
    let trace = sb.root.join("trace.txt");
    let strace = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("strace"))
        .find(|p| p.is_file())
        .expect("strace is required for this test");
    let inner = online(&sb, &server, &[]);
    let mut cmd = Command::new(strace);
    cmd.args(["-f", "-qq", "-e", "trace=socket,connect", "-o"])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_toolup"))
        .args(["latest", "--offline", "--refresh", "--format", "json"])
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .current_dir(&sb.root);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&trace).unwrap().trim(),
        "",
        "no socket may be opened"
    );
    let doc = json_stdout(&out);
    let latest = &record(&doc, "tusix")["latest"];
    assert_eq!(latest["from"], "cache");
    assert_eq!(
        server.requests("/").len(),
        1,
        "only the first, online run asked the server"
    );
}

#[test]
fn every_source_unreachable_uses_stale_caches_and_changes_no_file() {
    let sb = Sandbox::new();
    tool(&sb, "tusix", "pypi:six");
    sb.fake(&sb.bin, "tusix", "tusix 1.16.0");
    let cache_dir = sb.home.join(".cache/toolup");
    std::fs::create_dir_all(&cache_dir).unwrap();
    let cache = cache_dir.join("latest_versions.json");
    let old = r#"{"__hints__": {}, "__meta__": {"fetched_at": {"tusix": "2026-01-01T00:00:00Z"}, "schema_version": 1, "source": {"tusix": "pypi:six"}}, "tusix": "1.17.0"}"#;
    std::fs::write(&cache, old).unwrap();
    let baseline = sb.root.join("latest_versions.json");
    std::fs::write(&baseline, old).unwrap();
    let closed = "http://127.0.0.1:9";
    let mut cmd = sb.cmd(&["collect", "--update-baseline", "latest_versions.json"]);
    cmd.env_remove("TOOLUP_OFFLINE");
    for var in [
        "TOOLUP_PYPI_URL",
        "TOOLUP_NPM_REGISTRY_URL",
        "TOOLUP_CRATES_INDEX_URL",
        "TOOLUP_GITHUB_API_URL",
        "TOOLUP_GITHUB_URL",
        "TOOLUP_GITLAB_URL",
        "TOOLUP_GNU_URL",
    ] {
        cmd.env(var, closed);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 fetched"), "{}", stderr(&out));
    assert!(
        !sb.root.join("latest_versions.json.lock").exists(),
        "no lock file is left beside the baseline"
    );
    let snap = sb.snapshot();
    let record = crate::support::record(&snap, "tusix");
    assert_eq!(record["status"], "outdated");
    assert_eq!(record["latest"]["from"], "cache");
    assert_eq!(record["latest"]["stale"], true);
    assert_eq!(
        std::fs::read_to_string(&cache).unwrap(),
        old,
        "user cache unchanged byte for byte"
    );
    assert_eq!(
        std::fs::read_to_string(&baseline).unwrap(),
        old,
        "baseline unchanged byte for byte"
    );
}

#[test]
fn two_processes_at_once_both_land_in_the_cache() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    registries(&server);
    server.route(
        "/npm/is-number",
        vec![Reply::ok(recorded("npm-is-number.json")).delay(Duration::from_millis(300))],
    );
    tool(&sb, "tusix", "pypi:six");
    tool(&sb, "tunum", "npm:is-number");
    let quiet = |mut c: Command| c.stdout(std::process::Stdio::null()).spawn().unwrap();
    let a = quiet(online(&sb, &server, &["latest", "tusix"]));
    let b = quiet(online(&sb, &server, &["latest", "tunum"]));
    for mut child in [a, b] {
        assert!(child.wait().unwrap().success());
    }
    let cache: serde_json::Value = serde_json::from_slice(
        &std::fs::read(sb.home.join(".cache/toolup/latest_versions.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(cache["tusix"], "1.17.0", "{cache:#}");
    assert_eq!(cache["tunum"], "7.0.0", "{cache:#}");
}

#[test]
fn the_crates_web_api_answers_when_the_index_cannot() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tuitoa", "crates:itoa");
    server.route("/index/it/oa/itoa", vec![Reply::status(503)]);
    server.route(
        "/api/v1/crates/itoa",
        vec![Reply::ok(r#"{"crate": {"name": "itoa", "max_version": "2.0.0-rc.1", "max_stable_version": "1.0.18"}, "versions": [{"num": "1.0.18", "created_at": "2026-01-01T00:00:00.000000+00:00"}]}"#)],
    );
    let out = online(&sb, &server, &["latest", "--format", "json"])
        .env("TOOLUP_CRATES_API_URL", &server.base)
        .output()
        .unwrap();
    assert_eq!(
        record(&json_stdout(&out), "tuitoa")["latest"]["version"],
        "1.0.18",
        "{}",
        stderr(&out)
    );
}

#[test]
fn npm_publish_times_come_from_the_full_document_only_when_needed() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    tool(&sb, "tunum", "npm:is-number");
    let now = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let full = serde_json::json!({"name": "is-number", "dist-tags": {"latest": "7.0.0"}, "time": {"7.0.0": now}});
    server.route("/npm/is-number", vec![Reply::ok(full.to_string())]);
    let out = run(
        &sb,
        &server,
        &["latest", "--format", "json", "--min-release-age", "3d"],
    );
    let doc = json_stdout(&out);
    assert!(
        record(&doc, "tunum")["error"]
            .as_str()
            .unwrap()
            .contains("younger than the minimum release age"),
        "{doc:#}"
    );
    assert_eq!(
        server.requests("/npm/")[0].headers["accept"],
        "application/json"
    );
}

#[test]
fn config_files_set_sources_and_the_release_age_and_bad_keys_are_named() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    registries(&server);
    tool(&sb, "tusix", "pypi:six");
    let project = sb.root.join(".toolup.toml");
    std::fs::write(
        &project,
        format!(
            "[sources]\npypi = \"{}/simple\"\n\n[upstream]\nmin_release_age = \"2d\"\n",
            server.base
        ),
    )
    .unwrap();
    // [sources] in a project file counts once the user trusts it.
    assert!(sb.run(&["trust"]).status.success());
    let mut cmd = sb.cmd(&["latest", "--format", "json"]);
    cmd.env_remove("TOOLUP_OFFLINE");
    let out = cmd.output().unwrap();
    assert_eq!(
        record(&json_stdout(&out), "tusix")["latest"]["version"],
        "1.17.0",
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["config", "show"]);
    let text = stdout(&out);
    assert!(
        text.contains("upstream.min_release_age")
            && text.contains("2d")
            && text.contains(&project.display().to_string()),
        "{text}"
    );

    std::fs::write(
        &project,
        "[upstream]\nmin_release_age = \"2d\"\nrefresh_everything = true\n",
    )
    .unwrap();
    let out = sb.run(&["audit"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}:3: key `refresh_everything`",
            project.display()
        )),
        "{}",
        stderr(&out)
    );
}

/// A release whose asset is a real tar.gz made here, with a sums file.
fn release(server: &FixtureServer, sb: &Sandbox, name: &str, good_sum: bool) {
    release_of(server, sb, name, good_sum, |path| {
        crate::support::write_executable(path, &format!("#!/bin/sh\necho '{name} 1.0.0'\n"));
    });
}

/// The same, with the binary made by `make`.
fn release_of(
    server: &FixtureServer,
    sb: &Sandbox,
    name: &str,
    good_sum: bool,
    make: impl Fn(&Path),
) {
    let work = sb.root.join(format!("rel-{name}"));
    std::fs::create_dir_all(&work).unwrap();
    make(&work.join(name));
    let asset = format!(
        "{name}-1.0.0-{}-unknown-linux-musl.tar.gz",
        std::env::consts::ARCH
    );
    let status = Command::new("tar")
        .arg("czf")
        .arg(work.join(&asset))
        .arg("-C")
        .arg(&work)
        .arg(name)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(work.join(&asset)).unwrap();
    let sum = if good_sum {
        toolup::base::digest::sha256_hex(&bytes)
    } else {
        "0".repeat(64)
    };
    let b = &server.base;
    let doc = serde_json::json!({"tag_name": "v1.0.0", "assets": [
        {"name": asset, "browser_download_url": format!("{b}/dl/{name}/{asset}")},
        {"name": "sha256sums.txt", "browser_download_url": format!("{b}/dl/{name}/sha256sums.txt")},
        {"name": format!("{name}_1.0.0_amd64.deb"), "browser_download_url": format!("{b}/dl/{name}/nope.deb")},
    ]});
    for release in ["latest", "tags/v1.0.0"] {
        server.route(
            &format!("/api/repos/o/{name}/releases/{release}"),
            vec![Reply::ok(doc.to_string())],
        );
    }
    server.route(&format!("/dl/{name}/{asset}"), vec![Reply::ok(bytes)]);
    server.route(
        &format!("/dl/{name}/sha256sums.txt"),
        vec![Reply::ok(format!("{sum}  {asset}\n"))],
    );
    tool(sb, name, &format!("github:o/{name}"));
    let path = sb.catalog.join(format!("{name}.toml"));
    let text =
        std::fs::read_to_string(&path).unwrap() + &format!("[install]\ngithub = \"o/{name}\"\n");
    std::fs::write(path, text).unwrap();
}

#[test]
fn github_release_binaries_are_verified_unpacked_and_placed() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    release(&server, &sb, "turel", true);
    release(&server, &sb, "tubadsum", false);
    let out = run(
        &sb,
        &server,
        &[
            "install",
            "turel",
            "--dry-run",
            "--environment",
            "workstation",
        ],
    );
    assert!(
        stdout(&out).contains("fetch-release o/turel"),
        "{}",
        stdout(&out)
    );
    let out = run(
        &sb,
        &server,
        &["install", "turel", "--yes", "--environment", "workstation"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let placed = sb.home.join(".local/bin/turel");
    assert_eq!(
        std::fs::read_to_string(&placed).unwrap(),
        "#!/bin/sh\necho 'turel 1.0.0'\n"
    );
    assert!(
        stderr(&out).contains("install turel: ok (1.0.0"),
        "{}",
        stderr(&out)
    );

    let out = run(
        &sb,
        &server,
        &[
            "install",
            "tubadsum",
            "--yes",
            "--environment",
            "workstation",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not match the published"),
        "{}",
        stderr(&out)
    );
    assert!(
        !sb.home.join(".local/bin/tubadsum").exists(),
        "nothing unverified is placed"
    );
}

#[test]
fn a_decompression_bomb_is_refused_without_unpacking_it() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    // 80 MB of zeros: a tar.gz of about 80 KB.
    release_of(&server, &sb, "tubomb", true, |path| {
        let file = std::fs::File::create(path).unwrap();
        file.set_len(80 * 1024 * 1024).unwrap();
    });
    let out = run(
        &sb,
        &server,
        &["install", "tubomb", "--yes", "--environment", "workstation"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("decompression bomb"),
        "{}",
        stderr(&out)
    );
    assert!(!sb.home.join(".local/bin/tubomb").exists());
    let leftovers: Vec<_> = std::fs::read_dir(sb.home.join(".local/bin"))
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_large_legitimate_asset_installs() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    // 40 MB that does not compress: a script followed by a payload it never reads.
    release_of(&server, &sb, "tubig", true, |path| {
        let mut bytes = b"#!/bin/sh\necho 'tubig 1.0.0'\nexit 0\n".to_vec();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        bytes.extend((0..40 * 1024 * 1024).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        }));
        std::fs::write(path, bytes).unwrap();
        std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    });
    let out = run(
        &sb,
        &server,
        &["install", "tubig", "--yes", "--environment", "workstation"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let placed = std::fs::metadata(sb.home.join(".local/bin/tubig")).unwrap();
    assert!(placed.len() > 40 * 1024 * 1024);
}

#[test]
fn npm_answers_from_the_dist_tags_document_alone() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    server.route(
        "/npm/-/package/is-number/dist-tags",
        vec![Reply::ok(r#"{"latest":"7.0.0","next":"8.0.0-rc.1"}"#)],
    );
    server.route(
        "/npm/-/package/@scope%2fpkg/dist-tags",
        vec![Reply::ok(r#"{"latest":"1.2.3"}"#)],
    );
    tool(&sb, "tunum", "npm:is-number");
    tool(&sb, "tuscoped", "npm:@scope/pkg");
    let out = run(&sb, &server, &["latest", "--format", "json"]);
    let doc = json_stdout(&out);
    assert_eq!(
        record(&doc, "tunum")["latest"]["version"],
        "7.0.0",
        "{doc:#}"
    );
    assert_eq!(
        record(&doc, "tuscoped")["latest"]["version"],
        "1.2.3",
        "{doc:#}"
    );
    let asked: Vec<String> = server
        .requests("/npm/")
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        asked.len(),
        2,
        "only the two dist-tags documents: {asked:?}"
    );
}

/// `Sources.gz` as Debian's archive serves it, gzip-compressed.
fn sources_gz(stanzas: &str) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(stanzas.as_bytes()).unwrap();
    gz.finish().unwrap()
}

#[test]
fn debian_answers_from_unstables_sources_found_through_apts_own_sources() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let stanzas = "Package: git\nBinary: git, git-man\nVersion: 1:2.47.2-0.1\nMaintainer: x\n\n\
                   Package: git\nVersion: 1:2.51.0-1\n\n\
                   Package: jq\nVersion: 1.7.1+dfsg-1\n\n\
                   Package: less\nVersion: 668-1\n\n\
                   Package: preonly\nVersion: 3.0~rc1-1\n\n\
                   Package: unwanted\nVersion: 9.9-1\n";
    server.route(
        "/debian/dists/unstable/main/source/Sources.gz",
        vec![Reply::ok(sources_gz(stanzas))],
    );
    // apt's own sources name the mirror (deb822 format).
    let etc = sb.root.join("apt-etc");
    std::fs::create_dir_all(etc.join("sources.list.d")).unwrap();
    std::fs::write(
        etc.join("sources.list.d/debian.sources"),
        format!(
            "Types: deb\nURIs: {}/debian\nSuites: bookworm\nComponents: main\n",
            server.base
        ),
    )
    .unwrap();
    for (name, package) in [
        ("tugit", "git"),
        ("tujq", "jq"),
        ("tuless", "less"),
        ("tupre", "preonly"),
    ] {
        tool(&sb, name, &format!("debian:{package}"));
    }
    let out = sb
        .cmd(&["latest", "--format", "json"])
        .env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_APT_ETC", &etc)
        .output()
        .unwrap();
    let doc = json_stdout(&out);
    for (name, version) in [("tugit", "2.51.0"), ("tujq", "1.7.1"), ("tuless", "668")] {
        let t = record(&doc, name);
        assert_eq!(t["latest"]["version"], version, "{doc:#}");
        assert_eq!(
            t["latest"]["source"],
            format!("debian:{}", &name[2..]),
            "{t:#}"
        );
    }
    let pre = record(&doc, "tupre");
    assert!(pre["latest"].is_null(), "{pre:#}");
    assert!(
        pre["error"].as_str().unwrap().contains("pre-release"),
        "{pre:#}"
    );
    // One document answered all four.
    assert_eq!(server.requests("/debian/").len(), 1);
}

/// Peak RSS of a `toolup latest` run, from its own debug log.
fn peak_rss_kib(out: &Output) -> u64 {
    let err = stderr(out);
    let at = err
        .find("peak_rss_kib=")
        .unwrap_or_else(|| panic!("no peak in {err}"));
    err[at + "peak_rss_kib=".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// A 20 MB registry document is read as a stream: memory stays near a small
/// one's. Shaped as big projects' pages are: a thousand-odd releases, each
/// with a wheel per platform and Python.
#[test]
fn a_20_mb_document_costs_little_memory() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let mut big = String::from(r#"{"meta":{"api-version":"1.1"},"name":"big","files":["#);
    let mut n = 0;
    while big.len() < 20 * 1024 * 1024 {
        if n > 0 {
            big.push(',');
        }
        big.push_str(&format!(
            r#"{{"filename":"big-1.{v}.0-cp3{k}-cp3{k}-manylinux_2_17_x86_64.whl","url":"https://registry.invalid/packages/aa/bb/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc/big-1.{v}.0-cp3{k}-cp3{k}-manylinux_2_17_x86_64.whl","hashes":{{"sha256":"0000000000000000000000000000000000000000000000000000000000000000"}},"requires-python":">=3.8","size":12345,"upload-time":"2024-01-01T00:00:00Z","yanked":false}}"#,
            v = n / 30,
            k = n % 30
        ));
        n += 1;
    }
    big.push_str("]}");
    let json = |body: String| {
        Reply::ok(body).header("Content-Type", "application/vnd.pypi.simple.v1+json")
    };
    server.route("/simple/big/", vec![json(big)]);
    server.route("/simple/six/", vec![six_json()]);
    tool(&sb, "tubig", "pypi:big");
    tool(&sb, "tusix", "pypi:six");
    let measure = |name: &str| {
        let out = online(
            &sb,
            &server,
            &["latest", "--format", "json", "--refresh", name],
        )
        .env("TOOLUP_LOG", "debug")
        // Reading 20 MB in a debug build on a busy machine takes seconds:
        // this test is about memory, not speed.
        .env("TOOLUP_HTTP_TIMEOUT", "120")
        .output()
        .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        (json_stdout(&out), peak_rss_kib(&out))
    };
    let (_, small) = measure("tusix");
    let (doc, large) = measure("tubig");
    assert_eq!(
        record(&doc, "tubig")["latest"]["version"],
        format!("1.{}.0", (n - 1) / 30),
        "every file was read"
    );
    // Read whole into a `serde_json::Value`, 20 MB of JSON costs over 100 MB.
    assert!(
        large < small + 8 * 1024,
        "peak RSS {large} KiB for 20 MB against {small} KiB for a small document"
    );
}
