//! apt: Debian and Ubuntu system packages (needs root).
//!
//! apt: Debian and Ubuntu packages. The check reads apt's own cached lists
//! (`apt list --upgradable`, no root) and then asks apt what the update
//! would really do (`apt-get -s dist-upgrade`, a simulation, no root, no
//! lock): a held package, one kept back by Ubuntu's phased updates or by
//! its dependencies is not pending, and a new package the upgrade pulls in
//! is. Refreshing the lists is `apt-get update`, which needs root. A
//! candidate from a `-security` suite is a security update.

use std::collections::BTreeMap;

use super::{
    Candidate, CheckContext, Ecosystem, Installer, LockFile, Manager, Pending, Phase, Stage,
    Updater, argv, system_level,
};
use crate::base::environment::EnvKind;
use crate::base::host::Host;
use crate::model::Method;

pub struct Apt;

impl Manager for Apt {
    fn id(&self) -> &'static str {
        "apt"
    }
    fn installer(&self) -> Option<&dyn Installer> {
        Some(self)
    }
    fn updater(&self) -> Option<&dyn Updater> {
        Some(self)
    }
}

impl Installer for Apt {
    fn install_key(&self) -> &'static str {
        "apt"
    }
    fn ecosystem(&self) -> Ecosystem {
        Ecosystem::System
    }
    fn rank(&self, environment: EnvKind) -> u32 {
        system_level(1, environment)
    }
    fn program(&self) -> &'static str {
        "apt-get"
    }
    fn needs_sudo(&self) -> bool {
        true
    }
    fn install(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}={v}"));
        argv(&[
            "apt-get",
            "install",
            "--yes",
            "--no-install-recommends",
            &spec,
        ])
    }
    fn upgrade(&self, package: &str, version: Option<&str>) -> Vec<String> {
        let spec = version.map_or_else(|| package.to_owned(), |v| format!("{package}={v}"));
        argv(&["apt-get", "install", "--yes", "--only-upgrade", &spec])
    }
    fn candidate_query(&self, packages: &[&str]) -> Option<Vec<String>> {
        let mut out = argv(&["apt-cache", "policy"]);
        out.extend(packages.iter().map(|p| (*p).to_owned()));
        Some(out)
    }
    /// One block per package: `NAME:` then `  Installed: 2.14.18-1` and
    /// `  Candidate: 2.14.18-1` (either may be `(none)`).
    fn parse_candidates(&self, output: &str) -> BTreeMap<String, Candidate> {
        let mut out: BTreeMap<String, Candidate> = BTreeMap::new();
        let mut current: Option<String> = None;
        let version = |v: &str| {
            let v = v.trim();
            (!v.is_empty() && v != "(none)").then(|| v.to_owned())
        };
        for line in output.lines() {
            if !line.starts_with(' ') && line.ends_with(':') {
                let name = line.split(':').next().unwrap_or("").to_owned();
                out.entry(name.clone()).or_default();
                current = Some(name);
            } else if let Some(entry) = current.as_ref().and_then(|n| out.get_mut(n)) {
                if let Some(v) = line.trim().strip_prefix("Candidate:") {
                    entry.candidate = version(v);
                } else if let Some(v) = line.trim().strip_prefix("Installed:") {
                    entry.installed = version(v);
                }
            }
        }
        out
    }
    fn upstream_of(&self, version: &str) -> Option<String> {
        super::distro_upstream(version)
    }
    fn uninstall(&self, package: &str) -> Vec<String> {
        argv(&["apt-get", "remove", "--yes", package])
    }
    /// dpkg's lock is held by another apt or unattended-upgrades: worth waiting for.
    fn retryable(&self, output: &str) -> bool {
        output.contains("Could not get lock") || output.contains("Temporary failure resolving")
    }
    fn method(&self) -> Method {
        Method::Apt
    }
    fn backup_scope(&self) -> super::BackupScope {
        super::BackupScope::Manager
    }
}

/// dpkg's admin dir as apt sees it: the directory of `Dir::State::status`.
fn admin_dir() -> Option<std::path::PathBuf> {
    let apt_config = Host::current().which("apt-config")?;
    let args = [
        "shell".to_owned(),
        "STATUS".to_owned(),
        "Dir::State::status/f".to_owned(),
    ];
    let out =
        crate::exec::run_quick(&apt_config, &args, std::time::Duration::from_secs(10)).ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let value = text.trim().strip_prefix("STATUS='")?.strip_suffix('\'')?;
    std::path::Path::new(value)
        .parent()
        .map(std::path::Path::to_path_buf)
}

