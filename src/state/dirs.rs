//! Where toolup keeps its config, cache and state: the platform's directories
//! (XDG on Linux), so a temp `HOME` isolates a run completely.

use std::path::PathBuf;

/// The directories toolup owns.
#[derive(Debug, Clone)]
pub struct AppDirs {
    pub config: PathBuf,
    pub cache: PathBuf,
    pub state: PathBuf,
    /// Installed modules (`modules/`).
    pub data: PathBuf,
}

impl AppDirs {
    /// The platform's directories for toolup, or `None` when no home directory is known.
    pub fn discover() -> Option<AppDirs> {
        let dirs = directories::ProjectDirs::from("", "", "toolup")?;
        let state = dirs
            .state_dir()
            .map(PathBuf::from)
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf());
        Some(AppDirs {
            config: dirs.config_dir().to_path_buf(),
            cache: dirs.cache_dir().to_path_buf(),
            data: dirs.data_dir().to_path_buf(),
            state,
        })
    }

    /// The user's catalog overlay directory.
    pub fn catalog_overlay(&self) -> PathBuf {
        self.config.join("catalog")
    }

    /// The default snapshot location.
    pub fn default_snapshot(&self) -> PathBuf {
        self.state.join("tools_snapshot.json")
    }

    /// The user's cache of latest upstream versions.
    pub fn latest_cache(&self) -> PathBuf {
        self.cache.join("latest_versions.json")
    }

    /// Backups made before upgrades.
    pub fn backups(&self) -> PathBuf {
        self.state.join("backups")
    }

    /// The JSON-lines history of actions.
    pub fn history(&self) -> PathBuf {
        self.state.join("history.sqlite")
    }

    /// Actions in progress (see `state::journal`).
    pub fn journal(&self) -> PathBuf {
        self.state.join("journal")
    }

    /// The history of update phases (SQLite).
    pub fn history_store(&self) -> PathBuf {
        self.state.join("history.sqlite")
    }

    /// System update runs: journals, and each job's logs.
    pub fn runs(&self) -> PathBuf {
        self.state.join("runs")
    }

    /// The last `toolup system check`.
    pub fn system_check(&self) -> PathBuf {
        self.state.join("system_check.json")
    }

    /// Installed modules and their index.
    pub fn modules(&self) -> PathBuf {
        self.data.join("modules")
    }

    /// The probe cache file.
    pub fn probe_cache(&self) -> PathBuf {
        self.cache.join("probe_cache.json")
    }
}
