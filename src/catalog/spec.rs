//! One tool definition (`catalog/NAME.toml`) as written, and its compiled form.
//!
//! Regexes are compiled lazily: a warm audit that answers every tool from the
//! probe cache never pays for compiling 300 patterns.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::upstream::{UpstreamField, Upstreams};

/// A tool definition exactly as written in its TOML file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    pub category: String,
    #[serde(default)]
    pub homepage: Option<String>,
    pub bins: Vec<String>,
    #[serde(default)]
    pub version_args: Option<Vec<String>>,
    #[serde(default)]
    pub version_pattern: Option<String>,
    #[serde(default)]
    pub identity: Option<String>,
    /// A file next to the resolved binary that records the version, relative
    /// to the binary's directory (`../VERSION` for Go, `../release` for a JDK).
    #[serde(default)]
    pub version_file: Option<String>,
    /// Regex whose group 1 is the version inside `version_file`.
    #[serde(default)]
    pub version_file_pattern: Option<String>,
    /// `kind:name`, a list of them asked in order, or `none`.
    pub upstream: UpstreamField,
    /// Call pre-releases (rc, beta, …) latest too; off by default.
    #[serde(default)]
    pub prereleases: bool,
    /// Tools that must be installed first (`npm` needs `node`).
    #[serde(default)]
    pub requires: Vec<String>,
    /// The tool's own config files (`~/` is the home directory): backed up
    /// with the binary before an upgrade.
    #[serde(default)]
    pub config_files: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Package names per package manager or registry (`apt`, `brew`, `cargo`, `pypi`, `npm`, …).
    #[serde(default)]
    pub install: BTreeMap<String, String>,
}

/// Keys allowed in `[install]`: what the installers take (`pypi` for uv,
/// pipx and pip; `apt`; `github` …), each once, in the managers' order.
pub fn install_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in crate::managers::installers().map(|m| m.install_key()) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    keys
}

/// The default version arguments when a spec gives none.
pub const DEFAULT_VERSION_ARGS: &[&str] = &["--version"];

/// A validated tool: the spec plus parsed upstream and lazily compiled patterns.
#[derive(Debug)]
pub struct Tool {
    pub spec: ToolSpec,
    pub upstream: Upstreams,
    /// Where its definition comes from: `built-in`, `module NAME`, `your
    /// catalog`, or the directory that replaces the built-in catalog; with
    /// `(over …)` when it replaced another.
    pub origin: String,
    version_re: OnceLock<Option<Regex>>,
    identity_re: OnceLock<Option<Regex>>,
    version_file_re: OnceLock<Option<Regex>>,
}

impl Tool {
    /// Wraps a spec whose patterns and upstream were already validated.
    pub(super) fn new(spec: ToolSpec, upstream: Upstreams) -> Tool {
        Tool {
            spec,
            upstream,
            origin: "built-in".to_owned(),
            version_re: OnceLock::new(),
            identity_re: OnceLock::new(),
            version_file_re: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The argv tail used to ask the tool its version.
    pub fn version_args(&self) -> Vec<String> {
        match &self.spec.version_args {
            Some(args) => args.clone(),
            None => DEFAULT_VERSION_ARGS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }

    /// The compiled `version_pattern`, if any.
    pub fn version_regex(&self) -> Option<&Regex> {
        compiled(&self.version_re, self.spec.version_pattern.as_deref())
    }

    /// The compiled `identity`, if any.
    pub fn identity_regex(&self) -> Option<&Regex> {
        compiled(&self.identity_re, self.spec.identity.as_deref())
    }

    /// The compiled `version_file_pattern`, if any.
    pub fn version_file_regex(&self) -> Option<&Regex> {
        compiled(
            &self.version_file_re,
            self.spec.version_file_pattern.as_deref(),
        )
    }
}

fn compiled<'a>(cell: &'a OnceLock<Option<Regex>>, pattern: Option<&str>) -> Option<&'a Regex> {
    // Patterns are validated by `catalog validate` and the test suite (and at
    // load time for files on disk); an invalid one here acts as "no pattern".
    cell.get_or_init(|| pattern.and_then(|p| compile_pattern(p).ok()))
        .as_ref()
}

/// Compiles a catalog pattern: `^` and `$` match at line boundaries, since
/// version banners are multi-line and the interesting line is not always first.
pub fn compile_pattern(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).multi_line(true).build()
}

impl crate::upstream::Released for Tool {
    fn name(&self) -> &str {
        Tool::name(self)
    }
    fn upstreams(&self) -> &Upstreams {
        &self.upstream
    }
    fn prereleases(&self) -> bool {
        self.spec.prereleases
    }
}
