//! Flags, environment variables and config files → one `Settings` value.
//! The command line hands in its flags as `Flags` (clap's own structs stay
//! in `cli`); everything read here is range-checked where it is read, and
//! a bad value is a usage error naming its source.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::base::env_vars;
use crate::catalog::CatalogSource;
use crate::config::Config;
use crate::state::AppDirs;

use super::{BackupPolicy, FailOn, Filter, Format, Settings, StatusWord};

/// The flags every command takes (clap's definitions: `cli` flattens them
/// into every command).
#[derive(Debug, Clone, clap::Args)]
pub struct Flags {
    /// Use this catalog directory instead of the embedded one.
    #[arg(long, global = true, env = env_vars::TOOLUP_CATALOG, value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// The snapshot file [default: the state dir's tools_snapshot.json].
    #[arg(long, global = true, env = env_vars::TOOLUP_SNAPSHOT, value_name = "PATH")]
    pub snapshot: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Only these tools (comma-separated names).
    #[arg(long, global = true, value_delimiter = ',', value_name = "TOOLS")]
    pub only: Vec<String>,
    /// Only tools of these categories (comma-separated).
    #[arg(long, global = true, value_delimiter = ',', value_name = "CATEGORIES")]
    pub category: Vec<String>,
    /// Only tools in these states (comma-separated): up-to-date, outdated,
    /// not-installed (or missing), unknown, installed (all but not-installed).
    #[arg(long, global = true, value_delimiter = ',', value_name = "STATES")]
    pub status: Vec<String>,
    /// Parallel probes, 1 to 256 [default: CPU cores + 1].
    #[arg(
        long,
        short = 'j',
        global = true,
        value_name = "N",
        value_parser = clap::builder::RangedU64ValueParser::<usize>::new()
            .range(1..=crate::config::MAX_JOBS as u64)
    )]
    pub jobs: Option<usize>,
    /// Seconds before a hanging `--version` is killed.
    /// [default: 10, or `audit.timeout` in a config file]
    #[arg(long, global = true, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Exit 1 when any shown tool is in one of these states.
    #[arg(
        long,
        global = true,
        value_enum,
        value_delimiter = ',',
        value_name = "WHAT"
    )]
    pub fail_on: Vec<FailOn>,
    /// Open no socket at all: latest versions come from the caches.
    #[arg(long, global = true)]
    pub offline: bool,
    /// Fetch latest releases even when the cache is younger than its TTL.
    #[arg(long, global = true)]
    pub refresh: bool,
    /// Do not call a release latest until it is this old (e.g. 3d, 12h).
    #[arg(long, global = true, env = env_vars::TOOLUP_MIN_RELEASE_AGE, value_name = "AGE")]
    pub min_release_age: Option<String>,
    /// Ignore and do not update the probe cache.
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// Colour: auto (a terminal, unless NO_COLOR or TERM=dumb; CLICOLOR_FORCE forces it), always, never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = crate::base::color::ColorChoice::Auto)]
    pub color: crate::base::color::ColorChoice,
    /// The same as --color never.
    #[arg(long, global = true, hide = true)]
    pub no_color: bool,
    /// Treat this machine as this kind instead of detecting it.
    #[arg(long, global = true, value_enum, value_name = "KIND")]
    pub environment: Option<crate::base::environment::EnvKind>,
    /// More diagnostics on stderr (-v, -vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Print nothing but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Act as on a first Ctrl-C when stdin closes: how a fleet run tells
    /// a host's toolup that the controller is gone.
    #[arg(long, global = true, hide = true)]
    pub stop_when_stdin_closes: bool,
    /// Run unattended, as a schedule does: never ask (what needs an answer
    /// is skipped, with the reason), plain lines, the outcome recorded.
    #[arg(long, global = true)]
    pub scheduled: bool,
}

impl Flags {
    /// `--color`, with `--no-color` as `never`.
    pub fn color_choice(&self) -> crate::base::color::ColorChoice {
        if self.no_color {
            crate::base::color::ColorChoice::Never
        } else {
            self.color
        }
    }
}

