//! Flags, environment variables and config files → one `Settings` value:
//! the only place clap's structs become the library's settings.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::audit::discover::DEFAULT_ADMINDIR;
use crate::base::env_vars;
use crate::catalog::CatalogSource;
use crate::config::Config;
use crate::settings::{BackupPolicy, Filter, Settings, StatusWord};
use crate::state::AppDirs;

use super::GlobalArgs;

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
            .map_or_else(|| PathBuf::from(DEFAULT_ADMINDIR), PathBuf::from),
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
