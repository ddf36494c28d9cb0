//! Package names as their registries compare them.

/// PEP 503 normalisation of a Python project name: lower case, each run of
/// `-`, `_` and `.` one `-` (`Foo_Bar.baz` is `foo-bar-baz`).
pub fn python_project(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !last_sep {
                out.push('-');
            }
            last_sep = true;
        } else {
            out.push(c.to_ascii_lowercase());
            last_sep = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep_503() {
        assert_eq!(python_project("Foo_Bar.baz"), "foo-bar-baz");
        assert_eq!(python_project("yt-dlp"), "yt-dlp");
        assert_eq!(python_project("ruamel__yaml"), "ruamel-yaml");
    }
}
