//! Reading a version out of what a program printed: cleaning (lossy UTF-8,
//! ANSI escapes, carriage returns), skipping noise lines, then the catalog's
//! pattern or a heuristic.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Version;

/// The first `N.N…` token not glued to a preceding digit or dot, with an optional suffix.
static HEURISTIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9.])[vV]?(\d+\.\d+(?:\.\d+)*(?:[-+~]?[0-9A-Za-z][0-9A-Za-z.]*)?)")
        .unwrap_or_else(|e| unreachable!("static regex: {e}"))
});

/// Lines tools print before their version that are not about it.
const NOISE_PREFIXES: &[&str] = &[
    "warning",
    "deprecationwarning",
    "note:",
    "picked up ",
    "npm warn",
    "(node:",
    "(use `node",
    "debug:",
    "info:",
    "/usr/lib/python3/dist-packages/",
    "/usr/local/lib/python",
];

fn is_noise(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    NOISE_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// The text without noise lines, joined by newlines.
pub fn significant_text(text: &str) -> String {
    text.lines()
        .filter(|l| !is_noise(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first significant line, for error messages and notes.
pub fn first_line(text: &str) -> String {
    let line = text.lines().find(|l| !is_noise(l)).unwrap_or("").trim();
    line.chars().take(120).collect()
}

/// Extracts a parseable version: the pattern's capture groups when a pattern
/// is given (several matched groups are joined with dots, so Vim's `9.0` and
/// `Included patches: 1-1378` become `9.0.1378`), else the first
/// version-looking token of the first significant line that has one.
pub fn extract_version(text: &str, pattern: Option<&Regex>) -> Option<String> {
    let significant = significant_text(text);
    let found = match pattern {
        Some(re) => [significant.as_str(), text].into_iter().find_map(|t| {
            let caps = re.captures(t)?;
            let parts: Vec<&str> = caps.iter().skip(1).flatten().map(|m| m.as_str()).collect();
            (!parts.is_empty()).then(|| parts.join("."))
        }),
        None => significant
            .lines()
            .find_map(|line| HEURISTIC.captures(line).and_then(|c| c.get(1)))
            .map(|m| m.as_str().to_owned()),
    }?;
    // A version is one line, without the punctuation around it (fuzz: a
    // pattern's `[^,]*` took `1.2\n.` across lines, and the newline stayed).
    let found = found.trim().lines().next().unwrap_or_default();
    let found = without_channel(found.trim_end_matches(['.', ',', ';', ':']).trim_end()).to_owned();
    Version::parse(&found).ok().map(|_| found)
}

/// Release channels a build names after its version (Rust's toolchains:
/// `rustfmt 1.9.0-stable`, `cargo 1.82.0-nightly`). They say where the
/// build came from, not that it precedes its release, so they are dropped
/// from the installed version; `-beta.2` (a numbered pre-release) is kept.
const CHANNELS: [&str; 3] = ["-stable", "-beta", "-nightly"];

fn without_channel(version: &str) -> &str {
    CHANNELS
        .iter()
        .find_map(|c| {
            let cut = version.len().checked_sub(c.len())?;
            version
                .get(cut..)
                .is_some_and(|tail| tail.eq_ignore_ascii_case(c))
                .then(|| &version[..cut])
        })
        .filter(|rest| rest.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_a_pattern_takes_across_lines_is_its_first_line() {
        // tests/fuzz_regressions/version_extract/capture-across-lines
        let re = Regex::new(r"version=v?([0-9][^,]*)").unwrap();
        for output in [
            "version=1.2.3\n.",
            "version=1.2.3 \n,x",
            "version=v1.2.3.\n\nmore",
        ] {
            assert_eq!(
                extract_version(output, Some(&re)).as_deref(),
                Some("1.2.3"),
                "{output:?}"
            );
        }
    }

    fn h(text: &str) -> Option<String> {
        extract_version(text, None)
    }

    #[test]
    fn release_channels_are_not_prereleases() {
        let re = Regex::new(r"rustfmt (\S+)").unwrap();
        for (out, want) in [
            ("rustfmt 1.9.0-stable (59807616e1 2026-04-14)", "1.9.0"),
            ("rustfmt 1.9.0-nightly (59807616e1 2026-04-14)", "1.9.0"),
            ("rustfmt 1.9.0-beta (59807616e1 2026-04-14)", "1.9.0"),
            (
                "rustfmt 1.9.0-beta.2 (59807616e1 2026-04-14)",
                "1.9.0-beta.2",
            ),
        ] {
            assert_eq!(
                extract_version(out, Some(&re)).as_deref(),
                Some(want),
                "{out}"
            );
        }
        assert_eq!(
            h("cargo 1.82.0-nightly (8f40fc59f 2024-08-21)").as_deref(),
            Some("1.82.0")
        );
        let installed =
            Version::parse(&h("rustc 1.95.0-nightly (abc 2026-04-01)").unwrap()).unwrap();
        assert!(installed >= Version::parse("1.95.0").unwrap());
    }

    #[test]
    fn heuristic_finds_common_shapes() {
        assert_eq!(h("git version 2.47.3\n").as_deref(), Some("2.47.3"));
        assert_eq!(h("ripgrep 14.1.0 (rev abc)\n").as_deref(), Some("14.1.0"));
        assert_eq!(h("jq-1.6").as_deref(), Some("1.6"));
        assert_eq!(
            h("go version go1.19.8 linux/amd64").as_deref(),
            Some("1.19.8")
        );
        assert_eq!(h("tmux 3.3a").as_deref(), Some("3.3a"));
        assert_eq!(
            h("OpenSSH_9.2p1 Debian-2+deb12u3, OpenSSL 3.0.17").as_deref(),
            Some("9.2p1")
        );
        assert_eq!(
            h("GNU bash, version 5.2.15(1)-release").as_deref(),
            Some("5.2.15")
        );
        assert_eq!(h("v20.20.2").as_deref(), Some("20.20.2"));
        assert_eq!(
            h("Docker version 28.2.2, build e6534b4").as_deref(),
            Some("28.2.2")
        );
        assert_eq!(h("no version here"), None);
    }

    #[test]
    fn noise_lines_are_skipped() {
        let text = "WARNING: something 1.2.3 is deprecated\nPicked up JAVA_TOOL_OPTIONS: -Dx=1.0\ntool 4.5.6\n";
        assert_eq!(h(text).as_deref(), Some("4.5.6"));
        assert_eq!(first_line(text), "tool 4.5.6");
    }

    #[test]
    fn pattern_group_one_wins() {
        let re = Regex::new(r"\) (\d\S*)$").ok();
        let re = Regex::new(r"(?m)\) (\d\S*)$").ok().or(re);
        assert_eq!(
            extract_version(
                "gcc (Debian 12.2.0-14+deb12u1) 12.2.0\nCopyright",
                re.as_ref()
            )
            .as_deref(),
            Some("12.2.0")
        );
    }

    #[test]
    fn several_groups_are_joined() {
        let re = crate::catalog::compile_pattern(
            r"IMproved (\d+\.\d+)(?:(?s:.*?)Included patches: \d+-(\d+))?",
        )
        .ok();
        let text = "VIM - Vi IMproved 9.0 (2022 Jun 28)\nIncluded patches: 1-1378\n";
        assert_eq!(
            extract_version(text, re.as_ref()).as_deref(),
            Some("9.0.1378")
        );
        assert_eq!(
            extract_version("VIM - Vi IMproved 9.1 (2024)\n", re.as_ref()).as_deref(),
            Some("9.1")
        );
    }
}
