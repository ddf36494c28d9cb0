//! Credentials planted wherever a config file, a plugin or a tool can put
//! one never leave toolup: not on stdout (tables, Markdown, JSON documents
//! and event streams), not on stderr (at `-vv`), not in the files it
//! writes. And what reaches stderr has no raw control character; paths
//! that are not UTF-8 are never run as another file.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::fixture_server::FixtureServer;
use crate::support::{Sandbox, json_stdout, stderr, stdout, write_executable};

/// A GitHub token's shape: `ghp_` and 36 characters.
const GHP: &str = "ghp_Zq7mW2xT9vL4kR8sN1pY6cB3hJ5fD0gAeU2i";
/// A Basic credential (`bob:hunter2222`).
const BASIC: &str = "Ym9iOmh1bnRlcjIyMjI=";

/// Every credential of `secrets` that `text` shows.
fn shown<'a>(text: &str, secrets: &[&'a str]) -> Vec<&'a str> {
    secrets
        .iter()
        .copied()
        .filter(|s| text.contains(s))
        .collect()
}

/// Asserts that neither stream of `out` shows a secret, naming `what`.
fn assert_hidden(what: &str, out: &Output, secrets: &[&str]) {
    for (stream, text) in [("stdout", stdout(out)), ("stderr", stderr(out))] {
        assert_eq!(
            shown(&text, secrets),
            Vec::<&str>::new(),
            "{what}: {stream} shows a credential:\n{text}"
        );
    }
}

/// Every file under `dir` (bytes, any format), but `except`.
fn files(dir: &Path, except: &[&Path], found: &mut Vec<(PathBuf, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if except.contains(&path.as_path()) {
            continue;
        }
        if path.is_dir() {
            files(&path, except, found);
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, bytes));
        }
    }
}

/// Asserts that no file under `dir` (but `except`) holds a secret.
fn assert_not_persisted(dir: &Path, except: &[&Path], secrets: &[&str]) {
    let mut found = Vec::new();
    files(dir, except, &mut found);
    assert!(!found.is_empty(), "nothing written under {}", dir.display());
    for (path, bytes) in found {
        for secret in secrets {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} keeps {secret}:\n{}",
                path.display(),
                String::from_utf8_lossy(&bytes)
            );
        }
    }
}

#[test]
fn source_and_repository_passwords_are_shown_nowhere() {
    let sb = Sandbox::new();
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[sources]\nnpm = \"http://bob:NpmPass-4411@registry.example/npm\"\npypi = \"https://x:{GHP}@pypi.example/simple\"\n\n[modules]\nrepository = \"https://alice:ModPass-7723@git.example/team/modules.git\"\n"
        ),
    )
    .unwrap();
    let secrets = ["NpmPass-4411", GHP, "ModPass-7723"];
    for args in [
        &["config", "show"][..],
        &["config", "show", "--format", "json"],
        &["-vv", "config", "show"],
        &["doctor"],
        &["doctor", "--format", "json"],
    ] {
        let out = sb.run(args);
        assert!(out.status.code().is_some(), "{args:?}");
        assert_hidden(&args.join(" "), &out, &secrets);
        if args.contains(&"json") {
            json_stdout(&out);
        }
    }
    let doc = json_stdout(&sb.run(&["config", "show", "--format", "json"]));
    let value = |key: &str| {
        doc["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {doc:#}"))["value"]
            .clone()
    };
    assert_eq!(value("sources.npm"), "http://***@registry.example/npm");
    assert_eq!(
        value("modules.repository"),
        "https://***@git.example/team/modules.git"
    );
}

