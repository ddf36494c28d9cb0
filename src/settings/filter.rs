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
    /// Any of these categories (empty: all).
    pub category: Vec<String>,
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

    /// Each word `parse` takes, for suggestions.
    const EACH: &'static [&'static str] = &[
        "up-to-date",
        "outdated",
        "not-installed",
        "missing",
        "unknown",
        "installed",
    ];

    /// Parses one word; `missing` is `not-installed`.
    pub fn parse(word: &str) -> Option<StatusWord> {
        match word.trim() {
            "installed" => Some(StatusWord::Installed),
            "missing" => Some(StatusWord::Is(Status::NotInstalled)),
            other => Status::from_id(other).map(StatusWord::Is),
        }
    }

    /// Parses one word `--status` was given; an unknown one is an error
    /// naming it, listing the words and suggesting the closest
    /// (`outdatd` → outdated).
    pub fn from_flag(word: &str) -> Result<StatusWord, String> {
        StatusWord::parse(word).ok_or_else(|| {
            format!(
                "--status {:?}: expected one of {}{}",
                crate::base::printer::visible(word),
                StatusWord::WORDS,
                crate::base::names::did_you_mean(word, StatusWord::EACH.iter().copied())
            )
        })
    }

    /// The word, as `--status` takes it.
    pub fn id(self) -> &'static str {
        match self {
            StatusWord::Is(s) => s.id(),
            StatusWord::Installed => "installed",
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
            && self.takes_category(&tool.category)
            && (self.status.is_empty() || self.status.iter().any(|w| w.accepts(tool.status)))
    }

    /// True when `--category` names `category`, or names none.
    pub fn takes_category(&self, category: &str) -> bool {
        self.category.is_empty() || self.category.iter().any(|c| c == category)
    }

    /// An error when `--category` names one that is none of `categories`:
    /// a filter that matches nothing must not pass for one that found
    /// nothing wrong. It names the first such, lists the known ones and
    /// suggests the closest (`pyton` → python).
    pub fn check_category(&self, categories: &[&str]) -> Result<(), String> {
        match self
            .category
            .iter()
            .find(|c| !categories.contains(&c.as_str()))
        {
            Some(c) => Err(format!(
                "--category {:?}: no such category (one of {}){}",
                crate::base::printer::visible(c),
                categories.join(", "),
                crate::base::names::did_you_mean(c, categories.iter().copied())
            )),
            None => Ok(()),
        }
    }

    /// Whether any filter is set (`--only`, `--category`, `--status`).
    pub fn is_set(&self) -> bool {
        !(self.only.is_empty() && self.category.is_empty() && self.status.is_empty())
    }

    /// The filters set, as flags (`--category python --status outdated`),
    /// for a message that says why nothing was shown.
    pub fn describe(&self) -> String {
        let mut flags = Vec::new();
        if !self.only.is_empty() {
            flags.push(format!("--only {}", self.only.join(",")));
        }
        if !self.category.is_empty() {
            flags.push(format!("--category {}", self.category.join(",")));
        }
        if !self.status.is_empty() {
            let words: Vec<&str> = self.status.iter().map(|w| w.id()).collect();
            flags.push(format!("--status {}", words.join(",")));
        }
        crate::base::printer::visible(&flags.join(" ")).into_owned()
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

#[cfg(test)]
mod tests {
    use super::{Filter, StatusWord};
    use crate::model::Status;

    #[test]
    fn a_misspelt_status_word_is_named_and_the_word_suggested() {
        assert_eq!(
            StatusWord::from_flag("missing"),
            Ok(StatusWord::Is(Status::NotInstalled))
        );
        let error = StatusWord::from_flag("outdatd").unwrap_err();
        assert!(
            error.starts_with("--status \"outdatd\": expected one of"),
            "{error}"
        );
        assert!(error.ends_with("; did you mean outdated?"), "{error}");
        let error = StatusWord::from_flag("\u{1b}[2J").unwrap_err();
        assert!(error.contains("\\u{1b}[2J"), "{error}");
    }

    #[test]
    fn categories_are_a_list_and_an_unknown_one_suggests_the_closest() {
        let filter = Filter {
            category: vec!["python".into(), "pyton".into()],
            ..Filter::default()
        };
        assert!(filter.takes_category("python"));
        assert!(!filter.takes_category("rust"));
        assert!(Filter::default().takes_category("rust"));
        let error = filter.check_category(&["python", "rust"]).unwrap_err();
        assert_eq!(
            error,
            "--category \"pyton\": no such category (one of python, rust); did you mean python?"
        );
        let known = Filter {
            category: vec!["rust".into(), "python".into()],
            ..Filter::default()
        };
        assert_eq!(known.check_category(&["python", "rust"]), Ok(()));
    }

    #[test]
    fn the_filters_set_are_described_as_flags() {
        assert!(!Filter::default().is_set());
        let filter = Filter {
            only: vec!["ripgrep".into()],
            category: vec!["search".into(), "files".into()],
            status: vec![StatusWord::Is(Status::Outdated), StatusWord::Installed],
        };
        assert!(filter.is_set());
        assert_eq!(
            filter.describe(),
            "--only ripgrep --category search,files --status outdated,installed"
        );
    }
}
