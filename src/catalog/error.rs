//! Catalog errors that point at a file, a line and a field.

use std::fmt;

/// A problem in one catalog file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError {
    /// The file as the user knows it (a path, or `catalog/NAME.toml` for embedded files).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The offending field, when known.
    pub field: Option<String>,
    pub message: String,
}

impl CatalogError {
    pub(super) fn new(file: &str, message: impl Into<String>) -> CatalogError {
        CatalogError {
            file: file.to_owned(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// Attaches a field and finds the line where that key is written.
    pub(super) fn at_field(mut self, text: &str, field: &str) -> CatalogError {
        self.line = line_of_key(text, field);
        self.field = Some(field.to_owned());
        self
    }

    /// Builds an error from a TOML parse or type error, recovering line and field from its span.
    pub(super) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> CatalogError {
        let mut out = CatalogError::new(file, err.message().trim());
        if let Some(span) = err.span() {
            let start = span.start.min(text.len());
            out.line = Some(text[..start].matches('\n').count() + 1);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_text = text[line_start..].lines().next().unwrap_or("");
            if let Some((key, _)) = line_text.split_once('=') {
                let key = key.trim().trim_matches('"');
                if !key.is_empty() && !key.starts_with('[') {
                    out.field = Some(key.to_owned());
                }
            }
        }
        if out.field.is_none() {
            out.field = backticked(err.message());
            if let (Some(field), None) = (&out.field, out.line) {
                out.line = line_of_key(text, field);
            }
        }
        out
    }
}

/// The 1-based line where `key = …` is written, if it is.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let leaf = key.rsplit('.').next().unwrap_or(key);
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(leaf)
                .or_else(|| line.strip_prefix(&format!("\"{leaf}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
}

/// serde names fields in backticks: "missing field `bins`".
fn backticked(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message[start..].find('`')?;
    Some(message[start..start + len].to_owned())
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for CatalogError {}
