//! Versions as real tools print them, ordered the way their authors mean them.
//!
//! Tools do not all follow semver: OpenSSH prints `9.2p1`, tmux `3.3a`, Ruby
//! `3.1.2p20`, Python `3.13.0rc1`, ImageMagick `7.1.1-15`, calendar-versioned
//! tools `2026.10.26`. `Version` parses all of these into a numeric release plus
//! a qualifier (pre-release, final, or post-release) and compares them
//! numerically — never as strings — so `9.0.0 < 10.0.0` and `1.2.3-rc.1 < 1.2.3`.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version. Equality and order ignore build metadata (`+build`) and
/// trailing zero components (`1.2 == 1.2.0`); `as_str` keeps what was parsed.
#[derive(Clone, Debug)]
pub struct Version {
    text: String,
    release: Vec<u64>,
    qualifier: Qualifier,
}

/// What follows the numeric release, in ascending order of precedence.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    /// `-rc.1`, `b2`, `-alpha`, `~beta1`, `.dev0`: before the release.
    Pre(Vec<Ident>),
    Final,
    /// `p1`, `a` (tmux), `-15` (ImageMagick), `.post1`: after the release.
    Post(Vec<Ident>),
}

/// One dot- or boundary-separated identifier inside a qualifier.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ident {
    /// Numeric identifiers sort before words (semver rule 11.4.3).
    Num(u64),
    /// Known pre-release words get a rank so `dev < alpha < beta < rc`.
    Word(u8, String),
}

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a version: {0:?}")]
pub struct VersionError(pub String);

const PRE_WORDS: &[(&str, u8)] = &[
    ("dev", 0),
    ("snapshot", 0),
    ("nightly", 0),
    ("alpha", 1),
    ("a", 1),
    ("beta", 2),
    ("b", 2),
    ("pre", 3),
    ("preview", 3),
    ("c", 3),
    ("rc", 3),
    ("cr", 3),
];
const POST_WORDS: &[&str] = &["p", "pl", "patch", "post", "r", "rev", "u", "update"];
const FINAL_WORDS: &[&str] = &["release", "stable", "final", "ga", "lts"];

impl Version {
    /// Parses a version, tolerating a leading `v`, `V` or `go` prefix.
    pub fn parse(input: &str) -> Result<Version, VersionError> {
        let text = input.trim();
        // Control characters (escape sequences, `\r`, backspaces) are never
        // part of a version: such text is an attack on a terminal or a log.
        if text.chars().any(char::is_control) {
            return Err(VersionError(input.escape_default().to_string()));
        }
        let body = strip_prefix(text);
        let body = body.split('+').next().unwrap_or(body);
        let (release, rest) = parse_release(body).ok_or_else(|| VersionError(input.to_owned()))?;
        let qualifier = parse_qualifier(rest);
        Ok(Version {
            text: text.to_owned(),
            release,
            qualifier,
        })
    }

    /// The text this version was parsed from.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The numeric release components (`[1, 2, 3]` for `1.2.3-rc.1`).
    pub fn release(&self) -> &[u64] {
        &self.release
    }

    /// The first release component, used by the breaking-change policy.
    pub fn major(&self) -> u64 {
        self.release.first().copied().unwrap_or(0)
    }

    /// True for alpha, beta, rc, dev and other pre-releases.
    pub fn is_prerelease(&self) -> bool {
        matches!(self.qualifier, Qualifier::Pre(_))
    }

    fn trimmed_release(&self) -> &[u64] {
        let end = self
            .release
            .iter()
            .rposition(|&n| n != 0)
            .map_or(0, |i| i + 1);
        &self.release[..end]
    }
}

fn strip_prefix(text: &str) -> &str {
    for prefix in ["go", "v", "V"] {
        if let Some(rest) = text.strip_prefix(prefix)
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return rest;
        }
    }
    text
}

/// Reads `N(.N)*` and returns the components and the unparsed rest.
fn parse_release(body: &str) -> Option<(Vec<u64>, &str)> {
    let mut release = Vec::new();
    let mut rest = body;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        // Saturate absurdly long components instead of failing: still ordered.
        release.push(rest[..digits].parse().unwrap_or(u64::MAX));
        rest = &rest[digits..];
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) => rest = after,
            _ => break,
        }
    }
    if release.is_empty() {
        None
    } else {
        Some((release, rest))
    }
}

