//! Where each upstream source lives, and how that was learnt.
//!
//! No registry address is compiled into toolup. For each address a source
//! needs, the first of these wins:
//! 1. toolup's variable (`TOOLUP_PYPI_URL`, …);
//! 2. `[sources]` in toolup's config files;
//! 3. the ecosystem's own client — its variables and configuration files,
//!    read the way the client reads them, then its built-in default as the
//!    installed client itself states it (pip's index model, `uv`'s help,
//!    `npm config get registry`, cargo's index cache) — so a mirror the user
//!    configured for pip, uv, cargo or npm is honoured without a word;
//! 4. toolup's default, only for sources that are not package registries
//!    (GitHub, GitLab, GNU).
//!
//! Discovery runs only for sources a run actually asks, once per run; what a
//! client process answered is cached (keyed by the client's identity and
//! the files it reads), so a warm run starts no client process.

mod answers;
pub use answers::FILE_NAME as ANSWERS_FILE;
pub mod apt;
pub mod cargo;
mod ini;
pub mod npm;
pub mod pip;

pub use answers::{ClientAnswers, Fingerprint};

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// What addresses know of a source: its name, the addresses it needs and
/// where its ecosystem's client keeps them. Every upstream source is one
/// (`sources::Source` builds on it), so addresses never need the sources.
pub trait Registry: Sync {
    /// The kind in catalog `upstream` values (`pypi` in `pypi:ruff`).
    fn kind(&self) -> &'static str;
    /// The registry's name in messages (`PyPI`).
    fn label(&self) -> &'static str;
    /// The base addresses lookups need, the first being the main one.
    fn addresses(&self) -> &'static [AddressSpec];
    /// Where the ecosystem's own client says the registry is (its
    /// configuration, then its built-in default).
    fn discover(&self, _env: &ClientEnv<'_>) -> Discovered {
        Discovered::default()
    }
}

/// One address a source needs.
#[derive(Debug, Clone, Copy)]
pub struct AddressSpec {
    /// The key under `[sources]` in config files (`pypi`, `crates_index`).
    pub key: &'static str,
    /// toolup's variable for it.
    pub variable: &'static str,
    /// What it is, for `toolup doctor` (`package index (Simple API)`).
    pub what: &'static str,
    /// toolup's own default: only for sources that are not package registries.
    pub default: Option<&'static str>,
}

/// A resolved address and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub url: String,
    pub origin: Origin,
}

/// Where an address came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// toolup's variable (`TOOLUP_PYPI_URL`).
    ToolupVariable(&'static str),
    /// `[sources]` in a toolup config file.
    ToolupConfig(PathBuf),
    /// A variable the client reads (`PIP_INDEX_URL`).
    ClientVariable(String),
    /// A client's configuration file and the key in it.
    ClientConfig { file: PathBuf, key: String },
    /// What the installed client answered (its built-in default included).
    ClientAnswer { client: PathBuf, how: String },
    /// What the client keeps on disk (cargo's index cache).
    ClientState(PathBuf),
    /// toolup's own default (not a package registry).
    BuiltIn,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::ToolupVariable(v) => write!(f, "variable {v}"),
            Origin::ToolupConfig(file) => write!(f, "[sources] in {}", file.display()),
            Origin::ClientVariable(v) => write!(f, "variable {v}"),
            Origin::ClientConfig { file, key } => write!(f, "{} ({key})", file.display()),
            Origin::ClientAnswer { client, how } => {
                write!(f, "{how} ({})", client.display())
            }
            Origin::ClientState(path) => write!(f, "{}", path.display()),
            Origin::BuiltIn => f.write_str("toolup's default"),
        }
    }
}

/// What a client's configuration says.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    /// Addresses by key, with their origins.
    pub found: Vec<(&'static str, String, Origin)>,
    /// Every place looked, in order, for messages and `toolup doctor`.
    pub looked_in: Vec<String>,
    /// Why nothing usable was found, when a place said something toolup
    /// cannot use (a vendored cargo source, a git-only index).
    pub problem: Option<String>,
    /// The clients asked, in a few words (`pip, uv or their configuration`).
    pub asked: &'static str,
}

