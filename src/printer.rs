//! The one place user output is written. Diagnostics go through `tracing` to stderr.

use std::io::Write;

/// Writes command output to stdout, unless quiet.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub quiet: bool,
}

impl Printer {
    /// Prints `text` as is. A closed pipe (`toolup audit | head`) is not an error.
    pub fn out(&self, text: &str) {
        if self.quiet {
            return;
        }
        let mut stdout = std::io::stdout().lock();
        let _ = stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush());
    }

    /// Prints an error line to stderr, even when quiet.
    pub fn error(&self, text: &str) {
        let _ = writeln!(std::io::stderr().lock(), "error: {}", stderr_line(text));
    }

    /// Prints a line of information to stderr unless quiet (for commands whose stdout stays clean).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{}", stderr_line(text));
        }
    }

    /// Prints a warning line to stderr unless quiet.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "warning: {}", stderr_line(text));
        }
    }
}

/// A line for stderr: no credential, no control character.
fn stderr_line(text: &str) -> String {
    visible(&crate::secrets::scrub(text)).into_owned()
}

/// `text` with control characters (escape sequences above all) shown as
/// `\u{…}` escapes, so text from files, tools or servers cannot drive the
/// terminal; newlines and tabs stay.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        assert_eq!(super::visible("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\n");
        assert_eq!(super::visible("plain\ttext"), "plain\ttext");
    }
}
