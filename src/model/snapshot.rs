//! The snapshot document (`tools_snapshot.json`, and what `--format json` prints).
//!
//! Field order here is the key order on disk, so a committed snapshot diffs
//! cleanly. Additions to DESIGN.md's shape: `notes` per tool and
//! `version_from` per installation (how the version was read).

use serde::{Deserialize, Serialize};

use super::{Method, Status};

/// The schema version written into `__meta__`.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    #[serde(rename = "__meta__")]
    pub meta: Meta,
    pub tools: Vec<ToolRecord>,
}

/// Facts about the run that made the snapshot.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub schema_version: u32,
    pub generator: String,
    pub created_at: String,
    pub host: Host,
    pub offline: bool,
    pub counts: Counts,
    pub durations_ms: Durations,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Host {
    pub hostname: String,
    pub os: String,
    pub arch: String,
}

/// How many tools are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    #[serde(rename = "up-to-date")]
    pub up_to_date: usize,
    pub outdated: usize,
    #[serde(rename = "not-installed")]
    pub not_installed: usize,
    pub unknown: usize,
}

impl Counts {
    /// Counts the statuses of these records.
    pub fn of(tools: &[ToolRecord]) -> Counts {
        let mut counts = Counts::default();
        for tool in tools {
            match tool.status {
                Status::UpToDate => counts.up_to_date += 1,
                Status::Outdated => counts.outdated += 1,
                Status::NotInstalled => counts.not_installed += 1,
                Status::Unknown => counts.unknown += 1,
            }
        }
        counts
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Durations {
    pub discover: u64,
    pub upstream: u64,
    pub total: u64,
}

/// One tool's findings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolRecord {
    pub name: String,
    pub category: String,
    pub status: Status,
    /// The installation the user actually runs (first on PATH), or the newest off-PATH one.
    pub installed: Option<Installation>,
    /// Every installation found, deduplicated by canonical path, in PATH order.
    pub installations: Vec<Installation>,
    pub latest: Option<Latest>,
    /// Why the status is `unknown`, when it is.
    pub error: Option<String>,
    /// Shadowed newer copies, ignored impostors and similar remarks.
    #[serde(default)]
    pub notes: Vec<String>,
}

/// One copy of a tool on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installation {
    pub version: Option<String>,
    pub path: String,
    pub method: Method,
    pub reason: String,
    /// The package that owns this copy, when known (dpkg's, pipx's venv, npm's).
    #[serde(default)]
    pub package: Option<String>,
    pub on_path: bool,
    /// How the version was read.
    pub version_from: VersionSource,
}

/// How an installation's version was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VersionSource {
    /// The program was run with its version arguments.
    Probe,
    /// A record the package itself ships (dist-info, package.json, an SDK's VERSION file).
    Metadata,
    /// The probe cache, keyed by the binary's identity.
    Cache,
    /// Not read: the probe failed or timed out.
    None,
}

/// The latest upstream release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latest {
    pub version: String,
    pub source: String,
    pub from: LatestFrom,
    pub fetched_at: Option<String>,
    /// True when the answer is older than the cache TTL (a fetch failed or was not possible).
    #[serde(default)]
    pub stale: bool,
}

/// Where the latest version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LatestFrom {
    Network,
    Cache,
    Manual,
}

impl LatestFrom {
    /// The id as written in JSON.
    pub fn id(self) -> &'static str {
        match self {
            LatestFrom::Network => "network",
            LatestFrom::Cache => "cache",
            LatestFrom::Manual => "manual",
        }
    }
}
