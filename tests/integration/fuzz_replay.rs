//! The fuzz targets without fuzzing: every target's seed corpus
//! (fuzz/seeds/NAME/) and every crash it once found
//! (tests/fuzz_regressions/NAME/) go through the target's own code on each
//! `cargo test`, so the properties hold for them and a fixed crash stays
//! fixed. Each target also has its binary, its dictionary (in the syntax
//! libFuzzer accepts) and seeds; what is missing is named.

use std::path::{Path, PathBuf};

#[path = "../../fuzz/targets/mod.rs"]
#[allow(dead_code)]
pub(crate) mod targets;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files of a directory, sorted (none when it is missing).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

/// Runs every file of `dir` through `target`; one line per input that
/// panicked.
fn replay(target: &targets::Target, dir: &Path) -> Vec<String> {
    files(dir)
        .iter()
        .filter_map(|file| {
            let data = std::fs::read(file).unwrap();
            let run = target.run;
            std::panic::catch_unwind(move || run(&data)).err().map(|e| {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                format!("{}: {why}", file.display())
            })
        })
        .collect()
}

#[test]
fn every_seed_and_every_fixed_crash_replays_through_its_target() {
    let mut failures = Vec::new();
    for target in targets::TARGETS {
        failures.extend(replay(target, &root().join("fuzz/seeds").join(target.name)));
        failures.extend(replay(
            target,
            &root().join("tests/fuzz_regressions").join(target.name),
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixed_crashes_belong_to_targets_that_exist() {
    let known: Vec<&str> = targets::TARGETS.iter().map(|t| t.name).collect();
    for dir in std::fs::read_dir(root().join("tests/fuzz_regressions")).unwrap() {
        let name = dir.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            known.contains(&name.as_str()) || name == "README.md",
            "tests/fuzz_regressions/{name} names no fuzz target"
        );
    }
}

/// One line of a libFuzzer dictionary: a comment, a blank line or
/// `name="text"` / `"text"` with only `\\`, `\"` and `\xNN` escapes.
fn dictionary_line_is_valid(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return true;
    }
    let quoted = match line.find('"') {
        Some(0) => line,
        Some(at) => {
            let name = &line[..at];
            if !name.ends_with('=')
                || !name[..name.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return false;
            }
            &line[at..]
        }
        None => return false,
    };
    let Some(body) = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) else {
        return false;
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => match bytes.get(i + 1) {
                Some(b'\\' | b'"') => i += 2,
                Some(b'x')
                    if bytes.len() > i + 3
                        && bytes[i + 2].is_ascii_hexdigit()
                        && bytes[i + 3].is_ascii_hexdigit() =>
                {
                    i += 4
                }
                _ => return false,
            },
            b'"' => return false,
            b if !(0x20..0x7f).contains(&b) => return false,
            _ => i += 1,
        }
    }
    !body.is_empty()
}

#[test]
fn every_target_has_its_binary_dictionary_and_seeds() {
    let manifest = std::fs::read_to_string(root().join("fuzz/Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&manifest).unwrap();
    let bins: Vec<String> = manifest["bin"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect();
    let names: Vec<String> = targets::TARGETS.iter().map(|t| t.name.to_owned()).collect();
    assert_eq!(
        bins, names,
        "fuzz/Cargo.toml's [[bin]]s and fuzz/targets/mod.rs's list differ"
    );
    let mut missing = Vec::new();
    for name in &names {
        let bin = root().join(format!("fuzz/fuzz_targets/{name}.rs"));
        let expected = format!("#![no_main]\ntoolup_fuzz::main!({name});\n");
        if std::fs::read_to_string(&bin).ok().as_deref() != Some(expected.as_str()) {
            missing.push(format!("{} must be {expected:?}", bin.display()));
        }
        let dict = root().join(format!("fuzz/dicts/{name}.dict"));
        match std::fs::read_to_string(&dict) {
            Ok(text) => {
                for (n, line) in text.lines().enumerate() {
                    if !dictionary_line_is_valid(line) {
                        missing.push(format!(
                            "{}:{}: not a dictionary line",
                            dict.display(),
                            n + 1
                        ));
                    }
                }
            }
            Err(_) => missing.push(format!("{} is missing", dict.display())),
        }
        if files(&root().join("fuzz/seeds").join(name)).is_empty() {
            missing.push(format!("fuzz/seeds/{name}/ has no seeds"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
