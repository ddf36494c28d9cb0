//! Whether a version satisfies a Python version specifier (PEP 440's
//! `==`, `!=`, `>=`, `<=`, `>`, `<`, `~=`, `===`, with `.*` wildcards), as
//! a tool was installed with (`uv tool install 'black<25'`): the update
//! keeps to it, so the check must too.

use crate::model::Version;

/// `Some(true)` when `version` satisfies every clause of `spec`,
/// `Some(false)` when one excludes it, `None` when a clause cannot be read.
pub fn allows(spec: &str, version: &str) -> Option<bool> {
    let v = Version::parse(version).ok()?;
    let mut all = true;
    for clause in spec.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let (op, bound) = ["===", "~=", "==", "!=", "<=", ">=", "<", ">"]
            .iter()
            .find_map(|op| clause.strip_prefix(op).map(|rest| (*op, rest.trim())))?;
        let ok = match (op, bound.strip_suffix(".*")) {
            ("===", _) => version == bound,
            ("==", Some(prefix)) => starts_with(version, prefix)?,
            ("!=", Some(prefix)) => !starts_with(version, prefix)?,
            ("~=", _) => {
                let parts = release(bound)?;
                if parts.len() < 2 {
                    return None;
                }
                let prefix: Vec<String> = parts[..parts.len() - 1]
                    .iter()
                    .map(u64::to_string)
                    .collect();
                v >= Version::parse(bound).ok()? && starts_with(version, &prefix.join("."))?
            }
            (op, None) => {
                let b = Version::parse(bound).ok()?;
                match op {
                    "==" => v == b,
                    "!=" => v != b,
                    ">=" => v >= b,
                    "<=" => v <= b,
                    ">" => v > b,
                    "<" => v < b,
                    _ => return None,
                }
            }
            _ => return None,
        };
        all &= ok;
    }
    Some(all)
}

/// The numeric release segments: `1.2.3rc1` → [1, 2, 3].
fn release(version: &str) -> Option<Vec<u64>> {
    let version = version.trim_start_matches('v');
    let end = version
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(version.len());
    let parts: Option<Vec<u64>> = version[..end]
        .split('.')
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect();
    parts.filter(|p| !p.is_empty())
}

/// Whether `version`'s release begins with `prefix`'s (`1.4.2` with `1.4`),
/// zeros filling a shorter release as PEP 440 pads.
fn starts_with(version: &str, prefix: &str) -> Option<bool> {
    let (v, p) = (release(version)?, release(prefix)?);
    Some(
        p.iter()
            .enumerate()
            .all(|(i, n)| v.get(i).copied().unwrap_or(0) == *n),
    )
}

#[cfg(test)]
mod tests {
    use super::allows;

    #[test]
    fn specifiers_as_pip_and_uv_read_them() {
        for (spec, version, expected) in [
            ("==0.6.0", "0.6.1", Some(false)),
            ("==0.6.0", "0.6.0", Some(true)),
            (">=5, <6", "6.1", Some(false)),
            (">=5, <6", "5.0.1", Some(true)),
            ("<25", "24.10.0", Some(true)),
            ("~=1.4", "1.9.2", Some(true)),
            ("~=1.4", "2.0", Some(false)),
            ("~=1.4.2", "1.4.9", Some(true)),
            ("~=1.4.2", "1.5.0", Some(false)),
            ("==1.*", "1.7", Some(true)),
            ("==1.*", "2.0", Some(false)),
            ("!=1.2.*", "1.2.5", Some(false)),
            ("!=1.2.3", "1.2.4", Some(true)),
            (">1.0", "1.0", Some(false)),
            ("===1.0", "1.0", Some(true)),
            ("@ git+https://x", "1.0", None),
            ("==not-a-version", "1.0", None),
        ] {
            assert_eq!(allows(spec, version), expected, "{spec} {version}");
        }
    }

    #[test]
    fn every_comparison_below_at_and_above_its_bound() {
        // (operator, [below, equal, above]) against the bound 1.4.
        for (op, expected) in [
            ("==", [false, true, false]),
            ("!=", [true, false, true]),
            (">=", [false, true, true]),
            ("<=", [true, true, false]),
            (">", [false, false, true]),
            ("<", [true, false, false]),
            ("===", [false, true, false]),
        ] {
            for (version, want) in ["1.3.9", "1.4", "1.4.1"].into_iter().zip(expected) {
                assert_eq!(
                    allows(&format!("{op}1.4"), version),
                    Some(want),
                    "{op}1.4 of {version}"
                );
            }
        }
        // A pre-release of the bound is below it.
        assert_eq!(allows("<1.4", "1.4rc1"), Some(true));
        assert_eq!(allows(">=1.4", "1.4rc1"), Some(false));
    }

    #[test]
    fn wildcards_and_compatible_releases_at_their_edges() {
        assert_eq!(allows("==1.4.*", "1.4"), Some(true));
        assert_eq!(allows("==1.4.*", "1.40"), Some(false));
        assert_eq!(allows("!=1.4.*", "1.5.0"), Some(true));
        assert_eq!(allows("~=1.4.2", "1.4.2"), Some(true));
        assert_eq!(allows("~=1.4.2", "1.4.1"), Some(false));
        assert_eq!(allows("~=1", "1.0"), None, "~= needs two release parts");
        assert_eq!(allows("==1.*", "not a version"), None);
        assert_eq!(allows("", "1.0"), Some(true), "no clause allows all");
        assert_eq!(allows(">=1.0, <=1.0", "1.0"), Some(true));
        assert_eq!(allows(">=1.0, <1.0", "1.0"), Some(false));
        assert_eq!(allows("==v1.4.*", "1.4.3"), Some(true));
    }
}
