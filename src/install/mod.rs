//! Package managers, one file each behind one small trait. Adding a manager
//! is one new file and one line in `ALL`.
//!
//! A manager only *describes* what it would run (argv, sudo, which failures
//! are worth retrying); `exec` runs it and `plan` chooses it.

mod apt;
mod brew;
mod cargo;
mod cargo_binstall;
mod dnf;
mod gem;
pub mod github_release;
mod go;
mod npm;
mod pacman;
mod pip;
mod pipx;
mod pnpm;
mod rustup;
mod uv;

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

/// One package manager.
pub trait PackageManager: Sync {
    /// Its id (`uv`, `npm`, `apt`, …).
    fn id(&self) -> &'static str;
    /// The catalog `[install]` key whose package name it takes.
    fn install_key(&self) -> &'static str;
    fn ecosystem(&self) -> Ecosystem;
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
    /// For managers with their own repositories: a read-only argv (no root)
    /// asking which version of `package` they would install.
    fn candidate_query(&self, _package: &str) -> Option<Vec<String>> {
        None
    }
    /// The candidate, in the manager's spelling, from that query's output;
    /// `None` when it has none.
    fn parse_candidate(&self, _output: &str) -> Option<String> {
        None
    }
    /// The installed package's version (the manager's spelling) from the
    /// same query's output, where it says.
    fn parse_installed(&self, _output: &str) -> Option<String> {
        None
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

/// Every manager toolup knows, in no particular order (`plan` orders them).
pub static ALL: &[&dyn PackageManager] = &[
    &uv::Uv,
    &pipx::Pipx,
    &pip::Pip,
    &npm::Npm,
    &pnpm::Pnpm,
    &cargo::Cargo,
    &cargo_binstall::CargoBinstall,
    &rustup::Rustup,
    &go::Go,
    &gem::Gem,
    &brew::Brew,
    &apt::Apt,
    &dnf::Dnf,
    &pacman::Pacman,
    &github_release::GithubRelease,
];

/// The manager with this id.
pub fn by_id(id: &str) -> Option<&'static dyn PackageManager> {
    ALL.iter().copied().find(|m| m.id() == id)
}

/// The manager that a tool installed by `method` should be upgraded with.
pub fn for_method(method: Method) -> Option<&'static dyn PackageManager> {
    ALL.iter().copied().find(|m| m.method() == method)
}

/// The upstream release in a distribution's `[epoch:]version[-release]`.
fn distro_upstream(version: &str) -> Option<String> {
    crate::upstream::debian_upstream_version(version)
}

/// A Python requirement: `package` or `package==version`.
fn python_spec(package: &str, version: Option<&str>) -> String {
    version.map_or_else(|| package.to_owned(), |v| format!("{package}=={v}"))
}

fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_manager_builds_argv_without_a_shell() {
        for m in ALL {
            let upgrade = m.upgrade("pkg", None);
            for argv in [
                m.install("pkg", None),
                m.install("pkg", Some("1.2.3")),
                upgrade.clone(),
                m.uninstall("pkg"),
            ] {
                assert!(!argv.is_empty(), "{}", m.id());
                // cargo-binstall installs, and leaves removal to cargo; the
                // release installer is toolup itself, wherever it lives.
                match m.id() {
                    "cargo-binstall" if argv[1] == "uninstall" => assert_eq!(argv[0], "cargo"),
                    "github" => assert_eq!(argv[1], "fetch-release"),
                    _ => assert_eq!(argv[0], m.program(), "{}: the program comes first", m.id()),
                }
                assert!(
                    argv.iter().all(|a| !a.contains(' ')),
                    "{}: {argv:?}",
                    m.id()
                );
            }
            // rustup upgrades whole toolchains, every other manager names the package.
            assert!(
                m.id() == "rustup" || upgrade.iter().any(|a| a.contains("pkg")),
                "{}: {upgrade:?}",
                m.id()
            );
        }
    }

    #[test]
    fn system_managers_say_what_they_would_install() {
        let apt = by_id("apt").unwrap();
        let policy =
            "ansible-core:\n  Installed: 2.14.18-1\n  Candidate: 2.14.18-1\n  Version table:\n";
        assert_eq!(apt.parse_candidate(policy).as_deref(), Some("2.14.18-1"));
        assert_eq!(
            apt.parse_candidate("x:\n  Installed: (none)\n  Candidate: (none)\n"),
            None
        );
        assert_eq!(
            apt.upstream_of("1:2.43.0+dfsg-2").as_deref(),
            Some("2.43.0")
        );
        assert_eq!(
            apt.upgrade("git", Some("1:2.43.0-2"))
                .last()
                .map(String::as_str),
            Some("git=1:2.43.0-2")
        );
        let dnf = by_id("dnf").unwrap();
        assert_eq!(
            dnf.parse_candidate("\n2:9.1.083-1.fc40\n").as_deref(),
            Some("2:9.1.083-1.fc40")
        );
        assert_eq!(
            dnf.upstream_of("2:9.1.083-1.fc40").as_deref(),
            Some("9.1.083")
        );
        assert_eq!(
            dnf.install("vim-enhanced", Some("2:9.1.083-1.fc40"))
                .last()
                .map(String::as_str),
            Some("vim-enhanced-9.1.083-1.fc40")
        );
        let pacman = by_id("pacman").unwrap();
        let info =
            "Repository      : extra\nName            : ripgrep\nVersion         : 14.1.1-1\n";
        assert_eq!(pacman.parse_candidate(info).as_deref(), Some("14.1.1-1"));
        assert_eq!(pacman.upstream_of("14.1.1-1").as_deref(), Some("14.1.1"));
        let brew = by_id("brew").unwrap();
        let json =
            r#"{"formulae": [{"name": "jq", "versions": {"stable": "1.7.1"}}], "casks": []}"#;
        assert_eq!(brew.parse_candidate(json).as_deref(), Some("1.7.1"));
        assert!(!brew.pins_versions() && !pacman.pins_versions() && apt.pins_versions());
    }

    #[test]
    fn ids_are_unique_and_methods_map_back() {
        let mut ids: Vec<_> = ALL.iter().map(|m| m.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len());
        assert_eq!(for_method(Method::Pipx).map(|m| m.id()), Some("pipx"));
        assert_eq!(for_method(Method::Homebrew).map(|m| m.id()), Some("brew"));
        assert_eq!(by_id("apt").map(|m| m.needs_sudo()), Some(true));
    }
}
