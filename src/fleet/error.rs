//! Problems in a host list (`hosts.toml` or an Ansible inventory), each
//! naming the file, the line and what on it is wrong: a field, a group or
//! a host.

use std::fmt;
use std::path::{Path, PathBuf};

/// What on the line an error is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// A key: `port`, `ansible_port`, `maintenance`.
    Field(String),
    Group(String),
    Host(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Field(name) => write!(f, "field `{name}`"),
            Subject::Group(name) => write!(f, "group `{name}`"),
            Subject::Host(name) => write!(f, "host `{name}`"),
        }
    }
}

/// A problem in one host-list file: `FILE:LINE: field `port`: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetError {
    pub file: PathBuf,
    /// 1-based, when known.
    pub line: Option<usize>,
    pub subject: Option<Subject>,
    pub message: String,
}

impl FleetError {
    /// A problem with the file as a whole (it cannot be read, it is too big).
    pub fn file(file: &Path, message: impl Into<String>) -> FleetError {
        FleetError {
            file: file.to_owned(),
            line: None,
            subject: None,
            message: message.into(),
        }
    }

    /// A problem on `line`.
    pub fn at(file: &Path, line: usize, message: impl Into<String>) -> FleetError {
        FleetError {
            line: Some(line),
            ..FleetError::file(file, message)
        }
    }

    /// The same problem, about `subject`.
    pub fn about(mut self, subject: Subject) -> FleetError {
        self.subject = Some(subject);
        self
    }

    pub fn field(self, name: &str) -> FleetError {
        self.about(Subject::Field(name.to_owned()))
    }

    pub fn group(self, name: &str) -> FleetError {
        self.about(Subject::Group(name.to_owned()))
    }

    pub fn host(self, name: &str) -> FleetError {
        self.about(Subject::Host(name.to_owned()))
    }
}

impl fmt::Display for FleetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(subject) = &self.subject {
            write!(f, ": {subject}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FleetError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_reads_file_line_subject_message() {
        let e = FleetError::at(Path::new("/h/hosts.toml"), 7, "must be 1 to 65535").field("port");
        assert_eq!(
            e.to_string(),
            "/h/hosts.toml:7: field `port`: must be 1 to 65535"
        );
        let e = FleetError::file(Path::new("inv.ini"), "larger than 4 MiB");
        assert_eq!(e.to_string(), "inv.ini: larger than 4 MiB");
        let e = FleetError::at(Path::new("inv.ini"), 3, "cycle").group("web");
        assert_eq!(e.to_string(), "inv.ini:3: group `web`: cycle");
    }
}
