//! The one place user output is written. Diagnostics go through `tracing` to stderr.
//!
//! Whatever passes this door — text, tables, JSON documents and event
//! streams, errors, warnings and notes — is scrubbed of credentials
//! (`secrets::scrub`, string by string for JSON) and has its control
//! characters escaped; commands need do nothing of their own.

use std::io::Write;

use super::text::json_safe;
pub use super::text::visible;

use crate::base::secrets::{scrub, scrub_json};

/// Writes command output to stdout, unless quiet.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    pub quiet: bool,
}

impl Printer {
    /// Prints text for people: credentials hidden, and every control
    /// character in it (escape sequences above all, from tool output,
    /// registries or files) shown as an escape, so nothing can drive the
    /// terminal.
    pub fn out(&self, text: &str) {
        self.write(&visible(&scrub(text)));
    }

    /// Prints JSON (a document, or a stream of one per line) with the same
    /// values less their credentials: each string is scrubbed as a value, so
    /// the text stays valid JSON; characters a terminal would act on that
    /// JSON allows raw (DEL, C1 controls such as CSI, bidirectional
    /// overrides) are written as `\uXXXX` escapes, which decode to the very
    /// same strings.
    pub fn out_json(&self, text: &str) {
        self.write(&json_safe(&scrub_json(text)));
    }

    /// Prints text toolup itself generated (a completion script, a man
    /// page) exactly as it is.
    pub fn out_verbatim(&self, text: &str) {
        self.write(text);
    }

    /// Prints a document as pretty JSON (see `out_json`).
    pub fn json<T: serde::Serialize>(&self, doc: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(doc)?;
        text.push('\n');
        self.out_json(&text);
        Ok(())
    }

    /// Prints text for people like `out`, then colours each of `styles`'
    /// tokens (`(text, SGR code)`) — after escaping, so the only escape
    /// sequences that reach the terminal are toolup's own.
    pub fn out_styled(&self, text: &str, styles: Option<&[(&str, &str)]>) {
        let mut safe = visible(&scrub(text)).into_owned();
        for (token, code) in styles.unwrap_or_default() {
            safe = safe.replace(token, &format!("\u{1b}[{code}m{token}\u{1b}[0m"));
        }
        self.write(&safe);
    }

    /// A closed pipe (`toolup audit | head`) is not an error.
    fn write(&self, text: &str) {
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
    visible(&scrub(text)).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_sequences_never_reach_the_terminal() {
        assert_eq!(super::visible("a\u{1b}[2Jb\n"), "a\\u{1b}[2Jb\n");
        assert_eq!(super::visible("plain\ttext"), "plain\ttext");
        for hostile in [
            "\u{1b}]52;c;aGk=\u{7}",
            "\u{9b}2J",
            "a\rb",
            "x\u{8}",
            "\u{7f}",
            "\u{202e}abc",
        ] {
            let shown = super::visible(hostile);
            assert!(
                !shown.chars().any(crate::base::text::hidden),
                "{hostile:?} -> {shown:?}"
            );
        }
    }

    #[test]
    fn json_escapes_decode_to_the_same_strings() {
        let value = serde_json::json!({"v": "a\u{9b}2J\u{7f}\u{202e}b\u{1b}"});
        let text = serde_json::to_string(&value).unwrap();
        let printed = super::json_safe(&text);
        assert!(!printed.chars().any(crate::base::text::hidden), "{printed}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&printed).unwrap(),
            value
        );
    }
}
