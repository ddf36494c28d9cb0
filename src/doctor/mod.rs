//! `toolup doctor`: what toolup relies on, checked and explained — where
//! each registry address came from and whether it answers, the GitHub token
//! and its quota, toolup's own files and their ages, the team's modules,
//! and PATH problems.
//! Each finding names its fix; a broken one makes the command exit 1.

mod files;
mod modules;
mod path_check;
mod registries;

use serde::Serialize;

use crate::settings::Settings;

/// How a finding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Health {
    /// Works.
    Ok,
    /// Works less well than it could; toolup goes on.
    Warn,
    /// Something toolup needs does not work.
    Broken,
    /// Not checked (`--offline`).
    Skipped,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Warn => "warn",
            Health::Broken => "broken",
            Health::Skipped => "skipped",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `registries`, `github`, `files`, `modules` or `path`.
    pub area: &'static str,
    /// What was checked (`PyPI package index (Simple API)`).
    pub subject: String,
    pub health: Health,
    /// What was found, in a line.
    pub detail: String,
    /// The address, for registry findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Where the address came from, for registry findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    /// Every place looked, in order (registry discovery).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub looked_in: Vec<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Finding {
    fn new(
        area: &'static str,
        subject: impl Into<String>,
        health: Health,
        detail: impl Into<String>,
    ) -> Finding {
        Finding {
            area,
            subject: subject.into(),
            health,
            detail: detail.into(),
            url: None,
            origin: None,
            looked_in: Vec::new(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }
}

/// Everything `doctor` found, in the order shown.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when anything is broken (exit 1).
    pub fn broken(&self) -> bool {
        self.findings.iter().any(|f| f.health == Health::Broken)
    }
}

/// The report's JSON format version.
pub const REPORT_VERSION: u32 = 1;

/// Runs every check; registries are asked over the network unless offline.
pub fn examine(settings: &Settings) -> Report {
    let mut findings = registries::check(settings);
    findings.extend(files::check(settings));
    findings.extend(modules::check(settings));
    findings.extend(path_check::check(
        &crate::audit::discover::HostEnv::capture(),
    ));
    Report {
        schema_version: REPORT_VERSION,
        findings,
    }
}
