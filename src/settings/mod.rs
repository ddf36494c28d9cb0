//! The settings of one run, resolved: what every library call reads (the
//! command line hands in its flags as `Flags`; `resolve` adds environment
//! and config files; nothing below the command line sees clap).

mod effective;
mod filter;
mod resolve;
mod selection;

pub use resolve::{Flags, resolve};

pub use effective::PresetRow;
pub use filter::{FailOn, Filter, Format, StatusWord};

use std::path::PathBuf;
use std::time::Duration;

use crate::catalog::{Catalog, CatalogSource, Tool, load_catalog};
use crate::config::Config;
use crate::model::{Status, ToolRecord};
use crate::state::AppDirs;
use crate::upstream::{Addresses, HttpOptions};

/// Everything a command needs to know about how it was asked to run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub catalog_source: CatalogSource,
    pub snapshot_path: PathBuf,
    pub format: Format,
    pub filter: Filter,
    pub jobs: usize,
    pub probe_timeout: Duration,
    /// `--timeout` or `audit.timeout` when one was given (commands whose
    /// processes take longer than a probe use their own default otherwise).
    pub timeout_given: Option<Duration>,
    /// `TOOLUP_HTTP_TIMEOUT`, checked (more than 0, at most a day).
    pub http_timeout: Option<Duration>,
    pub fail_on: Vec<FailOn>,
    pub offline: bool,
    /// Fetch even when the latest-versions cache is within its TTL.
    pub refresh: bool,
    pub min_release_age: Option<Duration>,
    /// How long a fetched latest version is fresh.
    pub latest_ttl: Duration,
    pub use_cache: bool,
    pub color: bool,
    pub quiet: bool,
    pub dirs: Option<AppDirs>,
    pub dpkg_admindir: PathBuf,
    /// The merged configuration files, for `toolup config show`.
    pub config: Config,
    /// `--environment`, overriding detection and config.
    pub environment_flag: Option<crate::base::environment::EnvKind>,
    pub backups: BackupPolicy,
    /// Installed modules (enabled or not), and why any was passed over.
    pub modules: Vec<crate::modules::Installed>,
    pub module_problems: Vec<String>,
    /// `--allow-major` on a command that upgrades (`upgrade`, `system
    /// update`): take major upgrades the breaking-change policy would hold
    /// back.
    pub allow_major: bool,
    /// `--scheduled`: nobody is there — never ask, plain lines, no live
    /// view (a schedule's unit runs toolup this way).
    pub scheduled: bool,
}

/// How many backups to keep, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct BackupPolicy {
    pub keep: usize,
    pub max_age: Option<Duration>,
}

impl Settings {
    /// The environment: `--environment`, then `[environment] kind`, then detection.
    pub fn environment(&self) -> crate::base::environment::Environment {
        use crate::base::environment::{Environment, HostFacts, detect};
        let chosen = self.environment_flag.map(|k| (k, "--environment")).or(self
            .config
            .environment
            .map(|k| (k, "[environment] kind in a config file")));
        match chosen {
            Some((kind, by)) => Environment {
                kind,
                confidence: 1.0,
                indicators: vec![format!("set by {by}")],
                overridden: true,
            },
            None => detect(&|k| std::env::var(k).ok(), &HostFacts::read()),
        }
    }

    /// The plugin directories: the system's, enabled modules', the user's.
    pub fn plugin_dirs(&self) -> Vec<PathBuf> {
        crate::managers::plugin::dirs(
            &crate::modules::layers(&self.modules).plugins,
            self.dirs.as_ref().map(|d| d.config.as_path()),
        )
    }

    /// Loads the catalog this run uses.
    pub fn catalog(&self) -> anyhow::Result<Catalog> {
        Ok(load_catalog(&self.catalog_source)?)
    }

    /// The catalog tools selected by `--only` (names or the commands they
    /// provide) and `--category` (any of its categories); an unknown name or
    /// category is an error.
    pub fn select<'c>(&self, catalog: &'c Catalog) -> anyhow::Result<Vec<&'c Tool>> {
        let only = self
            .filter
            .only
            .iter()
            .map(|name| catalog.resolve(name).map(Tool::name))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("--only: {e}"))?;
        self.filter
            .check_category(&catalog.categories())
            .map_err(anyhow::Error::msg)?;
        Ok(catalog
            .tools
            .iter()
            .filter(|t| only.is_empty() || only.contains(&t.name()))
            .filter(|t| self.filter.takes_category(&t.spec.category))
            .collect())
    }

    /// These settings with `--only` naming `tools` by their catalog names
    /// (when `--only` was given), so filters and renderers see tool names.
    pub fn with_only(&self, tools: &[&Tool]) -> Settings {
        let mut out = self.clone();
        if !out.filter.only.is_empty() {
            out.filter.only = tools.iter().map(|t| t.name().to_owned()).collect();
        }
        out
    }

    /// The catalog tools these names mean (names or the commands they provide).
    pub fn resolve_names<'c>(
        &self,
        catalog: &'c Catalog,
        names: &[String],
    ) -> anyhow::Result<Vec<&'c Tool>> {
        let mut tools: Vec<&Tool> = Vec::new();
        for name in names {
            let tool = catalog.resolve(name).map_err(anyhow::Error::msg)?;
            if !tools.iter().any(|t| t.name() == tool.name()) {
                tools.push(tool);
            }
        }
        Ok(tools)
    }

    /// HTTP settings: the defaults, with `TOOLUP_HTTP_TIMEOUT` (seconds,
    /// range-checked when the settings were resolved) applied.
    pub fn http_options(&self) -> HttpOptions {
        let mut http = HttpOptions::default();
        if let Some(timeout) = self.http_timeout {
            http.timeout = timeout;
            http.connect_timeout = http.connect_timeout.min(http.timeout);
        }
        http
    }

    /// The upstream sources' addresses for this run (resolved on first use).
    pub fn addresses(&self) -> Addresses {
        Addresses::new(
            self.config.sources.clone(),
            std::env::var_os("HOME").map(PathBuf::from),
            self.dirs.as_ref().map(|d| d.cache.clone()),
        )
    }

    /// The records whose state `--fail-on` names (empty: nothing tripped it).
    pub fn tripped<'r>(&self, tools: &[&'r ToolRecord]) -> Vec<&'r ToolRecord> {
        tools
            .iter()
            .copied()
            .filter(|t| {
                self.fail_on.iter().any(|f| match f {
                    FailOn::Outdated => t.status == Status::Outdated,
                    FailOn::NotInstalled => t.status == Status::NotInstalled,
                    FailOn::Unknown => t.status == Status::Unknown,
                    FailOn::Pending | FailOn::Security | FailOn::Reboot => false,
                })
            })
            .collect()
    }
}
