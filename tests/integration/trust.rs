//! Secrets stay where they belong: project files are untrusted until
//! `toolup trust` (a cloned repository's `.toolup.toml` cannot send the
//! user's GitHub token to a host it names), the token never crosses a
//! redirect, and no log level prints a credential.

use crate::fixture_server::{FixtureServer, Reply};
use crate::support::{Sandbox, stderr};

const RELEASE: &str = r#"{"tag_name": "v1.2.3", "published_at": "2026-01-02T03:04:05Z", "draft": false, "prerelease": false}"#;

fn bearer_requests(server: &FixtureServer) -> usize {
    server
        .requests("/")
        .iter()
        .filter(|r| {
            r.headers
                .get("authorization")
                .is_some_and(|a| a.contains("ghp_secret123"))
        })
        .count()
}

#[test]
fn a_project_file_cannot_take_the_token_until_trusted() {
    let sb = Sandbox::new();
    sb.tool("tutool", &["tutool"], "");
    let api = FixtureServer::start();
    let attacker = FixtureServer::start();
    for server in [&api, &attacker] {
        server.route(
            "/repos/example/tutool/releases/latest",
            vec![Reply::ok(RELEASE)],
        );
    }
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!("[sources]\ngithub_api = \"{}\"\n", api.base),
    )
    .unwrap();
    let clone = sb.root.join("clone");
    let project = clone.join("src");
    std::fs::create_dir_all(&project).unwrap();
    let file = clone.join(".toolup.toml");
    std::fs::write(
        &file,
        format!("[sources]\ngithub_api = \"{}\"\n", attacker.base),
    )
    .unwrap();
    let latest = || {
        sb.cmd(&["latest", "tutool", "--refresh", "--format", "json"])
            .env_remove("TOOLUP_OFFLINE")
            .env("GITHUB_TOKEN", "ghp_secret123")
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .current_dir(&project)
            .output()
            .unwrap()
    };

    let out = latest();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("ignored [sources]") && err.contains("toolup trust"),
        "says what was ignored and how to trust it: {err}"
    );
    assert_eq!(
        attacker.requests("/").len(),
        0,
        "the project's host was asked"
    );
    assert_eq!(bearer_requests(&api), 1, "the user's API gets the token");

    let trusted = sb.cmd(&["trust"]).current_dir(&project).output().unwrap();
    assert!(trusted.status.success(), "{}", stderr(&trusted));
    let out = latest();
    assert!(!stderr(&out).contains("ignored"), "{}", stderr(&out));
    assert_eq!(bearer_requests(&attacker), 1, "trusted: the file counts");

    // An edited file is untrusted again.
    std::fs::write(
        &file,
        format!("[sources]\ngithub_api = \"{}\"\n# edited\n", attacker.base),
    )
    .unwrap();
    let out = latest();
    assert!(
        stderr(&out).contains("ignored [sources]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(bearer_requests(&attacker), 1);
    assert_eq!(bearer_requests(&api), 2);

    let untrust = sb
        .cmd(&["trust", "--untrust", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(untrust.status.success(), "{}", stderr(&untrust));
}

#[test]
fn the_token_never_follows_a_redirect() {
    let sb = Sandbox::new();
    sb.tool("tutool", &["tutool"], "");
    let api = FixtureServer::start();
    let elsewhere = FixtureServer::start();
    api.route(
        "/repos/example/tutool/releases/latest",
        vec![Reply::status(302).header(
            "Location",
            &format!("{}/repos/example/tutool/releases/latest", elsewhere.base),
        )],
    );
    elsewhere.route(
        "/repos/example/tutool/releases/latest",
        vec![Reply::ok(RELEASE)],
    );
    let out = sb
        .cmd(&["latest", "tutool", "--refresh", "--format", "json"])
        .env_remove("TOOLUP_OFFLINE")
        .env("GITHUB_TOKEN", "ghp_secret123")
        .env("TOOLUP_GITHUB_API_URL", &api.base)
        .env("TOOLUP_HTTP_TIMEOUT", "2")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(bearer_requests(&api), 1);
    assert_eq!(
        elsewhere.requests("/").len(),
        1,
        "the redirect was followed"
    );
    assert_eq!(
        bearer_requests(&elsewhere),
        0,
        "the token crossed a redirect"
    );
}

#[test]
fn no_log_level_prints_a_credential() {
    let sb = Sandbox::new();
    sb.tool("tutool", &["tutool"], "");
    std::fs::write(
        sb.catalog.join("tusix.toml"),
        "name = \"tusix\"\ndescription = \"t\"\ncategory = \"t\"\nbins = [\"tusix\"]\nupstream = \"pypi:six\"\n",
    )
    .unwrap();
    let server = FixtureServer::start();
    server.route(
        "/repos/example/tutool/releases/latest",
        vec![Reply::ok(RELEASE)],
    );
    let index = server.base.replace("http://", "http://bob:hunter2pass@");
    for (log, verbose) in [("trace", None), ("debug", Some("-vv"))] {
        let mut args = vec!["latest", "tutool", "tusix", "--refresh", "--format", "json"];
        args.extend(verbose);
        let out = sb
            .cmd(&args)
            .env_remove("TOOLUP_OFFLINE")
            .env("TOOLUP_LOG", log)
            .env("GITHUB_TOKEN", "ghp_secret123")
            .env("TOOLUP_GITHUB_API_URL", &server.base)
            .env("TOOLUP_PYPI_URL", format!("{index}/simple"))
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(err.lines().count() > 3, "the log says something: {err}");
        // A wire dump shows 16 bytes a line: read its text column whole too.
        let wire: String = err
            .lines()
            .filter(|l| {
                l.len() > 47
                    && l[6..46]
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ' ' || c == '-')
            })
            .map(|l| &l[47..])
            .collect();
        for secret in ["ghp_secret123", "hunter2pass", "Ym9iOmh1bnRlcjJwYXNz"] {
            assert!(!err.contains(secret), "TOOLUP_LOG={log}: {secret} in {err}");
            assert!(
                !wire.contains(secret),
                "TOOLUP_LOG={log}: {secret} in the wire dump {wire}"
            );
        }
        assert!(
            !stderr(&out)
                .to_ascii_lowercase()
                .contains("authorization: "),
            "{err}"
        );
    }
    assert_eq!(bearer_requests(&server), 2, "the token was still sent");
}
