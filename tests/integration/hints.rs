//! Hints that help: a name that names nothing gets the closest names
//! ("did you mean …?"), list-valued selectors take lists, `latest` says
//! which tools had no answer and why, and an empty result says so in words.

use crate::support::{Sandbox, json_stdout, stderr, stdout};

/// A catalog tool of `category` (the sandbox's own are all `test`).
fn tool_in(sb: &Sandbox, name: &str, bins: &[&str], category: &str) {
    sb.tool(name, bins, "");
    let path = sb.catalog.join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("category = \"test\"", &format!("category = {category:?}"));
    std::fs::write(path, text).unwrap();
}

/// ripgrep, a one-letter `r` (which the old hint offered for `ripgrp`),
/// python and ruff, in three categories; ripgrep and python are installed.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    tool_in(&sb, "ripgrep", &["rg"], "search");
    tool_in(&sb, "r", &["R"], "lang");
    tool_in(&sb, "python", &["python3"], "python");
    tool_in(&sb, "ruff", &["ruff"], "python");
    std::fs::write(
        sb.catalog.join("presets.toml"),
        "[agent]\ndescription = \"for agents\"\ntools = [\"ripgrep\"]\n",
    )
    .unwrap();
    sb.fake(&sb.bin, "rg", "ripgrep 14.1.0");
    sb.fake(&sb.bin, "python3", "Python 3.12.1");
    sb.latest(&[
        ("ripgrep", "14.1.0"),
        ("r", "4.4.0"),
        ("python", "3.13.0"),
        ("ruff", "0.6.0"),
    ]);
    sb
}

