//! Local discovery: which copies of a tool are on this machine, what version
//! each is, and how each was installed. Never touches the network.
//!
//! Per tool: candidates from the PATH scan (plus hidden places) → shims and
//! proxies resolved → deduplicated by canonical path → version from the probe
//! cache, a shipped record, or a probe → install method → the copy the user
//! actually runs.

mod classify;
mod dpkg;
pub mod parse;
mod probe;
pub use probe::verify;
mod probe_cache;
mod records;
mod resolve;
mod search_path;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

pub use dpkg::DEFAULT_ADMINDIR;
pub use probe::{ProbeOutcome, interpret};
pub use probe_cache::ProbeCache;
pub use resolve::{same_dir, shim_dirs};
pub use search_path::HostEnv;

use crate::catalog::Tool;
use crate::model::{Installation, Method, Version, VersionSource};
use classify::{CargoOwner, Databases, classify};
use dpkg::DpkgIndex;
use probe_cache::{CachedFinding, Fingerprint};
use records::RecordReader;
use search_path::{Candidate, SearchDir, index_bins, search_dirs};

/// Options for a discovery run.
#[derive(Debug, Clone)]
pub struct DiscoverOptions {
    pub probe_timeout: Duration,
    /// Read and write the probe cache.
    pub use_cache: bool,
    /// dpkg's admin directory (`TOOLUP_DPKG_ADMINDIR` moves it for tests).
    pub dpkg_admindir: PathBuf,
}

/// What discovery found for one tool.
#[derive(Debug, Clone, Default)]
pub struct ToolDiscovery {
    /// Every genuine installation, PATH order first.
    pub installations: Vec<Installation>,
    /// Index into `installations` of the copy the user runs.
    pub installed: Option<usize>,
    pub notes: Vec<String>,
    /// Why the installed copy has no version.
    pub error: Option<String>,
}

impl Databases for Discoverer {
    fn dpkg(&self) -> Option<&DpkgIndex> {
        self.dpkg_index()
    }
    fn cargo_owner(&self, cargo_home: &std::path::Path, bin: &str) -> CargoOwner {
        self.records.cargo_owner(cargo_home, bin)
    }
}

/// Shared state for discovering every tool of one run.
pub struct Discoverer {
    env: HostEnv,
    cwd: PathBuf,
    bins: HashMap<String, Vec<Candidate>>,
    dpkg: OnceLock<Option<DpkgIndex>>,
    records: RecordReader,
    cache: ProbeCache,
    cargo_bin: Option<PathBuf>,
    options: DiscoverOptions,
}

