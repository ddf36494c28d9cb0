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
        allow_major: false,
        scheduled: args.scheduled,
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