/// Debian's package-name grammar (policy 5.6.1): lower-case letters,
/// digits, `+`, `-`, `.`, at least two characters, starting alphanumeric.
pub fn is_package_name(name: &str) -> bool {
    name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
}

/// What `apt-get -s dist-upgrade` would install: `Inst NAME [OLD] (NEW
/// ORIGIN/SUITE[, …] [ARCH])` per package (no `[OLD]` for a new one), the
/// architecture qualifier dropped from the name.
pub(super) fn simulated(stdout: &str) -> Vec<Pending> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("Inst ")?;
            let (name, rest) = rest.split_once(' ')?;
            // Only a package name, as apt spells them (fuzz: `Inst :amd64…`).
            let name = name.split(':').next().filter(|n| is_package_name(n))?;
            let (old, rest) = match rest.strip_prefix('[') {
                Some(r) => {
                    let (old, r) = r.split_once(']')?;
                    (Some(old), r.trim_start())
                }
                None => (None, rest),
            };
            let inner = rest.strip_prefix('(')?;
            let (new, origins) = inner.split_once(' ')?;
            let mut p = Pending::new(name, old, Some(new));
            p.security = origins
                .split(',')
                .filter_map(|o| o.split_whitespace().next())
                .any(|o| o.ends_with("-security") || o.contains("-Security:"));
            Some(p)
        })
        .collect()
}