fn parse_qualifier(rest: &str) -> Qualifier {
    let rest = rest.trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    if rest.is_empty() {
        return Qualifier::Final;
    }
    let separator = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '-' | '.' | '_' | '~'));
    let idents = tokenize(rest);
    let Some(first) = idents.first() else {
        return Qualifier::Final;
    };
    if separator == Some('~') {
        return Qualifier::Pre(idents);
    }
    match first {
        // `7.1.1-15`, `1.2.3.post`-less numeric tails: a patch level.
        Ident::Num(_) => Qualifier::Post(idents),
        Ident::Word(rank, word) => {
            if FINAL_WORDS.contains(&word.as_str()) {
                Qualifier::Final
            } else if POST_WORDS.contains(&word.as_str()) {
                Qualifier::Post(idents)
            } else if separator.is_none() && word.len() == 1 && idents.len() == 1 {
                // tmux `3.3a`, OpenSSL `1.1.1w`: a bare letter is a later patch.
                Qualifier::Post(idents)
            } else if *rank < u8::MAX {
                Qualifier::Pre(idents)
            } else if separator.is_none() {
                Qualifier::Post(idents)
            } else {
                // `-SNAPSHOT`, `-nightly.3`: semver says a hyphenated word is a pre-release.
                Qualifier::Pre(idents)
            }
        }
    }
}