impl Discoverer {
    /// Scans the search directories once for every executable name the tools use.
    pub fn new<'a>(
        tools: impl IntoIterator<Item = &'a Tool>,
        env: HostEnv,
        cache: ProbeCache,
        options: DiscoverOptions,
    ) -> Discoverer {
        let wanted: HashSet<&str> = tools
            .into_iter()
            .flat_map(|t| t.spec.bins.iter().map(String::as_str))
            .collect();
        let dirs: Vec<SearchDir> = search_dirs(&env);
        let bins = index_bins(&dirs, &wanted);
        let cargo_bin = env
            .dir_or_home("CARGO_HOME", ".cargo")
            .map(|d| d.join("bin"));
        Discoverer {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")),
            env,
            bins,
            dpkg: OnceLock::new(),
            records: RecordReader::default(),
            cache,
            cargo_bin,
            options,
        }
    }

    /// The probe cache, for saving after the run.
    pub fn cache(&self) -> &ProbeCache {
        &self.cache
    }

    /// dpkg's owners of every executable this run found, read once on first need.
    fn dpkg_index(&self) -> Option<&DpkgIndex> {
        self.dpkg
            .get_or_init(|| {
                let wanted =
                    DpkgIndex::wanted(self.bins.values().flatten().map(|c| c.path.as_path()));
                DpkgIndex::load(&self.options.dpkg_admindir, &wanted)
            })
            .as_ref()
    }

    /// Finds, reads and classifies every copy of `tool`.
    pub fn discover(&self, tool: &Tool) -> ToolDiscovery {
        let mut out = ToolDiscovery::default();
        let mut seen = HashSet::new();
        let mut failures: Vec<Option<String>> = Vec::new();
        for (bin, candidate) in self.candidates(tool) {
            let resolved = resolve::resolve(&candidate.path, bin, &self.env, &self.cwd);
            if let Some(why) = &resolved.unavailable {
                out.notes
                    .push(format!("ignored {}: {why}", candidate.path.display()));
                continue;
            }
            if !seen.insert(resolved.target.clone()) {
                continue;
            }
            match self.read_installation(tool, bin, &candidate, &resolved) {
                Found::Genuine(installation, failure) => {
                    out.installations.push(installation);
                    failures.push(failure);
                }
                Found::Impostor(line) => out.notes.push(format!(
                    "ignored {}: another program with this name ({})",
                    candidate.path.display(),
                    if line.is_empty() { "no output" } else { &line }
                )),
            }
        }
        out.installed = choose_installed(&out.installations);
        if let Some(i) = out.installed {
            out.error = failures[i].clone();
            out.notes.extend(shadow_notes(&out.installations, i));
        }
        out
    }

    /// (bin name, candidate) in search order, then in the catalog's bin order.
    fn candidates<'t>(&self, tool: &'t Tool) -> Vec<(&'t str, Candidate)> {
        let mut all: Vec<(usize, usize, &str, Candidate)> = Vec::new();
        for (bin_order, bin) in tool.spec.bins.iter().enumerate() {
            for c in self.bins.get(bin).into_iter().flatten() {
                all.push((c.order, bin_order, bin, c.clone()));
            }
        }
        all.sort_by_key(|(order, bin_order, ..)| (*order, *bin_order));
        all.into_iter().map(|(_, _, bin, c)| (bin, c)).collect()
    }

    fn read_installation(
        &self,
        tool: &Tool,
        bin: &str,
        candidate: &Candidate,
        resolved: &resolve::Resolved,
    ) -> Found {
        let target = &resolved.target;
        let fingerprint = Fingerprint::of(target);
        let cached = fingerprint
            .as_ref()
            .filter(|_| self.options.use_cache)
            .and_then(|fp| self.cache.get(tool, &candidate.path, target, fp));
        let (finding, failure, class) = match cached {
            Some(finding) => (Some(finding), None, None),
            None => {
                let fresh = self.fresh_finding(tool, bin, candidate, resolved);
                if let (Some(finding), Some(fp), true) =
                    (&fresh.finding, fingerprint, self.options.use_cache)
                {
                    self.cache
                        .put(tool, &candidate.path, target, fp, finding.clone());
                }
                (fresh.finding, fresh.failure, Some(fresh.class))
            }
        };
        let from_cache = class.is_none();
        let make = |version: Option<String>,
                    from,
                    method: Method,
                    reason: String,
                    package: Option<String>| Installation {
            version,
            path: candidate.path.display().to_string(),
            method,
            reason,
            package,
            on_path: candidate.on_path,
            version_from: from,
        };
        match finding {
            Some(CachedFinding::Version {
                version,
                from,
                method,
                reason,
                package,
                ..
            }) => {
                let from = if from_cache {
                    VersionSource::Cache
                } else {
                    from
                };
                Found::Genuine(make(Some(version), from, method, reason, package), None)
            }
            Some(CachedFinding::Impostor { line }) => Found::Impostor(line),
            Some(CachedFinding::NoVersion {
                line,
                method,
                reason,
                package,
            }) => Found::Genuine(
                make(None, VersionSource::None, method, reason, package),
                Some(unparsable(&line)),
            ),
            // Timeouts and failures are not cached, so `class` is always fresh here.
            None => {
                let (method, reason, package) = class
                    .map_or((Method::Unknown, String::new(), None), |c| {
                        (c.method, c.reason, c.package)
                    });
                Found::Genuine(
                    make(None, VersionSource::None, method, reason, package),
                    failure,
                )
            }
        }
    }

    /// Classifies and reads the version without the cache: a shipped record
    /// first, then a probe, then (for versionless builds) dpkg's record.
    /// No finding, with a reason, when the probe timed out or could not run.
    fn fresh_finding(
        &self,
        tool: &Tool,
        bin: &str,
        candidate: &Candidate,
        resolved: &resolve::Resolved,
    ) -> Fresh {
        let target = &resolved.target;
        let class = classify(bin, &candidate.path, resolved, &self.env, self);
        let version = |version: String, from, reason: String, record: Option<&std::path::Path>| {
            let record =
                record.and_then(|p| Fingerprint::of(p).map(|fp| (p.display().to_string(), fp)));
            CachedFinding::Version {
                version,
                from,
                method: class.method,
                reason,
                record,
                package: class.package.clone(),
            }
        };
        let done = |finding: Option<CachedFinding>, failure: Option<String>| Fresh {
            finding,
            failure,
            class: class.clone(),
        };
        if let Some(r) = self
            .records
            .read(tool, &candidate.path, target, self.cargo_bin.as_deref())
        {
            let reason = format!("{}; version from {}", class.reason, r.source);
            let mut finding = version(r.version, VersionSource::Metadata, reason, Some(&r.path));
            if let CachedFinding::Version { package, .. } = &mut finding
                && package.is_none()
            {
                package.clone_from(&r.package);
            }
            return done(Some(finding), None);
        }
        // Run what the user runs (symlink names matter to multi-call
        // binaries), except through shims and proxies, which we skip.
        let program = if resolved.via.is_some() {
            target.as_path()
        } else {
            candidate.path.as_path()
        };
        match probe::probe(tool, program, self.options.probe_timeout) {
            ProbeOutcome::Version { version: v } => done(
                Some(version(v, VersionSource::Probe, class.reason.clone(), None)),
                None,
            ),
            ProbeOutcome::Impostor { line } => done(Some(CachedFinding::Impostor { line }), None),
            // A build that prints no version (Debian's duf, gron): dpkg's
            // record holds while the file is as dpkg installed it.
            ProbeOutcome::NoVersion { line } => {
                let dpkg_package = class
                    .package
                    .as_deref()
                    .filter(|_| class.method == Method::Apt);
                match self.dpkg_version(dpkg_package, target) {
                    Some(v) => {
                        let reason = format!(
                            "{}; version from dpkg (the program prints none)",
                            class.reason
                        );
                        let status = self.options.dpkg_admindir.join("status");
                        done(
                            Some(version(v, VersionSource::Metadata, reason, Some(&status))),
                            None,
                        )
                    }
                    None => {
                        let failure = unparsable(&line);
                        let finding = CachedFinding::NoVersion {
                            line,
                            method: class.method,
                            reason: class.reason.clone(),
                            package: class.package.clone(),
                        };
                        done(Some(finding), Some(failure))
                    }
                }
            }
            ProbeOutcome::TimedOut => done(None, Some("probe timed out".to_owned())),
            ProbeOutcome::Failed(e) => done(None, Some(e)),
        }
    }
}