/// Resolves flags and environment; a bad value is a usage error (exit 2).
/// `read_config` is false for `render`, which reads nothing but the snapshot.
pub fn resolve(args: &Flags, read_config: bool) -> anyhow::Result<Settings> {
    let dirs = AppDirs::discover();
    let snapshot_path = match (&args.snapshot, &dirs) {
        (Some(p), _) => p.clone(),
        (None, Some(d)) => d.default_snapshot(),
        (None, None) => bail!("no home directory: pass --snapshot PATH"),
    };
    let status = args
        .status
        .iter()
        .map(|s| StatusWord::from_flag(s).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let timeout = args.timeout.map(|t| seconds(t, "--timeout")).transpose()?;
    let http_timeout = match std::env::var(env_vars::TOOLUP_HTTP_TIMEOUT) {
        Ok(text) if !text.trim().is_empty() => {
            let name = env_vars::TOOLUP_HTTP_TIMEOUT;
            let secs: f64 = text
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("{name}: {text:?} is not a number of seconds"))?;
            Some(seconds(secs, name)?)
        }
        Ok(_) | Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(_)) => {
            bail!("{}: not a number of seconds", env_vars::TOOLUP_HTTP_TIMEOUT)
        }
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    let config = if read_config {
        let trust = crate::config::TrustStore::load(dirs.as_ref().map(|d| d.state.as_path()));
        Config::load(dirs.as_ref().map(|d| d.config.as_path()), &cwd, &trust)?
    } else {
        Config::default()
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let min_release_age = match &args.min_release_age {
        Some(text) => {
            let age = humantime::parse_duration(text.trim()).with_context(|| {
                format!("--min-release-age {text:?}: expected a duration such as 3d or 12h")
            })?;
            if age > crate::config::MAX_AGE {
                bail!(
                    "--min-release-age (or {}) {text:?}: out of range: at most 100 years",
                    env_vars::TOOLUP_MIN_RELEASE_AGE
                );
            }
            Some(age)
        }
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
    let color = crate::base::color::enabled(args.color_choice(), std::io::stdout().is_terminal());
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
            only: words(&args.only),
            category: words(&args.category),
            status,
        },
        // One more than the cores: a probe spends part of its life in
        // exec and page faults, so N+1 keeps N cores busy (bench/run.sh)
        // without piling up slow CLIs until they time out.
        jobs: args.jobs.or(config.jobs).unwrap_or(cores + 1),
        probe_timeout: timeout
            .or(config.probe_timeout)
            .unwrap_or(Duration::from_secs(10)),
        timeout_given: timeout.or(config.probe_timeout),
        http_timeout,
        fail_on: args.fail_on.clone(),
        offline,
        refresh: args.refresh,
        min_release_age,
        latest_ttl: config.latest_ttl.unwrap_or(Duration::from_secs(3600)),
        use_cache: !args.no_cache,
        color,
        quiet: args.quiet,
        dpkg_admindir: std::env::var_os(env_vars::TOOLUP_DPKG_ADMINDIR)
            .map_or_else(|| PathBuf::from("/var/lib/dpkg"), PathBuf::from),
        dirs,
        config,
        environment_flag: args.environment,
        backups,
        modules,
        module_problems,
        allow_major: false,
        scheduled: args.scheduled,
    })
}

/// Seconds as a flag or a variable gives them (`source` names it): a
/// number more than 0 and at most a day; NaN, infinities, negatives and
/// anything too small to be a nanosecond are errors (exit 2), never a panic.
fn seconds(secs: f64, source: &str) -> anyhow::Result<Duration> {
    let max = crate::config::MAX_TIMEOUT_SECS;
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero() && secs <= max)
        .with_context(|| {
            format!("{source}: {secs:?} is out of range: a number of seconds more than 0 and at most {max} (a day)")
        })
}

/// A comma-separated flag's words, trimmed, the empty ones dropped
/// (`--only "rg, fd,"` is rg and fd).
fn words(given: &[String]) -> Vec<String> {
    given
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn env_flag(key: &str) -> bool {
    std::env::var(key).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}