/// A plugin whose settings hold a token (a name that says so) and a
/// mirror's password, and whose every answer — estimate fields, progress
/// lines, output — repeats them with a GitHub token and a Basic credential.
fn leaky_plugin(sb: &Sandbox) -> PathBuf {
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    let all = format!(
        "$TOOLUP_PLUGIN_TULEAK_MIRROR $TOOLUP_PLUGIN_TULEAK_API_TOKEN {GHP} Authorization: Basic {BASIC}"
    );
    sb.script(
        &dir,
        "tuleak-plugin",
        &format!(
            r#"case "$1" in
  is-applicable) exit 0 ;;
  estimate-update) printf '{{"status": "success", "data": {{"packages_to_update": [{{"name": "%s", "current_version": "{GHP}", "new_version": "%s"}}, {{"name": "Authorization: Basic {BASIC}", "current_version": "%s", "new_version": "2"}}]}}}}\n' "$TOOLUP_PLUGIN_TULEAK_MIRROR" "$TOOLUP_PLUGIN_TULEAK_API_TOKEN" "MirPass-9031" ;;
  can-separate-download|does-require-sudo) exit 1 ;;
  version) echo "1.0 {all}" ;;
  update)
    printf '{{"type": "progress", "percent": 50, "message": "%s"}}\n' "{all}" >&2
    echo "stdout {all}"
    echo "stderr {all}" >&2
    exit 3 ;;
  *) exit 127 ;;
esac"#
        ),
    );
    let manifest = dir.join("tuleak.toml");
    std::fs::write(
        &manifest,
        "name = \"tuleak\"\nexecutable = \"tuleak-plugin\"\n\n[settings]\napi_token = \"plainTokenValue-5120\"\nmirror = \"https://carol:MirPass-9031@mirror.example/pkgs\"\n",
    )
    .unwrap();
    manifest
}

#[test]
fn a_plugins_settings_and_answers_show_no_credential_in_any_output_or_file() {
    let sb = Sandbox::new();
    let manifest = leaky_plugin(&sb);
    let secrets = ["plainTokenValue-5120", "MirPass-9031", GHP, BASIC];
    for args in [
        &["system", "check", "--only", "tuleak"][..],
        &["system", "check", "--only", "tuleak", "--format", "json"],
        &["-vv", "system", "check", "--only", "tuleak"],
        &["system", "status"],
        &["system", "status", "--format", "json"],
        &["plugins", "info", "tuleak"],
        &["plugins", "validate", manifest.to_str().unwrap()],
        &["system", "update", "--yes", "--only", "tuleak"],
        &["-vv", "system", "update", "--yes", "--only", "tuleak"],
        &[
            "system", "update", "--yes", "--only", "tuleak", "--format", "json",
        ],
        &["history"],
        &["history", "--format", "json"],
    ] {
        let out = sb.run(args);
        assert_hidden(&args.join(" "), &out, &secrets);
        if args.ends_with(&["--format", "json"]) {
            // A document, or an event stream of one per line: valid JSON
            // that still says what happened.
            let text = stdout(&out);
            let values: Vec<serde_json::Value> = if args.contains(&"update") {
                text.lines()
                    .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
                    .collect()
            } else {
                vec![json_stdout(&out)]
            };
            assert!(!values.is_empty(), "{args:?}: {text}");
            if args.contains(&"update") {
                let progress = values
                    .iter()
                    .find(|e| e["event"] == "progress")
                    .unwrap_or_else(|| panic!("no progress event: {text}"));
                let message = progress["message"].as_str().unwrap();
                assert!(
                    message.contains("https://***@mirror.example/pkgs"),
                    "{message}"
                );
                assert!(
                    values
                        .iter()
                        .any(|e| e["event"] == "finished" && e["outcome"] == "failed"),
                    "{text}"
                );
            }
        }
    }
    let check = json_stdout(&sb.run(&["system", "check", "--only", "tuleak", "--format", "json"]));
    let pending = &check["updaters"][0]["pending"];
    assert_eq!(
        pending[0]["name"], "https://***@mirror.example/pkgs",
        "{check:#}"
    );
    assert_eq!(pending[0]["from"], "***", "{check:#}");
    // The saved report, the runs' logs and journals, the history: none
    // keeps a credential (the plugin the user wrote is theirs).
    let script = manifest.with_file_name("tuleak-plugin");
    assert_not_persisted(&sb.home, &[&manifest, &script], &secrets);
}