impl Discoverer {
    /// The upstream version of the dpkg package owning `target`, if the file is as dpkg installed it.
    fn dpkg_version(&self, package: Option<&str>, target: &std::path::Path) -> Option<String> {
        let package = package?;
        let index = self.dpkg_index()?;
        if index.is_modified(package, target)? {
            return None;
        }
        let version = dpkg::upstream_version(&index.package_version(package)?);
        Version::parse(&version).is_ok().then_some(version)
    }
}

/// A finding made now, with the classification it used.
struct Fresh {
    finding: Option<CachedFinding>,
    /// Why the version is missing, when it is.
    failure: Option<String>,
    class: classify::Classification,
}

enum Found {
    /// An installation, and why its version is missing if it is.
    Genuine(Installation, Option<String>),
    Impostor(String),
}

fn unparsable(line: &str) -> String {
    if line.is_empty() {
        "unparsable version output: (empty)".to_owned()
    } else {
        format!("unparsable version output: {line}")
    }
}

/// The copy the user runs: the first on PATH; else the newest off-PATH one.
fn choose_installed(installations: &[Installation]) -> Option<usize> {
    if let Some(i) = installations.iter().position(|i| i.on_path) {
        return Some(i);
    }
    installations
        .iter()
        .enumerate()
        .max_by(|(ai, a), (bi, b)| {
            let (va, vb) = (parsed(a), parsed(b));
            va.cmp(&vb).then_with(|| bi.cmp(ai))
        })
        .map(|(i, _)| i)
}

fn parsed(installation: &Installation) -> Option<Version> {
    installation
        .version
        .as_deref()
        .and_then(|v| Version::parse(v).ok())
}

/// "newer X at P is shadowed" for every copy newer than the one that runs.
fn shadow_notes(installations: &[Installation], installed: usize) -> Vec<String> {
    let Some(current) = parsed(&installations[installed]) else {
        return Vec::new();
    };
    installations
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != installed)
        .filter_map(|(_, other)| {
            let v = parsed(other)?;
            (v > current).then(|| {
                let place = if other.on_path {
                    "shadowed on PATH"
                } else {
                    "off PATH"
                };
                format!(
                    "newer {} at {} ({place}, {})",
                    v,
                    other.path,
                    other.method.id()
                )
            })
        })
        .collect()
}
