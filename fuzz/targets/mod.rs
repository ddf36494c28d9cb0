//! The fuzz targets: one file per reader of outside input, each calling
//! the very function toolup reads that input with, and checking what the
//! format allows beyond "no panic" (round trips, orders, bounds).
//!
//! Two crates include this directory: the fuzz crate (fuzz/src/lib.rs, one
//! libFuzzer binary per target) and the integration tests
//! (tests/integration/fuzz_replay.rs), which replay every target's seeds
//! (fuzz/seeds/NAME/) and the crashes it once found
//! (tests/fuzz_regressions/NAME/) on every `cargo test`. So a target uses
//! nothing but toolup and the crates toolup itself depends on.
//!
//! Adding a target: its file here and one line in the list below; then
//! cargo fuzz's boilerplate (fuzz/fuzz_targets/NAME.rs, the one line
//! `toolup_fuzz::main!(NAME);`, and its `[[bin]]` in fuzz/Cargo.toml), a
//! dictionary (fuzz/dicts/NAME.dict) and seeds (fuzz/seeds/NAME/, made by
//! scripts/fuzz-seeds.py); the replay test names whatever is missing.

use std::borrow::Cow;

/// One fuzz target: its name (the binary's) and what it does with an input.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

macro_rules! targets {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*
        /// Every target, in the order docs/testing.md lists them.
        pub static TARGETS: &[Target] = &[$(Target { name: stringify!($name), run: $name::run }),*];
    };
}

targets! {
    version,
    version_extract,
    specifier,
    window,
    duration,
    catalog_tool,
    catalog_layers,
    config,
    module_manifest,
    module_index,
    snapshot,
    latest_cache,
    run_journal,
    system_check,
    fleet_hosts,
    inventory_ini,
    inventory_yaml,
    fleet_journal,
    registry_pypi,
    registry_npm,
    registry_crates,
    registry_github,
    registry_gitlab,
    registry_gnu,
    registry_debian,
    apt_list,
    apt_simulate,
    apt_policy,
    dnf,
    pacman,
    zypper,
    brew,
    flatpak,
    snap,
    fwupd,
    rustup,
    cargo_crates2,
    pipx,
    uv,
    npm_outdated,
    gem,
    sdkman,
    gcloud,
    plugin_estimate,
    plugin_progress,
    plugin_lists,
    fleet_events,
    fleet_probe,
    layout,
}

/// Input as toolup reads another program's output: lossily decoded.
pub fn text(data: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Input holding several texts, separated by NUL bytes (which no format
/// here contains): at most `n`, the last one keeping any further NULs.
pub fn fields(data: &[u8], n: usize) -> Vec<Cow<'_, str>> {
    data.splitn(n, |b| *b == 0).map(text).collect()
}

/// Reads `data` as toolup reads a JSON file of `T` (serde_json, from the
/// bytes) and, when it reads, checks the round trip: what toolup writes
/// back (pretty JSON, as every state file is written) reads again, and
/// prints the same.
pub fn json_round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(
    data: &[u8],
) -> Option<T> {
    let value: T = serde_json::from_slice(data).ok()?;
    let printed = serde_json::to_string_pretty(&value)
        .unwrap_or_else(|e| panic!("cannot print what was read: {e}"));
    let again: T = serde_json::from_str(&printed)
        .unwrap_or_else(|e| panic!("cannot read what was printed ({e}):\n{printed}"));
    let reprinted = serde_json::to_string_pretty(&again)
        .unwrap_or_else(|e| panic!("cannot print what was read again: {e}"));
    assert_eq!(
        printed, reprinted,
        "parse, print, parse changed the document"
    );
    Some(value)
}

/// A cutoff for minimum release ages: 2026-01-01.
pub fn a_day_in_2026() -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600)
}

/// A registry's answer is a version, and a pre-release only when asked for.
pub fn is_release(version: &str, prereleases: bool) {
    let parsed = toolup::model::Version::parse(version)
        .unwrap_or_else(|e| panic!("answered {version:?}: {e}"));
    assert!(
        prereleases || !parsed.is_prerelease(),
        "answered the pre-release {version}"
    );
}

/// Asking among more releases (`wider`) never answers older, nor nothing.
pub fn not_older(
    wider: Option<&toolup::upstream::documents::Answer>,
    narrower: Option<&toolup::upstream::documents::Answer>,
) {
    not_older_version(
        wider.map(|a| a.version.as_str()),
        narrower.map(|a| a.version.as_str()),
    );
}