/// Splits on separators and on letter/digit boundaries: `rc.1` and `rc1` both become `[rc, 1]`.
fn tokenize(text: &str) -> Vec<Ident> {
    let mut idents = Vec::new();
    let mut current = String::new();
    let mut push = |current: &mut String| {
        if current.is_empty() {
            return;
        }
        let token = std::mem::take(current);
        let ident = match token.parse::<u64>() {
            // A token is all digits or all letters (split above), so a
            // number here is written in digits alone.
            Ok(n) => Ident::Num(n),
            _ => {
                let lower = token.to_ascii_lowercase();
                let rank = PRE_WORDS
                    .iter()
                    .find(|(w, _)| *w == lower)
                    .map_or(u8::MAX, |(_, r)| *r);
                Ident::Word(rank, lower)
            }
        };
        idents.push(ident);
    };
    for c in text.chars() {
        if !c.is_ascii_alphanumeric() {
            push(&mut current);
            continue;
        }
        let boundary = current
            .chars()
            .last()
            .is_some_and(|last| last.is_ascii_digit() != c.is_ascii_digit());
        if boundary {
            push(&mut current);
        }
        current.push(c);
    }
    push(&mut current);
    idents
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.trimmed_release(), other.trimmed_release());
        let len = a.len().max(b.len());
        for i in 0..len {
            let (x, y) = (
                a.get(i).copied().unwrap_or(0),
                b.get(i).copied().unwrap_or(0),
            );
            match x.cmp(&y) {
                Ordering::Equal => continue,
                unequal => return unequal,
            }
        }
        self.qualifier.cmp(&other.qualifier)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_shows_the_text_it_was_read_from() {
        for text in [
            "v1.2.3-rc1",
            "go1.22.3",
            "2:9.1.083-1.fc40",
            "1.0.0+build.7",
        ] {
            assert_eq!(Version::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(Version::parse("  1.2 \n").unwrap().to_string(), "1.2");
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn assert_ascending(list: &[&str]) {
        for pair in list.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
            assert!(v(pair[1]) > v(pair[0]), "{} > {}", pair[1], pair[0]);
        }
    }

    #[test]
    fn control_characters_are_not_versions() {
        for bad in ["1.2.3\u{1b}[2J", "1.2\r3", "1.2.3\u{9b}31m", "v1.0\u{7}"] {
            // The error shows the text escaped, never the control itself.
            assert_eq!(
                Version::parse(bad).unwrap_err(),
                VersionError(bad.escape_default().to_string()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn numeric_not_lexicographic() {
        assert_ascending(&["9.0.0", "10.0.0"]);
        assert_ascending(&["1.9", "1.10", "1.100"]);
        assert_ascending(&["2.9.99", "2.10.0"]);
    }

    #[test]
    fn semver_prereleases_sort_before_release() {
        assert_ascending(&[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ]);
        assert!(v("1.2.3-rc.1").is_prerelease());
        assert!(!v("1.2.3").is_prerelease());
    }

    #[test]
    fn python_style_prereleases() {
        assert_ascending(&[
            "3.13.0.dev1",
            "3.13.0a1",
            "3.13.0b2",
            "3.13.0rc1",
            "3.13.0",
            "3.13.1",
        ]);
    }

    #[test]
    fn letter_and_patch_suffixes_sort_after_release() {
        assert_ascending(&["3.3", "3.3a", "3.3b", "3.4"]);
        assert_ascending(&["9.2", "9.2p1", "9.2p2", "9.3p1"]);
        assert_ascending(&["3.1.2", "3.1.2p20", "3.1.2p100", "3.1.3"]);
        assert_ascending(&["1.1.1", "1.1.1w", "3.0.0"]);
        assert_ascending(&["7.1.1", "7.1.1-9", "7.1.1-15", "7.1.2"]);
    }

    #[test]
    fn two_four_part_and_calendar_versions() {
        assert_eq!(v("1.2"), v("1.2.0"));
        assert_eq!(v("1.2.0.0"), v("1.2"));
        assert_ascending(&["1.2", "1.2.0.1", "1.2.1"]);
        assert_ascending(&["2025.12.31", "2026.1.2", "2026.10.26"]);
        assert_ascending(&["20221122", "20230122"]);
    }

    #[test]
    fn prefixes_and_build_metadata() {
        assert_eq!(v("v1.2.3"), v("1.2.3"));
        assert_eq!(v("go1.22.3"), v("1.22.3"));
        assert_eq!(v("1.2.3+build.7"), v("1.2.3"));
        assert_eq!(v("17.0.15+6"), v("17.0.15"));
        assert_eq!(v("v1.2.3").as_str(), "v1.2.3");
        assert_eq!(v("go1.22.3").release(), &[1, 22, 3]);
    }

    #[test]
    fn release_words_are_final() {
        assert_eq!(v("5.2.15-release"), v("5.2.15"));
        assert!(v("1.0.0-SNAPSHOT") < v("1.0.0"));
        assert!(v("1.2.3~rc1") < v("1.2.3"));
    }

    #[test]
    fn rejects_non_versions() {
        for bad in ["", "latest", "v", "version"] {
            assert_eq!(Version::parse(bad), Err(VersionError(bad.to_owned())));
        }
        assert_eq!(
            VersionError("latest".to_owned()).to_string(),
            "not a version: \"latest\""
        );
    }

    #[test]
    fn words_after_a_release_read_as_tools_mean_them() {
        // After a dot, a known pre-release word or an unknown word is a
        // pre-release of the release before it (`1.2.a` is 1.2 alpha).
        for pre in ["1.2.a", "1.2.foo", "1.2-foo", "1.2.dev", "1.2~foo"] {
            assert!(v(pre).is_prerelease(), "{pre}");
            assert!(v(pre) < v("1.2"), "{pre} < 1.2");
            assert!(v(pre) > v("1.1.9"), "{pre} > 1.1.9");
        }
        // Glued to the number, an unknown word or a single letter is a
        // later patch (`1.2.3foo`, tmux `3.3a`).
        for post in ["1.2.3foo", "1.2.3a", "1.2.3p1", "1.2.3-p1", "1.2.3.post1"] {
            assert!(!v(post).is_prerelease(), "{post}");
            assert!(v(post) > v("1.2.3"), "{post} > 1.2.3");
            assert!(v(post) < v("1.2.4"), "{post} < 1.2.4");
        }
        // A known pre-release word glued on is still a pre-release (`b2`).
        assert!(v("1.2.3rc1").is_prerelease() && v("1.2.3rc1") < v("1.2.3"));
        assert_ascending(&["1.2.a", "1.2.b", "1.2.rc", "1.2.foo", "1.2"]);
        assert_ascending(&["1.2.3", "1.2.3a", "1.2.3b", "1.2.3foo", "1.2.4"]);
        // Numbers in a qualifier compare as numbers, and before words.
        assert_ascending(&["1.0-rc.2", "1.0-rc.10", "1.0-rc.x"]);
        assert_eq!(v("1.0-RC.1"), v("1.0-rc.1"));
        assert_eq!(v("1.0.0-final"), v("1.0"));
    }

    #[test]
    fn surroundings_are_not_part_of_the_version() {
        assert_eq!(v("  v1.2.3  ").as_str(), "v1.2.3");
        assert_eq!(v("1.2.3.").release(), &[1, 2, 3]);
        assert!(!v("1.2.3.").is_prerelease());
        assert_eq!(v("V2.0"), v("2.0"));
        for bad in ["go", "vv1", "gox1", "-1", ".5"] {
            assert_eq!(Version::parse(bad), Err(VersionError(bad.to_owned())));
        }
        // A component too long for u64 still orders above every other.
        assert!(v("99999999999999999999999.0") > v("18446744073709551614.0"));
        assert_eq!(v("0.0.0").major(), 0);
        assert_eq!(v("1.2.3-rc.1").release(), &[1, 2, 3]);
    }

    #[test]
    fn major_component() {
        assert_eq!(v("14.1.1").major(), 14);
        assert_eq!(v("v0.9").major(), 0);
    }
}
