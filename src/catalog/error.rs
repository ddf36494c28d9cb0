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
        self.line = crate::base::toml_location::line_of_key(text, field);
        self.field = Some(field.to_owned());
        self
    }

    /// Builds an error from a TOML parse or type error, recovering line and field from its span.
    pub(super) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> CatalogError {
        let location = crate::base::toml_location::locate(text, err);
        CatalogError {
            line: location.line,
            field: location.field,
            ..CatalogError::new(file, err.message().trim())
        }
    }
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
