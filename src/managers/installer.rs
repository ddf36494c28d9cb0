//! The installer role: what a package manager runs to install, upgrade and
//! remove one tool, how an upgrade through it is backed up, which ecosystem
//! it serves and where it stands among the managers that could install a
//! tool.

use std::collections::BTreeMap;

use super::Manager;
use crate::base::environment::EnvKind;
use crate::model::Method;

/// What a backup before an upgrade must hold for a restore to bring the old
/// version back whole, per manager (see docs/architecture.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupScope {
    /// The program file the user runs (resolved): cargo, go, release binaries, gem binstubs.
    Program,
    /// The package's whole directory and the link into it: npm, pnpm.
    PackageDir,
    /// The tool's virtual environment and the link into it: pipx, uv.
    Venv,
    /// Nothing is copied: the exact old version is installed again (pip,
    /// whose files are spread over a shared environment).
    Reinstall,
    /// The manager's own transactions (apt, dnf, pacman, brew) or channel
    /// (rustup) are the unit: toolup copies none of its files.
    Manager,
}

/// A system manager's answer about one package, in its own spelling of
/// versions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidate {
    /// What it would install (`None`: nothing).
    pub candidate: Option<String>,
    /// What it has installed, where it says.
    pub installed: Option<String>,
}

impl Candidate {
    /// The answer as a plan may use it: its versions one line of plain text
    /// that cannot read as an option (a plan may pin the candidate on a
    /// command line, `apt-get install git=VERSION`); else why not.
    pub fn checked(&self) -> Result<Candidate, String> {
        for version in [&self.candidate, &self.installed].into_iter().flatten() {
            if version.is_empty() || version.starts_with('-') || version.contains(char::is_control)
            {
                return Err(format!("it answered {version:?}, which is no version"));
            }
        }
        Ok(self.clone())
    }
}

/// Which ecosystem a manager serves; a tool's `[install]` key names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    Python,
    Node,
    Rust,
    Go,
    Ruby,
    System,
}

impl Ecosystem {
    pub fn id(self) -> &'static str {
        match self {
            Ecosystem::Python => "python",
            Ecosystem::Node => "node",
            Ecosystem::Rust => "rust",
            Ecosystem::Go => "go",
            Ecosystem::Ruby => "ruby",
            Ecosystem::System => "system",
        }
    }
}

/// A package manager's first role: installing and upgrading one tool
/// (`toolup install`, `upgrade`, `reconcile`), described as argv that the
/// install transaction runs through `exec`.
pub trait Installer: Manager {
    /// The catalog `[install]` key whose package name it takes.
    fn install_key(&self) -> &'static str;
    fn ecosystem(&self) -> Ecosystem;
    /// Where it stands among the managers that could install a tool in
    /// this kind of environment: lower is preferred (`user_level`,
    /// `system_level`).
    fn rank(&self, environment: EnvKind) -> u32;
    /// The program that must be on PATH for it to be available.
    fn program(&self) -> &'static str;
    /// True for system managers that write outside the user's home.
    fn needs_sudo(&self) -> bool {
        false
    }
    /// argv to install `package` (exactly `version` when given, in the
    /// manager's own spelling: a candidate for system managers).
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String>;
    /// argv to upgrade an installed `package` (to exactly `version` when given).
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String>;
    /// False where the argv cannot name a version (pacman, brew and rustup
    /// install what their repository or channel holds): the plan then
    /// targets what the manager says it would install, and validation
    /// demands exactly that.
    fn pins_versions(&self) -> bool {
        true
    }
    /// For managers with their own repositories: one read-only argv (no
    /// root) asking which version of each of `packages` they would install
    /// (`apt-cache policy A B C`), so a plan asks each manager once.
    fn candidate_query(&self, _packages: &[&str]) -> Option<Vec<String>> {
        None
    }
    /// Each package's answer in that query's output, by name, in the
    /// manager's spelling of versions; a package it does not know is absent.
    fn parse_candidates(&self, _output: &str) -> BTreeMap<String, Candidate> {
        BTreeMap::new()
    }
    /// The upstream release inside a version in the manager's spelling
    /// (`1:2.43.0-1` is `2.43.0`), to compare with what is installed.
    fn upstream_of(&self, version: &str) -> Option<String> {
        Some(version.to_owned())
    }
    fn uninstall(&self, package: &str) -> Vec<String>;
    /// Output that says a retry may succeed (network trouble, a held lock).
    fn retryable(&self, output: &str) -> bool {
        let lower = output.to_ascii_lowercase();
        [
            "timed out",
            "timeout",
            "temporary failure",
            "connection reset",
            "could not resolve",
            "econnreset",
            "etimedout",
            "network is unreachable",
        ]
        .iter()
        .any(|p| lower.contains(p))
    }
    /// The install method a tool it installed is classified as.
    fn method(&self) -> Method;
    /// What a backup before an upgrade holds.
    fn backup_scope(&self) -> BackupScope {
        BackupScope::Program
    }
    /// True when it needs no program on PATH (toolup's own release installer).
    fn always_available(&self) -> bool {
        false
    }
}

/// The rank of a user-level manager (no root needed), `order`-th among
/// them: first on a workstation and in CI, after the system's on a server.
pub(super) fn user_level(order: u32, environment: EnvKind) -> u32 {
    match environment {
        EnvKind::Server => 100 + order,
        EnvKind::Workstation | EnvKind::Ci => order,
    }
}

/// The rank of a system-level manager, `order`-th among them: first on a
/// server, after the user-level ones elsewhere.
pub(super) fn system_level(order: u32, environment: EnvKind) -> u32 {
    match environment {
        EnvKind::Server => order,
        EnvKind::Workstation | EnvKind::Ci => 100 + order,
    }
}

/// The upstream release in a distribution's `[epoch:]version[-release]`.
pub(super) fn distro_upstream(version: &str) -> Option<String> {
    crate::upstream::debian_upstream_version(version)
}

/// A Python requirement: `package` or `package==version`.
pub(super) fn python_spec(package: &str, version: Option<&str>) -> String {
    version.map_or_else(|| package.to_owned(), |v| format!("{package}=={v}"))
}
