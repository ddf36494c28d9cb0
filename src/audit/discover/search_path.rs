//! Where to look for executables: every PATH entry in order, then the
//! well-known places tools hide off PATH (cargo, go, bun, deno, npm prefixes,
//! Homebrew, snap, nix, version-manager directories, …).
//!
//! Each directory is listed once (`read_dir`), not stat'ed once per tool name:
//! ~20 directory reads instead of thousands of failed `stat` calls.

use crate::base::paths::is_executable_file;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// One directory to search, and whether it is on the user's PATH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDir {
    pub path: PathBuf,
    pub on_path: bool,
}

/// An executable found under one of the search directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    pub on_path: bool,
    /// Position of its directory in the search order (PATH first).
    pub order: usize,
}

/// The environment discovery reads, captured once so it can be passed around.
#[derive(Debug, Clone, Default)]
pub struct HostEnv {
    pub path: Option<OsString>,
    pub home: Option<PathBuf>,
    pub(crate) vars: HashMap<String, OsString>,
}

/// Variables that move the hidden places.
const LOCATION_VARS: &[&str] = &[
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "GOPATH",
    "GOBIN",
    "BUN_INSTALL",
    "DENO_INSTALL",
    "NPM_CONFIG_PREFIX",
    "NVM_DIR",
    "VOLTA_HOME",
    "PNPM_HOME",
    "PYENV_ROOT",
    "PYENV_VERSION",
    "RBENV_ROOT",
    "RBENV_VERSION",
    "ASDF_DATA_DIR",
    "MISE_DATA_DIR",
    "PIPX_HOME",
    "PIPX_BIN_DIR",
    "UV_TOOL_DIR",
    "UV_TOOL_BIN_DIR",
    "SDKMAN_DIR",
    "XDG_DATA_HOME",
];

impl HostEnv {
    /// Captures the current process environment.
    pub fn capture() -> HostEnv {
        let vars = LOCATION_VARS
            .iter()
            .filter_map(|k| {
                std::env::var_os(k)
                    .filter(|v| !v.is_empty())
                    .map(|v| ((*k).to_owned(), v))
            })
            .collect();
        HostEnv {
            path: std::env::var_os("PATH"),
            home: std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(PathBuf::from),
            vars,
        }
    }

    /// A captured variable.
    pub fn var(&self, key: &str) -> Option<&OsString> {
        self.vars.get(key)
    }

    /// A variable as a path, or `$HOME/default`.
    pub fn dir_or_home(&self, key: &str, default: &str) -> Option<PathBuf> {
        self.var(key)
            .map(PathBuf::from)
            .or_else(|| self.home.as_ref().map(|h| h.join(default)))
    }

    /// `$XDG_DATA_HOME` or `~/.local/share`.
    pub fn data_home(&self) -> Option<PathBuf> {
        self.dir_or_home("XDG_DATA_HOME", ".local/share")
    }

    /// `$XDG_CONFIG_HOME` or `~/.config`.
    pub fn config_home(&self) -> Option<PathBuf> {
        self.dir_or_home("XDG_CONFIG_HOME", ".config")
    }

