//! The choices a run is made with that the library reads: the output
//! format, which records to show, and what `--fail-on` names.

use clap::ValueEnum;

use crate::model::{Status, ToolRecord};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
}

impl Format {
    /// The word `--format` takes.
    pub fn id(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
        }
    }
}

/// Which records to show.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Tool names (commands are resolved to their tools first).
    pub only: Vec<String>,
    pub category: Option<String>,
    /// Any of these (empty: all).
    pub status: Vec<StatusWord>,
}

/// A word `--status` takes: a status, or `installed` (all but not-installed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusWord {
    Is(Status),
    Installed,
}

impl StatusWord {
    /// Every word, for errors and help.
    pub const WORDS: &'static str =
        "up-to-date, outdated, not-installed (or missing), unknown, installed";

    /// Parses one word; `missing` is `not-installed`.
    pub fn parse(word: &str) -> Option<StatusWord> {
        match word.trim() {
            "installed" => Some(StatusWord::Installed),
            "missing" => Some(StatusWord::Is(Status::NotInstalled)),
            other => Status::from_id(other).map(StatusWord::Is),
        }
    }

    fn accepts(self, status: Status) -> bool {
        match self {
            StatusWord::Is(s) => s == status,
            StatusWord::Installed => status != Status::NotInstalled,
        }
    }
}

impl Filter {
    /// True when the record passes every filter.
    pub fn accepts(&self, tool: &ToolRecord) -> bool {
        (self.only.is_empty() || self.only.iter().any(|n| n == &tool.name))
            && self.category.as_ref().is_none_or(|c| c == &tool.category)
            && (self.status.is_empty() || self.status.iter().any(|w| w.accepts(tool.status)))
    }

    /// An error when `--category` names none of `categories`: a filter that
    /// matches nothing must not pass for one that found nothing wrong.
    pub fn check_category(&self, categories: &[&str]) -> Result<(), String> {
        match &self.category {
            Some(c) if !categories.contains(&c.as_str()) => Err(format!(
                "--category {:?}: no such category (one of {})",
                crate::base::printer::visible(c),
                categories.join(", ")
            )),
            _ => Ok(()),
        }
    }
}

/// What `--fail-on` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Outdated,
    #[value(alias = "missing")]
    NotInstalled,
    Unknown,
    /// `system check`: any update pending.
    Pending,
    /// `system check`: any security update pending.
    Security,
    /// `system check`: a reboot is needed.
    Reboot,
}
