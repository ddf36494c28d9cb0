//! Registry addresses found the way each client finds them — pip's and uv's
//! configuration files and variables, pip's built-in default read from a
//! `python3` on PATH, cargo's configuration with source replacement and its
//! index cache, npm's answer — each shown by `toolup doctor` with where it
//! came from; a mirror configured for a client is where `toolup latest` goes.

use std::path::Path;
use std::process::{Command, Output};

use crate::fixture_server::{FixtureServer, Reply};
use crate::support::{Sandbox, json_stdout, record, stderr, stdout};

/// `toolup doctor --format json` (offline: addresses only) with `vars` set.
fn doctor(sb: &Sandbox, vars: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = sb.cmd(&["doctor", "--format", "json"]);
    cmd.envs(vars.iter().copied());
    let out = cmd.output().unwrap();
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&out), stderr(&out)))
}

/// The registry finding whose subject starts with `label`.
fn registry<'a>(doc: &'a serde_json::Value, label: &str) -> &'a serde_json::Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["area"] == "registries" && f["subject"].as_str().unwrap().starts_with(label))
        .unwrap_or_else(|| panic!("no {label} finding in {doc:#}"))
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Asserts the finding names `url` and an origin containing `origin`.
fn found(doc: &serde_json::Value, label: &str, url: &str, origin: &str) {
    let f = registry(doc, label);
    assert_eq!(f["url"], url, "{f:#}");
    let o = f["origin"].as_str().unwrap_or_default();
    assert!(
        o.contains(origin),
        "origin {o:?} should name {origin:?}: {f:#}"
    );
}

#[test]
fn pip_configuration_is_read_as_pip_reads_it() {
    let sb = Sandbox::new();
    let user = sb.home.join(".config/pip/pip.conf");
    let legacy = sb.home.join(".pip/pip.conf");
    let xdg = sb.root.join("xdg");
    let base = [("XDG_CONFIG_DIRS", xdg.to_str().unwrap())];
    // Nothing configured and no python3: nothing found, and every place looked is listed.
    let doc = doctor(&sb, &base);
    let f = registry(&doc, "PyPI");
    assert_eq!(f["health"], "warn", "{f:#}");
    let looked = f["looked_in"].to_string();
    for place in [
        "PIP_INDEX_URL",
        "pip/pip.conf",
        ".pip/pip.conf",
        "uv/uv.toml",
    ] {
        assert!(looked.contains(place), "{place} not in {looked}");
    }
    // The site-wide file (XDG_CONFIG_DIRS), then the user's files over it.
    write(
        &xdg.join("pip/pip.conf"),
        "[global]\nindex-url = https://site.test/simple\n",
    );
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://site.test/simple",
        "xdg/pip/pip.conf",
    );
    write(
        &legacy,
        "[global]\nindex_url = https://legacy.test/simple/\n",
    );
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://legacy.test/simple",
        ".pip/pip.conf",
    );
    // In one file, `[install]` (pip's command section) over `[global]`.
    write(
        &user,
        "[install]\nindex-url = https://install.test/simple\n[global]\nindex-url = https://global.test/simple\n",
    );
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://install.test/simple",
        "[install] index-url",
    );
    // A virtualenv's pip.conf over the user's.
    let venv = sb.root.join("venv");
    write(
        &venv.join("pip.conf"),
        "[global]\nindex-url = https://venv.test/simple\n",
    );
    let with_venv = [base[0], ("VIRTUAL_ENV", venv.to_str().unwrap())];
    found(
        &doctor(&sb, &with_venv),
        "PyPI",
        "https://venv.test/simple",
        "venv/pip.conf",
    );
    // PIP_CONFIG_FILE: its file last (and pip then skips the user's files).
    let custom = sb.root.join("custom.conf");
    write(
        &custom,
        "[global]\nindex-url = https://custom.test/simple\n",
    );
    let with_file = [base[0], ("PIP_CONFIG_FILE", custom.to_str().unwrap())];
    found(
        &doctor(&sb, &with_file),
        "PyPI",
        "https://custom.test/simple",
        "custom.conf",
    );
    // PIP_CONFIG_FILE=/dev/null turns the files off.
    let off = [base[0], ("PIP_CONFIG_FILE", "/dev/null")];
    assert_eq!(registry(&doctor(&sb, &off), "PyPI")["health"], "warn");
    // PIP_INDEX_URL over every file.
    let var = [base[0], ("PIP_INDEX_URL", "https://var.test/simple")];
    found(
        &doctor(&sb, &var),
        "PyPI",
        "https://var.test/simple",
        "PIP_INDEX_URL",
    );
    // toolup's own variable over all of it.
    let own = [base[0], ("TOOLUP_PYPI_URL", "https://own.test/simple")];
    found(
        &doctor(&sb, &own),
        "PyPI",
        "https://own.test/simple",
        "TOOLUP_PYPI_URL",
    );
}

