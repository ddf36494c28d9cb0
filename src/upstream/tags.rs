//! Release tags to versions: `v1.2.3`, `ripgrep-14.1.1`, `release-1_2_3`,
//! `go1.22.3`, `jq-1.7.1`, `REL_17_2`, `curl-8_11_1`.

use crate::model::Version;

/// The version a tag names, or `None` when it names none.
pub fn tag_to_version(tag: &str, names: &[&str]) -> Option<String> {
    let mut rest = tag.trim();
    // Path-like tags (`refs/tags/x`, `cli/v2.0.0`): the last part.
    if let Some((_, last)) = rest.rsplit_once('/') {
        rest = last;
    }
    let lower = rest.to_ascii_lowercase();
    let mut cut = 0;
    for prefix in names
        .iter()
        .map(|n| format!("{}-", n.to_ascii_lowercase()))
        .chain(
            [
                "release-", "release_", "rel-", "rel_", "version-", "ver-", "stable-",
            ]
            .map(str::to_owned),
        )
    {
        if lower.starts_with(&prefix) {
            cut = prefix.len();
            break;
        }
    }
    rest = &rest[cut..];
    // Everything before the first digit (`v`, `go`, `jdk-`): at most a short word.
    let digit = rest.find(|c: char| c.is_ascii_digit())?;
    if digit > 8 || rest[..digit].contains(['.', ' ']) {
        return None;
    }
    let body = &rest[digit..];
    // `1_2_3` is a dotted version spelt with underscores.
    let body = if !body.contains('.') && body.contains('_') {
        body.replace('_', ".")
    } else {
        body.to_owned()
    };
    Version::parse(&body).ok().map(|_| body)
}

/// The highest stable version among tags (pre-releases only if `prereleases`).
pub fn highest<'a>(
    tags: impl IntoIterator<Item = &'a str>,
    names: &[&str],
    prereleases: bool,
) -> Option<String> {
    tags.into_iter()
        .filter_map(|t| tag_to_version(t, names))
        .filter_map(|v| Version::parse(&v).ok().map(|parsed| (parsed, v)))
        .filter(|(parsed, _)| prereleases || !parsed.is_prerelease())
        .max_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_common_tag_shapes() {
        let cases = [
            ("v1.2.3", "1.2.3"),
            ("ripgrep-14.1.1", "14.1.1"),
            ("release-1_2_3", "1.2.3"),
            ("go1.22.3", "1.22.3"),
            ("jq-1.7.1", "1.7.1"),
            ("curl-8_11_1", "8.11.1"),
            ("REL_17_2", "17.2"),
            ("cli/v2.0.0", "2.0.0"),
            ("v3.0.0-rc.1", "3.0.0-rc.1"),
            ("2026.10.26", "2026.10.26"),
        ];
        for (tag, want) in cases {
            assert_eq!(
                tag_to_version(tag, &["ripgrep", "jq", "curl"]).as_deref(),
                Some(want),
                "{tag}"
            );
        }
        assert_eq!(tag_to_version("nightly", &[]), None);
        assert_eq!(tag_to_version("latest", &[]), None);
    }

    #[test]
    fn highest_skips_prereleases_unless_asked() {
        let tags = ["v1.9.0", "v1.10.0", "v1.11.0-rc.1", "nightly"];
        assert_eq!(highest(tags, &[], false).as_deref(), Some("1.10.0"));
        assert_eq!(highest(tags, &[], true).as_deref(), Some("1.11.0-rc.1"));
    }
}
