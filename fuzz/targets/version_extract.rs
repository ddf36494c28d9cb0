//! Reading a version out of what a program printed
//! (`audit::discover::parse::extract_version`), with a catalog pattern
//! (`PATTERN NUL OUTPUT`, compiled as the catalog compiles it) or with the
//! heuristic (no NUL). What it finds is a version, carries no release
//! channel (`-stable`, `-beta`, `-nightly` after a number) and, without a
//! pattern, was printed.

use toolup::audit::discover::parse::{extract_version, first_line, significant_text};
use toolup::model::Version;

pub fn run(data: &[u8]) {
    let fields = super::fields(data, 2);
    let (pattern, output) = match fields.as_slice() {
        [output] => (None, output),
        [pattern, output] => {
            // A pattern the catalog would refuse never reaches a probe.
            let Ok(re) = toolup::catalog::compile_pattern(pattern) else {
                return;
            };
            (Some(re), output)
        }
        _ => return,
    };
    let _ = first_line(output);
    let _ = significant_text(output);
    let Some(found) = extract_version(output, pattern.as_ref()) else {
        return;
    };
    let version = Version::parse(&found).unwrap_or_else(|e| panic!("{found:?}: {e}"));
    assert_eq!(version.as_str(), found, "{found:?} is kept as found");
    let lower = found.to_ascii_lowercase();
    for channel in ["-stable", "-beta", "-nightly"] {
        if let Some(rest) = lower.strip_suffix(channel) {
            assert!(
                !rest.ends_with(|c: char| c.is_ascii_digit()),
                "{found:?} keeps its release channel"
            );
        }
    }
    if pattern.is_none() {
        assert!(output.contains(&found), "{found:?} was not printed");
    }
}
