//! apt: Debian and Ubuntu packages. The check reads apt's own cached lists
//! (`apt list --upgradable`, no root); refreshing them is `apt-get update`,
//! which needs root. A candidate from a `-security` suite is a security update.

use crate::system::updater::{Host, LockFile, Pending, Phase, Updater, argv};

pub struct Apt;

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

impl Updater for Apt {
    fn id(&self) -> &'static str {
        "apt"
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
    /// The shapes toolup runs apt in (seed 002's whitelist).
    fn check_shape(&self, command: &[String]) -> Result<(), String> {
        let words: Vec<&str> = command.iter().map(String::as_str).collect();
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