impl Updater for Apt {
    fn stage(&self) -> Stage {
        Stage::System
    }
    fn program(&self) -> &'static str {
        "apt"
    }
    fn check_argv(&self) -> Vec<String> {
        argv(&["apt", "list", "--upgradable"])
    }
    /// `name/suite[,suite…] NEW ARCH [upgradable from: OLD]`.
    fn parse(&self, stdout: &str) -> Result<Vec<Pending>, String> {
        Ok(stdout
            .lines()
            .filter(|l| l.contains("[upgradable from:"))
            .filter_map(|line| {
                let (name, rest) = line.split_once('/')?;
                let mut words = rest.split_whitespace();
                let suites = words.next()?;
                let new = words.next()?;
                let old = line
                    .rsplit_once("[upgradable from:")?
                    .1
                    .trim()
                    .trim_end_matches(']')
                    .trim();
                let mut p = Pending::new(name, Some(old), Some(new));
                p.security = suites.split(',').any(|s| s.ends_with("-security"));
                Some(p)
            })
            .collect())
    }
    /// What the update would really do, from apt's own simulation
    /// (`apt-get -s dist-upgrade`: no root, no lock): held packages and
    /// those kept back are not pending, new dependencies are. It names
    /// each package's old and new version and origin, so the list is read
    /// only where apt cannot simulate (no apt-get, broken dependencies).
    fn check(&self, cx: &CheckContext<'_>) -> Result<Vec<Pending>, String> {
        let simulate = argv(&["apt-get", "-s", "-o", "Debug::NoLocking=1", "dist-upgrade"]);
        if let Ok(sim) = cx.run(&simulate)
            && sim.code == 0
        {
            let mut pending = simulated(&sim.stdout);
            // Upgrades in the order `apt list` gives them (it sorts
            // `name/suite`), then the new packages.
            pending.sort_by_cached_key(|p| (p.from.is_none(), format!("{}/", p.name)));
            return Ok(pending);
        }
        let argv_list = self.check_argv();
        let out = cx.run(&argv_list)?;
        if out.code != 0 {
            let why = out.stderr.lines().last().unwrap_or("").trim().to_owned();
            return Err(format!(
                "`{}` exited {}: {why}",
                argv_list.join(" "),
                out.code
            ));
        }
        self.parse(&out.stdout)
    }
    fn refresh_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["apt-get", "update"]))
    }
    fn download_argv(&self) -> Option<Vec<String>> {
        Some(argv(&[
            "apt-get",
            "--yes",
            "--download-only",
            "dist-upgrade",
        ]))
    }
    fn update_argv(&self) -> Vec<String> {
        argv(&["apt-get", "--yes", "dist-upgrade"])
    }
    /// Exactly the packages whose candidate comes from a security suite.
    fn security_update_argv(&self, security: &[Pending]) -> Option<Vec<String>> {
        let mut out = argv(&["apt-get", "install", "--yes", "--only-upgrade"]);
        out.extend(
            security
                .iter()
                .filter(|p| p.security && is_package_name(&p.name))
                .map(|p| p.name.clone()),
        );
        Some(out)
    }
    /// `is_package_name`'s grammar, for the drop-in's security-only line.
    fn security_name_pattern(&self) -> Option<&'static str> {
        Some("[a-z0-9][a-z0-9+.-]+")
    }
    /// The shapes toolup runs apt in; the program
    /// may be named by its absolute path (behind `sudo -n`, as granted).
    fn check_shape(&self, command: &[String]) -> Result<(), String> {
        let mut words: Vec<&str> = command.iter().map(String::as_str).collect();
        if let Some(first) = words.first_mut()
            && first.starts_with('/')
        {
            *first = first.rsplit('/').next().unwrap_or_default();
        }
        let fixed: [&[&str]; 4] = [
            &["apt-get", "update"],
            &["apt-get", "--yes", "dist-upgrade"],
            &["apt-get", "--yes", "--download-only", "dist-upgrade"],
            &["dpkg", "--configure", "-a"],
        ];
        if fixed.contains(&words.as_slice()) {
            return Ok(());
        }
        match words.as_slice() {
            ["apt-get", "install", "--yes", "--only-upgrade", names @ ..]
                if !names.is_empty() && names.iter().all(|n| is_package_name(n)) =>
            {
                Ok(())
            }
            _ => Err(format!(
                "not a command toolup runs apt with: {}",
                command.join(" ")
            )),
        }
    }
    fn needs_root(&self) -> bool {
        true
    }
    fn writes(&self, _host: &Host) -> Vec<std::path::PathBuf> {
        vec!["/var/cache/apt/archives".into(), "/usr".into()]
    }
    /// dpkg left half-done work (its journal of updates is not empty):
    /// `dpkg --configure -a` finishes it before anything else runs.
    fn repair_argv(&self) -> Option<Vec<String>> {
        Some(argv(&["dpkg", "--configure", "-a"]))
    }
    fn needs_repair(&self) -> bool {
        std::fs::read_dir("/var/lib/dpkg/updates").is_ok_and(|mut d| d.next().is_some())
    }
    /// dpkg's locks in the admin dir apt is configured with (`APT_CONFIG`
    /// may point it elsewhere).
    fn lock_files(&self) -> Vec<LockFile> {
        let admin = admin_dir().unwrap_or_else(|| "/var/lib/dpkg".into());
        vec![
            LockFile::Fcntl(admin.join("lock-frontend")),
            LockFile::Fcntl(admin.join("lock")),
        ]
    }
    fn locks(&self, phase: Phase) -> Vec<&'static str> {
        match phase {
            Phase::Check => vec![],
            Phase::Download => vec!["pkgmgr:apt-archives", "system:network"],
            Phase::Update => vec!["pkgmgr:dpkg"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulation_names_upgrades_with_their_origin_and_new_packages() {
        let sim = simulated(
            "NOTE: This is only a simulation!\n\
             Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n\
             Inst libssl3:amd64 [3.0.11] (3.0.15 Debian:12/stable, Debian-Security:12/stable-security [amd64]) []\n\
             Inst newdep (1.4 Debian:12/stable [amd64])\n\
             Conf bash (5.2.15-2+b13 Debian:12.15/oldstable [amd64])\n",
        );
        let names: Vec<(&str, Option<&str>)> = sim
            .iter()
            .map(|p| (p.name.as_str(), p.from.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("bash", Some("5.2.15-2+b8")),
                ("libssl3", Some("3.0.11")),
                ("newdep", None)
            ]
        );
        assert!(sim[1].security && !sim[0].security);
    }

    #[test]
    fn a_simulated_line_without_a_package_name_is_no_update() {
        // tests/fuzz_regressions/apt_simulate/no-package-name
        let sim = simulated(
            "Inst :amd64bash [1] (2 Debian:12/stable [amd64])\n\
             Inst  [1] (2 Debian:12/stable [amd64])\n\
             Inst Bad_Name [1] (2 Debian:12/stable [amd64])\n\
             Inst ok [1] (2 Debian:12/stable [amd64])\n",
        );
        let names: Vec<&str> = sim.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["ok"]);
    }
}
