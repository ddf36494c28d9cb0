//! Every catalog tool's version parsing, checked against recorded output.
//!
//! `tests/version_outputs/NAME.toml` holds what the real program printed
//! (`provenance = "recorded"`, made by `scripts/record-version-output.py`),
//! or, where the program cannot be installed here, what its documentation
//! shows (`provenance = "documented"`). `expected` comes from an independent
//! record (dpkg, package.json, Python metadata) or a hand check, never from
//! toolup itself. `NAME@VARIANT.toml` files are further outputs for the same
//! name: other builds, or other programs that share the name (`expect =
//! "impostor"`), or builds that print no version (`expect = "no-version"`).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toolup::audit::discover::{ProbeOutcome, interpret};
use toolup::catalog::{Catalog, CatalogSource, load_catalog};
use toolup::model::Version;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    provenance: String,
    source: String,
    #[serde(default = "version_expected")]
    expect: String,
    #[serde(default)]
    expected: String,
    output: String,
}

fn version_expected() -> String {
    "version".to_owned()
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/version_outputs")
}

fn catalog() -> Catalog {
    load_catalog(&CatalogSource {
        strict: true,
        ..CatalogSource::default()
    })
    .unwrap()
}

/// Checks one fixture against the tool's parser; `Err` says what is wrong.
fn check(catalog: &Catalog, path: &Path) -> Result<Fixture, String> {
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    let name = stem.split('@').next().unwrap_or(&stem);
    let tool = catalog
        .get(name)
        .ok_or_else(|| format!("{stem}: no catalog tool {name}"))?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{stem}: {e}"))?;
    let fixture: Fixture = toml::from_str(&text).map_err(|e| format!("{stem}: {e}"))?;
    if !matches!(fixture.provenance.as_str(), "recorded" | "documented") {
        return Err(format!("{stem}: provenance must be recorded or documented"));
    }
    if fixture.source.trim().is_empty() {
        return Err(format!("{stem}: empty source"));
    }
    let outcome = interpret(tool, &fixture.output);
    match fixture.expect.as_str() {
        "version" => {
            let expected = Version::parse(&fixture.expected)
                .map_err(|e| format!("{stem}: `expected`: {e}"))?;
            match &outcome {
                ProbeOutcome::Version { version }
                    if Version::parse(version).ok() == Some(expected) => {}
                other => {
                    return Err(format!(
                        "{stem}: expected {}, got {other:?}",
                        fixture.expected
                    ));
                }
            }
        }
        "impostor" if matches!(outcome, ProbeOutcome::Impostor { .. }) => {}
        "no-version" if matches!(outcome, ProbeOutcome::NoVersion { .. }) => {}
        other => return Err(format!("{stem}: expected {other}, got {outcome:?}")),
    }
    Ok(fixture)
}

#[test]
fn every_catalog_tool_parses_its_recorded_output() {
    let catalog = catalog();
    let mut failures = Vec::new();
    let mut recorded = 0;
    for tool in &catalog.tools {
        let path = dir().join(format!("{}.toml", tool.name()));
        if !path.exists() {
            failures.push(format!("{}: no fixture {}", tool.name(), path.display()));
            continue;
        }
        match check(&catalog, &path) {
            Ok(f) if f.expect != "version" => failures.push(format!(
                "{}: the main fixture must expect a version",
                tool.name()
            )),
            Ok(f) => recorded += usize::from(f.provenance == "recorded"),
            Err(e) => failures.push(e),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        recorded >= 100,
        "only {recorded} fixtures recorded from real programs"
    );
}

#[test]
fn variants_impostors_and_versionless_builds() {
    let catalog = catalog();
    let mut impostors = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.file_name().unwrap().to_string_lossy().contains('@') {
            continue;
        }
        match check(&catalog, &path) {
            Ok(f) => impostors += usize::from(f.expect == "impostor"),
            Err(e) => failures.push(e),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(impostors >= 4, "only {impostors} impostor fixtures");
}

#[test]
fn no_fixture_without_a_catalog_tool() {
    let catalog = catalog();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let name = stem.split('@').next().unwrap_or(&stem).to_owned();
        assert!(
            catalog.get(&name).is_some(),
            "{}: no catalog tool {name}",
            path.display()
        );
    }
}
