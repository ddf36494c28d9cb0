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
        let _ = writeln!(std::io::stderr().lock(), "error: {text}");
    }

    /// Prints a line of information to stderr unless quiet (for commands whose stdout stays clean).
    pub fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
    }

    /// Prints a warning line to stderr unless quiet.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "warning: {text}");
        }
    }
}