    /// The PATH entries in order.
    pub fn path_entries(&self) -> Vec<PathBuf> {
        self.path
            .as_ref()
            .map(|p| {
                std::env::split_paths(p)
                    .filter(|d| !d.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// PATH first (in order), then hidden places; each real directory once.
pub fn search_dirs(env: &HostEnv) -> Vec<SearchDir> {
    let mut seen = HashSet::new();
    let mut dirs = Vec::new();
    let mut add = |path: PathBuf, on_path: bool| {
        let Ok(real) = std::fs::canonicalize(&path) else {
            return;
        };
        if real.is_dir() && seen.insert(real) {
            dirs.push(SearchDir { path, on_path });
        }
    };
    for entry in env.path_entries() {
        if entry.is_absolute() {
            add(entry, true);
        }
    }
    for hidden in hidden_dirs(env) {
        add(hidden, false);
    }
    dirs
}

fn hidden_dirs(env: &HostEnv) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let home = env.home.clone();
    let h = |rel: &str| home.as_ref().map(|h| h.join(rel));
    // `go install` puts programs in GOBIN when it is set, else GOPATH/bin.
    out.extend(env.var("GOBIN").map(PathBuf::from));
    // (variable that moves it, default under HOME, subdirectory holding the programs)
    let relocatable = [
        ("CARGO_HOME", ".cargo", "bin"),
        ("GOPATH", "go", "bin"),
        ("BUN_INSTALL", ".bun", "bin"),
        ("DENO_INSTALL", ".deno", "bin"),
    ];
    for (var, default, sub) in relocatable {
        out.extend(env.dir_or_home(var, default).map(|d| d.join(sub)));
    }
    out.push(PathBuf::from("/usr/local/go/bin"));
    out.extend(
        env.var("NPM_CONFIG_PREFIX")
            .map(|p| PathBuf::from(p).join("bin")),
    );
    out.extend(npmrc_prefix(home.as_deref()).map(|p| p.join("bin")));
    for rel in [
        ".local/bin",
        "bin",
        ".npm-global/bin",
        ".npm-packages/bin",
        ".yarn/bin",
        ".dotnet/tools",
    ] {
        out.extend(h(rel));
    }
    out.extend(env.var("PIPX_BIN_DIR").map(PathBuf::from));
    out.extend(env.var("UV_TOOL_BIN_DIR").map(PathBuf::from));
    out.extend(env.var("PNPM_HOME").map(PathBuf::from));
    out.extend(env.data_home().map(|d| d.join("pnpm")));
    let managers = [
        ("VOLTA_HOME", ".volta", "bin"),
        ("PYENV_ROOT", ".pyenv", "shims"),
        ("RBENV_ROOT", ".rbenv", "shims"),
        ("ASDF_DATA_DIR", ".asdf", "shims"),
    ];
    for (var, default, sub) in managers {
        out.extend(env.dir_or_home(var, default).map(|d| d.join(sub)));
    }
    out.extend(
        env.var("MISE_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| env.data_home().map(|d| d.join("mise")))
            .map(|d| d.join("shims")),
    );
    // Every node that nvm or fnm manages, newest first: off-PATH installs.
    out.extend(versioned_bins(
        &env.dir_or_home("NVM_DIR", ".nvm")
            .map(|d| d.join("versions/node")),
        "bin",
    ));
    out.extend(versioned_bins(
        &env.data_home().map(|d| d.join("fnm/node-versions")),
        "installation/bin",
    ));
    out.extend(versioned_bins(
        &env.dir_or_home("SDKMAN_DIR", ".sdkman")
            .map(|d| d.join("candidates")),
        "current/bin",
    ));
    for fixed in [
        "/usr/local/bin",
        "/usr/local/sbin",
        "/usr/bin",
        "/usr/sbin",
        "/bin",
        "/sbin",
        "/snap/bin",
        "/opt/homebrew/bin",
        "/home/linuxbrew/.linuxbrew/bin",
        "/nix/var/nix/profiles/default/bin",
    ] {
        out.push(PathBuf::from(fixed));
    }
    out.extend(h(".linuxbrew/bin"));
    out.extend(h(".nix-profile/bin"));
    out
}

/// `<root>/*/<tail>` for each entry of root, newest version first.
fn versioned_bins(root: &Option<PathBuf>, tail: &str) -> Vec<PathBuf> {
    let Some(root) = root else { return Vec::new() };
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut found: Vec<(Option<crate::model::Version>, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (
                crate::model::Version::parse(&name).ok(),
                e.path().join(tail),
            )
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().map(|(_, p)| p).collect()
}

/// `prefix=` from `~/.npmrc`, where `npm -g` puts bins when the user set one.
fn npmrc_prefix(home: Option<&Path>) -> Option<PathBuf> {
    let home = home?;
    let text = crate::state::read_text(home.join(".npmrc"), 16 * crate::state::MIB).ok()?;
    text.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == "prefix").then(|| {
            let value = value.trim();
            match value.strip_prefix("~/") {
                Some(rest) => home.join(rest),
                None => PathBuf::from(value),
            }
        })
    })
}

/// Every executable named in `wanted`, per name, in search order.
pub fn index_bins(dirs: &[SearchDir], wanted: &HashSet<&str>) -> HashMap<String, Vec<Candidate>> {
    let mut index: HashMap<String, Vec<Candidate>> = HashMap::new();
    for (order, dir) in dirs.iter().enumerate() {
        let Ok(entries) = std::fs::read_dir(&dir.path) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !wanted.contains(name) {
                continue;
            }
            let path = entry.path();
            if is_executable_file(&path) {
                index.entry(name.to_owned()).or_default().push(Candidate {
                    path,
                    on_path: dir.on_path,
                    order,
                });
            }
        }
    }
    index
}