/// Exit 2 and stderr holding `hint`.
fn refused_with(sb: &Sandbox, args: &[&str], hint: &str) {
    let out = sb.run(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    assert!(stderr(&out).contains(hint), "{args:?}: {}", stderr(&out));
}

#[test]
fn a_misspelt_tool_name_suggests_the_tool_meant() {
    let sb = sandbox();
    refused_with(
        &sb,
        &["catalog", "show", "ripgrp"],
        "error: no tool named \"ripgrp\" in the catalog (see `toolup catalog list`); did you mean ripgrep?\n",
    );
    refused_with(
        &sb,
        &["catalog", "show", "pyhton"],
        "; did you mean python?",
    );
    refused_with(
        &sb,
        &["audit", "--only", "ruf"],
        "--only: no tool named \"ruf\" in the catalog (see `toolup catalog list`); did you mean ruff?",
    );
    // Nothing near: no hint at all.
    let out = sb.run(&["catalog", "show", "kubectl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("did you mean"), "{}", stderr(&out));
}

#[test]
fn a_misspelt_category_status_or_preset_suggests_the_word_meant() {
    let sb = sandbox();
    refused_with(
        &sb,
        &["audit", "--category", "pyton"],
        "error: --category \"pyton\": no such category (one of lang, python, search); did you mean python?",
    );
    refused_with(
        &sb,
        &["catalog", "list", "--category", "search,pyton"],
        "did you mean python?",
    );
    sb.collect(&[]);
    refused_with(
        &sb,
        &["render", "--status", "outdatd"],
        "error: --status \"outdatd\": expected one of up-to-date, outdated, not-installed (or missing), unknown, installed; did you mean outdated?",
    );
    refused_with(
        &sb,
        &["render", "--category", "serch"],
        "did you mean search?",
    );
    refused_with(&sb, &["render", "--only", "ruf"], "; did you mean ruff?");
    refused_with(
        &sb,
        &["upgrade", "--preset", "agnet", "--dry-run"],
        "no preset named \"agnet\" (presets: agent); did you mean agent?",
    );
}

#[test]
fn a_misspelt_updater_suggests_the_updater_meant() {
    let sb = sandbox();
    refused_with(
        &sb,
        &["system", "check", "--only", "ap"],
        "did you mean apt?",
    );
    refused_with(
        &sb,
        &["system", "check", "--skip", "npn"],
        "error: no updater named \"npn\" (one of ",
    );
    refused_with(
        &sb,
        &["system", "check", "--skip", "npn"],
        "; did you mean npm?",
    );
}

#[test]
fn category_takes_a_list_like_status_and_only() {
    let sb = sandbox();
    let names = |out: &std::process::Output| -> Vec<String> {
        json_stdout(out)["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let out = sb.run(&[
        "catalog",
        "list",
        "--category",
        "search, python",
        "--format",
        "json",
    ]);
    assert_eq!(
        names(&out),
        ["python", "ripgrep", "ruff"],
        "{}",
        stderr(&out)
    );
    let out = sb.run(&["audit", "--category", "lang,search", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(names(&out), ["r", "ripgrep"]);
    sb.collect(&[]);
    let out = sb.run(&["render", "--category", "python,lang", "--format", "json"]);
    assert_eq!(names(&out), ["python", "r", "ruff"], "{}", stderr(&out));
}

#[test]
fn latest_names_each_tool_without_an_answer_and_why() {
    let sb = sandbox();
    tool_in(&sb, "tunew", &["tunew"], "search");
    tool_in(&sb, "tuother", &["tuother"], "search");
    // Offline (the sandbox's default), with nothing cached for two tools.
    let out = sb.run(&["latest", "--category", "search"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: no latest version for 2 tool(s):\n"),
        "{err}"
    );
    assert!(
        err.contains("  tunew: offline, and nothing cached for github:example/tunew\n"),
        "{err}"
    );
    assert!(err.contains("  tuother: offline"), "{err}");
    assert!(!err.contains("ripgrep:"), "ripgrep had an answer: {err}");
    // JSON output is unchanged; the message is on stderr all the same.
    let out = sb.run(&["latest", "tunew", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(json_stdout(&out)["tools"][0]["latest"].is_null());
    assert!(stderr(&out).contains("tunew: offline"), "{}", stderr(&out));

    // Online, every source unreachable: the lookup's failure is the reason.
    let closed = "http://127.0.0.1:9";
    let mut cmd = sb.cmd(&["latest", "tunew"]);
    cmd.env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_GITHUB_API_URL", closed)
        .env("TOOLUP_GITHUB_URL", closed)
        .env("TOOLUP_HTTP_TIMEOUT", "2");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no latest version for 1 tool(s):\n  tunew: "),
        "{err}"
    );
    assert!(
        err.contains("127.0.0.1:9"),
        "the failure names where it asked: {err}"
    );
    // Asked again at once: the failure is remembered, not retried.
    let mut cmd = sb.cmd(&["latest", "tunew"]);
    cmd.env_remove("TOOLUP_OFFLINE")
        .env("TOOLUP_GITHUB_API_URL", closed)
        .env("TOOLUP_GITHUB_URL", closed)
        .env("TOOLUP_HTTP_TIMEOUT", "2");
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Asked again at once: the remembered cause, not a guess.
    assert!(
        stderr(&out).contains("tunew: ") && stderr(&out).contains("127.0.0.1:9 unreachable"),
        "{}",
        stderr(&out)
    );
    // Every tool answered: no message, exit 0.
    let out = sb.run(&["latest", "ripgrep"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("no latest version"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_empty_result_says_so_in_words_and_json_stays_an_empty_array() {
    let sb = sandbox();
    let said = |args: &[&str], words: &str| {
        let out = sb.run(args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains(words), "{args:?}: {}", stdout(&out));
        assert!(
            !stdout(&out).contains("  "),
            "{args:?}: no bare header row: {}",
            stdout(&out)
        );
    };
    said(&["history"], "no tool actions recorded yet");
    said(&["system", "history"], "no update phases recorded yet");
    said(
        &["system", "history", "--updater", "apt"],
        "no update phases recorded for apt yet",
    );
    said(&["system", "stats"], "no update phases recorded yet");
    let plugins_d = sb.home.join(".config/toolup/plugins.d");
    said(&["plugins", "list"], "no plugin manifests (*.toml) in ");
    let out = sb.run(&["plugins", "list"]);
    assert!(
        stdout(&out).contains(&plugins_d.display().to_string()),
        "names where it looked: {}",
        stdout(&out)
    );
    said(
        &["catalog", "list", "--category", "lang", "--only", "rg"],
        "no tool in the catalog matches --only rg --category lang",
    );
    sb.collect(&[]);
    said(
        &["render", "--category", "lang", "--status", "outdated"],
        "no tool matches --category lang --status outdated (4 tool(s) in the snapshot ",
    );
    for (args, key) in [
        (&["history", "--format", "json"][..], "entries"),
        (&["system", "history", "--format", "json"][..], "phases"),
        (&["plugins", "list", "--format", "json"][..], "plugins"),
        (
            &[
                "catalog",
                "list",
                "--category",
                "lang",
                "--only",
                "rg",
                "--format",
                "json",
            ][..],
            "tools",
        ),
        (
            &[
                "render",
                "--category",
                "lang",
                "--status",
                "outdated",
                "--format",
                "json",
            ][..],
            "tools",
        ),
    ] {
        let out = sb.run(args);
        assert_eq!(
            json_stdout(&out)[key],
            serde_json::json!([]),
            "{args:?}: {}",
            stdout(&out)
        );
    }
}
