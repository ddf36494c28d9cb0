//! CLI flags + environment → one `Settings` value that commands read.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::base::env_vars;
use crate::catalog::{Catalog, CatalogSource, Tool, load_catalog};
use crate::cli::{FailOn, GlobalArgs};
use crate::config::Config;
use crate::discover::DEFAULT_ADMINDIR;
use crate::model::{Status, ToolRecord};
use crate::render::{Filter, Format, StatusWord};
use crate::state::AppDirs;
use crate::upstream::{Addresses, HttpOptions, LatestSource, RefreshOptions, github_token};

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
}

/// How many backups to keep, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct BackupPolicy {
    pub keep: usize,
    pub max_age: Option<Duration>,
}

impl Settings {
    /// Resolves flags and environment; a bad value is a usage error (exit 2).
    /// `read_config` is false for `render`, which reads nothing but the snapshot.
    pub fn resolve(args: &GlobalArgs, read_config: bool) -> anyhow::Result<Settings> {
        let dirs = AppDirs::discover();
        let snapshot_path = match (&args.snapshot, &dirs) {
            (Some(p), _) => p.clone(),
            (None, Some(d)) => d.default_snapshot(),
            (None, None) => bail!("no home directory: pass --snapshot PATH"),
        };
        let status = args
            .status
            .iter()
            .map(|s| {
                StatusWord::parse(s).with_context(|| {
                    format!(
                        "--status {:?}: expected one of {}",
                        crate::base::printer::visible(s),
                        StatusWord::WORDS
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        if args
            .timeout
            .is_some_and(|t| !(t.is_finite() && t > 0.0 && t <= crate::config::MAX_TIMEOUT_SECS))
        {
            bail!(
                "--timeout must be a positive number of seconds, at most {} (a day)",
                crate::config::MAX_TIMEOUT_SECS
            );
        }
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
        let config = if read_config {
            let trust = crate::config::TrustStore::load(dirs.as_ref().map(|d| d.state.as_path()));
            Config::load(dirs.as_ref().map(|d| d.config.as_path()), &cwd, &trust)?
        } else {
            Config::default()
        };
        if args.jobs == Some(0) {
            bail!("--jobs must be at least 1");
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let min_release_age = match &args.min_release_age {
            Some(text) => Some(humantime::parse_duration(text.trim()).with_context(|| {
                format!("--min-release-age {text:?}: expected a duration such as 3d or 12h")
            })?),
            None => config.min_release_age,
        };
        let backups = BackupPolicy {
            keep: config.backups_keep.unwrap_or(5),
            max_age: Some(
                config
                    .backups_max_age
                    .unwrap_or(Duration::from_secs(90 * 86400)),
            ),
        };
        let offline =
            args.offline || env_flag(env_vars::TOOLUP_OFFLINE) || config.offline == Some(true);
        let color =
            crate::base::color::enabled(args.color_choice(), std::io::stdout().is_terminal());
        let (modules, mut module_problems) = match (&dirs, read_config) {
            (Some(d), true) => crate::modules::installed(&d.modules()),
            _ => (Vec::new(), Vec::new()),
        };
        module_problems.extend(crate::modules::conflicts(&modules));
        Ok(Settings {
            catalog_source: CatalogSource {
                replace: args.catalog.clone(),
                modules: crate::modules::layers(&modules).catalogs,
                overlay: dirs.as_ref().map(AppDirs::catalog_overlay),
                strict: false,
            },
            snapshot_path,
            format: args.format,
            filter: Filter {
                only: args
                    .only
                    .iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                category: args.category.clone(),
                status,
            },
            // One more than the cores: a probe spends part of its life in
            // exec and page faults, so N+1 keeps N cores busy (bench/run.sh)
            // without piling up slow CLIs until they time out.
            jobs: args.jobs.or(config.jobs).unwrap_or(cores + 1),
            probe_timeout: args
                .timeout
                .map(Duration::from_secs_f64)
                .or(config.probe_timeout)
                .unwrap_or(Duration::from_secs(10)),
            timeout_given: args
                .timeout
                .map(Duration::from_secs_f64)
                .or(config.probe_timeout),
            fail_on: args.fail_on.clone(),
            offline,
            refresh: args.refresh,
            min_release_age,
            latest_ttl: config.latest_ttl.unwrap_or(Duration::from_secs(3600)),
            use_cache: !args.no_cache,
            color,
            quiet: args.quiet,
            dpkg_admindir: std::env::var_os(env_vars::TOOLUP_DPKG_ADMINDIR)
                .map_or_else(|| PathBuf::from(DEFAULT_ADMINDIR), PathBuf::from),
            dirs,
            config,
            environment_flag: args.environment,
            backups,
            modules,
            module_problems,
        })
    }

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
        crate::system::plugins::dirs(
            &crate::modules::layers(&self.modules).plugins,
            self.dirs.as_ref().map(|d| d.config.as_path()),
        )
    }

    /// Loads the catalog this run uses.
    pub fn catalog(&self) -> anyhow::Result<Catalog> {
        Ok(load_catalog(&self.catalog_source)?)
    }

    /// The catalog tools selected by `--only` (names or the commands they
    /// provide) and `--category`; an unknown name or category is an error.
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
            .filter(|t| {
                self.filter
                    .category
                    .as_ref()
                    .is_none_or(|c| c == &t.spec.category)
            })
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

    /// The latest-version answers: the caches, refreshed from the network unless offline.
    pub fn latest_source(
        &self,
        tools: &[&Tool],
        printer: crate::base::printer::Printer,
    ) -> LatestSource {
        let cache = self.dirs.as_ref().map(AppDirs::latest_cache);
        let mut latest = LatestSource::load(cache.as_deref(), self.latest_ttl);
        if self.offline {
            return latest;
        }
        let options = RefreshOptions {
            force: self.refresh,
            ttl: self.latest_ttl,
            min_release_age: self.min_release_age,
            http: self.http_options(),
            ..RefreshOptions::default()
        };
        let addresses = self.addresses();
        let token = || github_token(std::env::var_os("PATH").as_deref());
        let report = latest.refresh(tools, &options, &addresses, token);
        addresses.save();
        for line in &report.unresolved {
            printer.warn(&format!(
                "{line}; answers come from the cache or the baseline"
            ));
        }
        if let Some(reset) = report.github_rate_limited {
            let when = match reset {
                0 => "later".to_owned(),
                secs => humantime::format_rfc3339_seconds(
                    std::time::UNIX_EPOCH + Duration::from_secs(secs),
                )
                .to_string(),
            };
            printer.warn(&format!("GitHub API rate limit reached: no more GitHub API calls this run (resets {when}); used the quota-free fallbacks and caches"));
        }
        tracing::info!(
            fetched = report.fetched,
            unchanged = report.unchanged,
            failed = report.failed,
            "upstream"
        );
        if let Some(path) = &cache
            && let Err(e) = latest.save(path)
        {
            printer.warn(&format!("cannot save {}: {e}", path.display()));
        }
        latest
    }

    /// HTTP settings: the defaults, with `TOOLUP_HTTP_TIMEOUT` (seconds) applied.
    pub fn http_options(&self) -> HttpOptions {
        let mut http = HttpOptions::default();
        if let Some(secs) = std::env::var(env_vars::TOOLUP_HTTP_TIMEOUT)
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            && secs.is_finite()
            && secs > 0.0
        {
            http.timeout = Duration::from_secs_f64(secs);
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

fn env_flag(key: &str) -> bool {
    std::env::var(key).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}
