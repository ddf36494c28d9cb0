//! Configuration files, layered: the project's `.toolup.toml` (searched
//! upward from the working directory) over the user's (`config.toml` in the
//! config dir) over the system's (`/etc/toolup/config.toml`) over defaults.
//! Flags and environment variables override all of them (see `settings`).
//!
//! Unknown keys and wrong types are errors that name the file, line and key:
//! a typo must not silently do nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub mod show;
pub mod trust;
pub mod trusting;
pub mod window;

pub use trust::{Ignored, TrustStore};

/// The longest probe timeout toolup accepts, in seconds (a day): for
/// `audit.timeout` here and `--timeout` on the command line.
pub const MAX_TIMEOUT_SECS: f64 = 86_400.0;

/// The most parallel jobs toolup runs (`--jobs`, `audit.jobs`): each is a
/// thread and a process, and more than this only costs memory.
pub const MAX_JOBS: usize = 256;

/// The longest age or lifetime a config file or flag may give
/// (`upstream.ttl`, `upstream.min_release_age`, `backups.max_age`,
/// `--min-release-age`): a hundred years; past it, time arithmetic has
/// nothing to say.
pub const MAX_AGE: Duration = Duration::from_secs(100 * 365 * 86_400);

/// The largest config file toolup reads (project, user or system; the
/// trust store of project files too).
pub const MAX_CONFIG_BYTES: u64 = crate::state::MIB;

/// The project file name.
pub const PROJECT_FILE: &str = ".toolup.toml";
/// The system-wide file.
pub const SYSTEM_FILE: &str = "/etc/toolup/config.toml";

/// One file as written; every field optional so layers can be merged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    audit: AuditSection,
    #[serde(default)]
    upstream: UpstreamSection,
    /// Base URLs by address key (`pypi`, `github_api`, …; see `upstream::addresses`).
    #[serde(default)]
    sources: BTreeMap<String, String>,
    #[serde(default)]
    environment: EnvironmentSection,
    /// What to do with a major-version upgrade: accept, warn (ask), reject.
    breaking_changes: Option<BreakingChanges>,
    /// Manager order per ecosystem: `python = ["pipx", "uv"]`.
    #[serde(default)]
    managers: BTreeMap<String, Vec<String>>,
    /// Per-tool settings.
    #[serde(default)]
    tools: BTreeMap<String, ToolSection>,
    /// More presets: `name = ["tool", …]`.
    #[serde(default)]
    presets: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    backups: BackupsSection,
    #[serde(default)]
    system: SystemSection,
    #[serde(default)]
    modules: ModulesSection,
    #[serde(default)]
    notify: NotifySection,
}

/// `[notify]`: where a scheduled run's summary goes besides the desktop.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotifySection {
    /// An http(s) URL the run's JSON summary is POSTed to; a secret
    /// (it often carries a token or a password), never shown whole.
    webhook: Option<String>,
}

/// `[modules]`: where `toolup modules sync` fetches the team's modules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModulesSection {
    /// A git address: https, ssh, git, file or a path.
    repository: Option<String>,
    branch: Option<String>,
}

/// `[system]`: how whole-system updates may run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SystemSection {
    /// "required": outside a maintenance window, updates need `--approve`.
    approval: Option<String>,
    /// Windows like "Sun 02:00-05:00", "daily 01:00-03:00".
    #[serde(default)]
    maintenance: Vec<String>,
    /// Updaters that are only checked unless named (firmware: `fwupd`),
    /// enabled for `system update`.
    #[serde(default)]
    enable: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct BackupsSection {
    /// How many backups to keep per tool.
    keep: Option<usize>,
    /// Drop backups older than this, e.g. "90d".
    max_age: Option<String>,
}

/// The breaking-change policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BreakingChanges {
    Accept,
    Warn,
    Reject,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolSection {
    breaking_changes: Option<BreakingChanges>,
    /// "never" (do not touch it) or a version to hold it at.
    pin: Option<String>,
}