#[test]
fn uv_configuration_when_pip_has_none() {
    let sb = Sandbox::new();
    let xdg = sb.root.join("xdg");
    let base = [("XDG_CONFIG_DIRS", xdg.to_str().unwrap())];
    write(
        &sb.home.join(".config/uv/uv.toml"),
        "[[index]]\nname = \"corp\"\nurl = \"https://uv-user.test/simple\"\ndefault = true\n",
    );
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://uv-user.test/simple",
        "uv/uv.toml",
    );
    // The project's uv.toml (found upward from the working directory) over the user's.
    write(
        &sb.root.join("uv.toml"),
        "index-url = \"https://uv-project.test/simple\"\n",
    );
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://uv-project.test/simple",
        "index-url",
    );
    let var = [base[0], ("UV_DEFAULT_INDEX", "https://uv-var.test/simple")];
    found(
        &doctor(&sb, &var),
        "PyPI",
        "https://uv-var.test/simple",
        "UV_DEFAULT_INDEX",
    );
}

/// A fake `python3` that answers pip's index model as pip 24 does, logging each call.
fn fake_python(sb: &Sandbox, url: &str) -> std::path::PathBuf {
    let log = sb.root.join("python-calls.log");
    sb.script(
        &sb.bin,
        "python3",
        &format!(
            "echo \"call $1 $2\" >> {log}\nprintf '%s\\n' '{url}' '/usr/lib/python3/dist-packages/pip/_internal/models/index.py'",
            log = log.display()
        ),
    );
    log
}