#[test]
fn a_tools_version_output_shows_no_credential_in_any_output() {
    let sb = Sandbox::new();
    sb.tool("tuleaky", &["tuleaky"], "");
    let line = format!(
        "tuleaky https://bob:VerPass-6620@x.example plainTokenValue-7781 {GHP} Authorization: Basic {BASIC}"
    );
    sb.fake(&sb.bin, "tuleaky", &line);
    let server = FixtureServer::start();
    // Online, with a GitHub token toolup registers as a secret.
    let run = |args: &[&str]| {
        sb.cmd(args)
            .env_remove("TOOLUP_OFFLINE")
            .env("GITHUB_TOKEN", "plainTokenValue-7781")
            .env("TOOLUP_GITHUB_API_URL", format!("{}/api", server.base))
            .env("TOOLUP_GITHUB_URL", format!("{}/web", server.base))
            .env("TOOLUP_HTTP_TIMEOUT", "2")
            .output()
            .unwrap()
    };
    let secrets = ["VerPass-6620", "plainTokenValue-7781", GHP, BASIC];
    for args in [
        &["audit", "--no-cache"][..],
        &["-vv", "audit", "--no-cache"],
        &["audit", "--format", "json"],
        &["audit", "--format", "markdown"],
        &["render", "--format", "table"],
        &["render", "--format", "json"],
        &["render", "--format", "markdown"],
    ] {
        let out = run(args);
        assert_hidden(&args.join(" "), &out, &secrets);
        assert!(
            stdout(&out).contains("tuleaky") || args.contains(&"-vv"),
            "{args:?}: {}",
            stdout(&out)
        );
        if args.contains(&"json") {
            json_stdout(&out);
        }
    }
    let snapshot = std::fs::read_to_string(sb.snapshot_path()).unwrap();
    assert_eq!(shown(&snapshot, &secrets), Vec::<&str>::new(), "{snapshot}");
    assert!(snapshot.contains("https://***@x.example"), "{snapshot}");
}

#[test]
fn escape_sequences_in_a_path_directorys_name_reach_no_diagnostic_raw() {
    let mut sb = Sandbox::new();
    let evil = sb.root.join("evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}H");
    sb.add_path(&evil);
    sb.tool("tuesc", &["tuesc"], "");
    sb.fake(&evil, "tuesc", "tuesc 1.2.3");
    let out = sb.run(&["--color", "never", "audit", "-vv", "--no-cache"]);
    let text = stderr(&out);
    assert!(text.contains("probe"), "{text}");
    let raw: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect();
    assert_eq!(raw, [], "stderr: {text:?}");
    assert!(text.contains("\\u{1b}]52"), "{text}");
}

/// `name` with bytes that are not UTF-8, under `dir`; and the path its
/// lossy text names (where a look-alike would be put).
fn odd_and_lossy(dir: &Path, name: &[u8]) -> (PathBuf, PathBuf) {
    let odd = dir.join(OsStr::from_bytes(name));
    let lossy = PathBuf::from(odd.to_string_lossy().into_owned());
    assert_ne!(odd, lossy);
    (odd, lossy)
}

#[test]
fn a_home_that_is_not_utf8_never_runs_a_look_alike_plugin() {
    let sb = Sandbox::new();
    let (home, lossy_home) = odd_and_lossy(&sb.root, b"home\xff\xfe");
    let marker = sb.root.join("ran");
    for (dir, who) in [(&home, "real"), (&lossy_home, "look-alike")] {
        let plugins = dir.join(".config/toolup/plugins.d");
        std::fs::create_dir_all(&plugins).unwrap();
        write_executable(
            &plugins.join("tuwide-plugin"),
            &format!(
                "#!/bin/sh\ncase \"$1\" in\n  is-applicable) exit 0 ;;\n  estimate-update) echo '{{\"status\": \"success\", \"data\": {{\"packages_to_update\": [{{\"name\": \"w\"}}]}}}}' ;;\n  update) echo {who} >> {m}; exit 0 ;;\n  version) echo 1.0 ;;\n  *) exit 1 ;;\nesac\n",
                m = marker.display()
            ),
        );
        std::fs::write(
            plugins.join("tuwide.toml"),
            "name = \"tuwide\"\nexecutable = \"tuwide-plugin\"\n",
        )
        .unwrap();
    }
    for args in [
        &["system", "update", "--yes", "--only", "tuwide"][..],
        &["system", "update", "--yes", "--only", "tuwide", "--dry-run"],
        &["plugins", "info", "tuwide"],
    ] {
        let out = sb.cmd(args).env("HOME", &home).output().unwrap();
        let ran = std::fs::read_to_string(&marker).unwrap_or_default();
        assert!(
            !ran.contains("look-alike"),
            "{args:?} ran the look-alike:\n{}",
            stderr(&out)
        );
        // It ran the real one, or said why it would not.
        assert!(
            ran.contains("real") || stderr(&out).contains("not a UTF-8 path"),
            "{args:?}: {}\n{}",
            stdout(&out),
            stderr(&out)
        );
    }
}

