//! Package names as their registries compare them.

/// PEP 503 normalisation of a Python project name: lower case, each run of
/// `-`, `_` and `.` one `-` (`Foo_Bar.baz` is `foo-bar-baz`).
pub fn python_project(name: &str) -> String {
    let mut normalised = PythonProject::default();
    name.chars().for_each(|c| normalised.push(c));
    normalised.out
}

/// The PEP 503 name read so far, one character at a time: the name of
/// every prefix of a text in one pass.
#[derive(Default)]
struct PythonProject {
    out: String,
    last_sep: bool,
}

impl PythonProject {
    fn push(&mut self, c: char) {
        if matches!(c, '-' | '_' | '.') {
            if !self.last_sep {
                self.out.push('-');
            }
            self.last_sep = true;
        } else {
            self.out.push(c.to_ascii_lowercase());
            self.last_sep = false;
        }
    }
}

/// What follows `project` (a normalised name) and a dash at the start of
/// `text`: the name may hold dashes itself, so the split is the first dash
/// before which the text, normalised, is `project`
/// (`zope.interface-6.1` after `zope-interface` is `6.1`). One pass and no
/// more than the name's length kept, however long the text.
pub fn after_python_project<'a>(text: &'a str, project: &str) -> Option<&'a str> {
    let mut read = PythonProject::default();
    for (at, c) in text.char_indices() {
        if c == '-' && read.out == project {
            return Some(&text[at + 1..]);
        }
        read.push(c);
        // The name read only grows: once longer, it is never `project`.
        if read.out.len() > project.len() {
            return None;
        }
    }
    None
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

    #[test]
    fn the_version_after_a_project_name_that_holds_dashes() {
        assert_eq!(
            after_python_project("zope.interface-6.1", "zope-interface"),
            Some("6.1")
        );
        assert_eq!(
            after_python_project("ZOPE__Interface-6.1", "zope-interface"),
            Some("6.1")
        );
        assert_eq!(after_python_project("a-b-c-1.0", "a-b"), Some("c-1.0"));
        assert_eq!(after_python_project("a-b-c-1.0", "a-b-c"), Some("1.0"));
        // A separator run before the dash is part of the name: not `foo`.
        assert_eq!(after_python_project("foo_-1.0", "foo"), None);
        assert_eq!(after_python_project("foobar-1.0", "foo"), None);
        assert_eq!(after_python_project("foo", "foo"), None);
        assert_eq!(after_python_project("-1.0", ""), Some("1.0"));
    }
}