#[test]
fn pips_built_in_default_comes_from_the_installed_pip_and_is_asked_once() {
    let sb = Sandbox::new();
    let xdg = sb.root.join("xdg");
    let base = [("XDG_CONFIG_DIRS", xdg.to_str().unwrap())];
    let log = fake_python(&sb, "https://pypi.test/simple");
    let doc = doctor(&sb, &base);
    found(
        &doc,
        "PyPI",
        "https://pypi.test/simple",
        "pip's built-in default",
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().count(), 1, "{calls}");
    assert!(calls.starts_with("call -I -c"), "isolated mode: {calls}");
    // A warm run asks no client.
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://pypi.test/simple",
        "pip's built-in default",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
    // A changed client is asked again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    fake_python(&sb, "https://pypi2.test/simple");
    found(
        &doctor(&sb, &base),
        "PyPI",
        "https://pypi2.test/simple",
        "pip's built-in default",
    );
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

#[test]
fn cargo_configuration_source_replacement_and_index_cache() {
    let sb = Sandbox::new();
    let cargo_home = sb.home.join(".cargo");
    // Nothing: nothing found.
    assert_eq!(
        registry(&doctor(&sb, &[]), "crates.io sparse")["health"],
        "warn"
    );
    // The index cargo already uses: its cache directory names the host, config.json the API.
    let cache = cargo_home.join("registry/index/index.crates.io-1949cf8c6b5b557f");
    write(
        &cache.join("config.json"),
        r#"{"dl":"https://static.crates.io/crates","api":"https://crates.io"}"#,
    );
    let doc = doctor(&sb, &[]);
    found(
        &doc,
        "crates.io sparse",
        "https://index.crates.io",
        "registry/index/index.crates.io-",
    );
    found(
        &doc,
        "crates.io web API",
        "https://crates.io",
        "config.json",
    );
    // A company mirror through source replacement in CARGO_HOME/config.toml.
    write(
        &cargo_home.join("config.toml"),
        "[source.crates-io]\nreplace-with = \"corp\"\n[source.corp]\nregistry = \"sparse+https://cargo.corp.test/index/\"\n",
    );
    found(
        &doctor(&sb, &[]),
        "crates.io sparse",
        "https://cargo.corp.test/index",
        "config.toml",
    );
    // A project's .cargo/config.toml up the tree wins over CARGO_HOME's, here
    // replacing crates-io with a named registry.
    let project = sb.root.join("project");
    write(
        &project.join(".cargo/config.toml"),
        "[source.crates-io]\nreplace-with = \"mirror\"\n[registries.mirror]\nindex = \"sparse+https://project.test/index/\"\n",
    );
    let sub = project.join("src/deep");
    std::fs::create_dir_all(&sub).unwrap();
    let out = sb
        .cmd(&["doctor", "--format", "json"])
        .current_dir(&sub)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    found(
        &doc,
        "crates.io sparse",
        "https://project.test/index",
        "project/.cargo/config.toml",
    );
    // cargo's variable over the files.
    let var = [(
        "CARGO_REGISTRIES_CRATES_IO_INDEX",
        "sparse+https://var.test/index/",
    )];
    found(
        &doctor(&sb, &var),
        "crates.io sparse",
        "https://var.test/index",
        "CARGO_REGISTRIES_CRATES_IO_INDEX",
    );
    // A replacement toolup cannot read (a vendored directory) is named, not guessed around.
    write(
        &cargo_home.join("config.toml"),
        "[source.crates-io]\nreplace-with = \"vendored\"\n[source.vendored]\ndirectory = \"vendor\"\n",
    );
    let f = registry(&doctor(&sb, &[]), "crates.io sparse").clone();
    assert_eq!(f["health"], "warn", "{f:#}");
    assert!(
        f["detail"].as_str().unwrap().contains("config.toml"),
        "{f:#}"
    );
}

#[test]
fn npm_is_asked_once_and_npmrc_read_without_it() {
    let sb = Sandbox::new();
    write(&sb.home.join(".npmrc"), "registry=https://npmrc.test/\n");
    found(&doctor(&sb, &[]), "npm", "https://npmrc.test", ".npmrc");
    let log = sb.root.join("npm-calls.log");
    sb.script(
        &sb.bin,
        "npm",
        &format!(
            "echo \"$*\" >> {}\necho https://npm-answer.test/",
            log.display()
        ),
    );
    found(
        &doctor(&sb, &[]),
        "npm",
        "https://npm-answer.test",
        "npm config get registry",
    );
    found(
        &doctor(&sb, &[]),
        "npm",
        "https://npm-answer.test",
        "npm config get registry",
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    assert_eq!(calls.lines().collect::<Vec<_>>(), ["config get registry"]);
    // An edited npmrc is a changed answer: npm is asked again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(&sb.home.join(".npmrc"), "registry=https://npmrc2.test/\n");
    doctor(&sb, &[]);
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 2);
}

fn online(sb: &Sandbox, args: &[&str]) -> Command {
    let mut cmd = sb.cmd(args);
    cmd.env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_HTTP_TIMEOUT", "2")
        .env("XDG_CONFIG_DIRS", sb.root.join("xdg"));
    cmd
}

fn tool(sb: &Sandbox, name: &str, upstream: &str) {
    let text = format!(
        "name = \"{name}\"\ndescription = \"t\"\ncategory = \"test\"\nbins = [\"{name}\"]\nupstream = {upstream}\n"
    );
    std::fs::write(sb.catalog.join(format!("{name}.toml")), text).unwrap();
}

fn latest(out: &Output, name: &str) -> serde_json::Value {
    record(&json_stdout(out), name).clone()
}

#[test]
fn a_mirror_configured_for_the_clients_is_where_latest_goes() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let b = &server.base;
    server.route(
        "/pypi-mirror/simple/six/",
        vec![
            Reply::ok(r#"{"meta":{"api-version":"1.1"},"name":"six","files":[{"filename":"six-1.17.0-py2.py3-none-any.whl","url":"x","hashes":{}}],"versions":["1.16.0","1.17.0"]}"#)
                .header("Content-Type", "application/vnd.pypi.simple.v1+json"),
        ],
    );
    server.route(
        "/cargo-mirror/index/it/oa/itoa",
        vec![Reply::ok(
            "{\"name\":\"itoa\",\"vers\":\"1.0.17\",\"yanked\":false}\n{\"name\":\"itoa\",\"vers\":\"1.0.18\",\"yanked\":false}\n",
        )],
    );
    write(
        &sb.home.join(".config/pip/pip.conf"),
        &format!("[global]\nindex-url = {b}/pypi-mirror/simple\n"),
    );
    write(
        &sb.home.join(".cargo/config.toml"),
        &format!(
            "[source.crates-io]\nreplace-with = \"corp\"\n[source.corp]\nregistry = \"sparse+{b}/cargo-mirror/index/\"\n"
        ),
    );
    tool(&sb, "tusix", "\"pypi:six\"");
    tool(&sb, "tuitoa", "[\"github:example/itoa\", \"crates:itoa\"]");
    let out = online(&sb, &["latest", "--format", "json", "tusix", "tuitoa"])
        // The GitHub API answers nothing here, so the crates fallback answers.
        .env("TOOLUP_GITHUB_API_URL", format!("{b}/nothing"))
        .env("TOOLUP_GITHUB_URL", format!("{b}/nothing"))
        .output()
        .unwrap();
    let six = latest(&out, "tusix");
    assert_eq!(
        six["latest"]["version"],
        "1.17.0",
        "{six:#}\n{}",
        stderr(&out)
    );
    assert_eq!(six["latest"]["from"], "network");
    let itoa = latest(&out, "tuitoa");
    assert_eq!(
        itoa["latest"]["version"],
        "1.0.18",
        "{itoa:#}\n{}",
        stderr(&out)
    );
    assert_eq!(
        itoa["latest"]["source"], "crates:itoa",
        "the answer names its source: {itoa:#}"
    );
}

#[test]
fn no_address_anywhere_is_said_once_per_registry_and_in_each_answer() {
    let sb = Sandbox::new();
    tool(&sb, "tuone", "\"pypi:one\"");
    tool(&sb, "tutwo", "\"pypi:two\"");
    let out = online(&sb, &["latest", "--format", "json"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(
        err.matches("PyPI: no package index found").count(),
        1,
        "{err}"
    );
    assert!(err.contains("TOOLUP_PYPI_URL"), "{err}");
    // The exit status's message names each tool, and the short reason.
    assert_eq!(out.status.code(), Some(1), "{err}");
    for name in ["tuone", "tutwo"] {
        assert!(
            err.contains(&format!("\n  {name}: no address for the PyPI registry")),
            "{err}"
        );
    }
    for name in ["tuone", "tutwo"] {
        let t = latest(&out, name);
        let e = t["error"].as_str().unwrap_or_default();
        assert!(
            e.contains("PyPI: no package index found in pip, uv"),
            "{t:#}"
        );
    }
}

#[test]
fn doctor_asks_each_address_once_names_the_token_never_and_exits_1_when_broken() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let b = &server.base;
    server.route("/simple/", vec![Reply::ok("<html></html>")]);
    server.route("/npm/-/ping", vec![Reply::ok("{}")]);
    server.route(
        "/index/config.json",
        vec![Reply::ok(r#"{"dl":"x","api":"y"}"#)],
    );
    server.route(
        "/api/rate_limit",
        vec![Reply::ok(
            r#"{"resources":{"core":{"limit":5000,"remaining":4321,"reset":1893456000,"used":679}}}"#,
        )],
    );
    server.route("/web/", vec![Reply::ok("hi")]);
    server.route("/gitlab/", vec![Reply::ok("hi")]);
    server.route("/gnu/", vec![Reply::ok("hi")]);
    server.route("/debian/", vec![Reply::ok("hi")]);
    let secret = "ghp_doctorsecret0123456789";
    let make = |format: &str| {
        let mut cmd = online(&sb, &["doctor", "--format", format]);
        cmd.env("TOOLUP_PYPI_URL", format!("{b}/simple"))
            .env("TOOLUP_NPM_REGISTRY_URL", format!("{b}/npm"))
            .env("TOOLUP_CRATES_INDEX_URL", format!("{b}/index"))
            .env("TOOLUP_CRATES_API_URL", format!("{b}/crates-api"))
            .env("TOOLUP_GITHUB_API_URL", format!("{b}/api"))
            .env("TOOLUP_GITHUB_URL", format!("{b}/web"))
            .env("TOOLUP_GITLAB_URL", format!("{b}/gitlab"))
            .env("TOOLUP_GNU_URL", format!("{b}/gnu"))
            .env("TOOLUP_DEBIAN_URL", format!("{b}/debian"))
            .env("GITHUB_TOKEN", secret);
        cmd
    };
    let out = make("json").output().unwrap();
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!text.contains(secret), "the token is never printed");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for label in [
        "PyPI",
        "npm",
        "crates.io sparse",
        "GitHub REST",
        "GitHub web",
        "GitLab",
        "GNU",
        "Debian",
    ] {
        assert_eq!(registry(&doc, label)["health"], "ok", "{label}: {doc:#}");
    }
    // The web API (an optional fallback) gets a 404: a warning that names the fix.
    let api = registry(&doc, "crates.io web API");
    assert_eq!(api["health"], "warn", "{api:#}");
    assert!(
        api["fix"]
            .as_str()
            .unwrap()
            .contains("TOOLUP_CRATES_API_URL"),
        "{api:#}"
    );
    let github = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["area"] == "github")
        .unwrap();
    let detail = github["detail"].as_str().unwrap();
    assert!(
        detail.contains("token present (from GITHUB_TOKEN)"),
        "{detail}"
    );
    assert!(
        detail.contains("4321 of 5000") && detail.contains("2030-01-01"),
        "{detail}"
    );
    // The token went to the API's rate_limit only.
    let authorized: Vec<String> = server
        .requests("/")
        .into_iter()
        .filter(|r| r.headers.contains_key("authorization"))
        .map(|r| r.path)
        .collect();
    assert_eq!(authorized, ["/api/rate_limit"]);
    // Every address asked once, no more.
    assert_eq!(server.requests("/simple").len(), 1);
    assert!(out.status.success(), "nothing broken: {doc:#}");

    // The main index answering 404, and a registry that does not answer at all: exit 1, fixes named.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}", dead.local_addr().unwrap());
    drop(dead);
    let broken = |format: &str| {
        let mut cmd = make(format);
        cmd.env("TOOLUP_PYPI_URL", format!("{b}/missing/simple"))
            .env("TOOLUP_NPM_REGISTRY_URL", &dead_url);
        cmd
    };
    let out = broken("json").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pypi = registry(&doc, "PyPI");
    assert_eq!(pypi["health"], "broken");
    assert!(
        pypi["fix"].as_str().unwrap().contains("TOOLUP_PYPI_URL"),
        "{pypi:#}"
    );
    let npm = registry(&doc, "npm");
    assert_eq!(npm["health"], "broken");
    assert!(
        npm["detail"].as_str().unwrap().contains("does not answer"),
        "{npm:#}"
    );
    // The table says the same, with each fix.
    let table = broken("table").output().unwrap();
    let text = stdout(&table);
    assert!(text.contains("fix: "), "{text}");
    assert!(text.contains("broken"), "{text}");
}

#[test]
fn doctor_offline_asks_nobody() {
    let sb = Sandbox::new();
    let server = FixtureServer::start();
    let out = sb
        .cmd(&["doctor", "--format", "json"])
        .env("TOOLUP_PYPI_URL", format!("{}/simple", server.base))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        registry(&doc, "PyPI")["detail"]
            .as_str()
            .unwrap()
            .contains("--offline")
    );
    assert!(server.requests("/").is_empty());
}

#[test]
fn doctor_names_path_problems() {
    let mut sb = Sandbox::new();
    // pyenv's shims after a directory holding the same command: pyenv's choice never runs.
    let system = sb.root.join("system-bin");
    sb.fake(&system, "python3", "Python 3.11.2");
    sb.add_path(&system);
    let shims = sb.home.join(".pyenv/shims");
    sb.fake(&shims, "python3", "shim");
    sb.fake(&shims, "pip3", "shim");
    sb.add_path(&shims);
    sb.path.push(sb.root.join("does-not-exist"));
    sb.path.push(system.clone());
    sb.path.push("relative/bin".into());
    let out = sb.run(&["doctor", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let path: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["area"] == "path")
        .collect();
    let all = serde_json::to_string_pretty(&path).unwrap();
    let find = |needle: &str| {
        path.iter()
            .find(|f| f["detail"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {all}"))
    };
    let shim = find(".pyenv/shims comes after");
    assert_eq!(shim["health"], "broken");
    assert!(
        shim["detail"].as_str().unwrap().contains("python3"),
        "{all}"
    );
    assert!(
        !shim["detail"].as_str().unwrap().contains("pip3"),
        "pip3 is not hidden: {all}"
    );
    assert!(shim["fix"].as_str().unwrap().contains("before"), "{all}");
    assert_eq!(find("does-not-exist does not exist")["health"], "warn");
    assert_eq!(find("is already entry 2")["health"], "warn");
    assert_eq!(find("relative entry")["health"], "broken");
}