impl Discovered {
    /// Records a found address.
    pub fn found(&mut self, key: &'static str, url: &str, origin: Origin) {
        if !self.found.iter().any(|(k, _, _)| *k == key) {
            self.found.push((key, trim_url(url), origin));
        }
    }

    /// True once the main address (`key`) is known.
    pub fn has(&self, key: &str) -> bool {
        self.found.iter().any(|(k, _, _)| *k == key)
    }
}

/// What discovery may read: the user's directories, variables and PATH.
pub struct ClientEnv<'a> {
    pub home: Option<&'a Path>,
    pub cwd: &'a Path,
    pub path: Option<&'a std::ffi::OsStr>,
    pub answers: &'a ClientAnswers,
    /// toolup's cache directory (a neutral working directory for clients).
    pub cache_dir: Option<&'a Path>,
}

impl ClientEnv<'_> {
    /// A non-empty variable.
    pub fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.trim().is_empty())
    }

    /// The first executable named `name` on PATH.
    pub fn program(&self, name: &str) -> Option<PathBuf> {
        self.programs(name).into_iter().next()
    }

    /// Every distinct executable named `name` on PATH, in PATH order (a
    /// version manager's shim that cannot answer is followed by the rest).
    pub fn programs(&self, name: &str) -> Vec<PathBuf> {
        let Some(path) = self.path else {
            return Vec::new();
        };
        let mut seen = std::collections::BTreeSet::new();
        std::env::split_paths(path)
            .map(|d| d.join(name))
            .filter(|p| crate::base::paths::is_executable_file(p))
            .filter(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())))
            .collect()
    }

    /// `$XDG_CONFIG_HOME` or `~/.config`.
    pub fn config_home(&self) -> Option<PathBuf> {
        self.var("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| self.home.map(|h| h.join(".config")))
    }
}

/// One source's resolved addresses and what discovery saw.
#[derive(Debug, Clone, Default)]
pub struct Resolved {
    pub addresses: BTreeMap<&'static str, Address>,
    /// Present when the client was consulted.
    pub discovered: Option<Discovered>,
}

/// Every source's addresses for one run, resolved on first use.
pub struct Addresses {
    /// `[sources]` from toolup's config files: key → (url, file).
    configured: BTreeMap<String, (String, PathBuf)>,
    home: Option<PathBuf>,
    cwd: PathBuf,
    path: Option<OsString>,
    cache_dir: Option<PathBuf>,
    answers: ClientAnswers,
    resolved: Mutex<BTreeMap<&'static str, Arc<OnceLock<Arc<Resolved>>>>>,
}

impl Addresses {
    /// Addresses for this process: its variables, `configured` (`[sources]`
    /// by key: URL and file) and the clients found from `home`, `cwd` and
    /// PATH; client answers are cached in `cache_dir`.
    pub fn new(
        configured: BTreeMap<String, (String, PathBuf)>,
        home: Option<PathBuf>,
        cache_dir: Option<PathBuf>,
    ) -> Addresses {
        let answers = ClientAnswers::load(cache_dir.as_ref().map(|d| d.join(answers::FILE_NAME)));
        Addresses {
            configured,
            home,
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            path: std::env::var_os("PATH"),
            cache_dir,
            answers,
            resolved: Mutex::new(BTreeMap::new()),
        }
    }

    /// The address `key` of `source`, resolving the source on first use.
    pub fn get(&self, source: &dyn Registry, key: &str) -> Option<Address> {
        self.resolve(source).addresses.get(key).cloned()
    }

    /// Everything known about `source`'s addresses (for `toolup doctor`).
    pub fn resolve(&self, source: &dyn Registry) -> Arc<Resolved> {
        let slot = self
            .resolved
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(source.kind())
            .or_default()
            .clone();
        slot.get_or_init(|| Arc::new(self.resolve_now(source)))
            .clone()
    }

