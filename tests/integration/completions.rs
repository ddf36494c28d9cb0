//! What the completion scripts offer where, and the man pages: one per
//! command, every page one names there to be had, each one rendering.

use std::collections::BTreeSet;
use std::process::Command;

use crate::support::{Sandbox, bash_completes, stderr, stdout};

/// Catalog tools whose names start like updaters' (npm, apt), and a plugin.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.tool("npm-check-updates", &["ncu"], "");
    sb.tool("aptly", &["aptly"], "");
    sb.tool("tuone", &["tuone"], "");
    let plugins = sb.home.join(".config/toolup/plugins.d");
    sb.script(&plugins, "tuwidget-plugin", "exit 0");
    std::fs::write(
        plugins.join("tuwidget.toml"),
        "name = \"tuwidget\"\nexecutable = \"tuwidget-plugin\"\ndescription = \"test\"\n",
    )
    .unwrap();
    sb
}

#[test]
fn under_system_only_and_skip_complete_updaters_elsewhere_tool_names() {
    let sb = sandbox();
    // Every updater `--only` accepts, applicable here or not: this sandbox's
    // PATH has no npm and no apt.
    for (words, want) in [
        (
            &["toolup", "system", "update", "--only", "np"][..],
            &["npm"][..],
        ),
        (&["toolup", "system", "check", "--only", "ap"], &["apt"]),
        (&["toolup", "system", "check", "--skip", "np"], &["npm"]),
        (&["toolup", "system", "update", "--skip", "ap"], &["apt"]),
        (&["toolup", "system", "sudoers", "--only", "ap"], &["apt"]),
        (
            &["toolup", "system", "history", "--updater", "np"],
            &["npm"],
        ),
        // A plugin found in plugins.d, and toolup's catalog updater.
        (
            &["toolup", "system", "check", "--only", "tuw"],
            &["tuwidget"],
        ),
        (
            &["toolup", "system", "update", "--skip", "tuw"],
            &["tuwidget"],
        ),
        (
            &["toolup", "system", "check", "--only", "toolu"],
            &["toolup"],
        ),
        // `modules` only with a modules repository configured.
        (&["toolup", "system", "check", "--only", "modu"], &[]),
        // The words each command's --fail-on reads.
        (
            &["toolup", "system", "check", "--fail-on", "s"],
            &["security"],
        ),
        (&["toolup", "system", "check", "--fail-on", "o"], &[]),
        (&["toolup", "audit", "--fail-on", "o"], &["outdated"]),
        (&["toolup", "audit", "--fail-on", "s"], &[]),
        // Tool names (and the commands tools provide) everywhere else.
        (&["toolup", "audit", "--only", "np"], &["npm-check-updates"]),
        (&["toolup", "audit", "--only", "tu"], &["tuone"]),
        (&["toolup", "render", "--only", "ap"], &["aptly"]),
        (&["toolup", "collect", "--only", "nc"], &["ncu"]),
        (&["toolup", "latest", "--only", "tu"], &["tuone"]),
        (&["toolup", "upgrade", "--only", "ap"], &["aptly"]),
        (&["toolup", "install", "--only", "tu"], &["tuone"]),
        (&["toolup", "reconcile", "--only", "tu"], &["tuone"]),
        (&["toolup", "catalog", "list", "--only", "tu"], &["tuone"]),
        (&["toolup", "catalog", "show", "ap"], &["aptly"]),
        (&["toolup", "install", "np"], &["npm-check-updates"]),
        (&["toolup", "audit", "--status", "not"], &["not-installed"]),
        (&["toolup", "audit", "--category", "te"], &["test"]),
    ] {
        assert_eq!(bash_completes(&sb, words), want, "{words:?}");
    }
    let config = sb.home.join(".config/toolup");
    std::fs::write(
        config.join("config.toml"),
        "[modules]\nrepository = \"https://git.example/team/toolup-modules.git\"\n",
    )
    .unwrap();
    assert_eq!(
        bash_completes(&sb, &["toolup", "system", "check", "--only", "modu"]),
        ["modules"]
    );
}

/// The `toolup-NAME(1)` pages a roff page names.
fn references(roff: &str) -> Vec<String> {
    let text = roff.replace("\\-", "-");
    let pattern = regex::Regex::new(r"\btoolup-[a-z][a-z-]*\(1\)").unwrap();
    pattern
        .find_iter(&text)
        .map(|m| m.as_str().trim_end_matches("(1)").to_owned())
        .collect()
}

#[test]
fn every_man_page_one_names_is_written_and_each_renders() {
    let sb = Sandbox::new();
    let dir = sb.root.join("man/man1");
    let out = sb.run(&["man", "--out", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let written: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for page in ["toolup.1", "toolup-audit.1", "toolup-system-update.1"] {
        assert!(written.contains(page), "{page} not in {written:?}");
    }
    assert!(!written.contains("toolup-help.1"), "{written:?}");
    assert!(!written.contains("toolup-fetch-release.1"), "{written:?}");
    let mut named = BTreeSet::new();
    for page in &written {
        let roff = std::fs::read_to_string(dir.join(page)).unwrap();
        for name in references(&roff) {
            assert!(
                written.contains(&format!("{name}.1")),
                "{page} names {name}(1), which is not written: {written:?}"
            );
            named.insert(format!("{name}.1"));
        }
        let out = Command::new("man")
            .arg("-l")
            .arg(dir.join(page))
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("MANWIDTH", "200")
            .output()
            .unwrap();
        assert!(out.status.success(), "{page}: {}", stderr(&out));
        let text = stdout(&out);
        let title = page.trim_end_matches(".1");
        assert!(
            text.contains("NAME") && text.contains(title),
            "{page}:\n{text}"
        );
    }
    // Each page but the top one is reached from its parent's.
    named.insert("toolup.1".to_owned());
    assert_eq!(named, written);
    // `toolup man WORDS…` prints the page `--out` writes.
    for (words, page) in [
        (&["man"][..], "toolup.1"),
        (&["man", "audit"], "toolup-audit.1"),
        (&["man", "system", "update"], "toolup-system-update.1"),
        (&["man", "catalog", "show"], "toolup-catalog-show.1"),
    ] {
        let out = sb.run(words);
        assert!(out.status.success(), "{words:?}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            std::fs::read_to_string(dir.join(page)).unwrap(),
            "{words:?}"
        );
    }
    let out = sb.run(&["man", "system", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`toolup system` has no command \"nope\" (one of check, update,"),
        "{}",
        stderr(&out)
    );
}