/// A tool's pin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    Never,
    Version(String),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvironmentSection {
    /// Overrides detection: "ci", "server" or "workstation".
    kind: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    jobs: Option<usize>,
    /// Probe timeout, e.g. "10s".
    timeout: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpstreamSection {
    /// How long fetched latest versions stay fresh, e.g. "1h".
    ttl: Option<String>,
    /// A release younger than this is not yet latest, e.g. "3d".
    min_release_age: Option<String>,
    offline: Option<bool>,
}

impl ConfigFile {
    /// Drops what an untrusted file may not set — everything that chooses
    /// what runs, where requests and credentials go, or what is kept — and
    /// names what was dropped. What stays only changes how the audit looks.
    fn strip_untrusted(&mut self) -> Vec<&'static str> {
        let mut dropped = Vec::new();
        let mut drop = |present: bool, name: &'static str| {
            if present {
                dropped.push(name);
            }
        };
        drop(!self.sources.is_empty(), "[sources]");
        drop(!self.managers.is_empty(), "[managers]");
        drop(!self.tools.is_empty(), "[tools]");
        drop(!self.presets.is_empty(), "[presets]");
        drop(self.environment.kind.is_some(), "[environment]");
        drop(self.breaking_changes.is_some(), "breaking_changes");
        drop(
            self.backups.keep.is_some() || self.backups.max_age.is_some(),
            "[backups]",
        );
        drop(
            self.system.approval.is_some()
                || !self.system.maintenance.is_empty()
                || !self.system.enable.is_empty(),
            "[system]",
        );
        drop(
            self.modules.repository.is_some() || self.modules.branch.is_some(),
            "[modules]",
        );
        drop(self.notify.webhook.is_some(), "[notify]");
        let kept = ConfigFile {
            audit: std::mem::take(&mut self.audit),
            upstream: std::mem::take(&mut self.upstream),
            ..ConfigFile::default()
        };
        *self = kept;
        dropped
    }
}

