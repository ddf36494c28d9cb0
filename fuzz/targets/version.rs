//! `Version::parse` and its order, on up to three versions (NUL between
//! them): what parses is what it says it is, the order is a total order,
//! and on every semver-valid pair it agrees with the `semver` crate —
//! except where toolup reads a version as tools mean it rather than as
//! semver says (docs/testing.md lists these readings; `reads_as_semver`
//! below is that list in code).

use std::cmp::Ordering;

use toolup::model::Version;

pub fn run(data: &[u8]) {
    let texts = super::fields(data, 3);
    let versions: Vec<Version> = texts.iter().filter_map(|t| parsed(t)).collect();
    for a in &versions {
        for b in &versions {
            pair(a, b);
            for c in &versions {
                transitive(a, b, c);
            }
        }
    }
    for a in &texts {
        for b in &texts {
            agrees_with_semver(a, b);
        }
    }
}

/// Parses `text`, checking what a version says of itself.
fn parsed(text: &str) -> Option<Version> {
    let v = Version::parse(text).ok()?;
    assert_eq!(v.as_str(), text.trim(), "a version keeps its text");
    assert!(!v.as_str().chars().any(char::is_control), "{text:?}");
    assert!(!v.release().is_empty(), "{text:?} has no release");
    assert_eq!(v.major(), v.release()[0]);
    let again = Version::parse(v.as_str()).unwrap_or_else(|e| panic!("{text:?} again: {e}"));
    assert_eq!(again.cmp(&v), Ordering::Equal, "{text:?} parsed twice");
    assert_eq!(again.is_prerelease(), v.is_prerelease());
    assert_eq!(v.to_string(), v.as_str());
    let from_str: Version = v.as_str().parse().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_str, v);
    Some(v)
}

fn pair(a: &Version, b: &Version) {
    let ab = a.cmp(b);
    assert_eq!(ab, b.cmp(a).reverse(), "{a} vs {b}: antisymmetric");
    assert_eq!(a.partial_cmp(b), Some(ab));
    assert_eq!(a == b, ab == Ordering::Equal, "{a} vs {b}: eq is cmp");
    assert_eq!(a < b, ab == Ordering::Less);
    assert_eq!(a > b, ab == Ordering::Greater);
}

fn transitive(a: &Version, b: &Version, c: &Version) {
    if a <= b && b <= c {
        assert!(a <= c, "{a} <= {b} <= {c}");
    }
    if a == b {
        assert_eq!(a.cmp(c), b.cmp(c), "{a} == {b}, against {c}");
    }
}

/// On semver-valid versions toolup reads as semver does, both orders agree.
fn agrees_with_semver(a: &str, b: &str) {
    let (Ok(sa), Ok(sb)) = (semver::Version::parse(a), semver::Version::parse(b)) else {
        return;
    };
    let (va, vb) = (
        Version::parse(a).unwrap_or_else(|e| panic!("semver-valid {a:?}: {e}")),
        Version::parse(b).unwrap_or_else(|e| panic!("semver-valid {b:?}: {e}")),
    );
    if reads_as_semver(&sa.pre) && reads_as_semver(&sb.pre) {
        assert_eq!(
            va.cmp(&vb),
            sa.cmp_precedence(&sb),
            "{a} vs {b}: toolup and semver disagree"
        );
        assert_eq!(va.is_prerelease(), !sa.pre.is_empty(), "{a}");
    }
}

/// Pre-release words toolup ranks (`dev < alpha < beta < rc`, unknown words
/// after them) in an order that is also their spelling's: among these and
/// unknown words spelt after `rc`, the ranks and semver's ASCII order agree.
const RANKED_IN_SPELLING_ORDER: [&str; 9] = [
    "a", "alpha", "b", "beta", "c", "cr", "pre", "preview", "rc",
];
/// Words that make a version final or later (`1.0-p1`, `1.0-release`).
const NOT_PRE: [&str; 13] = [
    "p", "pl", "patch", "post", "r", "rev", "u", "update", "release", "stable", "final", "ga",
    "lts",
];

/// Whether toolup reads this semver pre-release as semver does. It does
/// not, on purpose, where a version means what tools mean:
/// - a first identifier that is a number is a patch level (`7.1.1-15`,
///   ImageMagick; Debian revisions), after the release;
/// - `p1`, `patch`, `post`, `r`, `u`, `update` … are after the release,
///   `release`, `stable`, `final`, `ga`, `lts` are the release itself;
/// - an identifier is split where letters meet digits, so `rc10 > rc2` as
///   PEP 440 and every tool mean it (semver compares `rc10 < rc2`);
/// - case is ignored, and `-` inside an identifier separates as `.` does;
/// - `dev`, `snapshot`, `nightly` come before `alpha`, and known words
///   before unknown ones (semver spells them out in ASCII order).
fn reads_as_semver(pre: &semver::Prerelease) -> bool {
    if pre.is_empty() {
        return true;
    }
    let idents: Vec<&str> = pre.as_str().split('.').collect();
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let word = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase());
    if numeric(idents[0]) || NOT_PRE.contains(&idents[0]) {
        return false;
    }
    idents.iter().all(|i| {
        numeric(i)
            || (word(i)
                && (RANKED_IN_SPELLING_ORDER.contains(i) || (*i > "rc" && *i != "snapshot")))
    })
}