/// `not_older` of two versions.
pub fn not_older_version(wider: Option<&str>, narrower: Option<&str>) {
    let Some(narrower) = narrower else {
        return;
    };
    let wider = wider.unwrap_or_else(|| panic!("{narrower} among fewer, nothing among more"));
    let (w, n) = (
        toolup::model::Version::parse(wider).unwrap_or_else(|e| panic!("{e}")),
        toolup::model::Version::parse(narrower).unwrap_or_else(|e| panic!("{e}")),
    );
    assert!(
        w >= n,
        "{wider} among more releases, {narrower} among fewer"
    );
}

/// An updater's `parse` of `stdout` as a check takes it (through
/// `one_line_each`; none when either refuses it), checked: no control
/// character in a name or version, and nothing it reads reaches a command
/// line as an option or a name the updater's own whitelist refuses.
pub fn updater_reads(id: &str, stdout: &str) -> Vec<toolup::managers::Pending> {
    let updater = toolup::managers::updater(id).unwrap_or_else(|| panic!("no updater {id}"));
    let Ok(pending) = updater
        .parse(stdout)
        .and_then(toolup::managers::one_line_each)
    else {
        return Vec::new();
    };
    for p in &pending {
        let texts = [Some(&p.name), p.from.as_ref(), p.to.as_ref()];
        assert!(
            !p.name.is_empty()
                && !texts
                    .into_iter()
                    .flatten()
                    .any(|t| t.contains(char::is_control)),
            "{id}: {p:?}"
        );
    }
    argv_stays_safe(updater, &pending);
    pending
}

/// The commands `updater` would build from `pending`: the security-only
/// update passes the updater's whitelist, and what an update names
/// (`update_argv_for`) never starts with `-`.
pub fn argv_stays_safe(
    updater: &dyn toolup::managers::Updater,
    pending: &[toolup::managers::Pending],
) {
    let base = updater.security_update_argv(&[]).map_or(0, |a| a.len());
    if let Some(argv) = updater.security_update_argv(pending)
        && argv.len() > base
    {
        updater
            .check_shape(&argv)
            .unwrap_or_else(|e| panic!("{}: {e}", updater.id()));
    }
    let fixed = updater.update_argv_for(&[]).map_or(0, |a| a.len());
    if let Some(argv) = updater.update_argv_for(pending) {
        for word in &argv[fixed.min(argv.len())..] {
            assert!(!word.starts_with('-'), "{}: {argv:?}", updater.id());
        }
    }
}

/// An installer's candidates read from `output`, as a plan takes them
/// (`Candidate::checked`): what passes is one line that reads as no option.
pub fn candidates(
    id: &str,
    output: &str,
) -> std::collections::BTreeMap<String, toolup::managers::Candidate> {
    let read = toolup::managers::installer(id)
        .unwrap_or_else(|| panic!("no installer {id}"))
        .parse_candidates(output);
    for answer in read.values().filter_map(|c| c.checked().ok()) {
        for version in [&answer.candidate, &answer.installed].into_iter().flatten() {
            assert!(
                !version.is_empty()
                    && !version.starts_with('-')
                    && !version.contains(char::is_control),
                "{id}: {answer:?}"
            );
        }
    }
    read
}

/// What a registry-checked updater (cargo, pipx, uv) makes of what is
/// installed, each package's latest answer being the next package's
/// version (and a failure for every third): a pending update goes from
/// its installed version to a newer one, and the update names no option.
pub fn registry_checked(id: &str, installed: &[(String, String)]) {
    let n = installed.len();
    let pairs: Vec<toolup::managers::readers::Answered> = installed
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let latest = if i % 3 == 2 {
                Err("unreachable".to_owned())
            } else {
                Ok(installed[(i + 1) % n].1.clone())
            };
            (p.clone(), latest)
        })
        .collect();
    let Ok(pending) = toolup::managers::readers::newer(&pairs) else {
        assert!(pairs.iter().all(|(_, l)| l.is_err()));
        return;
    };
    for p in &pending {
        let (from, to) = (
            p.from.as_deref().unwrap_or(""),
            p.to.as_deref().unwrap_or(""),
        );
        let (from, to) = (
            toolup::model::Version::parse(from).unwrap_or_else(|e| panic!("{e}")),
            toolup::model::Version::parse(to).unwrap_or_else(|e| panic!("{e}")),
        );
        assert!(to > from, "{}: {from} to {to}", p.name);
    }
    let updater = toolup::managers::updater(id).unwrap_or_else(|| panic!("no updater {id}"));
    argv_stays_safe(updater, &pending);
}