#[test]
fn toolup_in_a_directory_that_is_not_utf8_never_runs_a_look_alike_of_itself() {
    let sb = Sandbox::new();
    let (dir, lossy_dir) = odd_and_lossy(&sb.root, b"bin\xff");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_toolup"), dir.join("toolup")).unwrap();
    let marker = sb.root.join("look-alike-ran");
    sb.script(
        &lossy_dir,
        "toolup",
        &format!(
            "echo ran > {}\necho '{{\"schema_version\": 1, \"modules\": [{{\"name\": \"m\", \"installed\": null, \"repository\": \"1.0.0\", \"outcome\": \"would-install\"}}]}}'",
            marker.display()
        ),
    );
    // The modules updater runs toolup itself (a check, then a sync).
    sb.script(&sb.bin, "git", "exit 0");
    let config = sb.home.join(".config/toolup");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[modules]\nrepository = \"https://example.invalid/team/modules.git\"\n",
    )
    .unwrap();
    // The sandbox's command, run from the copy.
    let run = |args: &[&str]| {
        let template = sb.cmd(args);
        let mut cmd = std::process::Command::new(dir.join("toolup"));
        cmd.env_clear()
            .args(template.get_args())
            .current_dir(&sb.root);
        for (key, value) in template.get_envs() {
            if let Some(value) = value {
                cmd.env(key, value);
            }
        }
        cmd.output().unwrap()
    };
    for args in [
        &["system", "check", "--only", "modules"][..],
        &["system", "update", "--yes", "--only", "modules"],
    ] {
        let out = run(args);
        assert!(
            !marker.exists(),
            "{args:?} ran the look-alike:\n{}\n{}",
            stdout(&out),
            stderr(&out)
        );
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains("U+FFFD"), "{args:?}: {said}");
    }
}

#[test]
fn the_live_view_on_a_terminal_shows_no_credential() {
    let sb = Sandbox::new();
    leaky_plugin(&sb);
    // A second plugin whose check fails, saying a credential as it goes.
    let dir = sb.home.join(".config/toolup/plugins.d");
    sb.script(
        &dir,
        "tufails-plugin",
        &format!(
            "case \"$1\" in\n  is-applicable) exit 0 ;;\n  estimate-update) echo \"GET https://bob:LivePass-3319@x.example {GHP}\" >&2; exit 2 ;;\n  *) exit 1 ;;\nesac"
        ),
    );
    std::fs::write(
        dir.join("tufails.toml"),
        "name = \"tufails\"\nexecutable = \"tufails-plugin\"\n",
    )
    .unwrap();
    let log = sb.root.join("typescript");
    let path = std::env::join_paths(&sb.path).unwrap();
    let status = std::process::Command::new("script")
        .arg("-qec")
        .arg(format!(
            "{} system update --yes --only tuleak,tufails",
            env!("CARGO_BIN_EXE_toolup")
        ))
        .arg(&log)
        .env_clear()
        .env("HOME", &sb.home)
        .env("PATH", format!("{}:/usr/bin:/bin", path.to_string_lossy()))
        .env("TERM", "xterm")
        .env("TOOLUP_CATALOG", &sb.catalog)
        .env("TOOLUP_OFFLINE", "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    let screen = std::fs::read_to_string(&log).unwrap();
    assert!(status.code().is_some(), "{screen}");
    assert!(
        screen.contains("tufails") && screen.contains("tuleak"),
        "{screen}"
    );
    let secrets = [
        "plainTokenValue-5120",
        "MirPass-9031",
        "LivePass-3319",
        GHP,
        BASIC,
    ];
    assert_eq!(shown(&screen, &secrets), Vec::<&str>::new(), "{screen}");
}
