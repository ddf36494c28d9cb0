//! The worked example plugin in examples/plugins/example/, installed as
//! docs/plugins.md and examples/plugins/README.md say, end to end: it
//! validates, its check lists exactly the outdated packages, its update
//! brings them current, and the next check finds nothing.

use std::path::{Path, PathBuf};

use crate::support::{Sandbox, json_stdout, stderr, stdout, write_executable};

/// The example's source directory in this repository.
fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/plugins/example")
}

/// Installs the example into the sandbox's ~/.config/toolup/plugins.d/,
/// with its `root` setting pointed at `root`; returns the manifest's path.
fn install(sb: &Sandbox, root: &Path) -> PathBuf {
    let dir = sb.home.join(".config/toolup/plugins.d");
    std::fs::create_dir_all(&dir).unwrap();
    let script = std::fs::read_to_string(example_dir().join("example-plugin")).unwrap();
    write_executable(&dir.join("example-plugin"), &script);
    let manifest = std::fs::read_to_string(example_dir().join("example.toml")).unwrap();
    let mut replaced = 0;
    let manifest: String = manifest
        .lines()
        .map(|line| {
            if line.starts_with("root = ") {
                replaced += 1;
                format!("root = {:?}\n", root.to_str().unwrap())
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    assert_eq!(replaced, 1, "example.toml has one `root = ` line");
    let path = dir.join("example.toml");
    std::fs::write(&path, manifest).unwrap();
    path
}

/// Writes ROOT/installed/NAME and ROOT/available/NAME.
fn package(root: &Path, name: &str, installed: &str, available: &str) {
    for (sub, version) in [("installed", installed), ("available", available)] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join(name), format!("{version}\n")).unwrap();
    }
}

fn installed(root: &Path, name: &str) -> String {
    std::fs::read_to_string(root.join("installed").join(name))
        .unwrap()
        .trim()
        .to_owned()
}

/// The `pending` entries of the `example` updater in a `system check
/// --format json` document, as (name, from, to).
fn pending(doc: &serde_json::Value) -> Vec<(String, String, String)> {
    let updaters = doc["updaters"].as_array().unwrap();
    assert_eq!(updaters.len(), 1, "{doc:#}");
    let example = &updaters[0];
    assert_eq!(example["updater"], "example", "{doc:#}");
    assert!(example["error"].is_null(), "{doc:#}");
    example["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let text = |k: &str| {
                p[k].as_str()
                    .unwrap_or_else(|| panic!("{k}: {p}"))
                    .to_owned()
            };
            (text("name"), text("from"), text("to"))
        })
        .collect()
}

#[test]
fn the_example_plugin_validates_checks_and_updates() {
    let mut sb = Sandbox::new();
    // The plugin is a shell script: it needs sed, awk, cp, mv from the system.
    sb.add_path(Path::new("/usr/bin"));
    sb.add_path(Path::new("/bin"));
    let root = sb.root.join("examplepm");
    package(&root, "foo", "1.0.0", "1.1.0");
    // 2.10 is newer than 2.9: versions compare by number, not as text.
    package(&root, "bar", "2.9", "2.10");
    package(&root, "baz", "3.0", "3.0");
    let manifest = install(&sb, &root);

    let out = sb.run(&["plugins", "validate", manifest.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().last(), Some("conforms"), "{text}");
    assert!(text.contains("estimate-update: 2 pending"), "{text}");

    let out = sb.run(&["system", "check", "--only", "example", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut found = pending(&json_stdout(&out));
    found.sort();
    let owned = |n: &str, f: &str, t: &str| (n.to_owned(), f.to_owned(), t.to_owned());
    assert_eq!(
        found,
        vec![owned("bar", "2.9", "2.10"), owned("foo", "1.0.0", "1.1.0")]
    );

    let out = sb.run(&["system", "update", "--only", "example", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    // The progress lines on the plugin's stderr became events of the run.
    let events = stderr(&out);
    assert!(
        events.contains("example: update 100% installed 2 package(s)"),
        "{events}"
    );
    for name in ["foo", "bar", "baz"] {
        let available = std::fs::read_to_string(root.join("available").join(name)).unwrap();
        assert_eq!(installed(&root, name), available.trim(), "{name}\n{events}");
    }

    let out = sb.run(&["system", "check", "--only", "example", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(pending(&json_stdout(&out)), vec![]);
}