/// A webhook's address as `config show` prints it: its scheme and host
/// only, since its path or query is often the credential itself.
fn webhook_shown(url: &str) -> String {
    let redacted = crate::base::redact::redact(url);
    let (scheme, rest) = redacted.split_once("://").unwrap_or(("", &redacted));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}/***")
}

/// A duration as a person writes it in a config file: `90d`, `12h`, `10s`.
pub fn show_duration(d: Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_nanos() != 0 || secs == 0 {
        return humantime::format_duration(d).to_string();
    }
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A config problem, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub key: Option<String>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// The merged configuration: each value with the file it came from.
#[derive(Debug, Clone, Default)]
pub struct Config {
    values: BTreeMap<String, (String, PathBuf)>,
    pub jobs: Option<usize>,
    pub probe_timeout: Option<Duration>,
    pub latest_ttl: Option<Duration>,
    pub min_release_age: Option<Duration>,
    pub offline: Option<bool>,
    /// Base URLs by address key (`pypi`, `github_api`, …), each with its file.
    pub sources: BTreeMap<String, (String, PathBuf)>,
    /// `[environment] kind`, overriding detection.
    pub environment: Option<crate::base::environment::EnvKind>,
    pub breaking_changes: Option<BreakingChanges>,
    pub tool_breaking_changes: BTreeMap<String, BreakingChanges>,
    pub pins: BTreeMap<String, Pin>,
    /// Ecosystem id → manager ids, in the user's order.
    pub managers: BTreeMap<String, Vec<String>>,
    pub presets: BTreeMap<String, Vec<String>>,
    pub backups_keep: Option<usize>,
    pub backups_max_age: Option<Duration>,
    /// `[system] approval = "required"`.
    pub approval_required: bool,
    /// `[system] maintenance` windows.
    pub maintenance: Vec<crate::config::window::Window>,
    /// `[system] enable`: opt-in updaters (firmware) `system update` runs.
    pub system_enable: Vec<String>,
    /// `[modules] repository`.
    pub modules_repository: Option<String>,
    /// `[modules] branch`.
    pub modules_branch: Option<String>,
    /// `[notify] webhook`: where scheduled runs POST their summary.
    pub notify_webhook: Option<String>,
    /// The project file in effect, and whether the user trusts it.
    pub project_file: Option<(PathBuf, bool)>,
    /// What an untrusted project file asked for and did not get.
    pub ignored: Vec<Ignored>,
}

impl Config {
    /// The breaking-change policy for `tool` (per tool, then global, then warn).
    pub fn breaking_changes_for(&self, tool: &str) -> BreakingChanges {
        self.tool_breaking_changes
            .get(tool)
            .copied()
            .or(self.breaking_changes)
            .unwrap_or(BreakingChanges::Warn)
    }
}

impl Config {
    /// Loads system, user and project files (lowest precedence first). The
    /// project file counts in full only when `trust` holds it as it is now.
    pub fn load(
        user_dir: Option<&Path>,
        cwd: &Path,
        trust: &TrustStore,
    ) -> Result<Config, ConfigError> {
        let mut config = Config::default();
        let own = std::iter::once(PathBuf::from(SYSTEM_FILE))
            .chain(user_dir.map(|d| d.join("config.toml")));
        // One that is there but no regular file (a FIFO, a device) is an
        // error naming it, not skipped.
        for file in own.filter(|f| f.exists()) {
            config.apply_file(&file, None)?;
        }
        if let Some(file) = trust::find_project_file(cwd) {
            config.apply_file(&file, Some(trust))?;
        }
        Ok(config)
    }

    /// Every set value, its text and the file it came from, for `toolup config show`.
    pub fn origins(&self) -> impl Iterator<Item = (&str, &str, &Path)> {
        self.values
            .iter()
            .map(|(k, (v, p))| (k.as_str(), v.as_str(), p.as_path()))
    }

    /// Applies one file; `trust` is given for a project file, which counts in
    /// full only when trusted.
    fn apply_file(&mut self, file: &Path, trust: Option<&TrustStore>) -> Result<(), ConfigError> {
        let text = crate::state::read_text(file, MAX_CONFIG_BYTES).map_err(|e| ConfigError {
            file: file.to_owned(),
            line: None,
            key: None,
            message: format!("cannot read: {}", e.why),
        })?;
        let trusted = trust.map(|t| t.trusts(file, text.as_bytes()));
        self.apply_text(file, &text, trusted)
    }

    /// Applies the text of one file (`file` names it in errors and
    /// origins); `project_trusted` is given for a project file, which
    /// counts in full only when trusted. `apply_file` reads a file into it;
    /// the fuzz target `config` calls it directly.
    pub fn apply_text(
        &mut self,
        file: &Path,
        text: &str,
        project_trusted: Option<bool>,
    ) -> Result<(), ConfigError> {
        let mut parsed: ConfigFile = toml::from_str(text).map_err(|e| {
            let location = crate::base::toml_location::locate(text, &e);
            ConfigError {
                file: file.to_owned(),
                line: location.line,
                key: location.field,
                message: e.message().trim().to_owned(),
            }
        })?;
        if let Some(trusted) = project_trusted {
            self.project_file = Some((file.to_owned(), trusted));
            if !trusted {
                let sections = parsed.strip_untrusted();
                if !sections.is_empty() {
                    self.ignored.push(Ignored {
                        file: file.to_owned(),
                        sections,
                    });
                }
            }
        }
        let error = |key: &str, message: String| ConfigError {
            file: file.to_owned(),
            line: crate::base::toml_location::line_of_key(text, key),
            key: Some(key.to_owned()),
            message,
        };
        let duration =
            |key: &'static str, value: &Option<String>| -> Result<Option<Duration>, ConfigError> {
                value
                    .as_deref()
                    .map(|v| {
                        let d = humantime::parse_duration(v.trim()).map_err(|e| {
                            error(
                                key,
                                format!("{v:?} is not a duration ({e}); use e.g. 10s, 1h, 3d"),
                            )
                        })?;
                        if d > MAX_AGE {
                            return Err(error(
                                key,
                                format!("{v:?} is out of range: at most 100 years"),
                            ));
                        }
                        Ok(d)
                    })
                    .transpose()
            };
        if let Some(jobs) = parsed.audit.jobs {
            if !(1..=MAX_JOBS).contains(&jobs) {
                return Err(error(
                    "jobs",
                    format!("{jobs} is out of range: from 1 to {MAX_JOBS}, as --jobs"),
                ));
            }
            self.jobs = Some(jobs);
            self.note("audit.jobs", jobs.to_string(), file);
        }
        if let Some(d) = duration("timeout", &parsed.audit.timeout)? {
            if d.is_zero() || d.as_secs_f64() > MAX_TIMEOUT_SECS {
                return Err(error(
                    "timeout",
                    "must be more than 0s and at most a day, as --timeout must".to_owned(),
                ));
            }
            self.probe_timeout = Some(d);
            self.note("audit.timeout", show_duration(d), file);
        }
        if let Some(d) = duration("ttl", &parsed.upstream.ttl)? {
            self.latest_ttl = Some(d);
            self.note("upstream.ttl", show_duration(d), file);
        }
        if let Some(d) = duration("min_release_age", &parsed.upstream.min_release_age)? {
            self.min_release_age = Some(d);
            self.note("upstream.min_release_age", show_duration(d), file);
        }
        if let Some(offline) = parsed.upstream.offline {
            self.offline = Some(offline);
            self.note("upstream.offline", offline.to_string(), file);
        }
        if let Some(kind) = &parsed.environment.kind {
            let parsed_kind = match kind.as_str() {
                "ci" => crate::base::environment::EnvKind::Ci,
                "server" => crate::base::environment::EnvKind::Server,
                "workstation" => crate::base::environment::EnvKind::Workstation,
                other => {
                    return Err(error(
                        "kind",
                        format!("{other:?}: expected ci, server or workstation"),
                    ));
                }
            };
            self.environment = Some(parsed_kind);
            self.note("environment.kind", kind.clone(), file);
        }
        if let Some(policy) = parsed.breaking_changes {
            self.breaking_changes = Some(policy);
            self.note(
                "breaking_changes",
                format!("{policy:?}").to_lowercase(),
                file,
            );
        }
        for (ecosystem, order) in &parsed.managers {
            let known = ["python", "node", "rust", "go", "ruby", "system"];
            if !known.contains(&ecosystem.as_str()) {
                return Err(error(
                    ecosystem,
                    format!(
                        "unknown ecosystem `{ecosystem}` (one of {}){}",
                        known.join(", "),
                        crate::base::names::did_you_mean(ecosystem, known)
                    ),
                ));
            }
            if let Some(bad) = order.iter().find(|m| {
                crate::managers::installer(m).is_none_or(|m| m.ecosystem().id() != ecosystem)
            }) {
                return Err(error(
                    ecosystem,
                    format!("`{bad}` is not a {ecosystem} package manager"),
                ));
            }
            self.managers.insert(ecosystem.clone(), order.clone());
            self.note(&format!("managers.{ecosystem}"), order.join(", "), file);
        }
        for (tool, section) in &parsed.tools {
            if let Some(policy) = section.breaking_changes {
                self.tool_breaking_changes.insert(tool.clone(), policy);
                self.note(
                    &format!("tools.{tool}.breaking_changes"),
                    format!("{policy:?}").to_lowercase(),
                    file,
                );
            }
            if let Some(pin) = &section.pin {
                self.note(&format!("tools.{tool}.pin"), pin.clone(), file);
            }
            match section.pin.as_deref() {
                Some("never") => {
                    self.pins.insert(tool.clone(), Pin::Never);
                }
                Some(v)
                    if crate::model::Version::parse(v).is_ok()
                        && crate::base::names::is_valid_package_name(v) =>
                {
                    self.pins.insert(tool.clone(), Pin::Version(v.to_owned()));
                }
                Some(v) => {
                    return Err(error(
                        "pin",
                        format!("{v:?}: expected \"never\" or a version"),
                    ));
                }
                None => {}
            }
        }
        for (name, tools) in &parsed.presets {
            self.note(&format!("presets.{name}"), tools.join(", "), file);
        }
        self.presets.extend(parsed.presets.clone());
        if let Some(keep) = parsed.backups.keep {
            self.backups_keep = Some(keep);
            self.note("backups.keep", keep.to_string(), file);
        }
        if let Some(d) = duration("max_age", &parsed.backups.max_age)? {
            self.backups_max_age = Some(d);
            self.note("backups.max_age", show_duration(d), file);
        }
        match parsed.system.approval.as_deref() {
            None => {}
            Some("required") => {
                self.approval_required = true;
                self.note("system.approval", "required".to_owned(), file);
            }
            Some("none") => {
                self.approval_required = false;
                self.note("system.approval", "none".to_owned(), file);
            }
            Some(other) => {
                return Err(error(
                    "approval",
                    format!("{other:?}: expected \"required\" or \"none\""),
                ));
            }
        }
        if !parsed.system.maintenance.is_empty() {
            let windows = parsed
                .system
                .maintenance
                .iter()
                .map(|w| crate::config::window::Window::parse(w))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| error("maintenance", e))?;
            self.maintenance = windows;
            self.note(
                "system.maintenance",
                parsed.system.maintenance.join(", "),
                file,
            );
        }
        if !parsed.system.enable.is_empty() {
            if let Some(bad) = parsed
                .system
                .enable
                .iter()
                .find(|n| !crate::base::names::is_valid_name(n))
            {
                return Err(error(
                    "enable",
                    format!(
                        "{:?} is not an updater name",
                        crate::base::printer::visible(bad)
                    ),
                ));
            }
            self.system_enable = parsed.system.enable.clone();
            self.note("system.enable", parsed.system.enable.join(", "), file);
        }
        if let Some(url) = &parsed.modules.repository {
            crate::modules::git::check_url(url).map_err(|m| error("repository", m))?;
            self.modules_repository = Some(url.clone());
            self.note(
                "modules.repository",
                crate::base::redact::redact_text(url),
                file,
            );
        }
        if let Some(branch) = &parsed.modules.branch {
            crate::modules::git::check_branch(branch).map_err(|m| error("branch", m))?;
            self.modules_branch = Some(branch.clone());
            self.note("modules.branch", branch.clone(), file);
        }
        if let Some(url) = &parsed.notify.webhook {
            if !crate::upstream::addresses::is_http_url(url) {
                return Err(error(
                    "webhook",
                    format!(
                        "{:?} is not an http(s) URL",
                        crate::base::redact::redact(url)
                    ),
                ));
            }
            crate::base::secrets::register_url(url);
            self.notify_webhook = Some(url.clone());
            self.note("notify.webhook", webhook_shown(url), file);
        }
        let known = crate::upstream::config_keys();
        for (key, url) in &parsed.sources {
            if !known.contains(&key.as_str()) {
                return Err(error(
                    key,
                    format!(
                        "unknown source `{key}` (one of {}){}",
                        known.join(", "),
                        crate::base::names::did_you_mean(key, known.iter().copied())
                    ),
                ));
            }
            if !crate::upstream::addresses::is_http_url(url) {
                return Err(error(key, format!("{url:?} is not an http(s) URL")));
            }
            self.sources.insert(
                key.clone(),
                (url.trim_end_matches('/').to_owned(), file.to_owned()),
            );
            self.note(&format!("sources.{key}"), url.clone(), file);
        }
        Ok(())
    }

    fn note(&mut self, key: &str, value: String, file: &Path) {
        self.values.insert(key.to_owned(), (value, file.to_owned()));
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures directly
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(PROJECT_FILE);
        std::fs::write(&file, text).unwrap();
        let mut trust = TrustStore::default();
        trust.trust(&file).unwrap();
        Config::load(None, dir.path(), &trust)
    }

    #[test]
    fn reads_every_section() {
        let c = load_text("[audit]\njobs = 4\ntimeout = \"5s\"\n[upstream]\nmin_release_age = \"3d\"\nttl = \"2h\"\n[sources]\npypi = \"https://mirror.example/pypi/\"\n").unwrap();
        assert_eq!(c.jobs, Some(4));
        assert_eq!(c.probe_timeout, Some(Duration::from_secs(5)));
        assert_eq!(c.min_release_age, Some(Duration::from_secs(3 * 86400)));
        assert_eq!(c.latest_ttl, Some(Duration::from_secs(7200)));
        assert_eq!(c.sources["pypi"].0, "https://mirror.example/pypi");
        assert!(
            c.origins()
                .any(|(k, _, p)| k == "upstream.min_release_age" && p.ends_with(PROJECT_FILE))
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_file_line_and_key() {
        let e = load_text("[audit]\njobz = 4\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("jobz")), "{e}");
        let e = load_text("[audit]\njobs = \"four\"\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(2), Some("jobs")), "{e}");
        let e = load_text("\n[upstream]\nmin_release_age = \"soon\"\n").unwrap_err();
        assert_eq!(
            (e.line, e.key.as_deref()),
            (Some(3), Some("min_release_age")),
            "{e}"
        );
        assert!(
            e.to_string()
                .contains(".toolup.toml:3: key `min_release_age`"),
            "{e}"
        );
        let e = load_text("[sources]\nnpm = \"ftp://x\"\n").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("npm"), "{e}");
        let e = load_text("\n[sources]\npipy = \"https://x\"\n").unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (Some(3), Some("pipy")), "{e}");
        assert!(e.message.contains("pypi"), "{e}");
    }

    #[test]
    fn the_project_file_wins_over_the_user_file() {
        let user = tempfile::tempdir().unwrap();
        std::fs::write(
            user.path().join("config.toml"),
            "[audit]\njobs = 2\ntimeout = \"3s\"\n",
        )
        .unwrap();
        let project = tempfile::tempdir().unwrap();
        let nested = project.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(project.path().join(PROJECT_FILE), "[audit]\njobs = 7\n").unwrap();
        let c = Config::load(Some(user.path()), &nested, &TrustStore::default()).unwrap();
        assert_eq!(c.jobs, Some(7));
        assert_eq!(c.probe_timeout, Some(Duration::from_secs(3)));
    }

    #[test]
    fn an_untrusted_project_file_changes_only_how_the_audit_looks() {
        let user = tempfile::tempdir().unwrap();
        std::fs::write(
            user.path().join("config.toml"),
            "[sources]\ngithub_api = \"https://ghe.example/api/v3\"\n",
        )
        .unwrap();
        let project = tempfile::tempdir().unwrap();
        let file = project.path().join(PROJECT_FILE);
        std::fs::write(
            &file,
            "breaking_changes = \"accept\"\n[audit]\njobs = 7\n[sources]\ngithub_api = \"http://attacker.example\"\n[managers]\npython = [\"pip\"]\n[tools.x]\npin = \"1.0\"\n[presets]\np = [\"x\"]\n[environment]\nkind = \"server\"\n[backups]\nkeep = 0\n[modules]\nrepository = \"https://attacker.example/m.git\"\n",
        )
        .unwrap();
        let c = Config::load(Some(user.path()), project.path(), &TrustStore::default()).unwrap();
        assert_eq!(c.jobs, Some(7));
        assert_eq!(c.sources["github_api"].0, "https://ghe.example/api/v3");
        assert!(c.managers.is_empty() && c.pins.is_empty() && c.presets.is_empty());
        assert_eq!(
            c.modules_repository, None,
            "a project may not choose the modules"
        );
        assert_eq!(
            (c.environment, c.breaking_changes, c.backups_keep),
            (None, None, None)
        );
        assert_eq!(
            c.ignored[0].sections,
            [
                "[sources]",
                "[managers]",
                "[tools]",
                "[presets]",
                "[environment]",
                "breaking_changes",
                "[backups]",
                "[modules]"
            ]
        );
        assert!(
            c.ignored[0].message().contains("toolup trust"),
            "{}",
            c.ignored[0].message()
        );
        let mut trust = TrustStore::default();
        trust.trust(&file).unwrap();
        let c = Config::load(Some(user.path()), project.path(), &trust).unwrap();
        assert_eq!(c.sources["github_api"].0, "http://attacker.example");
        assert!(c.ignored.is_empty());
    }
}