    fn resolve_now(&self, source: &dyn Registry) -> Resolved {
        let specs = source.addresses();
        let explicit = |spec: &AddressSpec| -> Option<Address> {
            if let Some(url) = std::env::var(spec.variable)
                .ok()
                .filter(|v| !v.trim().is_empty())
            {
                return Some(Address {
                    url: trim_url(&url),
                    origin: Origin::ToolupVariable(spec.variable),
                });
            }
            self.configured.get(spec.key).map(|(url, file)| Address {
                url: trim_url(url),
                origin: Origin::ToolupConfig(file.clone()),
            })
        };
        let mut out = Resolved::default();
        let main_explicit = specs.first().and_then(explicit);
        // The client is asked only when the main address is not set by hand:
        // a hand-set index never mixes with a client's API address.
        let discovered = match main_explicit {
            Some(_) => None,
            None => {
                let env = ClientEnv {
                    home: self.home.as_deref(),
                    cwd: &self.cwd,
                    path: self.path.as_deref(),
                    answers: &self.answers,
                    cache_dir: self.cache_dir.as_deref(),
                };
                Some(source.discover(&env))
            }
        };
        for spec in specs {
            let found = explicit(spec)
                .or_else(|| {
                    discovered.as_ref().and_then(|d| {
                        d.found
                            .iter()
                            .find(|(k, _, _)| *k == spec.key)
                            .map(|(_, url, origin)| Address {
                                url: url.clone(),
                                origin: origin.clone(),
                            })
                    })
                })
                .or_else(|| {
                    spec.default.map(|url| Address {
                        url: url.to_owned(),
                        origin: Origin::BuiltIn,
                    })
                });
            if let Some(address) = found {
                tracing::debug!(source = source.kind(), key = spec.key, url = %crate::base::redact::redact(&address.url), origin = %address.origin, "address");
                out.addresses.insert(spec.key, address);
            }
        }
        if let Some(d) = &discovered {
            tracing::debug!(source = source.kind(), looked_in = %d.looked_in.join(", "), problem = ?d.problem, "discovery");
        }
        out.discovered = discovered;
        out
    }

    /// Why `source` has no address: where it was looked for, for the
    /// tool's error and the run's one warning.
    pub fn missing(&self, source: &dyn Registry) -> String {
        let resolved = self.resolve(source);
        let discovered = resolved.discovered.as_ref();
        let main = source.addresses().first();
        let mut text = format!(
            "{}: no {} found",
            source.label(),
            main.map_or("address", |s| s.what)
        );
        if let Some(d) = discovered.filter(|d| !d.asked.is_empty()) {
            text.push_str(&format!(" in {}", d.asked));
        }
        if let Some(problem) = discovered.and_then(|d| d.problem.as_ref()) {
            text.push_str(&format!(" ({problem})"));
        }
        if let Some(spec) = main {
            text.push_str(&format!(
                "; set {} to name one (`toolup doctor` lists every place looked)",
                spec.variable
            ));
        }
        text
    }

    /// The first executable named `name` on this run's PATH.
    pub fn program(&self, name: &str) -> Option<PathBuf> {
        std::env::split_paths(self.path.as_deref()?)
            .map(|d| d.join(name))
            .find(|p| crate::base::paths::is_executable_file(p))
    }

    /// toolup's cache directory, a neutral working directory for clients.
    pub fn cache_dir(&self) -> Option<PathBuf> {
        self.cache_dir.clone()
    }

    /// Saves what clients answered, for the next run.
    pub fn save(&self) {
        self.answers.save();
    }
}

/// Trims whitespace and trailing slashes.
pub fn trim_url(url: &str) -> String {
    url.trim().trim_end_matches('/').to_owned()
}

/// True for `http://` and `https://` URLs.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}
