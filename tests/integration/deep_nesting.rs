//! Deeply nested JSON and TOML — 100,000 levels of arrays, objects,
//! inline tables, dotted keys and table headers — is an error in every
//! reader, never a stack overflow: each reader toolup has is a fuzz
//! target, and each target that reads JSON or TOML is given such
//! documents in every field it reads, on a thread with the 2 MiB stack
//! Rust gives threads (a debug build's frames are the larger). A reader that recursed without bound
//! would abort this test binary, naming the thread (`deep:TARGET`).
//! The readers' own errors are checked for the file formats.

use std::path::Path;

use crate::fuzz_replay::targets::TARGETS;

const LEVELS: usize = 100_000;

fn json_documents() -> Vec<String> {
    let arrays = format!("{}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS));
    let objects = format!("{}1{}", "{\"a\":".repeat(LEVELS), "}".repeat(LEVELS));
    let mixed = format!(
        "{}{}",
        "[{\"a\":".repeat(LEVELS / 2),
        "}]".repeat(LEVELS / 2)
    );
    vec![
        arrays.clone(),
        objects.clone(),
        mixed,
        // Where readers keep a value whole or skip what they do not know.
        format!("{{\"schema_version\": 1, \"unknown\": {arrays}}}"),
        format!("{{\"files\": [{{\"filename\": \"x-1.0.tar.gz\", \"yanked\": {objects}}}]}}"),
        format!("{{\"status\": \"error\", \"error\": {arrays}}}"),
        format!("{{\"dist-tags\": {objects}}}"),
    ]
}

fn toml_documents() -> Vec<String> {
    vec![
        format!("a = {}1{}", "[".repeat(LEVELS), "]".repeat(LEVELS)),
        format!("a = {}1{}", "{b = ".repeat(LEVELS), "}".repeat(LEVELS)),
        format!("{} = 1", vec!["a"; LEVELS].join(".")),
        format!("[{}]\nx = 1", vec!["a"; LEVELS].join(".")),
        format!("[[{}]]\nx = 1", vec!["a"; LEVELS].join(".")),
        format!(
            "name = \"x\"\n[install]\napt = {}\"x\"{}",
            "[".repeat(LEVELS),
            "]".repeat(LEVELS)
        ),
    ]
}

/// `document` in every place a target reads a text: alone (or first of
/// several fields) and after each kind of header the targets take (`NAME
/// NUL`, `trusted NUL`, which reads a config both trusted and not, a
/// catalog layer's first line).
fn carriers(document: &str) -> Vec<Vec<u8>> {
    let mut out = vec![document.as_bytes().to_vec()];
    for head in ["x\0", "trusted\0", "0 x\n"] {
        out.push([head.as_bytes(), document.as_bytes()].concat());
    }
    out
}

/// The targets that read neither JSON nor TOML (versions, times, lines of
/// text, the table layout): nothing in them can nest.
const TEXT_ONLY: &[&str] = &[
    "version",
    "version_extract",
    "specifier",
    "window",
    "duration",
    "layout",
    "apt_list",
    "apt_simulate",
    "apt_policy",
    "dnf",
    "pacman",
    "zypper",
    "flatpak",
    "snap",
    "rustup",
    "gem",
    "sdkman",
    "uv",
    "plugin_lists",
    "registry_gnu",
    "registry_debian",
];

#[test]
fn deep_nesting_is_an_error_never_a_stack_overflow_in_every_reader() {
    let documents: Vec<String> = json_documents()
        .into_iter()
        .chain(toml_documents())
        .collect();
    for target in TARGETS.iter().filter(|t| !TEXT_ONLY.contains(&t.name)) {
        let inputs: Vec<Vec<u8>> = documents.iter().flat_map(|d| carriers(d)).collect();
        let run = target.run;
        let finished = std::thread::Builder::new()
            .name(format!("deep:{}", target.name))
            .stack_size(2 << 20)
            .spawn(move || {
                for input in &inputs {
                    run(input);
                }
            })
            .unwrap()
            .join();
        assert!(finished.is_ok(), "{} broke on a deep document", target.name);
    }
}

#[test]
fn deep_documents_are_errors_that_name_their_file() {
    let json = &json_documents()[0];
    let toml = toml_documents();
    // The libraries under every reader refuse them: serde_json past 128
    // levels, toml past its recursion limit (neither is built unbounded).
    let deep_value = serde_json::from_str::<serde_json::Value>(json).unwrap_err();
    assert!(
        deep_value.to_string().contains("recursion limit"),
        "{deep_value}"
    );
    for text in &toml {
        assert!(toml::from_str::<toml::Table>(text).is_err());
    }
    // The file formats, through the functions toolup reads them with.
    let file = Path::new("/p/.toolup.toml");
    for text in &toml {
        let mut config = toolup::config::Config::default();
        let error = config.apply_text(file, text, None).unwrap_err();
        assert_eq!(error.file, file);
        let error = toolup::catalog::parse_tool_file("c/x.toml", "x", text, true).unwrap_err();
        assert_eq!(error.file, "c/x.toml");
        let error =
            toolup::modules::Manifest::parse(Path::new("/m/module.toml"), text).unwrap_err();
        assert!(error.starts_with("/m/module.toml"), "{error}");
        let hosts = Path::new("/c/hosts.toml");
        assert_eq!(
            toolup::fleet::hosts::parse(text, hosts).unwrap_err().file,
            hosts
        );
    }
    for text in &json_documents()[..3] {
        assert!(toolup::upstream::LatestVersions::parse(text).is_err());
        assert!(serde_json::from_str::<toolup::model::Snapshot>(text).is_err());
        assert!(serde_json::from_str::<toolup::system::CheckReport>(text).is_err());
        assert!(serde_json::from_str::<toolup::runner::journal::RunJournal>(text).is_err());
        assert!(serde_json::from_str::<toolup::modules::Index>(text).is_err());
        let error = toolup::managers::plugin::parse_estimate("deep", text).unwrap_err();
        assert!(error.starts_with("plugin deep"), "{error}");
        assert!(serde_json::from_str::<toolup::fleet::journal::FleetJournal>(text).is_err());
        // JSON is YAML's flow style: an inventory that deep is refused by name.
        let inventory = Path::new("/w/inventory.yml");
        let error = toolup::fleet::inventory::parse_yaml(text, inventory).unwrap_err();
        assert_eq!(error.file, inventory, "{error}");
        // Nothing deep answers (npm skips an unknown key without recursing).
        assert!(!matches!(
            toolup::upstream::documents::npm(text.as_bytes(), false, false),
            Ok(Some(_))
        ));
    }
}
