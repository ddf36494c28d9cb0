//! What a host's probe prints (`fleet::remote::parse_probe`, `key=value`
//! lines) and the version line of its toolup (`new_enough`). The host is
//! untrusted: every value kept is free of control characters and bounded,
//! a sha256 is kept in lower case, and only a version line of a version at
//! least the oldest a controller drives counts as new enough.

use toolup::fleet::remote::{MIN_REMOTE_VERSION, new_enough, parse_probe};

pub fn run(data: &[u8]) {
    let text = super::text(data);
    let probe = parse_probe(&text);
    let values = [
        Some(&probe.os),
        probe.toolup.as_ref(),
        probe.version.as_ref(),
        probe.cached.as_ref(),
        probe.cached_sha256.as_ref(),
    ];
    for value in values.into_iter().flatten() {
        assert!(
            value.chars().count() <= 4096 && !value.chars().any(char::is_control),
            "{value:?}"
        );
    }
    if let Some(sha) = &probe.cached_sha256 {
        assert_eq!(*sha, sha.to_ascii_lowercase());
    }
    if let Some(line) = &probe.version
        && new_enough(line)
    {
        let version = line.split_whitespace().nth(1).unwrap_or_default();
        let have = semver::Version::parse(version.trim_start_matches('v'))
            .unwrap_or_else(|e| panic!("{line:?} new enough, yet {e}"));
        assert!(have >= semver::Version::parse(MIN_REMOTE_VERSION).unwrap());
    }
}
